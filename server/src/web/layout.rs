//! What every page's layout needs (`templates/base.html`): the language, who is signed in, the
//! token of the page's forms, the language switch, asset URLs; and turning a page into a
//! response.

use actix_web::{http::StatusCode, HttpResponse};
use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;

use super::{assets, errors::WebError, i18n::Lang};

/// The layout's context; every page template has one as `ctx`.
pub struct Ctx {
    pub lang: Lang,
    /// The signed-in person's name; `None` on the pages of someone signed out.
    user_name: Option<String>,
    /// The token this page's forms carry: the session's, or the sign-in form's own.
    csrf: String,
    /// This page's path, for the language switch to come back to.
    path: String,
    /// The role's pages, for the header: (path, message key).
    nav: &'static [(&'static str, &'static str)],
}

impl Ctx {
    pub fn new(lang: Lang, user_name: Option<String>, csrf: String, path: &str) -> Ctx {
        Ctx {
            lang,
            user_name,
            csrf,
            path: path.to_owned(),
            nav: &[],
        }
    }

    /// With the header's links to the role's pages.
    pub fn with_nav(self, nav: &'static [(&'static str, &'static str)]) -> Ctx {
        Ctx { nav, ..self }
    }

    /// The header's links: path, words, and whether it is this page.
    pub fn nav(&self) -> Vec<(&'static str, String, bool)> {
        self.nav
            .iter()
            .map(|(href, key)| {
                (
                    *href,
                    self.t(key),
                    self.path.split('?').next() == Some(*href),
                )
            })
            .collect()
    }

    /// A page of someone signed out, with no form (error pages).
    pub fn anonymous(lang: Lang) -> Ctx {
        Ctx::new(lang, None, String::new(), "/")
    }

    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// "Signed in: Dr ...", when someone is.
    pub fn signed_in_as(&self) -> Option<String> {
        let name = self.user_name.clone()?;
        Some(
            self.lang
                .t_with("layout-signed-in-as", [("name", FluentValue::from(name))]),
        )
    }

    /// The hashed URL of a file of `server/static/` (`css/app.css`).
    pub fn asset(&self, name: &str) -> &'static str {
        assets::url(name).unwrap_or_else(|| {
            tracing::error!(name, "a template names an asset that is not embedded");
            ""
        })
    }

    /// The hidden field that carries the CSRF token in a form that changes something.
    pub fn csrf_field(&self) -> CsrfField<'_> {
        CsrfField(&self.csrf)
    }

    /// The token itself, for a form posted by script (header `X-CSRF-Token`) or a multipart
    /// form (`action="...?csrf=..."`: the token then travels in the URL, which no log records
    /// and no referrer carries).
    pub fn csrf_token(&self) -> &str {
        &self.csrf
    }

    /// The link of the language switch: sets the other language and comes back here.
    pub fn lang_switch_url(&self) -> String {
        let next: String = url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect();
        format!("/lang/{}?next={next}", self.lang.other().code())
    }
}

/// `<input type="hidden" name="csrf" value="...">`; the token is URL-safe base64, nothing to
/// escape.
pub struct CsrfField<'a>(&'a str);

impl std::fmt::Display for CsrfField<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let token: String = self
            .0
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        write!(
            f,
            r#"<input type="hidden" name="{}" value="{token}">"#,
            super::csrf::FIELD
        )
    }
}

impl askama::filters::HtmlSafe for CsrfField<'_> {}

/// The page as an HTML response with this status.
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, WebError> {
    let body = page.render().map_err(anyhow::Error::from)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// A case as pages without clinical content name it (coordinator, admin): the start of its id.
pub fn case_ref(id: uuid::Uuid) -> String {
    crate::domain::case_reference(id)
}

/// 303 See Other to one of our pages.
pub fn see_other(to: impl AsRef<str>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to.as_ref()))
        .finish()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The string literals passed to `call(` in `text`.
    fn literal_args<'a>(text: &'a str, call: &str) -> Vec<&'a str> {
        text.match_indices(call)
            .filter(|(at, _)| {
                !text[..*at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
            .filter_map(|(at, _)| {
                let rest = text[at + call.len()..].strip_prefix('"')?;
                Some(&rest[..rest.find('"')?])
            })
            .collect()
    }

    fn files(dir: &str, ext: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == ext) {
                    out.push((
                        p.display().to_string(),
                        std::fs::read_to_string(&p).unwrap(),
                    ));
                }
            }
        }
        out
    }

    #[test]
    fn every_message_and_asset_the_pages_name_exists() {
        let messages = crate::i18n::tests::messages_of("fr");
        let mut named = 0;
        for (path, text) in files("templates", "html")
            .into_iter()
            .chain(files("src/web", "rs"))
        {
            for key in literal_args(&text, "t(")
                .into_iter()
                .chain(literal_args(&text, "t_with("))
            {
                // (This test's own source has calls with other things between the quotes.)
                if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                    continue;
                }
                named += 1;
                // Both languages have the same messages, each of which resolves (`i18n`).
                assert!(messages.contains_key(key), "{path}: no message {key}");
            }
            for name in literal_args(&text, "asset(")
                .into_iter()
                .filter(|n| !n.is_empty() && !n.contains([' ', ')']))
            {
                assert!(assets::url(name).is_some(), "{path}: asset {name}");
            }
        }
        assert!(named > 10, "only {named} message keys found");
    }

    #[test]
    fn the_csrf_field_is_a_hidden_input_with_the_token() {
        let ctx = Ctx::new(Lang::Fr, None, "abc-_09".into(), "/cases?page=2");
        assert_eq!(
            ctx.csrf_field().to_string(),
            r#"<input type="hidden" name="csrf" value="abc-_09">"#
        );
        assert_eq!(ctx.lang_switch_url(), "/lang/en?next=%2Fcases%3Fpage%3D2");
    }
}
