//! [`Label`]: the one way an `nmp.v1` enum value is named in JSON, logs and metrics.

use crate::pb;

/// The lower-case label of an `nmp.v1` enum value: its protobuf name without the enum's
/// prefix, e.g. `Outcome::EgressBlocked` → `egress_blocked`, `Stage::Running` → `running`.
pub trait Label: Sized + TryFrom<i32> {
    /// The enum's protobuf name prefix, e.g. `OUTCOME_`.
    const PREFIX: &'static str;

    /// The value's protobuf name, e.g. `OUTCOME_EGRESS_BLOCKED`.
    fn proto_name(&self) -> &'static str;

    /// The label of this value.
    fn label(&self) -> String {
        let name = self.proto_name();
        name.strip_prefix(Self::PREFIX)
            .unwrap_or(name)
            .to_ascii_lowercase()
    }

    /// The label of a raw wire value, or `unknown` for a value this version does not know.
    fn label_of(raw: i32) -> String {
        Self::try_from(raw).map_or_else(|_| "unknown".to_owned(), |v| v.label())
    }
}

macro_rules! labels {
    ($($ty:ident => $prefix:literal),* $(,)?) => {$(
        impl Label for pb::$ty {
            const PREFIX: &'static str = $prefix;

            fn proto_name(&self) -> &'static str {
                self.as_str_name()
            }
        }
    )*};
}

labels! {
    ColumnType => "COLUMN_TYPE_",
    EgressVerdict => "EGRESS_VERDICT_",
    GuardianVerdict => "GUARDIAN_VERDICT_",
    FindingSeverity => "FINDING_SEVERITY_",
    Stage => "STAGE_",
    ErrorCode => "ERROR_CODE_",
    ReceiptKind => "RECEIPT_KIND_",
    AttestationKind => "ATTESTATION_KIND_",
    Outcome => "OUTCOME_",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_drop_the_prefix_and_lower_the_case() {
        assert_eq!(pb::Outcome::EgressBlocked.label(), "egress_blocked");
        assert_eq!(pb::Stage::Running.label(), "running");
        assert_eq!(pb::ErrorCode::RateLimited.label(), "rate_limited");
        assert_eq!(pb::ColumnType::Integer.label(), "integer");
        assert_eq!(
            pb::EgressVerdict::label_of(pb::EgressVerdict::Pass as i32),
            "pass"
        );
        assert_eq!(pb::Outcome::label_of(9_999), "unknown");
    }
}
