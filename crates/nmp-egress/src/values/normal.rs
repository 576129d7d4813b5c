//! The one normalisation behind the value index: the same function reads a dataset's values
//! when the index is built and every output when it is matched, so both sides always agree.
//!
//! Text becomes a list of tokens, each a maximal run of letters or of digits after Unicode
//! compatibility decomposition (full-width and mathematical forms become ASCII), folding of
//! Cyrillic and Greek look-alikes, removal of combining marks (accents), zero-width and other
//! format characters, lowercase, and mapping of other scripts' decimal digits (Arabic-Indic,
//! Devanagari, Thai…) to ASCII. Everything else (spaces, punctuation, symbols) separates tokens,
//! and so does a change between letters and digits: `Ｐ-000１２３` is `p`, `000123`.

use std::ops::Range;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use crate::detect::{fold_confusable, invisible};

/// The first code point (zero) of each run of ten decimal digits that is mapped to ASCII, beyond
/// those compatibility decomposition already maps (full-width, mathematical, circled…).
const DIGIT_ZEROS: &[u32] = &[
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
];

/// The ASCII digit a decimal digit of another script stands for.
fn decimal_digit(c: char) -> Option<char> {
    let code = u32::from(c);
    DIGIT_ZEROS.iter().find_map(|&zero| {
        let d = code.wrapping_sub(zero);
        (d < 10).then(|| char::from(b'0' + d as u8))
    })
}

/// What a character contributes to the token stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
}

/// The token being read: its class, where it starts in the normalised text, and the source
/// bytes it covers so far.
#[derive(Debug, Clone)]
struct Open {
    class: Class,
    start: usize,
    src: Range<usize>,
}

/// The normalised tokens of one text: their folded bytes, one after the other in `text`, and
/// for each token its range in `text` and the range of source bytes it came from.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    /// Every token's normalised bytes, concatenated.
    pub(crate) text: String,
    /// `(range in text, range in the source)` of each token, in order.
    pub(crate) spans: Vec<(Range<usize>, Range<usize>)>,
    open: Option<Open>,
}

impl Tokens {
    /// Replaces the tokens with those of `source` (bytes that need not be UTF-8: invalid
    /// sequences separate tokens).
    pub(crate) fn read(&mut self, source: &[u8]) {
        self.text.clear();
        self.spans.clear();
        self.open = None;
        let mut at = 0;
        for chunk in source.utf8_chunks() {
            for (offset, c) in chunk.valid().char_indices() {
                let src = at + offset..at + offset + c.len_utf8();
                match c {
                    '0'..='9' => self.push(Class::Digit, c, src),
                    'a'..='z' => self.push(Class::Letter, c, src),
                    'A'..='Z' => self.push(Class::Letter, c.to_ascii_lowercase(), src),
                    _ if c.is_ascii() => self.close(),
                    _ => decompose_compatible(c, |d| self.push_folded(d, src.clone())),
                }
            }
            at += chunk.valid().len() + chunk.invalid().len();
            self.close();
        }
        self.close();
    }

    /// The number of tokens.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The normalised bytes of token `i`.
    pub(crate) fn get(&self, i: usize) -> &str {
        &self.text[self.spans[i].0.clone()]
    }

    /// Pushes one character of a non-ASCII character's compatibility decomposition.
    fn push_folded(&mut self, d: char, src: Range<usize>) {
        if invisible(d) || is_combining_mark(d) {
            // Part of the token without adding to it: `1\u{200B}2` is `12`, `é` is `e`.
            if let Some(open) = &mut self.open {
                open.src.end = src.end;
            }
        } else if let Some(digit) = decimal_digit(d).or(d.is_ascii_digit().then_some(d)) {
            self.push(Class::Digit, digit, src);
        } else if d.is_alphabetic() {
            for lower in fold_confusable(d).to_lowercase() {
                self.push(Class::Letter, lower, src.clone());
            }
        } else {
            self.close();
        }
    }

    /// Appends `c` of class `class`, which came from source bytes `src`.
    fn push(&mut self, class: Class, c: char, src: Range<usize>) {
        match &mut self.open {
            Some(open) if open.class == class => open.src.end = src.end,
            _ => {
                self.close();
                self.open = Some(Open {
                    class,
                    start: self.text.len(),
                    src,
                });
            }
        }
        self.text.push(c);
    }

    /// Ends the token being read, if any.
    fn close(&mut self) {
        if let Some(open) = self.open.take() {
            self.spans.push((open.start..self.text.len(), open.src));
        }
    }
}

/// The normalised forms of one dataset value, each with at least `min_len` bytes: all its
/// tokens joined, and (when different) its digits alone if there are at least `min_digits` of
/// them. Empty when the joined form is shorter than `min_len` or longer than `max_len` bytes.
pub(crate) fn forms(
    value: &str,
    tokens: &mut Tokens,
    lens: (usize, usize, usize),
) -> impl Iterator<Item = String> + use<> {
    let (min_len, max_len, min_digits) = lens;
    tokens.read(value.as_bytes());
    let joined = tokens.text.clone();
    let digits: String = joined.chars().filter(char::is_ascii_digit).collect();
    let usable = (min_len..=max_len).contains(&joined.len());
    let digits =
        (usable && digits.len() >= min_digits.max(min_len) && digits != joined).then_some(digits);
    usable.then_some(joined).into_iter().chain(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut t = Tokens::default();
        t.read(text.as_bytes());
        (0..t.len()).map(|i| t.get(i).to_owned()).collect()
    }

    #[test]
    fn folds_case_width_scripts_and_invisible_characters() {
        assert_eq!(tokens("Ｐ-000１２３"), ["p", "000123"]);
        assert_eq!(tokens("٠١٢-٣٤"), ["012", "34"]);
        assert_eq!(tokens("6\u{200B}9 9"), ["69", "9"]);
        assert_eq!(tokens("José Pаtel"), ["jose", "patel"]);
        assert_eq!(tokens("ssn699.88"), ["ssn", "699", "88"]);
        assert_eq!(tokens("\u{1D7D4}\u{1D7D5}"), ["67"]);
    }

    #[test]
    fn spans_point_at_the_source_bytes() {
        let mut t = Tokens::default();
        t.read("a ６7\u{200B}b".as_bytes());
        let sources: Vec<_> = t.spans.iter().map(|s| s.1.clone()).collect();
        assert_eq!(sources, [0..1, 2..9, 9..10]);
    }

    #[test]
    fn forms_of_values() {
        let mut t = Tokens::default();
        let lens = (4, 64, 6);
        let all = |v: &str, t: &mut Tokens| forms(v, t, lens).collect::<Vec<_>>();
        assert_eq!(all("699-88-1425", &mut t), ["699881425"]);
        assert_eq!(all("P000000001", &mut t), ["p000000001", "000000001"]);
        assert_eq!(all("Mateo Young", &mut t), ["mateoyoung"]);
        assert_eq!(all("flu", &mut t), Vec::<String>::new());
        assert_eq!(all("A-12", &mut t), Vec::<String>::new());
        assert_eq!(all("AB-12", &mut t), ["ab12"]);
    }
}
