//! The Guardian's answer: a verdict, the reasons, and what it was about.

mod digest;
mod finding;

use serde::{Deserialize, Serialize};

pub use digest::{Digest, DigestParseError};
pub use finding::{Detail, Finding, FindingCode, Location, Section, Severity};

/// Everything the Guardian concluded about one module under one policy.
///
/// The same bytes under the same policy always give the same report, field
/// for field: findings come in a fixed order (errors, then warnings, then
/// information; within each, by byte offset). Serializes to the JSON that
/// `nmp inspect` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Whether the module may run: rejected exactly when a finding is an
    /// [`Error`](Severity::Error).
    pub verdict: Verdict,
    /// Why, in order; at most [`Policy::max_findings`](crate::Policy::max_findings)
    /// plus one [`FindingCode::FindingsTruncated`] finding.
    pub findings: Vec<Finding>,
    /// SHA-256 of the module bytes (receipts name it as `module_sha256`).
    pub module_sha256: Digest,
    /// Digest of the policy the module was judged under; see
    /// [`Guardian::policy_digest`](crate::Guardian::policy_digest).
    pub policy_digest: Digest,
    /// Length of the module in bytes.
    pub module_size: u64,
}

/// Whether a module may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No finding is an error: the module may run under the sandbox's limits.
    Accepted,
    /// At least one finding is an error: the module must not run.
    Rejected,
}

impl Report {
    /// Builds the report: orders the findings, decides the verdict from all of
    /// them, then keeps at most `max_findings`.
    pub(crate) fn new(
        mut findings: Vec<Finding>,
        module: &[u8],
        policy_digest: Digest,
        max_findings: u32,
    ) -> Self {
        findings.sort_by_key(Finding::sort_key);
        let verdict = if findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::Rejected
        } else {
            Verdict::Accepted
        };
        let keep = usize::try_from(max_findings).unwrap_or(usize::MAX);
        if findings.len() > keep {
            let dropped = findings.len() - keep;
            findings.truncate(keep);
            findings.push(Finding::new(
                FindingCode::FindingsTruncated,
                Severity::Info,
                format!("{dropped} more findings were left out of this report"),
                Location::module(),
            ));
        }
        Self {
            verdict,
            findings,
            module_sha256: Digest::of(module),
            policy_digest,
            module_size: module.len() as u64,
        }
    }

    /// Whether the verdict is [`Verdict::Accepted`].
    pub fn is_accepted(&self) -> bool {
        self.verdict == Verdict::Accepted
    }

    /// The first finding with `code`, if any.
    pub fn find(&self, code: FindingCode) -> Option<&Finding> {
        self.findings.iter().find(|f| f.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: FindingCode, severity: Severity, offset: Option<u64>) -> Finding {
        let location = Location {
            offset,
            ..Location::module()
        };
        Finding::new(code, severity, "m".to_owned(), location)
    }

    #[test]
    fn errors_reject_and_come_first() {
        let report = Report::new(
            vec![
                finding(FindingCode::StartSection, Severity::Info, Some(1)),
                finding(FindingCode::ForbiddenImport, Severity::Error, Some(9)),
            ],
            b"",
            Digest::of(b"p"),
            100,
        );
        assert_eq!(report.verdict, Verdict::Rejected);
        assert_eq!(report.findings[0].code, FindingCode::ForbiddenImport);
    }

    #[test]
    fn warnings_alone_accept() {
        let report = Report::new(
            vec![finding(FindingCode::Recursion, Severity::Warning, None)],
            b"",
            Digest::of(b"p"),
            100,
        );
        assert!(report.is_accepted());
    }

    #[test]
    fn truncation_keeps_the_verdict_and_says_how_many() {
        let findings = (0..10)
            .map(|i| finding(FindingCode::ForbiddenImport, Severity::Error, Some(i)))
            .collect();
        let report = Report::new(findings, b"", Digest::of(b"p"), 3);
        assert_eq!(report.verdict, Verdict::Rejected);
        assert_eq!(report.findings.len(), 4);
        let last = report.findings.last().unwrap();
        assert_eq!(last.code, FindingCode::FindingsTruncated);
        assert!(last.message.starts_with("7 more"));
    }

    #[test]
    fn json_round_trips() {
        let report = Report::new(
            vec![finding(FindingCode::Threads, Severity::Error, Some(3))],
            b"\0asm",
            Digest::of(b"p"),
            100,
        );
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains(r#""verdict":"rejected""#));
        assert!(json.contains(r#""code":"threads""#));
        assert_eq!(serde_json::from_str::<Report>(&json).unwrap(), report);
    }
}
