//! The pages' languages: French first, English too. Every string a person reads comes from the
//! Fluent files under `server/locales/<lang>/`, embedded at compile time. The language of a
//! request: the one chosen while signed in, else the `lang` cookie set by the language switch,
//! else the first of French or English in `Accept-Language`, else French.

use std::{borrow::Cow, collections::HashMap};

use actix_web::{
    http::header::{AcceptLanguage, Header, Preference},
    HttpRequest,
};
use fluent_templates::{fluent_bundle::FluentValue, langid, LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // No Unicode isolation marks around placeables: our values are names and numbers, and
        // the marks would show in tests and copied text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie the language switch sets.
pub const LANG_COOKIE: &str = "lang";

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// `fr` or `en` (the `lang` attribute, the cookie, the session's column).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// From a language tag's primary subtag (`fr`, `fr-CA`, `EN-gb`); others are `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim();
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// The language the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// The message `key`. A missing key shows as such (the tests make sure none is).
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The message `key` with its arguments (`$name`, `$minutes`...).
    pub fn t_with<'a>(
        self,
        key: &str,
        args: impl IntoIterator<Item = (&'static str, FluentValue<'a>)>,
    ) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'a>> = args
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), v))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// The message `key`, if there is one (in this language or, failing that, in French).
    pub fn find(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), key)
    }

    /// Whether `key` is in this language itself (not through the French fallback) and formats
    /// without error given these variables.
    #[cfg(test)]
    pub(crate) fn has(self, key: &str, vars: &[&str]) -> bool {
        let args: HashMap<&str, FluentValue> =
            vars.iter().map(|v| (*v, FluentValue::from(2))).collect();
        LOCALES
            .lookup_single_language(self.id(), key, Some(&args))
            .is_ok()
    }
}

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
pub(crate) mod tests {
    use std::{
        collections::{BTreeMap, BTreeSet},
        path::Path,
    };

    use actix_web::test::TestRequest;

    use super::*;

    /// Every message of a language's files, with the variables it uses.
    pub(crate) fn messages_of(lang: &str) -> BTreeMap<String, Vec<String>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut messages = BTreeMap::new();
        for file in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            let mut current: Option<String> = None;
            for line in text.lines() {
                let starts_message = line.starts_with(|c: char| c.is_ascii_lowercase());
                if let (true, Some((key, _))) = (starts_message, line.split_once(" =")) {
                    let key = key.trim().to_owned();
                    assert!(
                        messages.insert(key.clone(), Vec::new()).is_none(),
                        "{key} twice"
                    );
                    current = Some(key);
                } else if !line.starts_with(' ') {
                    current = None;
                }
                if let Some(vars) = current.as_ref().and_then(|k| messages.get_mut(k)) {
                    for part in line.split('$').skip(1) {
                        let var: String = part
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                            .collect();
                        vars.push(var);
                    }
                }
            }
        }
        messages
    }

    #[test]
    fn french_and_english_have_the_same_messages_and_every_one_resolves() {
        let (fr, en) = (messages_of("fr"), messages_of("en"));
        assert!(fr.len() > 40, "only {} messages read", fr.len());
        let (fr_keys, en_keys): (BTreeSet<_>, BTreeSet<_>) =
            (fr.keys().collect(), en.keys().collect());
        assert_eq!(
            fr_keys.symmetric_difference(&en_keys).collect::<Vec<_>>(),
            Vec::<&&String>::new()
        );
        for (lang, messages) in [(Lang::Fr, &fr), (Lang::En, &en)] {
            for (key, vars) in messages {
                let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
                assert!(lang.has(key, &vars), "{key} in {lang:?} with {vars:?}");
            }
        }
        assert!(!Lang::En.has("no-such-message", &[]));
    }

    #[test]
    fn messages_take_their_arguments_without_isolation_marks() {
        let args = |n: u64| [("minutes", FluentValue::from(n))];
        assert_eq!(
            Lang::Fr.t_with("sign-in-rate-limited", args(1)),
            "Trop de tentatives échouées. Réessayez dans une minute."
        );
        assert_eq!(
            Lang::En.t_with("sign-in-rate-limited", args(15)),
            "Too many failed attempts. Try again in 15 minutes."
        );
        assert_eq!(Lang::En.t("sign-in-title"), "Sign in");
        assert_eq!(Lang::Fr.t("sign-in-title"), "Connexion");
    }

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
