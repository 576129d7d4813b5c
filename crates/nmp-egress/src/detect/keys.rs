//! Key normalisation and restricted-key matching.
//!
//! A key is split into lowercase words after Unicode NFKC, folding of Cyrillic and Greek
//! look-alikes, and removal of zero-width and other format characters; separators and camelCase
//! boundaries both split words. A restricted key matches when a contiguous run of the key's words
//! concatenates to the restricted key (optionally plural): `patient_id`, `PatientID`, `pаtient-id`
//! (Cyrillic `а`) match `patientId`. The key's other words qualify the match: a statistic or
//! schema word (`count`, `null`, `fraction`, `type`, ...) makes it a key *about* the column
//! ([`Qualifier::Statistic`]), anything else (`visit_mrn`, `ssn_max`) leaves it the column. A key
//! that is only an abbreviation of a restricted key of several words (`pid` for `patient_id`,
//! `dob` for `date_of_birth`) is read like a statistic key: only an identifier-shaped value under
//! it is the column's data.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization as _;

/// Qualifier words that make a key a statistic or a description *of* a restricted column rather
/// than the column: `mrn_error_count`, `patientIdNullFraction`, `ssn.type`. Any other qualifier
/// keeps the key the column: MIN, MAX, MEDIAN or a sample of an identifier column is one person's
/// identifier (`ssn_max`, `first_member_id`).
const STAT_WORDS: &[&str] = &[
    "count",
    "counts",
    "cnt",
    "num",
    "total",
    "sum",
    "avg",
    "average",
    "mean",
    "stddev",
    "std",
    "variance",
    "var",
    "pct",
    "percent",
    "percentage",
    "ratio",
    "rate",
    "fraction",
    "frac",
    "share",
    "distinct",
    "unique",
    "nulls",
    "null",
    "missing",
    "present",
    "presence",
    "coverage",
    "completeness",
    "complete",
    "error",
    "errors",
    "invalid",
    "valid",
    "dup",
    "dups",
    "duplicate",
    "duplicates",
    "length",
    "len",
    "histogram",
    "bucket",
    "buckets",
    "freq",
    "frequency",
    "entropy",
    "cardinality",
    "filled",
    "empty",
    "blank",
    "bad",
    "changed",
    "type",
    "dtype",
    "datatype",
    "kind",
    "description",
    "desc",
    "nullable",
    "format",
    "schema",
    "pii",
    "sensitive",
    "restricted",
    "masked",
    "hashed",
    "encrypted",
    "tokenized",
    "column",
    "field",
    "policy",
    "rows",
    "records",
];

/// `true` for a statistic or schema word (`count`, `null`, `format`, ...).
pub(crate) fn is_stat_word(word: &str) -> bool {
    STAT_WORDS.contains(&word)
}

/// How a key that contains a restricted key is qualified by its other words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Qualifier {
    /// The key is the restricted column (`patient_id`, `visit_mrn`, `ssn_max`).
    Column,
    /// The key describes the column (`mrn_null_fraction`): only an identifier-shaped value
    /// under it is the column's data.
    Statistic,
}

/// Qualifier words that select one of the column's values (an order statistic or a sample), say
/// the value is given whole, or give its unit or format: the key is still the column (`ssn_max`,
/// `first_mrn`, `patient_id_sample`, `ssn_raw`, `salary_p90`, `salary_usd`, `dateOfBirth_iso`).
const VALUE_WORDS: &[&str] = &[
    "min",
    "max",
    "minimum",
    "maximum",
    "median",
    "mode",
    "first",
    "last",
    "top",
    "bottom",
    "sample",
    "samples",
    "example",
    "examples",
    "value",
    "values",
    "raw",
    "list",
    "random",
    "lowest",
    "highest",
    "earliest",
    "latest",
    "oldest",
    "newest",
    "full",
    "plain",
    "clear",
    "cleartext",
    "plaintext",
    "original",
    "unmasked",
    "actual",
    "real",
    "str",
    "string",
    "text",
    "digits",
    "number",
    "numbers",
    "no",
    "nr",
    "percentile",
    "quantile",
    "decile",
    "quartile",
    "usd",
    "eur",
    "gbp",
    "chf",
    "jpy",
    "cad",
    "aud",
    "inr",
    "cents",
    "amount",
    "amt",
    "gross",
    "net",
    "base",
    "annual",
    "monthly",
    "iso",
    "utc",
    "local",
    "formatted",
    "fmt",
];

/// A percentile word (`p50`, `p99`, `p0`): an order statistic, one person's value.
fn percentile(word: &str) -> bool {
    word.strip_prefix('p')
        .is_some_and(|n| (1..=3).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
}

/// How the words around a restricted key (`before`, `after`) qualify it. A statistic word makes
/// the key describe the column; a value word keeps it the column; otherwise the key's structure
/// decides: a restricted key that is the head (the last word: `visit_mrn`, `primary_ssn`) is the
/// column, one followed by another head word (`ssn_validity`, `mrn_populated`) describes it, so
/// its value's shape decides.
fn qualifier(before: &[String], after: &[String]) -> Qualifier {
    let any = |list: &[&str]| {
        before
            .iter()
            .chain(after)
            .any(|w| list.contains(&w.as_str()))
    };
    if any(STAT_WORDS) {
        Qualifier::Statistic
    } else if any(VALUE_WORDS)
        || after.is_empty()
        || before.iter().chain(after).any(|w| percentile(w))
    {
        Qualifier::Column
    } else {
        Qualifier::Statistic
    }
}

/// Longest key prefix (in characters) that is normalised; the rest is ignored.
const MAX_KEY_CHARS: usize = 256;

/// Maps a Cyrillic or Greek look-alike to the Latin letter it imitates.
pub(crate) fn fold_confusable(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'с' | 'ϲ' => 'c',
        'С' | 'Ϲ' => 'C',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'і' | 'ι' | 'ı' => 'i',
        'І' | 'Ι' | 'Ӏ' => 'I',
        'ј' => 'j',
        'Ј' => 'J',
        'к' | 'κ' => 'k',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'Ν' => 'N',
        'о' | 'ο' => 'o',
        'О' | 'Ο' => 'O',
        'р' | 'ρ' => 'p',
        'Р' | 'Ρ' => 'P',
        'ѕ' => 's',
        'Ѕ' => 'S',
        'т' | 'τ' => 't',
        'Т' | 'Τ' => 'T',
        'υ' => 'u',
        'ν' => 'v',
        'х' | 'χ' => 'x',
        'Х' | 'Χ' => 'X',
        'у' => 'y',
        'У' | 'Υ' => 'Y',
        'Ζ' => 'Z',
        other => other,
    }
}

/// Zero-width and other invisible format characters that are dropped.
pub(crate) fn invisible(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{034F}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Splits a key into normalised lowercase words.
pub(crate) fn words(key: &str) -> Vec<String> {
    let chars: Vec<char> = if key.is_ascii() {
        key.chars().take(MAX_KEY_CHARS).collect()
    } else {
        key.chars()
            .take(MAX_KEY_CHARS)
            .nfkc()
            .map(fold_confusable)
            .filter(|c| !invisible(*c))
            .collect()
    };
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_numeric()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Words that number the pieces of one value split across sibling keys (`ssn_part1`,
/// `name_0`, `dob_seg_2`, `address_line1`).
const PIECE_WORDS: &[&str] = &[
    "part", "pt", "seg", "segment", "chunk", "piece", "frag", "fragment", "line", "block",
];

/// Drops a trailing piece number from `key_words` (`ssn part 1` → `ssn`, `name 0` → `name`): a
/// piece of a value under such a key is a piece of the column's value. Leaves a key that would
/// be left empty alone; `true` when it dropped one.
pub(crate) fn drop_piece(key_words: &mut Vec<String>) -> bool {
    let Some(last) = key_words.last() else {
        return false;
    };
    let stem = last.trim_end_matches(|c: char| c.is_ascii_digit());
    let numbered = stem.len() < last.len();
    let drop = if stem.is_empty() {
        // `name 0`, `ssn part 2`
        1 + usize::from(
            key_words.len() > 2 && PIECE_WORDS.contains(&key_words[key_words.len() - 2].as_str()),
        )
    } else if numbered && PIECE_WORDS.contains(&stem) {
        1
    } else {
        0
    };
    let dropped = drop > 0 && drop < key_words.len();
    if dropped {
        key_words.truncate(key_words.len() - drop);
    }
    dropped
}

/// The restricted-key table: concatenated normalised key → the value the caller attached.
#[derive(Debug)]
pub(crate) struct KeyMatcher<T> {
    table: HashMap<String, T>,
    /// The endings of the restricted keys, by whole words (`id` of `patient_id`): the keys that
    /// can complete a restricted key as the member of a nested path.
    tails: HashSet<String>,
    /// Abbreviations of the restricted keys of several words (`pid` of `patient_id`, `dob` of
    /// `date_of_birth`), at least three letters; they name the column only for an
    /// identifier-shaped value.
    abbreviations: HashMap<String, T>,
}

/// The abbreviations of a key of several words: its initials (`date of birth` → `dob`), and its
/// initials before a last word `id` or `no` kept whole (`patient id` → `pid`); those of at least
/// three letters.
fn abbreviations(key_words: &[String]) -> Vec<String> {
    let initials =
        |ws: &[String]| -> String { ws.iter().filter_map(|w| w.chars().next()).collect() };
    let mut out = Vec::new();
    if key_words.len() >= 2 {
        out.push(initials(key_words));
        if let Some((last, rest)) = key_words.split_last()
            && matches!(last.as_str(), "id" | "no")
        {
            out.push(initials(rest) + last);
        }
    }
    out.retain(|a| a.chars().count() >= 3);
    out
}

impl<T: Copy> KeyMatcher<T> {
    /// An empty table.
    pub(crate) fn new() -> Self {
        Self {
            table: HashMap::new(),
            tails: HashSet::new(),
            abbreviations: HashMap::new(),
        }
    }

    /// Adds `key`; `false` when nothing is left of it after normalisation. The first insertion of
    /// a key wins.
    pub(crate) fn insert(&mut self, key: &str, tag: T) -> bool {
        let key_words = words(key);
        let joined = key_words.concat();
        if joined.is_empty() {
            return false;
        }
        for i in 1..key_words.len() {
            self.tails.insert(key_words[i..].concat());
        }
        for abbreviation in abbreviations(&key_words) {
            self.abbreviations.entry(abbreviation).or_insert(tag);
        }
        self.table.entry(joined).or_insert(tag);
        true
    }

    /// `true` when the key's first words are the ending of a restricted key (`id`, `id_count`
    /// for `patient_id`): only then can the key, under a parent, name a restricted key.
    pub(crate) fn completes(&self, key_words: &[String]) -> bool {
        let mut run = String::new();
        key_words.iter().take(16).any(|w| {
            run.push_str(w);
            self.tails.contains(&run)
        })
    }

    /// The tag of the restricted key of which the key is an abbreviation and nothing else (`pid`,
    /// `PID` for `patient_id`).
    pub(crate) fn abbreviation(&self, key_words: &[String]) -> Option<T> {
        match key_words {
            [word] => self.abbreviations.get(word).copied(),
            _ => None,
        }
    }

    /// The tag of the restricted key that the (already split) key words name, if any, and how
    /// the key's other words qualify it.
    pub(crate) fn lookup(&self, key_words: &[String]) -> Option<(T, Qualifier)> {
        if self.table.is_empty() {
            return None;
        }
        let limit = key_words.len().min(16);
        for start in 0..limit {
            let mut run = String::new();
            for (end, w) in key_words[start..limit].iter().enumerate() {
                run.push_str(w);
                let singular = run
                    .strip_suffix("es")
                    .into_iter()
                    .chain(run.strip_suffix('s'));
                let tag = self
                    .table
                    .get(&run)
                    .or_else(|| singular.filter_map(|s| self.table.get(s)).next());
                if let Some(tag) = tag {
                    let q = qualifier(&key_words[..start], &key_words[start + end + 1..]);
                    return Some((*tag, q));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> KeyMatcher<u8> {
        let mut m = KeyMatcher::new();
        for k in ["patientId", "mrn", "dateOfBirth"] {
            assert!(m.insert(k, 1));
        }
        m
    }

    #[test]
    fn splits_words() {
        assert_eq!(words("PatientID"), ["patient", "id"]);
        assert_eq!(words("patient_id"), ["patient", "id"]);
        assert_eq!(words("MRNNumber"), ["mrn", "number"]);
        assert_eq!(words("ｐａｔｉｅｎｔＩｄ"), ["patient", "id"]);
        assert_eq!(words("pаtient\u{200B}Id"), ["patient", "id"]);
    }

    #[test]
    fn drops_piece_numbers() {
        let dropped = |k: &str| {
            let mut w = words(k);
            drop_piece(&mut w).then_some(w)
        };
        assert_eq!(dropped("ssn_part1"), Some(vec!["ssn".to_owned()]));
        assert_eq!(dropped("ssn_part_2"), Some(vec!["ssn".to_owned()]));
        assert_eq!(
            dropped("PatientId_0"),
            Some(vec!["patient".to_owned(), "id".to_owned()])
        );
        assert_eq!(dropped("address_line1"), Some(vec!["address".to_owned()]));
        for kept in ["seg1", "0", "api_v2", "sha256", "ssn"] {
            assert_eq!(dropped(kept), None, "{kept}");
        }
    }

    #[test]
    fn matches_variants_and_qualifies_statistics() {
        let m = matcher();
        for hit in [
            "patientId",
            "PATIENT_ID",
            "patient-id",
            "patient.id",
            "patientid",
            "PatientIDs",
            "pаtientId",
            "patient\u{200B}_id",
            "MRN",
            "visit_mrn",
            "date_of_birth",
            "DOB_dateOfBirth",
            "mrn_max",
            "minPatientId",
            "first_mrn",
            "mrn_sample",
            "patient_id_raw",
        ] {
            assert_eq!(m.lookup(&words(hit)), Some((1, Qualifier::Column)), "{hit}");
        }
        for stat in [
            "patient_id_count",
            "distinctPatientIds",
            "mrnCount",
            "mrn_null_fraction",
            "error_count_mrn",
            "mrn_max_length",
            "mrn_populated",
            "mrn_validity",
            "patientIdUniqueness",
        ] {
            assert_eq!(
                m.lookup(&words(stat)),
                Some((1, Qualifier::Statistic)),
                "{stat}"
            );
        }
        for abbreviation in ["pid", "PID", "dob"] {
            assert_eq!(
                m.abbreviation(&words(abbreviation)),
                Some(1),
                "{abbreviation}"
            );
        }
        assert_eq!(m.abbreviation(&words("pi")), None);
        assert_eq!(m.abbreviation(&words("pid_count")), None);
        for miss in [
            "patient",
            "patientCount",
            "identifier",
            "birth",
            "amrnb",
            "pi",
            "pids_x",
        ] {
            assert_eq!(m.lookup(&words(miss)), None, "{miss}");
        }
    }
}
