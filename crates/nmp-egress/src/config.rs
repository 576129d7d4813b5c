//! Per-node configuration of the filter: mode, extra rules, allowlist and limits.

use serde::{Deserialize, Serialize};

/// What the filter does with output that contains a finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Drop the whole output; the agent gets the report only. The default.
    #[default]
    Block,
    /// Replace each matched value with a typed placeholder such as `[REDACTED:email]` and let the
    /// rest pass. Findings the filter cannot redact (limits hit) still block.
    Redact,
}

/// A pattern the data owner adds to the built-in rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraPattern {
    /// Short name: 1 to 32 characters of `a-z`, `0-9` and `_`. The finding's rule id is
    /// `custom.<id>` and the redaction placeholder is `[REDACTED:<id>]`.
    pub id: String,
    /// A regular expression in the syntax of the `regex` crate (linear time; no look-around or
    /// back-references). Compiled once by [`crate::Scanner::new`].
    pub pattern: String,
}

/// Budgets that keep a scan bounded. Anything the scanner cannot decide within them is blocked
/// with a [`crate::Category::Undecidable`] finding that names the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest input scanned, in bytes. A larger input is blocked unread (`limit.input_size`).
    /// Defaults to 16 MiB; at most 1 GiB.
    pub max_input_bytes: usize,
    /// Deepest JSON nesting (arrays and objects) parsed, counted across decoded layers. Deeper
    /// input is blocked (`limit.json_depth`). Defaults to 128; at most 512.
    pub max_json_depth: usize,
    /// How many decoding layers (base64 inside JSON inside URL-encoding, ...) are followed.
    /// Content that still decodes at this depth is blocked (`limit.decode_depth`). Defaults to 8;
    /// at most 32.
    pub max_decode_depth: usize,
    /// Total bytes all decoders may produce in one scan, as a multiple of the input length (with
    /// a floor of 64 KiB). Past it the scan stops decoding and blocks (`limit.expansion`).
    /// Defaults to 8; between 1 and 64.
    pub max_expansion_ratio: usize,
    /// Shortest base64 or hex token that is decoded. Defaults to 12; at least 8.
    pub min_encoded_len: usize,
    /// Most findings listed in a report; the rest are counted in
    /// [`crate::Report::findings_omitted`] (redaction still covers them). Defaults to 256.
    pub max_findings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 16 << 20,
            max_json_depth: 128,
            max_decode_depth: 8,
            max_expansion_ratio: 8,
            min_encoded_len: 12,
            max_findings: 256,
        }
    }
}

impl Limits {
    /// Checks every limit against its documented range.
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        let checks: [(&'static str, usize, usize, usize); 6] = [
            ("max_input_bytes", self.max_input_bytes, 1, 1 << 30),
            ("max_json_depth", self.max_json_depth, 1, 512),
            ("max_decode_depth", self.max_decode_depth, 1, 32),
            ("max_expansion_ratio", self.max_expansion_ratio, 1, 64),
            ("min_encoded_len", self.min_encoded_len, 8, 4096),
            ("max_findings", self.max_findings, 1, 1 << 20),
        ];
        for (name, value, min, max) in checks {
            if !(min..=max).contains(&value) {
                return Err(ConfigError::Limit {
                    name,
                    value,
                    min,
                    max,
                });
            }
        }
        Ok(())
    }
}

/// The filter's configuration, usually embedded in a node's TOML config.
///
/// `Config::default()` is the strictest useful setting: block mode, every built-in rule on,
/// default [`Limits`], no extra keys, patterns or allowlisted values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Block (default) or redact.
    pub mode: Mode,
    /// The data owner's restricted schema keys (e.g. `patientId`, `mrn`), on top of the built-in
    /// list. Matched across case, separators, Unicode look-alikes and zero-width characters; a
    /// key that merely contains one inside an aggregate name (`patientCount`) is not a hit.
    pub restricted_keys: Vec<String>,
    /// Extra regular expressions; a match is a [`crate::Category::Custom`] finding.
    pub extra_patterns: Vec<ExtraPattern>,
    /// Exact values that are never findings (e.g. `test@example.com`).
    pub allowlist: Vec<String>,
    /// Rule ids switched off (see [`crate::rule_ids`]); an unknown id is a [`ConfigError`].
    pub disabled_rules: Vec<String>,
    /// Scan budgets.
    pub limits: Limits,
}

/// Why [`crate::Scanner::new`] refused a configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An extra pattern's regular expression does not compile (or exceeds the size limit).
    #[error("extra pattern `{id}` does not compile")]
    InvalidPattern {
        /// The pattern's id.
        id: String,
        /// The compiler's reason.
        #[source]
        source: regex::Error,
    },
    /// An extra pattern's id is empty, too long, uses characters outside `a-z0-9_`, or repeats.
    #[error("extra pattern id `{id}` is not 1-32 unique characters of a-z, 0-9, _")]
    InvalidPatternId {
        /// The offending id.
        id: String,
    },
    /// A restricted key has no letters or digits left after normalisation.
    #[error("restricted key `{key}` is empty after normalisation")]
    EmptyRestrictedKey {
        /// The offending key.
        key: String,
    },
    /// `disabled_rules` names a rule that does not exist.
    #[error("unknown rule id `{rule}` in disabled_rules")]
    UnknownRule {
        /// The unknown id.
        rule: String,
    },
    /// A limit is outside its documented range.
    #[error("limit `{name}` = {value} is outside {min}..={max}")]
    Limit {
        /// The limit's field name.
        name: &'static str,
        /// The configured value.
        value: usize,
        /// Smallest allowed value.
        min: usize,
        /// Largest allowed value.
        max: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_limits_are_valid() {
        Limits::default().validate().unwrap();
    }

    #[test]
    fn out_of_range_limit_is_typed() {
        let limits = Limits {
            max_decode_depth: 0,
            ..Limits::default()
        };
        assert!(matches!(
            limits.validate(),
            Err(ConfigError::Limit {
                name: "max_decode_depth",
                ..
            })
        ));
    }

    #[test]
    fn config_deserializes_from_partial_json() {
        let config: Config =
            serde_json::from_str(r#"{"mode":"redact","restricted_keys":["patientId"]}"#).unwrap();
        assert_eq!(config.mode, Mode::Redact);
        assert_eq!(config.limits, Limits::default());
    }
}
