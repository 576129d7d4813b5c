//! The Guardian report as a tool result (`nmp_inspect`, and `nmp_execute`'s pre-flight).
//!
//! The report is computed on this machine by the same Guardian a Data Node runs; nothing in it
//! came from a node.

use rmcp::ErrorData;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Result of `nmp_inspect`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct InspectOutput {
    /// Whether a Data Node with the default Guardian policy would admit the module.
    pub(crate) accepted: bool,
    /// The full report: fix every `error` finding before sending.
    pub(crate) report: ReportView,
}

/// A Guardian report, as `nmp inspect` prints it.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) struct ReportView {
    /// `accepted` or `rejected`.
    pub(crate) verdict: String,
    /// Why, errors first.
    pub(crate) findings: Vec<FindingView>,
    /// SHA-256 of the module (hex): the `module_sha256` receipts name.
    pub(crate) module_sha256: String,
    /// Digest of the Guardian policy (hex).
    pub(crate) policy_digest: String,
    /// The module's size in bytes.
    pub(crate) module_size: u64,
}

/// One finding of a report.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) struct FindingView {
    /// A stable code, e.g. `forbidden_import`, `recursion`, `missing_start_export`.
    pub(crate) code: String,
    /// `error` (rejects the module), `warning` or `info`.
    pub(crate) severity: String,
    /// A sentence for people; match on `code`.
    pub(crate) message: String,
    /// Where in the module: `section`, `function` and `offset`, each when known.
    pub(crate) location: LocationView,
    /// Specifics for some codes, tagged by `kind` (`import`, `limit`, `cycle`, `proposal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) detail: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Where a finding is.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) struct LocationView {
    /// The section, e.g. `import`, `code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) section: Option<String>,
    /// The function index (imports first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) function: Option<u32>,
    /// The byte offset from the start of the module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) offset: Option<u64>,
}

impl ReportView {
    /// The view of `report`, through its own JSON form (the one `nmp inspect` prints).
    pub(crate) fn new(report: &nmp_guardian::Report) -> Result<Self, ErrorData> {
        serde_json::to_value(report)
            .and_then(serde_json::from_value)
            .map_err(|err| ErrorData::internal_error(format!("report encoding: {err}"), None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_keeps_its_codes_and_details() {
        let wasm = wat::parse_str(
            r#"(module (import "wasi_snapshot_preview1" "sock_send"
                (func (param i32 i32 i32 i32 i32) (result i32)))
                (memory (export "memory") 1) (func (export "_start")))"#,
        )
        .unwrap();
        let report = nmp_guardian::Guardian::new(nmp_guardian::Policy::default()).inspect(&wasm);
        let view = ReportView::new(&report).unwrap();
        assert_eq!(view.verdict, "rejected");
        assert_eq!(view.module_size, wasm.len() as u64);
        let finding = &view.findings[0];
        assert_eq!(finding.code, "forbidden_import");
        assert_eq!(finding.severity, "error");
        let detail = finding.detail.as_ref().unwrap();
        assert_eq!(detail["kind"], "import");
        assert_eq!(detail["name"], "sock_send");
        assert_eq!(view.module_sha256.len(), 64);
    }
}
