//! What an agent is told of a run in `nmp.v1` form (the Guardian's report, the egress verdict
//! and categories), and the mapping of envelope failures onto error codes.

use nmp_crypto::envelope::OpenError;
use nmp_wire::pb;
use serde::Serialize;

use crate::{Execution, Outcome};

/// The stable snake_case name a policy crate gives one of its enum values.
pub(crate) fn name_of(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
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

/// The egress verdict on everything that would leave (both streams).
pub(crate) fn egress_verdict(execution: &Execution) -> pb::EgressVerdict {
    match &execution.egress {
        None => pb::EgressVerdict::NotRun,
        Some(f) if f.is_blocked() => pb::EgressVerdict::Blocked,
        Some(f) if f.is_redacted() => pb::EgressVerdict::Redacted,
        Some(_) => pb::EgressVerdict::Pass,
    }
}

/// The categories of private data the filter found in either stream, sorted and distinct:
/// all an agent learns of where the filter matched.
pub(crate) fn egress_categories(execution: &Execution) -> Vec<String> {
    let Some(filtered) = &execution.egress else {
        return Vec::new();
    };
    let categories: std::collections::BTreeSet<_> = [&filtered.stdout, &filtered.stderr]
        .iter()
        .flat_map(|scan| &scan.report.findings)
        .map(|f| f.category)
        .collect();
    categories.iter().map(name_of).collect()
}

/// The egress filter's decision as an agent sees it: the verdict and the categories, never
/// paths, spans, rule ids, counts or sizes (the guest shapes those; the audit log has them).
pub(crate) fn egress_summary(
    execution: &Execution,
    rule_set_digest: [u8; 32],
) -> pb::EgressSummary {
    pb::EgressSummary {
        verdict: egress_verdict(execution) as i32,
        categories: egress_categories(execution),
        rule_set_digest: rule_set_digest.to_vec(),
    }
}

/// What the audit log says of a trap, a limit or a privacy block (`<dataset>: <reason>`),
/// empty otherwise.
pub(crate) fn detail(execution: &Execution) -> String {
    if let Some(crate::Privacy::Blocked { dataset, reason }) = &execution.privacy {
        return format!("{dataset}: {}", reason.label());
    }
    match (
        execution.outcome(),
        execution.run.as_ref().map(|r| &r.outcome),
    ) {
        (Outcome::LimitExceeded(limit), _) => name_of(&limit),
        (Outcome::Trapped, Some(nmp_sandbox::Outcome::Trapped { trap, .. })) => name_of(trap),
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
        OpenError::ReplayCacheFull | OpenError::SessionTableFull => pb::ErrorCode::Overloaded,
        OpenError::UnknownSession | OpenError::SessionSpent { .. } => pb::ErrorCode::SessionUnknown,
        OpenError::WrongSessionAgent => pb::ErrorCode::WrongRecipient,
        _ => pb::ErrorCode::EnvelopeInvalid,
    }
}
