//! `key=value` and `key: value` assignments in free text (logs, CSV cells, strings inside JSON).
//!
//! One ASCII automaton finds them (bytes of multi-byte UTF-8 characters count as key characters,
//! so look-alike keys are found too); a small parser then splits each match, which keeps the
//! search on the lazy DFA instead of a capture-group engine.

use std::ops::Range;

use super::errors;

/// A key/value assignment: the key and the value (without quotes), as ranges of the text.
#[derive(Debug, Clone)]
pub(crate) struct Pair {
    pub(crate) key: Range<usize>,
    pub(crate) value: Range<usize>,
}

/// The assignment pattern: a key not glued to a preceding key character, an optional quote,
/// `:` or `=` (Markdown bold around it allowed: `**Password:** ...`), then a double-quoted, single-quoted or bare value (a bare value may carry an
/// auth scheme such as `Bearer `; a `${...}`, `$(...)` or `%(...)s` reference is read whole, so
/// its closing bracket stays part of the value). Unbounded repetitions keep the automaton small.
pub(crate) const PATTERN: &str = r#"(?-u)(?:^|[^A-Za-z0-9_.\-\x80-\xFF])["']?[A-Za-z0-9_\x80-\xFF][A-Za-z0-9_.\-\x80-\xFF]*["']?\*{0,2}[ \t]*[:=](?:\*{1,2}[ \t])?[ \t]*(?:"[^"\r\n]+"|'[^'\r\n]+'|\$\{[^}\s]*\}|[$%]\([^)\s]*\)s?|(?:(?i:bearer|basic|token) )?[^\s,;&"'}\])]+)"#;

/// Assignments of other shapes: a validation error that quotes the field's name before its
/// value (`field 'national_id' rejected value '70578262757'`); a word followed by a
/// single- or double-quoted value, as error messages write them (`dob '1998-08-21'`, `password
/// 'hunter2x9'`, `unexpected mailing_address "4 Elm Rd"`); the error shapes of
/// [`errors::pattern`]; a parenthesised key and value, as
/// PostgreSQL's constraint errors write them (`Key (national_id)=(70578262757)`); an element of
/// XML configuration (`<password>...</password>`); and the parameters of a query string (`?access_token=...&cursor=...`), which the pattern above reads
/// as one long value after `https:`.
pub(crate) const OTHER_PATTERN: &str = concat!(
    "(?-u)",
    errors::pattern!(),
    r#"|(?:^|[^A-Za-z0-9_.\-\x80-\xFF])(?i:field|column|key|attribute|parameter|property)[ \t]+['"`][A-Za-z_][A-Za-z0-9_.\-]{0,63}['"`][ \t]+(?:[a-z]+[ \t]+){0,3}(?:value|got|=)[ \t]+'[^'\r\n]{1,128}'|(?:^|[^A-Za-z0-9_.\-\x80-\xFF])[A-Za-z_\x80-\xFF][A-Za-z0-9_.\-\x80-\xFF]*[ \t]+(?:'[^'\r\n]{1,128}'|"[^"\r\n]{1,128}")|\([A-Za-z_][A-Za-z0-9_]*\)=\([^)\r\n]{1,128}\)|[?&][A-Za-z_][A-Za-z0-9_.\-]*=[^&\s#"']+|<[A-Za-z_][A-Za-z0-9_.\-]{0,63}>[^<>\r\n]{1,128}</"#,
);

/// `false` when no match of [`PATTERN`] can be in `text`: every match holds a `:` or `=`. One
/// `memchr` pass, so a CSV extract or prose without either skips the automaton.
pub(crate) fn may_hold_assignment(text: &[u8]) -> bool {
    memchr::memchr2(b':', b'=', text).is_some()
}

/// `false` when no match of [`OTHER_PATTERN`] can be in `text`. Each of its shapes holds one of
/// these: a `'` (the error shapes with `entry '`, a field named in quotes, a word before a
/// single-quoted value), a space or tab before a `"` (a word before a double-quoted value), a
/// `=` (`input_value=`, `(key)=(value)`, query parameters), `</` (an XML element), `unmarshal `
/// or `INSERT INTO `. A few `memchr` passes instead of the automaton over a text of quoted CSV
/// cells (`,"note"`) or JSON.
pub(crate) fn may_hold_other(text: &[u8]) -> bool {
    memchr::memchr2(b'\'', b'=', text).is_some()
        || memchr::memmem::find(text, b" \"").is_some()
        || memchr::memmem::find(text, b"\t\"").is_some()
        || memchr::memmem::find(text, b"</").is_some()
        || memchr::memmem::find(text, b"unmarshal ").is_some()
        || memchr::memmem::find(text, b"INSERT INTO ").is_some()
}

/// Splits one match of [`OTHER_PATTERN`] found at `offset`.
pub(crate) fn split_other(m: &[u8], offset: usize) -> Option<Pair> {
    if let Some(pair) = errors::split(m, offset) {
        return pair;
    }
    let start = m.iter().position(|&b| key_start(b))?;
    let end = start + m[start..].iter().take_while(|&&b| key_byte(b)).count();
    let value = match m.get(end)? {
        b' ' | b'\t' => {
            let open = end
                + m[end..]
                    .iter()
                    .position(|&b| matches!(b, b'\'' | b'"' | b'`'))?;
            let close = open + 1 + m[open + 1..].iter().position(|&b| b == m[open])?;
            if close + 1 < m.len() {
                // `field 'K' rejected value 'V'`: the quoted field name is the key.
                let value = m[..m.len() - 1].iter().rposition(|&b| b == b'\'')? + 1;
                return Some(Pair {
                    key: offset + open + 1..offset + close,
                    value: offset + value..offset + m.len() - 1,
                });
            }
            open + 1..m.len() - 1
        }
        b')' => end + 3..m.len() - 1,
        b'>' => end + 1..m.len() - 2,
        b'=' => end + 1..m.len(),
        _ => return None,
    };
    (value.start < value.end).then(|| Pair {
        key: offset + start..offset + end,
        value: offset + value.start..offset + value.end,
    })
}

fn key_start(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn key_byte(b: u8) -> bool {
    key_start(b) || b == b'.' || b == b'-'
}

/// Splits one match of [`PATTERN`] found at `offset`.
pub(crate) fn split(m: &[u8], offset: usize) -> Option<Pair> {
    let start = m.iter().position(|&b| key_start(b))?;
    let end = start + m[start..].iter().take_while(|&&b| key_byte(b)).count();
    let mut i = end;
    while m
        .get(i)
        .is_some_and(|b| matches!(b, b'"' | b'\'' | b' ' | b'\t' | b'*'))
    {
        i += 1;
    }
    if !matches!(m.get(i), Some(b':' | b'=')) {
        return None;
    }
    i += 1;
    // Bold after the separator (`**Password:** x`) only when a space follows it: `***-**-1234`
    // is a masked value.
    let stars = m[i..].iter().take(2).take_while(|&&b| b == b'*').count();
    if stars > 0 && matches!(m.get(i + stars), Some(b' ' | b'\t')) {
        i += stars;
    }
    while m.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
        i += 1;
    }
    let value = match m.get(i) {
        Some(b'"' | b'\'') if m.len() >= i + 2 => i + 1..m.len() - 1,
        Some(_) => i..m.len(),
        None => return None,
    };
    Some(Pair {
        key: offset + start..offset + end,
        value: offset + value.start..offset + value.end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::bytes::Regex;

    fn pairs(text: &str) -> Vec<(String, String)> {
        let re = Regex::new(PATTERN).unwrap();
        re.find_iter(text.as_bytes())
            .filter_map(|m| split(m.as_bytes(), m.start()))
            .map(|p| (text[p.key].to_owned(), text[p.value].to_owned()))
            .collect()
    }

    #[test]
    fn splits_assignments() {
        assert_eq!(
            pairs(
                r#"x db_password=Tr0ub4dor#3x; "patientId": 17, 'k':'v v' Authorization: Bearer abc"#
            ),
            [
                ("db_password".into(), "Tr0ub4dor#3x".into()),
                ("patientId".into(), "17".into()),
                ("k".into(), "v v".into()),
                ("Authorization".into(), "Bearer abc".into()),
            ]
        );
        assert_eq!(pairs("pаtient_id=5"), [("pаtient_id".into(), "5".into())]);
        assert_eq!(
            pairs("ssn=${DB_SSN} pw=%(password)s k=$(cat /x)"),
            [
                ("ssn".into(), "${DB_SSN}".into()),
                ("pw".into(), "%(password)s".into()),
                ("k".into(), "$(cat".into()),
            ]
        );
    }

    #[test]
    fn splits_validation_errors_and_xml_elements() {
        let re = Regex::new(OTHER_PATTERN).unwrap();
        let other = |text: &str| -> Vec<(String, String)> {
            re.find_iter(text.as_bytes())
                .filter_map(|m| split_other(m.as_bytes(), m.start()))
                .map(|p| (text[p.key].to_owned(), text[p.value].to_owned()))
                .collect()
        };
        assert_eq!(
            other("ValidationError: field 'national_id' rejected value '70578262757': dup"),
            [("national_id".into(), "70578262757".into())]
        );
        assert_eq!(
            other("<user>gchen</user>\n  <password>E72xpRwzvc</password>"),
            [
                ("user".into(), "gchen".into()),
                ("password".into(), "E72xpRwzvc".into())
            ]
        );
        assert_eq!(
            other("password 'hunter2x9'"),
            [("password".into(), "hunter2x9".into())]
        );
    }
}
