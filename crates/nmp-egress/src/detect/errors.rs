//! Key/value pairs in the error messages of common stacks, where the field's name and its value
//! are far apart or in an order of their own:
//!
//! - MySQL: `Duplicate entry '123-45-6789' for key 'people.ssn'` (the value first);
//! - Go's `encoding/json`: `cannot unmarshal string "1985-03-14" into Go struct field
//!   Patient.dob of type int64`;
//! - pydantic: the field's name on a line of its own, the value on the next as `input_value='...'`;
//! - SQLAlchemy: `INSERT INTO people (ssn) VALUES (?)]` and then `[parameters: ('123-45-6789',)]`.
//!
//! The shapes are alternatives of [`super::pairs::OTHER_PATTERN`] (one automaton pass for all
//! pairs of other shapes); [`split`] takes a match apart.

use std::ops::Range;

use memchr::memmem;

use super::pairs::Pair;

/// The error shapes, as alternatives of a `(?-u)` pattern (no leading or trailing `|`), to come
/// first in it (a word before a quoted value, `entry '...'`, is a pair of another shape that
/// would otherwise take the match).
macro_rules! pattern {
    () => {
        concat!(
            r#"(?:^|[^A-Za-z0-9_.\-\x80-\xFF])(?i:entry) '[^'\r\n]{1,128}' for key '[A-Za-z_][A-Za-z0-9_.\-]{0,63}'"#,
            r#"|(?:^|[^A-Za-z0-9_.\-\x80-\xFF])unmarshal [a-z]+ (?:"[^"\r\n]{1,128}"|[^ "\r\n]{1,64}) into Go (?:struct field|value of type) [A-Za-z_][A-Za-z0-9_.]{0,63}"#,
            r#"|\n[A-Za-z_][A-Za-z0-9_.]{0,63}\r?\n[ \t]+[^\r\n]*input_value=(?:'[^'\r\n]{1,128}'|"[^"\r\n]{1,128}")"#,
            r#"|INSERT INTO [A-Za-z_][A-Za-z0-9_.]* \([A-Za-z_][A-Za-z0-9_]*\) VALUES \([^)\r\n]{0,16}\)\]?\r?\n\[parameters: \((?:'[^'\r\n]{1,128}'|[0-9][^,)\r\n]{0,63}),?\)"#,
        )
    };
}
pub(crate) use pattern;

/// Takes apart a match of [`pattern`] found at `offset`: `None` when `m` is no error shape,
/// `Some(None)` when it is one but holds no pair.
pub(crate) fn split(m: &[u8], offset: usize) -> Option<Option<Pair>> {
    let at = |needle: &[u8]| memmem::find(m, needle);
    let pair = |key: Range<usize>, value: Range<usize>| {
        (!key.is_empty() && !value.is_empty()).then(|| Pair {
            key: offset + key.start..offset + key.end,
            value: offset + value.start..offset + value.end,
        })
    };
    if let Some(i) = at(b"' for key '") {
        // `entry 'V' for key 'K'`
        let open = m.iter().position(|&b| b == b'\'')? + 1;
        return Some(pair(i + 11..m.len() - 1, open..i));
    }
    if let Some(i) = at(b" into Go ") {
        // `unmarshal T V into Go struct field K`
        let start = memmem::find(m, b"unmarshal ")? + 10;
        let start = start + m[start..].iter().position(|&b| b == b' ')? + 1;
        let value = if m[start] == b'"' {
            start + 1..i - 1
        } else {
            start..i
        };
        let key = m.iter().rposition(|&b| b == b' ')? + 1;
        return Some(pair(key..m.len(), value));
    }
    if let Some(i) = at(b"input_value=") {
        // `\nK\n  ... input_value='V'`
        let key = m.iter().position(|&b| b != b'\n')?;
        let end = key + m[key..].iter().position(|&b| b == b'\r' || b == b'\n')?;
        return Some(pair(key..end, i + 13..m.len() - 1));
    }
    if let Some(i) = at(b"[parameters: (") {
        // `INSERT INTO T (K) VALUES (?)]\n[parameters: ('V',)`
        let key = m.iter().position(|&b| b == b'(')? + 1;
        let end = key + m[key..].iter().position(|&b| b == b')')?;
        let start = i + 14;
        let value = if m[start] == b'\'' {
            start + 1..start + 1 + m[start + 1..].iter().position(|&b| b == b'\'')?
        } else {
            start..start + m[start..].iter().position(|&b| b == b',' || b == b')')?
        };
        return Some(pair(key..end, value));
    }
    None
}

#[cfg(test)]
mod tests {
    use regex::bytes::Regex;

    fn pairs(text: &str) -> Vec<(String, String)> {
        let re = Regex::new(concat!("(?-u)", pattern!())).unwrap();
        re.find_iter(text.as_bytes())
            .filter_map(|m| super::split(m.as_bytes(), m.start()).flatten())
            .map(|p| (text[p.key].to_owned(), text[p.value].to_owned()))
            .collect()
    }

    #[test]
    fn splits_the_error_shapes() {
        let one = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
        assert_eq!(
            pairs("ERROR 1062 (23000): Duplicate entry 'P689179' for key 'people.patientId'"),
            one("people.patientId", "P689179")
        );
        assert_eq!(
            pairs(
                r#"json: cannot unmarshal string "1981-02-13" into Go struct field Patient.dob of type int64"#
            ),
            one("Patient.dob", "1981-02-13")
        );
        assert_eq!(
            pairs(" json: cannot unmarshal number 4417 into Go struct field P.ssn of type string"),
            vec![("P.ssn".to_owned(), "4417".to_owned())]
        );
        assert_eq!(
            pairs(
                "1 validation error for Patient\ndate_of_birth\n  Input should be a valid date [type=date_type, input_value='1985-03-14', input_type=str]"
            ),
            one("date_of_birth", "1985-03-14")
        );
        assert_eq!(
            pairs(
                "UNIQUE constraint failed: people.tfn\n[SQL: INSERT INTO people (tfn) VALUES (?)]\n[parameters: ('861839751',)]"
            ),
            one("tfn", "861839751")
        );
        assert!(pairs("Duplicate entry '' for key 'PRIMARY'").is_empty());
    }
}
