//! The Guardian's and the egress filter's reports in their `nmp.v1` forms, and the mapping of
//! envelope failures onto error codes.

use nmp_crypto::envelope::OpenError;
use nmp_wire::pb;
use serde::Serialize;

use crate::{Execution, Outcome};

/// The stable snake_case name a policy crate gives one of its enum values.
fn name_of(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// A wire enum value's name as a log field or metric label: `prefix` dropped, lowercase
/// (`ERROR_CODE_RATE_LIMITED` → `rate_limited`).
pub(crate) fn label(name: &str, prefix: &str) -> String {
    name.strip_prefix(prefix)
        .unwrap_or(name)
        .to_ascii_lowercase()
}

/// The Guardian report as it travels.
pub(crate) fn guardian(report: &nmp_guardian::Report) -> pb::GuardianReport {
    let verdict = if report.is_accepted() {
        pb::GuardianVerdict::Accepted
    } else {
        pb::GuardianVerdict::Rejected
    };
    pb::GuardianReport {
        verdict: verdict as i32,
        findings: report
            .findings
            .iter()
            .map(|f| pb::GuardianFinding {
                code: name_of(&f.code),
                severity: severity(f.severity) as i32,
                message: f.message.clone(),
                location: Some(pb::FindingLocation {
                    section: f.location.section.as_ref().map(name_of).unwrap_or_default(),
                    function_index: f.location.function,
                    byte_offset: f.location.offset,
                }),
            })
            .collect(),
        module_sha256: report.module_sha256.as_bytes().to_vec(),
        policy_digest: report.policy_digest.as_bytes().to_vec(),
        module_size: report.module_size,
    }
}

fn severity(severity: nmp_guardian::Severity) -> pb::FindingSeverity {
    match name_of(&severity).as_str() {
        "info" => pb::FindingSeverity::Info,
        "warning" => pb::FindingSeverity::Warning,
        "error" => pb::FindingSeverity::Error,
        _ => pb::FindingSeverity::Unspecified,
    }
}

/// The egress report as it travels: the verdict on everything that would leave, the findings of
/// both streams (never the matched values), the rule-set digest and the bytes scanned.
pub(crate) fn egress(execution: &Execution, rule_set_digest: [u8; 32]) -> pb::EgressReport {
    let Some(filtered) = &execution.egress else {
        return pb::EgressReport {
            verdict: pb::EgressVerdict::NotRun as i32,
            rule_set_digest: rule_set_digest.to_vec(),
            ..pb::EgressReport::default()
        };
    };
    let verdict = if filtered.is_blocked() {
        pb::EgressVerdict::Blocked
    } else if filtered.is_redacted() {
        pb::EgressVerdict::Redacted
    } else {
        pb::EgressVerdict::Pass
    };
    let scans = [&filtered.stdout, &filtered.stderr];
    pb::EgressReport {
        verdict: verdict as i32,
        findings: scans
            .iter()
            .flat_map(|scan| &scan.report.findings)
            .map(|f| pb::EgressFinding {
                category: name_of(&f.category),
                rule: f.rule.clone(),
                path: f.path.clone().unwrap_or_default(),
                span_start: f.span.map(|s| s.start as u64),
                span_end: f.span.map(|s| s.end as u64),
                decoded_via: f.decoded_via.iter().map(name_of).collect(),
            })
            .collect(),
        rule_set_digest: rule_set_digest.to_vec(),
        bytes_scanned: scans.iter().map(|s| s.report.bytes_scanned as u64).sum(),
    }
}

/// What `LogicResult.detail` says: the trap or the limit, empty otherwise.
pub(crate) fn detail(execution: &Execution) -> String {
    match (
        execution.outcome(),
        execution.run.as_ref().map(|r| &r.outcome),
    ) {
        (Outcome::LimitExceeded(limit), _) => name_of(&limit),
        (Outcome::Trapped, Some(nmp_sandbox::Outcome::Trapped { trap, .. })) => name_of(trap),
        (Outcome::Rejected, _) => "rejected by the Guardian".to_owned(),
        (Outcome::EgressBlocked, _) => "blocked by the egress filter".to_owned(),
        _ => String::new(),
    }
}

/// The error code an envelope failure is answered with (see `OpenError`'s documentation).
pub(crate) fn open_error_code(error: &OpenError) -> pb::ErrorCode {
    match error {
        OpenError::Truncated { .. }
        | OpenError::Malformed { .. }
        | OpenError::MalformedPayload(_) => pb::ErrorCode::Malformed,
        OpenError::TooLarge { .. } => pb::ErrorCode::TooLarge,
        OpenError::UnsupportedSuite(_) | OpenError::UnsupportedReceiptKind(_) => {
            pb::ErrorCode::Unsupported
        }
        OpenError::MisAddressed { .. } | OpenError::BadSignature(_) => {
            pb::ErrorCode::WrongRecipient
        }
        OpenError::Stale { .. } | OpenError::FutureDated { .. } => pb::ErrorCode::Stale,
        OpenError::Replayed => pb::ErrorCode::Replay,
        _ => pb::ErrorCode::EnvelopeInvalid,
    }
}
