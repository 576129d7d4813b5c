//! Key normalisation and restricted-key matching.
//!
//! A key is split into lowercase words after Unicode NFKC, folding of Cyrillic and Greek
//! look-alikes, and removal of zero-width and other format characters; separators and camelCase
//! boundaries both split words. A restricted key matches when a contiguous run of the key's words
//! concatenates to the restricted key (optionally plural) and no word of the key is an aggregate
//! word such as `count` or `avg`: `patient_id`, `PatientID`, `pаtient-id` (Cyrillic `а`) match
//! `patientId`; `patientCount` and `distinctPatientIds` do not.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization as _;

/// Words that turn a key into an aggregate over the restricted field rather than the field.
const AGGREGATE: &[&str] = &[
    "count",
    "counts",
    "cnt",
    "num",
    "total",
    "sum",
    "avg",
    "average",
    "mean",
    "median",
    "min",
    "max",
    "stddev",
    "std",
    "variance",
    "var",
    "pct",
    "percent",
    "percentage",
    "ratio",
    "rate",
    "distinct",
    "unique",
    "histogram",
    "bucket",
    "buckets",
    "freq",
    "frequency",
    "share",
];

/// Longest key prefix (in characters) that is normalised; the rest is ignored.
const MAX_KEY_CHARS: usize = 256;

/// Maps a Cyrillic or Greek look-alike to the Latin letter it imitates.
fn fold_confusable(c: char) -> char {
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
fn invisible(c: char) -> bool {
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

/// The restricted-key table: concatenated normalised key → the value the caller attached.
#[derive(Debug)]
pub(crate) struct KeyMatcher<T> {
    table: HashMap<String, T>,
}

impl<T: Copy> KeyMatcher<T> {
    /// An empty table.
    pub(crate) fn new() -> Self {
        Self {
            table: HashMap::new(),
        }
    }

    /// Adds `key`; `false` when nothing is left of it after normalisation. The first insertion of
    /// a key wins.
    pub(crate) fn insert(&mut self, key: &str, tag: T) -> bool {
        let joined = words(key).concat();
        if joined.is_empty() {
            return false;
        }
        self.table.entry(joined).or_insert(tag);
        true
    }

    /// The tag of the restricted key that the (already split) key words name, if any.
    pub(crate) fn lookup(&self, key_words: &[String]) -> Option<T> {
        if self.table.is_empty() || key_words.iter().any(|w| AGGREGATE.contains(&w.as_str())) {
            return None;
        }
        let limit = key_words.len().min(16);
        for start in 0..limit {
            let mut run = String::new();
            for w in &key_words[start..limit] {
                run.push_str(w);
                let singular = run
                    .strip_suffix("es")
                    .into_iter()
                    .chain(run.strip_suffix('s'));
                if let Some(tag) = self.table.get(&run) {
                    return Some(*tag);
                }
                if let Some(tag) = singular.filter_map(|s| self.table.get(s)).next() {
                    return Some(*tag);
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
    fn matches_variants_not_aggregates() {
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
        ] {
            assert_eq!(m.lookup(&words(hit)), Some(1), "{hit}");
        }
        for miss in [
            "patientCount",
            "patient_count",
            "distinctPatientIds",
            "mrnCount",
            "patient",
            "identifier",
            "birth",
            "amrnb",
        ] {
            assert_eq!(m.lookup(&words(miss)), None, "{miss}");
        }
    }
}
