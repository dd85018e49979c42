//! Our languages: French first, English too. Every string a person reads (pages and e-mails)
//! comes from the Fluent files under `server/locales/<lang>/`, embedded at compile time.

pub mod dates;

use std::{borrow::Cow, collections::HashMap};

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

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

impl From<Lang> for telederm_schemas::Language {
    fn from(lang: Lang) -> telederm_schemas::Language {
        match lang {
            Lang::Fr => telederm_schemas::Language::Fr,
            Lang::En => telederm_schemas::Language::En,
        }
    }
}

impl From<telederm_schemas::Language> for Lang {
    fn from(language: telederm_schemas::Language) -> Lang {
        match language {
            telederm_schemas::Language::Fr => Lang::Fr,
            telederm_schemas::Language::En => Lang::En,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// `fr` or `en` (the `lang` attribute, the cookie, the session's and the user's column).
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

#[cfg(test)]
pub(crate) mod tests {
    use std::{
        collections::{BTreeMap, BTreeSet},
        path::Path,
    };

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
}
