//! The scanner: a compiled rule set and configuration, reused for every response.

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::config::{Config, ConfigError, Limits, Mode};
use crate::decode::Decoder;
use crate::detect::{BUILTIN_KEYS, Detector};
use crate::engine::Engine;
use crate::json::ParseError;
use crate::redact::{self, Replacement};
use crate::report::{Category, Finding, Format, Report, Scan, Span, Verdict};
use crate::values::ValueIndex;

/// Most rounds of redaction in one scan (the first plus rescans of its output).
pub const MAX_REDACT_ROUNDS: usize = 3;

/// A compiled egress filter. Build it once per node configuration; [`Scanner::scan`] is cheap to
/// call for every response and the scanner is `Send + Sync`, so one instance serves all workers.
#[derive(Debug)]
pub struct Scanner {
    config: Config,
    det: Detector,
    decoder: Decoder,
    digest: [u8; 32],
    digest_hex: String,
}

/// The canonical description of a rule set that [`Scanner::rule_set_digest`] hashes.
#[derive(Serialize)]
struct Canonical<'a> {
    version: &'static str,
    rules: Vec<(&'a str, &'a str)>,
    builtin_keys: &'static [&'static str],
    restricted_keys: Vec<&'a str>,
    extra_patterns: Vec<(&'a str, &'a str)>,
    allowlist: Vec<&'a str>,
    disabled_rules: Vec<&'a str>,
    mode: Mode,
    limits: &'a Limits,
}

fn sorted(items: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = items.iter().map(String::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v
}

impl Scanner {
    /// Compiles the rule set for `config`.
    ///
    /// Fails with a [`ConfigError`] when an extra pattern does not compile or has a bad id, a
    /// disabled rule id is unknown, a restricted key is empty, or a limit is out of range.
    /// Costs a few milliseconds (regex compilation); do it once, not per response.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        config.limits.validate()?;
        let det = Detector::new(&config)?;
        let mut extra: Vec<(&str, &str)> = config
            .extra_patterns
            .iter()
            .map(|p| (p.id.as_str(), p.pattern.as_str()))
            .collect();
        extra.sort_unstable();
        let canonical = Canonical {
            version: concat!("nmp-egress rule set v2 (", env!("CARGO_PKG_VERSION"), ")"),
            rules: det
                .rules
                .iter()
                .map(|r| (r.id.as_str(), r.pattern.as_str()))
                .collect(),
            builtin_keys: BUILTIN_KEYS,
            restricted_keys: sorted(&config.restricted_keys),
            extra_patterns: extra,
            allowlist: sorted(&config.allowlist),
            disabled_rules: sorted(&config.disabled_rules),
            mode: config.mode,
            limits: &config.limits,
        };
        let bytes = serde_json::to_vec(&canonical).expect("the canonical description serializes");
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        Ok(Self {
            decoder: Decoder::new(config.limits.min_encoded_len),
            config,
            det,
            digest,
            digest_hex: hex::encode(digest),
        })
    }

    /// `true` when a column (or key) of this name is one of the restricted keys, built-in or
    /// configured, as the filter itself decides it: the same normalisation (case, separators,
    /// camelCase, Unicode look-alikes, zero-width characters) and the same qualifier rule
    /// (`visit_mrn` and `mrn_max` are the column, `mrn_null_fraction` is a statistic about it).
    /// A data node derives the `restricted` flags of its capability document from this, so the
    /// document and the filter cannot disagree; a CSV header naming such a column blocks.
    pub fn is_restricted_key(&self, key: &str) -> bool {
        self.det.restricted(key).is_some()
    }

    /// The configuration this scanner was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// SHA-256 over a canonical description of the active rules (ids and patterns), the
    /// built-in and configured restricted keys, extra patterns, allowlist, disabled rules, mode
    /// and limits. Two scanners with the same digest decide identically; receipts bind it.
    pub fn rule_set_digest(&self) -> [u8; 32] {
        self.digest
    }

    /// Scans one output. Never fails and never panics: anything it cannot decide within the
    /// configured [`Limits`] is reported as an [`Category::Undecidable`] finding and blocks.
    /// Time is linear in the input length (times the decode expansion ratio at worst).
    ///
    /// In redact mode the redacted output is scanned again, because removing one match can
    /// expose a neighbour it hid (a phone number glued to an email); findings of those extra
    /// rounds are reported without a span. Output still dirty after [`MAX_REDACT_ROUNDS`]
    /// rounds blocks (`limit.redaction`).
    pub fn scan(&self, input: &[u8]) -> Scan {
        self.scan_with(input, &[])
    }

    /// [`Scanner::scan`], and also blocks any value of `values` (the job's datasets' indexes)
    /// found in the input or anything decoded from it: a finding of category
    /// [`Category::RestrictedValue`], rule `dataset.value`, even in redact mode. Costs a
    /// normalisation of every string and a few hash lookups per token on top of the scan.
    pub fn scan_with(&self, input: &[u8], values: &[&ValueIndex]) -> Scan {
        let mut scan = self.pass(input, values);
        for round in 1..=MAX_REDACT_ROUNDS {
            let Some(output) = scan
                .output
                .as_deref()
                .filter(|_| scan.verdict == Verdict::Redacted)
            else {
                return scan;
            };
            let again = self.pass(output, values);
            if again.verdict == Verdict::Pass {
                return scan;
            }
            let report = &mut scan.report;
            report.bytes_decoded += again.report.bytes_decoded;
            report.findings_omitted += again.report.findings_omitted;
            for finding in again.report.findings {
                if report.findings.len() < self.config.limits.max_findings {
                    report.findings.push(Finding {
                        span: None,
                        ..finding
                    });
                } else {
                    report.findings_omitted += 1;
                }
            }
            scan.output = again.output;
            if again.verdict == Verdict::Blocked || round == MAX_REDACT_ROUNDS {
                if again.verdict == Verdict::Redacted {
                    report.findings.push(Finding {
                        category: Category::Undecidable,
                        rule: "limit.redaction".into(),
                        path: None,
                        span: None,
                        decoded_via: Vec::new(),
                    });
                }
                scan.verdict = Verdict::Blocked;
                scan.output = None;
            }
        }
        scan
    }

    /// One scan of `input` (and, in redact mode, one round of redaction).
    fn pass(&self, input: &[u8], values: &[&ValueIndex]) -> Scan {
        let limits = &self.config.limits;
        let mut engine = Engine::new(&self.det, &self.decoder, limits, values, input.len());
        let format = if input.len() > limits.max_input_bytes {
            engine.limit("limit.input_size", None, 0);
            Format::Unread
        } else {
            // Walked as JSON while read; bytes that turn out not to be JSON (or too deep) are
            // read again, from a fresh engine, the way they are.
            match engine.input_doc(input, limits.max_json_depth) {
                Ok(()) => Format::Json,
                Err(e) => {
                    engine = Engine::new(&self.det, &self.decoder, limits, values, input.len());
                    if e == ParseError::TooDeep {
                        engine.limit("limit.json_depth", None, 0);
                        Format::Json
                    } else {
                        engine.text_input(input);
                        Format::Text
                    }
                }
            }
        };
        self.conclude(input, format, engine)
    }

    fn conclude(&self, input: &[u8], format: Format, engine: Engine<'_>) -> Scan {
        let max = self.config.limits.max_findings;
        let blocked = engine
            .found
            .iter()
            .any(|f| !f.redactable || !self.det.rules[f.rule].category.redactable());
        let findings: Vec<Finding> = engine
            .found
            .iter()
            .take(max)
            .map(|f| {
                let rule = &self.det.rules[f.rule];
                Finding {
                    category: rule.category,
                    rule: rule.id.clone(),
                    path: f.path.clone(),
                    span: f.span().map(|r| Span {
                        start: r.start,
                        end: r.end,
                    }),
                    decoded_via: f.via.clone(),
                }
            })
            .collect();
        let verdict = match (engine.found.is_empty(), blocked, self.config.mode) {
            (true, _, _) => Verdict::Pass,
            (false, true, _) | (false, false, Mode::Block) => Verdict::Blocked,
            (false, false, Mode::Redact) => Verdict::Redacted,
        };
        let output = (self.config.mode == Mode::Redact && verdict != Verdict::Blocked).then(|| {
            let edits = engine
                .found
                .iter()
                .flat_map(|f| &f.edits)
                .map(|e| Replacement {
                    range: e.range.clone(),
                    label: self.det.rules[e.rule].label.clone(),
                    quoted: e.quoted,
                })
                .collect();
            redact::apply(input, edits)
        });
        let report = Report {
            format,
            bytes_scanned: input.len(),
            bytes_decoded: engine.decoded,
            findings_omitted: engine.found.len().saturating_sub(findings.len()),
            findings,
            rule_set_digest: self.digest_hex.clone(),
        };
        Scan {
            verdict,
            report,
            output,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Scanner>();
    }

    #[test]
    fn digest_tracks_configuration() {
        let a = Scanner::new(Config::default()).unwrap();
        let b = Scanner::new(Config {
            restricted_keys: vec!["mrn2".into()],
            ..Config::default()
        })
        .unwrap();
        assert_eq!(
            a.rule_set_digest(),
            Scanner::new(Config::default()).unwrap().rule_set_digest()
        );
        assert_ne!(a.rule_set_digest(), b.rule_set_digest());
    }

    #[test]
    fn oversized_input_is_undecidable() {
        let config = Config {
            limits: Limits {
                max_input_bytes: 4,
                ..Limits::default()
            },
            ..Config::default()
        };
        let scan = Scanner::new(config).unwrap().scan(b"hello");
        assert_eq!(scan.verdict, Verdict::Blocked);
        assert_eq!(scan.report.findings[0].category, Category::Undecidable);
    }
}
