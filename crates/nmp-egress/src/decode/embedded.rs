//! JSON inside a longer text: a log line that carries a JSON object (`bad row {"ssn": ...}`) or
//! an escaped JSON string literal (`payload="{\"ssn\": ...}"`).

use super::Candidate;
use crate::report::Decoding;

/// Most embedded documents taken from one text.
const MAX_EMBEDDED: usize = 16;

/// End (exclusive) of the JSON string literal whose opening quote is at `start`.
fn string_end(text: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// End (exclusive) of the JSON object whose `{` is at `start`: braces counted outside strings.
fn object_end(text: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < text.len() {
        match text[i] {
            b'"' => {
                i = string_end(text, i)?;
                continue;
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The JSON objects and escaped JSON string literals embedded in `text` (which is not itself
/// JSON), at most [`MAX_EMBEDDED`].
pub(super) fn json(text: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut pos = 0;
    while out.len() < MAX_EMBEDDED {
        let Some(open) = text[pos..].iter().position(|&b| b == b'{').map(|p| p + pos) else {
            break;
        };
        let quoted = open > 0 && text[open - 1] == b'"' && text[open + 1..].starts_with(b"\\\"");
        let range = if quoted {
            string_end(text, open - 1).map(|end| open - 1..end)
        } else if text[open + 1..].starts_with(b"\"") {
            object_end(text, open).map(|end| open..end)
        } else {
            None
        };
        match range {
            Some(range) => {
                pos = range.end;
                out.push(Candidate {
                    via: Decoding::Embedded,
                    bytes: text[range.clone()].to_vec(),
                    range,
                });
            }
            None => pos = open + 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        json(text.as_bytes())
            .into_iter()
            .map(|c| String::from_utf8(c.bytes).unwrap())
            .collect()
    }

    #[test]
    fn finds_objects_and_escaped_literals() {
        assert_eq!(
            found(r#"ERROR bad row {"ssn": "1}", "n": {"a": 1}} end"#),
            [r#"{"ssn": "1}", "n": {"a": 1}}"#]
        );
        assert_eq!(
            found(r#"payload="{\"ssn\": \"123\"}" ok"#),
            [r#""{\"ssn\": \"123\"}""#]
        );
        assert_eq!(found("set {a, b} and {"), Vec::<String>::new());
        assert_eq!(found(r#"open {"never closed"#), Vec::<String>::new());
    }
}
