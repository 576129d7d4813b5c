//! The egress filter of an NMP Data Node: may these output bytes leave the node?
//!
//! Whatever a guest program computes, its output passes through a [`Scanner`] before it leaves.
//! The scanner looks for personal data (emails, phones, SSNs, payment cards with Luhn, IBANs with
//! mod-97, IPs, passport MRZ lines, postal addresses in several countries' formats, labelled
//! dates of birth, person names in free text from the census name lists, an English word list
//! and their context, and identity fields),
//! secrets (cloud keys, provider tokens, JWTs, private keys, credential assignments, keyless
//! high-entropy tokens) and the data owner's restricted schema keys (also as nested paths, and
//! told apart from statistics about them: [`Scanner::is_restricted_key`]), matched across case,
//! separators, Unicode look-alikes and zero-width characters. Strings that hold serialized or
//! disguised data (JSON in JSON or in a log line, base64, base32, base85, zlib, hex, URL or `\u`
//! escapes, full-width or other-script characters, reversal, and combinations) are decoded and
//! scanned recursively within a depth and expansion budget, and values split across adjacent
//! array elements or object members are joined. A hit blocks
//! the output, or redacts it in [`Mode::Redact`]; anything the scanner cannot decide within its
//! [`Limits`] blocks. The [`Report`] never contains a matched value.
//!
//! ```
//! use nmp_egress::{Config, Mode, Scanner, Verdict};
//!
//! let config = Config {
//!     mode: Mode::Redact,
//!     restricted_keys: vec!["patientId".into()],
//!     ..Config::default()
//! };
//! let scanner = Scanner::new(config)?;
//! let scan = scanner.scan(br#"{"patient_id": 17, "contact": "ann@example.org", "patientCount": 42}"#);
//! assert_eq!(scan.verdict, Verdict::Redacted);
//! assert_eq!(
//!     scan.output.as_deref(),
//!     Some(&br#"{"patient_id": "[REDACTED:restricted_key]", "contact": "[REDACTED:email]", "patientCount": 42}"#[..])
//! );
//! assert_eq!(scan.report.findings[1].path.as_deref(), Some("$.contact"));
//! # Ok::<(), nmp_egress::ConfigError>(())
//! ```
//!
//! # Concepts
//!
//! - [`Config`]: the node's filter settings (mode, extra keys and patterns, allowlist, disabled
//!   rules, [`Limits`]); deserialized from the node's TOML config, lives as long as the node.
//! - [`Scanner`]: the compiled rule set; built once from a `Config`, shared by all workers.
//! - [`Scan`]: the outcome of one [`Scanner::scan`]: a [`Verdict`], a [`Report`] and, in redact
//!   mode, the bytes that may leave. One per response.
//! - [`ValueIndex`]: the salted hashes of the values of a dataset's restricted columns, built by
//!   the node when it commits the dataset; [`Scanner::scan_with`] blocks any of them found in
//!   an output, under any key and in any encoding. One per dataset commitment.
//! - [`Finding`]: one thing that may not leave: [`Category`], rule id, JSON path or byte span,
//!   and the [`Decoding`] steps that uncovered it.
//!
//! See `docs/egress.md` in the repository for the rule list, budgets, limits and measured figures.

mod config;
mod decode;
mod detect;
mod engine;
mod json;
mod redact;
mod report;
mod scanner;
mod values;

pub use config::{Config, ConfigError, ExtraPattern, Limits, Mode};
pub use detect::rule_ids;
pub use report::{Category, Decoding, Finding, Format, Report, Scan, Span, Verdict};
pub use scanner::{MAX_REDACT_ROUNDS, Scanner};
pub use values::{
    COMMON_MIN_ROWS, COMMON_PER_ROWS, MAX_FORM_LEN, MAX_FORM_OCCURRENCES, MIN_FORM_DIGITS,
    MIN_FORM_LEN, ValueIndex, ValueIndexBuilder, ValuesError,
};
