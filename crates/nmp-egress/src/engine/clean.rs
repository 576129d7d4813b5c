//! Texts one scan already found clean, so a string repeated across rows (every key, every
//! category value of a result table) is matched once per scan, not once per row.
//!
//! A text is remembered only when scanning it found nothing and nothing to decode: every rule,
//! decoder and value lookup the engine applies to a text is a function of its bytes alone (and
//! of the scanner and value indexes, fixed for the scan), so the same bytes anywhere else in
//! the same scan are clean too. Nothing is remembered across scans.

use std::collections::HashSet;

use foldhash::fast::RandomState;

/// Longest text (in bytes) remembered; longer texts rarely repeat.
const MAX_LEN: usize = 128;

/// Most texts remembered per kind in one scan (at most 4096 × 128 bytes each).
const MAX_ENTRIES: usize = 4096;

/// What was found clean: one set per way the engine reads a piece of output.
#[derive(Debug, Default)]
pub(super) struct Clean {
    /// Strings (keys, values, decoded text) on which [`super::Engine::text`] found nothing.
    pub(super) texts: Memo,
    /// JSON numbers that matched no rule and no dataset value.
    pub(super) numbers: Memo,
    /// Joined runs of adjacent strings (bytes and piece bounds) that held nothing spanning them.
    pub(super) runs: Memo,
}

/// One bounded set of clean byte strings.
#[derive(Debug, Default)]
pub(super) struct Memo(HashSet<Box<[u8]>, RandomState>);

impl Memo {
    /// `true` when `bytes` were found clean earlier in this scan.
    pub(super) fn contains(&self, bytes: &[u8]) -> bool {
        bytes.len() <= MAX_LEN && self.0.contains(bytes)
    }

    /// Remembers `bytes` as clean, within the bounds.
    pub(super) fn insert(&mut self, bytes: &[u8]) {
        if bytes.len() <= MAX_LEN && self.0.len() < MAX_ENTRIES {
            self.0.insert(bytes.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Scanner};

    /// The paths of the findings of `rule` in one scan (block mode: no second round).
    fn found(input: &str, rule: &str) -> Vec<String> {
        let scan = Scanner::new(Config::default())
            .unwrap()
            .scan(input.as_bytes());
        scan.report
            .findings
            .into_iter()
            .filter(|f| f.rule == rule)
            .filter_map(|f| f.path)
            .collect()
    }

    #[test]
    fn a_repeated_string_is_judged_the_same_every_time() {
        let input = r#"[{"k": "ICU", "n": 1, "v": "ann@example.org"}, {"k": "ICU", "n": 2, "v": "ann@example.org"}]"#;
        assert_eq!(found(input, "pii.email"), ["$[0].v", "$[1].v"]);
    }

    #[test]
    fn text_clean_inside_reversed_content_is_not_clean_outside() {
        // The reversal of the first string is the second: clean when read inside the reversed
        // layer (no reading backwards there), an SSN when read on its own. The number keeps the
        // strings from being joined.
        let input = r#"["123-45-6789", 1, "9876-54-321"]"#;
        assert_eq!(found(input, "pii.ssn"), ["$[0]", "$[2]"]);
    }
}
