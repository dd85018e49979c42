//! ICD-10, the dermatology subset a dermatologist codes an answer with: chapter XII (L00-L99) and
//! the skin's tumours (C43, C44, D03, D04, D22, D23, D48.5), in French and English. The data is
//! `server/data/icd10-dermatology.tsv`, cut from GNU Health's ICD-10 module by
//! `ops/icd10/generate.py` (source and licence in its header), built into the binary.

use std::sync::LazyLock;

const DATA: &str = include_str!("../../data/icd10-dermatology.tsv");

/// At most this many matches: a short list to pick from while typing.
pub const MAX_MATCHES: usize = 12;

#[derive(Debug)]
pub struct Icd10Code {
    pub code: &'static str,
    pub french: &'static str,
    pub english: &'static str,
    /// Code and both labels, folded for search (lower case, no accents, æ as ae).
    folded: String,
}

static CODES: LazyLock<Vec<Icd10Code>> = LazyLock::new(|| {
    DATA.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let (code, french, english) = (cols.next()?, cols.next()?, cols.next()?);
            Some(Icd10Code {
                folded: fold(&format!("{code} {french} {english}")),
                code,
                french,
                english,
            })
        })
        .collect()
});

/// Every code of the subset, in code order.
pub fn all() -> &'static [Icd10Code] {
    &CODES
}

/// The code `code` (e.g. `D22.5`), if it is in the subset.
pub fn find(code: &str) -> Option<&'static Icd10Code> {
    CODES
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
}

/// The codes whose code or label has a word starting with each word of `query` ("naev tronc",
/// "d22", "melanome"), codes that start with the query first, then in code order.
pub fn search(query: &str) -> Vec<&'static Icd10Code> {
    let folded = fold(query);
    let words: Vec<&str> = folded.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<&Icd10Code> = CODES
        .iter()
        .filter(|c| {
            words.iter().all(|w| {
                c.folded
                    .split(|ch: char| !ch.is_alphanumeric() && ch != '.')
                    .any(|word| word.starts_with(w))
            })
        })
        .collect();
    found.sort_by_key(|c| !fold(c.code).starts_with(words[0]));
    found.truncate(MAX_MATCHES);
    found
}

/// Lower case, accents off, ligatures spelled out: "Nævus à mélanocytes" -> "naevus a melanocytes".
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match ch {
            'à' | 'â' | 'ä' | 'á' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' => out.push('i'),
            'ô' | 'ö' | 'ó' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ç' => out.push('c'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            '’' => out.push('\''),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_has_the_skin_chapter_and_the_skin_tumours() {
        for code in [
            "L57.0", "L00", "L99", "C43.9", "C44.3", "D03.5", "D04.5", "D22.5", "D23.5", "D48.5",
        ] {
            assert!(find(code).is_some(), "{code}");
        }
        assert!(find("D48.6").is_none(), "only D48.5 of D48");
        assert!(find("J45").is_none());
        assert!(all().len() > 400);
        let naevus = find("d22.5").unwrap();
        assert_eq!(naevus.french, "Nævus à mélanocytes du tronc");
        assert_eq!(naevus.english, "Melanocytic naevi of trunk");
    }

    #[test]
    fn typing_finds_codes_in_either_language_without_accents() {
        let codes = |q: &str| search(q).iter().map(|c| c.code).collect::<Vec<_>>();
        let naev = codes("naev");
        assert!(naev.contains(&"D22.5"), "{naev:?}");
        assert!(naev.len() <= MAX_MATCHES);
        assert_eq!(codes("naev tronc"), ["D22.5"]);
        assert_eq!(codes("melanome")[0], "C43");
        assert_eq!(codes("keratose actinique"), ["L57.0"]);
        assert_eq!(codes("D22.5"), ["D22.5"]);
        assert_eq!(codes("d22")[0], "D22");
        assert!(codes("").is_empty());
        assert!(codes("zzzz").is_empty());
    }
}
