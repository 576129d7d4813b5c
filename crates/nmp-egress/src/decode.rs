//! The decoders behind the evasion defence: given a string, what serialized or encoded content
//! might it hide? Each candidate says which decoder produced it and which bytes it came from.
//!
//! Decoders never expand: every output is at most as long as its source, so the expansion
//! budget (enforced by the engine) bounds the total work of a scan.

mod embedded;
mod fold;
pub(crate) use fold::folded;
mod tokens;

use std::ops::Range;
use std::sync::LazyLock;

use crate::report::Decoding;
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// One thing a string may hide.
#[derive(Debug)]
pub(crate) struct Candidate {
    /// The decoder.
    pub(crate) via: Decoding,
    /// The source bytes it came from (within the scanned string).
    pub(crate) range: Range<usize>,
    /// The decoded bytes (for [`Decoding::Json`], the JSON text itself).
    pub(crate) bytes: Vec<u8>,
}

fn lenient(alphabet: &base64::alphabet::Alphabet) -> GeneralPurpose {
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    GeneralPurpose::new(alphabet, config)
}

static STANDARD: LazyLock<GeneralPurpose> = LazyLock::new(|| lenient(&base64::alphabet::STANDARD));
static URL_SAFE: LazyLock<GeneralPurpose> = LazyLock::new(|| lenient(&base64::alphabet::URL_SAFE));
/// The decoders of one scanner: base64 and hex tokens are tried from its `min_encoded_len`.
#[derive(Debug)]
pub(crate) struct Decoder {
    min_len: usize,
}

impl Decoder {
    /// Decoders that try base64 and hex tokens of at least `min_len` bytes.
    pub(crate) fn new(min_len: usize) -> Self {
        Self { min_len }
    }

    /// Finds every decodable candidate in `text`; a reading backwards only when `reverse` (not
    /// inside content that was itself reversed).
    pub(crate) fn candidates(&self, text: &[u8], reverse: bool) -> Vec<Candidate> {
        let mut out = Vec::new();
        match json_text(text) {
            Some(c) => out.push(c),
            None if text.contains(&b'{') => out.extend(embedded::json(text)),
            None => {}
        }
        if text.contains(&b'%') {
            for range in escaped_words(text) {
                if let Some(bytes) = percent(&text[range.clone()]) {
                    out.push(Candidate {
                        via: Decoding::Url,
                        range,
                        bytes,
                    });
                }
            }
        }
        // Escapes are decoded a line at a time, so a value keeps its context (`, 29617
        // M\u00fchldorf`, `+\u200b4\u200b4 \u200b20`).
        if text.contains(&b'\\') || memchr::memmem::find(text, b"&#").is_some() {
            let mut start = 0;
            for line in text.split(|&b| b == b'\n') {
                let range = start..start + line.len();
                start += line.len() + 1;
                if let Some(bytes) = unescape(line) {
                    out.push(Candidate {
                        via: Decoding::Escape,
                        range,
                        bytes,
                    });
                }
            }
        }
        out.extend(self.tokens(text));
        out.extend(fold::unicode(text));
        // Reversal and separators need nine digits or an `@`: one cheap pass decides.
        let digits = text.iter().filter(|b| b.is_ascii_digit()).take(9).count();
        let grouped = digits >= 9 || text.contains(&b'@');
        // One pass over the text's fields serves the reversal and the separators.
        let whole = (reverse && grouped).then(|| fold::reversed(text)).flatten();
        let reverse_fields = reverse && grouped && whole.is_none();
        let (reversed, separated) = if grouped {
            tokens::field_candidates(text, reverse_fields)
        } else {
            (Vec::new(), Vec::new())
        };
        out.extend(whole);
        out.extend(reversed);
        out.extend(fold::base85(text));
        out.extend(separated);
        if tokens::spells(text) {
            out.extend(tokens::at_words(text));
            out.extend(tokens::spelled(text));
        }
        out
    }

    /// The base64, base64url and hex tokens in `text` that decode to text.
    pub(crate) fn tokens<'t>(&'t self, text: &'t [u8]) -> impl Iterator<Item = Candidate> + 't {
        token_ranges(text, self.min_len).filter_map(|range| {
            let (via, bytes) = token(&text[range.clone()])?;
            Some(Candidate { via, range, bytes })
        })
    }
}

/// The bytes of a base64, base64url or hex token: `[A-Za-z0-9+/_-]`.
const TOKEN_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'_' | b'-');
        b += 1;
    }
    table
};

/// The tokens of `text`, as the regex `[A-Za-z0-9+/_-]{min_len,}={0,2}` finds them one after
/// the other (leftmost first, greedy): every maximal run of token bytes at least `min_len`
/// long, with up to two `=` right after it. One pass over a byte table, no automaton.
fn token_ranges(text: &[u8], min_len: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        loop {
            pos += text[pos..]
                .iter()
                .position(|&b| TOKEN_BYTE[usize::from(b)])?;
            let start = pos;
            pos += text[pos..]
                .iter()
                .position(|&b| !TOKEN_BYTE[usize::from(b)])
                .unwrap_or(text.len() - pos);
            if pos - start >= min_len {
                pos += text[pos..]
                    .iter()
                    .take(2)
                    .take_while(|&&b| b == b'=')
                    .count();
                return Some(start..pos);
            }
        }
    })
}

/// `true` when a `%XX` escape starts at `i` of `text`.
fn escape_at_percent(text: &[u8], i: usize) -> bool {
    text[i] == b'%'
        && text.get(i + 1).copied().and_then(hex_val).is_some()
        && text.get(i + 2).copied().and_then(hex_val).is_some()
}

/// Ranges of the whitespace-separated words of `text` that hold a `%XX` escape, in order, each
/// once: found from the `%` signs (`memchr`), so a long text with a few `25 %` costs no walk
/// over all its words.
fn escaped_words(text: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut done = 0;
    memchr::memchr_iter(b'%', text).filter_map(move |i| {
        if i < done || !escape_at_percent(text, i) {
            return None;
        }
        let start = text[..i]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map_or(0, |p| p + 1);
        let end = text[i..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(text.len(), |p| i + p);
        done = end;
        Some(start..end)
    })
}

/// A string whose trimmed content looks like a JSON container or string literal.
fn json_text(text: &[u8]) -> Option<Candidate> {
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let end = text.iter().rposition(|b| !b.is_ascii_whitespace())? + 1;
    let inner = &text[start..end];
    let framed = matches!(
        (inner.first(), inner.last()),
        (Some(b'{'), Some(b'}')) | (Some(b'['), Some(b']')) | (Some(b'"'), Some(b'"'))
    );
    (framed && inner.len() >= 2).then(|| Candidate {
        via: Decoding::Json,
        range: start..end,
        bytes: inner.to_vec(),
    })
}

/// Decodes a base64, base64url or hex token whose output is text.
fn token(tok: &[u8]) -> Option<(Decoding, Vec<u8>)> {
    let body = tok
        .strip_suffix(b"==")
        .or_else(|| tok.strip_suffix(b"="))
        .unwrap_or(tok);
    if body.len().is_multiple_of(2)
        && body.iter().all(u8::is_ascii_hexdigit)
        && let Ok(bytes) = hex::decode(body)
        && is_text(&bytes)
    {
        return Some((Decoding::Hex, bytes));
    }
    let url = body.iter().any(|b| matches!(b, b'-' | b'_'));
    let std = body.iter().any(|b| matches!(b, b'+' | b'/'));
    let (via, engine) = match (url, std) {
        (true, true) => return None,
        (true, false) => (Decoding::Base64Url, &*URL_SAFE),
        (false, _) => (Decoding::Base64, &*STANDARD),
    };
    if let Some(bytes) = fold::base32(tok) {
        return Some((Decoding::Base32, bytes));
    }
    // Cheap rejection: decode a prefix first, so binary blobs cost little (a zlib stream is
    // recognised by its two-byte header).
    let probe = &body[..body.len().min(64) / 4 * 4];
    let zlib_probe = body.starts_with(b"eJ")
        || body.starts_with(b"eN")
        || body.starts_with(b"eA")
        || body.starts_with(b"eF");
    if probe.len() >= 8 && !zlib_probe && !engine.decode(probe).is_ok_and(|b| is_text_prefix(&b)) {
        return None;
    }
    let bytes = engine.decode(body).ok()?;
    if is_text(&bytes) {
        return Some((via, bytes));
    }
    fold::zlib(&bytes, tok.len()).map(|b| (Decoding::Zlib, b))
}

/// The start of a text: UTF-8 (possibly cut inside the last character) without control
/// characters but whitespace.
fn is_text_prefix(bytes: &[u8]) -> bool {
    let valid = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid up to here")
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
}

/// UTF-8 with no control characters but whitespace, and at least one alphanumeric.
pub(crate) fn is_text(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            !s.is_empty()
                && s.chars()
                    .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
                && s.chars().any(char::is_alphanumeric)
        }
        Err(_) => false,
    }
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-decodes `%XX` sequences; `None` when there are none (found before allocating).
fn percent(text: &[u8]) -> Option<Vec<u8>> {
    if !memchr::memchr_iter(b'%', text).any(|i| escape_at_percent(text, i)) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'%'
            && let (Some(h), Some(l)) = (
                text.get(i + 1).copied().and_then(hex_val),
                text.get(i + 2).copied().and_then(hex_val),
            )
        {
            out.push(h << 4 | l);
            changed = true;
            i += 3;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    changed.then_some(out)
}

/// Decodes `\uXXXX`, `\xXX` and `&#NN;`/`&#xHH;` escapes; `None` when there are none.
fn unescape(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < text.len() {
        if let Some((c, used)) = escape_at(&text[i..]) {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            changed = true;
            i += used;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    changed.then_some(out)
}

fn hex_number(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |acc, &b| Some(acc * 16 + u32::from(hex_val(b)?)))
}

/// One escape at the start of `s`: the character and the bytes it used.
fn escape_at(s: &[u8]) -> Option<(char, usize)> {
    match s {
        [b'\\', b'u', rest @ ..] if rest.len() >= 4 => {
            Some((char::from_u32(hex_number(&rest[..4])?)?, 6))
        }
        [b'\\', b'x', rest @ ..] if rest.len() >= 2 => {
            Some((char::from_u32(hex_number(&rest[..2])?)?, 4))
        }
        [b'&', b'#', rest @ ..] => {
            let end = rest.iter().take(8).position(|&b| b == b';')?;
            let body = &rest[..end];
            let cp = match body {
                [b'x' | b'X', hex @ ..] if !hex.is_empty() => hex_number(hex)?,
                _ if !body.is_empty() && body.iter().all(u8::is_ascii_digit) => {
                    std::str::from_utf8(body).ok()?.parse().ok()?
                }
                _ => return None,
            };
            Some((char::from_u32(cp)?, end + 3))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(text: &[u8], min_len: usize) -> Vec<Candidate> {
        Decoder::new(min_len).candidates(text, true)
    }

    fn first(text: &str) -> (Decoding, String) {
        let c = candidates(text.as_bytes(), 12).into_iter().next().unwrap();
        (c.via, String::from_utf8(c.bytes).unwrap())
    }

    #[test]
    fn decoders() {
        assert_eq!(
            first("am9obkBleGFtcGxlLmNvbQ=="),
            (Decoding::Base64, "john@example.com".into())
        );
        assert_eq!(
            first("6a6f686e406578616d706c652e636f6d"),
            (Decoding::Hex, "john@example.com".into())
        );
        assert_eq!(
            first("john%40example.com"),
            (Decoding::Url, "john@example.com".into())
        );
        assert_eq!(
            first(r"john\u0040example&#46;com"),
            (Decoding::Escape, "john@example.com".into())
        );
        assert_eq!(first(r#" {"a":1} "#).0, Decoding::Json);
    }

    proptest::proptest! {
        /// The byte-table token scan finds what the regex it replaced finds.
        #[test]
        fn token_scan_is_the_regex(
            text in proptest::collection::vec(
                proptest::sample::select(b"aZ09+/_-=  ,.\"\xc3".to_vec()), 0..200),
            min_len in 1usize..20,
        ) {
            let regex = regex::bytes::Regex::new(
                &format!("(?-u)[A-Za-z0-9+/_\\-]{{{min_len},}}={{0,2}}")).unwrap();
            let expected: Vec<_> = regex.find_iter(&text).map(|m| m.range()).collect();
            let found: Vec<_> = token_ranges(&text, min_len).collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    proptest::proptest! {
        /// The words found from their `%` signs are the words with an escape.
        #[test]
        fn escaped_words_are_the_words_with_an_escape(
            text in proptest::collection::vec(
                proptest::sample::select(b"%%4aG \n\t.x".to_vec()), 0..80),
        ) {
            let words = text
                .split(u8::is_ascii_whitespace)
                .scan(0, |at, w| {
                    let range = *at..*at + w.len();
                    *at += w.len() + 1;
                    Some(range)
                })
                .filter(|r| !r.is_empty() && percent(&text[r.clone()]).is_some());
            let expected: Vec<_> = words.collect();
            let found: Vec<_> = escaped_words(&text).collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn binary_and_words_are_not_candidates() {
        assert!(candidates(b"internationalization", 12).is_empty());
        assert!(
            candidates(
                b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                12
            )
            .is_empty()
        );
        assert!(candidates(b"100% sure", 12).is_empty());
    }
}
