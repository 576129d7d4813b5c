//! Redact mode: rewriting the input with typed placeholders.

use std::ops::Range;

/// One replacement: the input bytes and what replaces them.
#[derive(Debug)]
pub(crate) struct Replacement {
    pub(crate) range: Range<usize>,
    /// The placeholder label (`email`, `restricted_key`, ...).
    pub(crate) label: String,
    /// Wrap the placeholder in quotes (the range is a whole JSON value, not string content).
    pub(crate) quoted: bool,
}

/// The placeholder for `label`: `[REDACTED:label]`.
pub(crate) fn placeholder(label: &str) -> String {
    format!("[REDACTED:{label}]")
}

/// Applies the replacements to `input`. Overlapping replacements merge into one, named after
/// the earliest (the longest, on a tie). With no replacement the output equals the input.
pub(crate) fn apply(input: &[u8], mut edits: Vec<Replacement>) -> Vec<u8> {
    edits.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(b.range.end.cmp(&a.range.end))
    });
    let mut merged: Vec<Replacement> = Vec::with_capacity(edits.len());
    for e in edits {
        match merged.last_mut() {
            Some(last) if e.range.start < last.range.end => {
                last.range.end = last.range.end.max(e.range.end);
            }
            _ => merged.push(e),
        }
    }
    let mut out = Vec::with_capacity(input.len());
    let mut cursor = 0;
    for e in merged {
        out.extend_from_slice(&input[cursor..e.range.start]);
        let text = placeholder(&e.label);
        if e.quoted {
            out.push(b'"');
            out.extend_from_slice(text.as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(text.as_bytes());
        }
        cursor = e.range.end;
    }
    out.extend_from_slice(&input[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: usize, end: usize, label: &str) -> Replacement {
        Replacement {
            range: start..end,
            label: label.into(),
            quoted: false,
        }
    }

    #[test]
    fn merges_overlaps_and_keeps_the_rest() {
        let out = apply(
            b"ab cdef gh",
            vec![r(3, 5, "x"), r(4, 7, "y"), r(8, 10, "z")],
        );
        assert_eq!(out, b"ab [REDACTED:x] [REDACTED:z]");
        assert_eq!(apply(b"same", Vec::new()), b"same");
    }
}
