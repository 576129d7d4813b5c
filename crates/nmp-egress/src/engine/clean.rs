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
