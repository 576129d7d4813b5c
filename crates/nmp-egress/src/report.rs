//! What a scan found: the verdict, the findings and the (possibly redacted) output.
//!
//! Nothing here ever holds a matched value: a report leaves the node, so it carries the
//! category, the rule id, a JSON path and a byte span only.

use serde::{Deserialize, Serialize};

/// The outcome of one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    /// Pass, blocked or redacted.
    pub verdict: Verdict,
    /// What was found, without the values.
    pub report: Report,
    /// In [`crate::Mode::Redact`], the bytes that may leave: the input with every finding
    /// replaced by a placeholder, byte-identical to the input when nothing was found. `None` in
    /// block mode and whenever the verdict is [`Verdict::Blocked`].
    pub output: Option<Vec<u8>>,
}

/// May the bytes leave the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing found: the input may leave as it is.
    Pass,
    /// Something was found (block mode) or could not be decided (any mode): nothing leaves but
    /// the report.
    Blocked,
    /// Redact mode found something and replaced it: [`Scan::output`] may leave.
    Redacted,
}

/// How the input was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One JSON document (or several, whitespace-separated, as in JSON Lines).
    Json,
    /// Anything else (CSV, logs, plain text, binary), scanned as text.
    Text,
    /// Not read at all: the input exceeded a limit.
    Unread,
}

/// The findings of one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// How the input was read.
    pub format: Format,
    /// Length of the input.
    pub bytes_scanned: usize,
    /// Bytes produced by all decoders (counted against the expansion budget).
    pub bytes_decoded: usize,
    /// The findings, in scan order (document order, decoded content after its container), at
    /// most `limits.max_findings` of them.
    pub findings: Vec<Finding>,
    /// Findings beyond `limits.max_findings`: counted, not listed (and still redacted).
    pub findings_omitted: usize,
    /// Hex SHA-256 of the active rule set and configuration ([`crate::Scanner::rule_set_digest`]).
    pub rule_set_digest: String,
}

/// One thing that may not leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What kind of thing it is.
    pub category: Category,
    /// The rule that fired, e.g. `pii.email`, `secret.jwt`, `key.configured`,
    /// `limit.decode_depth` (see [`crate::rule_ids`]).
    pub rule: String,
    /// JSON path of the key or value (`$.rows[3].email`); for content found inside decoded data,
    /// the outer path, `>`, then the path inside (`$.blob>$.ssn`). Keys that are not plain
    /// identifiers or that hold a finding themselves appear as `*`. `None` in text mode.
    pub path: Option<String>,
    /// Byte range in the input that holds the finding (the whole encoded token when the match was
    /// inside decoded data). `None` when the finding concerns the input as a whole.
    pub span: Option<Span>,
    /// The decoders applied, outermost first, before the rule matched; empty for a direct match.
    pub decoded_via: Vec<Decoding>,
}

/// A half-open byte range `[start, end)` in the scanned input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Broad class of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Personal data: emails, phones, national ids, cards, IBANs, IPs, identity fields.
    Pii,
    /// Credentials: cloud keys, tokens, private keys, credential assignments.
    Secret,
    /// A key from the restricted schema list.
    RestrictedKey,
    /// A match of one of the data owner's extra patterns.
    Custom,
    /// The scanner could not decide within its budgets; always blocks.
    Undecidable,
    /// A value of one of the job's datasets' indexed columns ([`crate::ValueIndex`]); always
    /// blocks.
    RestrictedValue,
}

/// A decoding step the scanner applied to reach a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decoding {
    /// A string holding a JSON document (or a JSON string literal).
    Json,
    /// Standard base64.
    Base64,
    /// URL-safe base64.
    Base64Url,
    /// Hexadecimal.
    Hex,
    /// Percent (URL) encoding.
    Url,
    /// `\uXXXX`, `\xXX` or `&#NN;` escapes.
    Escape,
    /// Adjacent array elements or object values joined together.
    Joined,
    /// Unicode folded to ASCII: full-width and compatibility forms, digits of other scripts,
    /// Cyrillic and Greek look-alikes, Unicode dashes; zero-width characters dropped.
    Unicode,
    /// A JSON object or escaped JSON string literal embedded in a longer text (a log line).
    Embedded,
    /// A short value read backwards.
    Reversed,
    /// RFC 4648 base32.
    Base32,
    /// RFC 1924 base85 (Python's `b85encode`).
    Base85,
    /// zlib-compressed data inside base64.
    Zlib,
    /// A value whose separators were normalised (`499./897./8962`, `NL53_ABNA_...`, an `_`
    /// inside an email's domain) or whose `@` was spelled out (`name at example.org`).
    Separators,
}

impl Category {
    /// The findings of this category can be redacted (limits and dataset values cannot).
    pub(crate) fn redactable(self) -> bool {
        !matches!(self, Category::Undecidable | Category::RestrictedValue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_serializes_with_snake_case_names() {
        let finding = Finding {
            category: Category::RestrictedKey,
            rule: "key.configured".into(),
            path: Some("$.patientId".into()),
            span: Some(Span { start: 1, end: 12 }),
            decoded_via: vec![Decoding::Base64Url],
        };
        let json = serde_json::to_string(&finding).unwrap();
        assert!(json.contains(r#""category":"restricted_key""#), "{json}");
        assert!(json.contains(r#""base64_url""#), "{json}");
        let back: Finding = serde_json::from_str(&json).unwrap();
        assert_eq!(back, finding);
    }
}
