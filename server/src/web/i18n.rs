//! The language of a request: the one chosen while signed in, else the `lang` cookie set by the
//! language switch, else the first of French or English in `Accept-Language`, else French.

use actix_web::{
    http::header::{AcceptLanguage, Header, Preference},
    HttpRequest,
};

pub use crate::i18n::Lang;

/// The cookie the language switch sets.
pub const LANG_COOKIE: &str = "lang";

/// The language of this request; `chosen`: the one kept with the session, if any.
pub fn negotiate(req: &HttpRequest, chosen: Option<&str>) -> Lang {
    chosen
        .and_then(Lang::parse)
        .or_else(|| req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
        .or_else(|| from_accept_language(req))
        .unwrap_or(Lang::Fr)
}

/// The first of our languages in the browser's order of preference (`*` means any: French).
fn from_accept_language(req: &HttpRequest) -> Option<Lang> {
    let accepted = AcceptLanguage::parse(req).ok()?;
    for preference in accepted.ranked() {
        match preference {
            Preference::Any => return None,
            Preference::Specific(tag) => {
                if let Some(lang) = Lang::parse(tag.primary_language()) {
                    return Some(lang);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn the_chosen_language_then_the_cookie_then_accept_language_then_french() {
        let req = |accept: Option<&str>, cookie: Option<&str>| {
            let mut r = TestRequest::default();
            if let Some(a) = accept {
                r = r.insert_header(("accept-language", a));
            }
            if let Some(c) = cookie {
                r = r.cookie(actix_web::cookie::Cookie::new(LANG_COOKIE, c));
            }
            r.to_http_request()
        };
        assert_eq!(negotiate(&req(None, None), None), Lang::Fr);
        assert_eq!(
            negotiate(&req(Some("en-GB,en;q=0.8"), None), None),
            Lang::En
        );
        assert_eq!(
            negotiate(&req(Some("de-DE, en;q=0.5, fr;q=0.7"), None), None),
            Lang::Fr,
            "the best-ranked of ours"
        );
        assert_eq!(negotiate(&req(Some("de, *;q=0.5"), None), None), Lang::Fr);
        assert_eq!(negotiate(&req(Some("en"), Some("fr")), None), Lang::Fr);
        assert_eq!(negotiate(&req(Some("fr"), Some("en")), None), Lang::En);
        assert_eq!(
            negotiate(&req(Some("fr"), Some("fr")), Some("en")),
            Lang::En
        );
        assert_eq!(negotiate(&req(Some("en"), Some("xx")), None), Lang::En);
    }
}
