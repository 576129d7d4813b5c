//! Decoders for disguises beyond the common encodings: Unicode look-alikes inside values, reversal,
//! base32, base85 and zlib-compressed base64.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization as _;

use super::{Candidate, is_text};
use crate::detect::{fold_confusable, invisible};
use crate::report::Decoding;

/// Longest text (in bytes) that is also scanned reversed.
const MAX_REVERSED: usize = 64;

/// The value of a decimal digit of another script (Arabic-Indic, Extended Arabic-Indic, N'Ko,
/// Devanagari, Bengali, Thai); full-width and mathematical digits are folded by NFKC.
fn script_digit(c: char) -> Option<char> {
    const ZEROS: &[u32] = &[0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0E50];
    let code = c as u32;
    ZEROS
        .iter()
        .find(|&&z| (z..z + 10).contains(&code))
        .and_then(|z| char::from_digit(code - z, 10))
}

/// One character as an ASCII-minded reader sees it; `None` drops it.
fn fold_char(c: char) -> Option<char> {
    if invisible(c) {
        return None;
    }
    Some(match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        _ => script_digit(c).unwrap_or_else(|| fold_confusable(c)),
    })
}

/// `text` with full-width and other compatibility forms (NFKC), digits of other scripts,
/// Cyrillic and Greek look-alikes and Unicode dashes folded to ASCII and zero-width characters
/// dropped, when that changes it: `１２３–４５–６７８９` → `123-45-6789`, `аnn@exаmple.org` (Cyrillic
/// `а`) → `ann@example.org`. Never longer than `text`.
pub(super) fn unicode(text: &[u8]) -> Option<Candidate> {
    if text.is_ascii() {
        return None;
    }
    let s = std::str::from_utf8(text).ok()?;
    let mut folded = String::with_capacity(s.len());
    for c in s.nfkc().filter_map(fold_char) {
        if folded.len() + c.len_utf8() > s.len() {
            break;
        }
        folded.push(c);
    }
    (folded != s).then(|| Candidate {
        via: Decoding::Unicode,
        range: 0..text.len(),
        bytes: folded.into_bytes(),
    })
}

/// `s` folded as [`unicode`] folds it, when that changes it (the field rules judge a value
/// under its key in this form: `１２３４５６７８９` under `bsn` is `123456789`).
pub(crate) fn folded(s: &str) -> Option<String> {
    unicode(s.as_bytes()).and_then(|c| String::from_utf8(c.bytes).ok())
}

/// A short value read backwards (`9876-54-321`, `gro.elpmaxe@nna`, `2310-555 )514(`), when it is
/// worth it ([`super::tokens::worth_reversing`]).
pub(super) fn reversed(text: &[u8]) -> Option<Candidate> {
    if text.len() > MAX_REVERSED || !super::tokens::worth_reversing(text) {
        return None;
    }
    let s = std::str::from_utf8(text).ok()?;
    Some(Candidate {
        via: Decoding::Reversed,
        range: 0..text.len(),
        bytes: s.chars().rev().collect::<String>().into_bytes(),
    })
}

/// The base85 alphabet of RFC 1924 (Python's `b85encode`, git binary patches).
const BASE85: &[u8; 85] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

/// The value of each byte as a base85 digit; 0xFF for bytes outside the alphabet.
const BASE85_VALUE: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut i = 0;
    while i < BASE85.len() {
        table[BASE85[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Longest value (in bytes) tried as base85.
const MAX_BASE85: usize = 256;

/// The runs of RFC 1924 base85 characters in `text` (at least 10 characters, at most
/// [`MAX_BASE85`], with a letter and a symbol of the alphabet) that decode to text. Never longer
/// than the run.
pub(super) fn base85(text: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for range in base85_runs(text) {
        let run = &text[range.clone()];
        // A run in parentheses (`(D>O79GB6-CGc+(DIW;ge)`) takes them in: `(` and `)` are
        // base85 digits too, so the run is also tried without them.
        let open = usize::from(run.first() == Some(&b'('));
        let close = usize::from(run.len() > 1 && run.last() == Some(&b')'));
        let decoded = [(0, 0), (open, 0), (open, close)]
            .into_iter()
            .map(|(a, b)| range.start + a..range.end - b)
            .filter(|r| r.len() >= 10)
            .find_map(|r| base85_decode(&text[r.clone()]).map(|b| (r, b)));
        if let Some((range, bytes)) = decoded {
            out.push(Candidate {
                via: Decoding::Base85,
                range,
                bytes,
            });
        }
    }
    out
}

/// The maximal runs of base85 characters in `text` worth decoding: 10 to [`MAX_BASE85`] long,
/// with a letter and a byte that is no letter or digit. One pass over the bytes; only runs of a
/// fitting length are looked at again.
fn base85_runs(text: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let in_alphabet = |b: &u8| BASE85_VALUE[usize::from(*b)] != 0xFF;
    let mut pos = 0;
    std::iter::from_fn(move || {
        loop {
            pos += text[pos..].iter().position(in_alphabet)?;
            let start = pos;
            pos += text[pos..]
                .iter()
                .position(|b| !in_alphabet(b))
                .unwrap_or(text.len() - pos);
            let run = &text[start..pos];
            if (10..=MAX_BASE85).contains(&run.len())
                && run.iter().any(|b| !b.is_ascii_alphanumeric())
                && run.iter().any(u8::is_ascii_alphabetic)
            {
                return Some(start..pos);
            }
        }
    })
}

fn base85_decode(run: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(run.len());
    for chunk in run.chunks(5) {
        let mut acc: u64 = 0;
        for i in 0..5 {
            // A short last group is padded with the highest digit, as the encoder expects.
            let digit = chunk.get(i).map_or(84, |&b| BASE85_VALUE[usize::from(b)]);
            acc = acc * 85 + u64::from(digit);
        }
        let word = u32::try_from(acc).ok()?.to_be_bytes();
        // A full group gives four bytes, a short one of n characters n - 1.
        let bytes = &word[..chunk.len().min(5) - 1];
        // An ASCII control character makes it no text (`is_text`): most runs that are not
        // base85 stop at their first group.
        if bytes.iter().any(|&b| ascii_control(b)) {
            return None;
        }
        out.extend_from_slice(bytes);
    }
    is_text(&out).then_some(out)
}

/// A byte that is an ASCII control character other than the whitespace text may hold; in any
/// UTF-8 it is that character, so [`is_text`] refuses the bytes.
fn ascii_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t')) || b == 0x7F
}

/// An RFC 4648 base32 token (upper case, padding optional) that decodes to text.
pub(super) fn base32(tok: &[u8]) -> Option<Vec<u8>> {
    let body = tok.strip_suffix(b"=").unwrap_or(tok);
    let alphabet = |b: &u8| b.is_ascii_uppercase() || (b'2'..=b'7').contains(b) || *b == b'=';
    if !body.iter().all(alphabet) {
        return None;
    }
    let body: Vec<u8> = body.iter().copied().filter(|&b| b != b'=').collect();
    if body.len() < 16 {
        return None;
    }
    let bytes = data_encoding::BASE32_NOPAD.decode(&body).ok()?;
    is_text(&bytes).then_some(bytes)
}

/// Base64-decoded bytes that are a zlib stream (RFC 1950 header) inflating to text of at most
/// `limit` bytes (the encoded token's length, so the decoder does not expand).
pub(super) fn zlib(decoded: &[u8], limit: usize) -> Option<Vec<u8>> {
    let header = decoded.get(..2)?;
    let zlib_header =
        header[0] == 0x78 && (u16::from(header[0]) << 8 | u16::from(header[1])) % 31 == 0;
    if !zlib_header {
        return None;
    }
    let bytes = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(decoded, limit).ok()?;
    is_text(&bytes).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run split [`base85_runs`] replaced: `split` on the bytes outside the alphabet, then
    /// a look at each run.
    fn base85_runs_by_split(text: &[u8]) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for run in text.split(|&b| BASE85_VALUE[usize::from(b)] == 0xFF) {
            let range = start..start + run.len();
            start += run.len() + 1;
            if (10..=MAX_BASE85).contains(&run.len())
                && run.iter().any(|b| !b.is_ascii_alphanumeric())
                && run.iter().any(u8::is_ascii_alphabetic)
            {
                out.push(range);
            }
        }
        out
    }

    proptest::proptest! {
        /// The one-pass run scan finds the runs the split found.
        #[test]
        fn base85_runs_are_the_split_runs(
            text in proptest::collection::vec(
                proptest::sample::select(b"aZ09(),.;~ \"\x80".to_vec()), 0..600),
        ) {
            proptest::prop_assert_eq!(base85_runs(&text).collect::<Vec<_>>(), base85_runs_by_split(&text));
        }
    }

    fn text(c: Option<Candidate>) -> Option<String> {
        c.map(|c| String::from_utf8(c.bytes).unwrap())
    }

    #[test]
    fn folds_look_alikes_and_digits() {
        assert_eq!(
            text(unicode("１２３–４５–６７８９".as_bytes())).as_deref(),
            Some("123-45-6789")
        );
        assert_eq!(
            text(unicode("١٢٣-٤٥-٦٧٨٩".as_bytes())).as_deref(),
            Some("123-45-6789")
        );
        assert_eq!(
            text(unicode("1\u{200B}2\u{200B}3".as_bytes())).as_deref(),
            Some("123")
        );
        assert_eq!(
            text(unicode("ann@exаmple.org".as_bytes())).as_deref(),
            Some("ann@example.org")
        );
        assert_eq!(text(unicode("José Müller".as_bytes())), None);
        assert_eq!(text(unicode(b"plain")), None);
    }

    #[test]
    fn reverses_base32_and_inflates() {
        assert_eq!(
            text(reversed(b"9876-54-321")).as_deref(),
            Some("123-45-6789")
        );
        assert_eq!(text(reversed(b"mean 42")), None);
        assert_eq!(
            text(reversed(b"2310-555 )514(")).as_deref(),
            Some("(415) 555-0132")
        );
        assert_eq!(text(reversed(b"2026-03-14T12:00:00Z")), None);
        let b32 = data_encoding::BASE32.encode(b"123-45-6789");
        assert_eq!(base32(b32.as_bytes()).as_deref(), Some(&b"123-45-6789"[..]));
        let z = miniz_oxide::deflate::compress_to_vec_zlib(b"123-45-6789", 6);
        assert_eq!(zlib(&z, 64).as_deref(), Some(&b"123-45-6789"[..]));
        assert_eq!(zlib(&z, 4), None);
        assert_eq!(zlib(b"{\"a\":1}", 64), None);
        // Python: base64.b85encode(b"123-45-6789")
        let b85 = |t: &[u8]| -> Vec<String> {
            base85(t)
                .into_iter()
                .map(|c| String::from_utf8(c.bytes).unwrap())
                .collect()
        };
        assert_eq!(b85(b"ref: F)}kPG&L<YH#j). done"), ["123-45-6789"]);
        assert_eq!(b85(b"review (F)}kPG&L<YH#j)."), ["123-45-6789"]);
        assert!(b85(b"ratio 0.5, elapsed_ms=120 (review)").is_empty());
    }
}
