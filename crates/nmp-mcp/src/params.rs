//! Tool arguments: their JSON schemas, and the checks that turn them into typed values.
//!
//! Arguments that do not match a tool's input schema are refused by `rmcp` before a tool runs;
//! arguments that match it but cannot be used (bad base64, WAT that does not compile, a
//! malformed PeerId, an oversized module) are refused here. Both come back as tool error results
//! (`isError`) naming the argument, which MCP 2025-11-25 prescribes for input validation so the
//! model can read the reason and fix its call; neither is ever a panic. Every size is checked
//! before the bytes are decoded or allocated.

use std::sync::Arc;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use nmp_client::PeerId;
use nmp_wire::{
    limits::{MAX_CAPABILITY_BYTES, MAX_INPUT_BYTES, MAX_MODULE_BYTES},
    pb,
};
use rmcp::model::{CallToolResult, ContentBlock};
use schemars::JsonSchema;
use serde::Deserialize;

/// Largest WAT text `nmp_inspect` and `nmp_execute` compile: 1 MiB. The binary it compiles to is
/// also held to `nmp_wire::limits::MAX_MODULE_BYTES`.
pub const MAX_WAT_BYTES: usize = 1024 * 1024;

/// Arguments of `nmp_discover`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiscoverParams {
    /// The capability to look up, e.g. `demo.hospital/patients`.
    pub(crate) capability: String,
}

/// Arguments of `nmp_describe`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DescribeParams {
    /// The node's PeerId (base58, as `nmp_discover` returns it).
    pub(crate) peer: String,
}

/// Arguments of `nmp_budget`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BudgetParams {
    /// The node's PeerId (base58, as `nmp_discover` returns it).
    pub(crate) peer: String,
    /// The capability whose datasets' budgets to read, e.g. `demo.hospital/patients`.
    pub(crate) capability: String,
}

/// Arguments of `nmp_inspect`: a module, as exactly one of base64 WebAssembly or WAT text.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct InspectParams {
    /// The module binary, base64 (standard alphabet, padded); at most 16 MiB decoded.
    #[serde(default)]
    pub(crate) wasm_base64: Option<String>,
    /// The module as WebAssembly text; at most 1 MiB.
    #[serde(default)]
    pub(crate) wat: Option<String>,
}

/// Arguments of `nmp_execute`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExecuteParams {
    /// The capability to run against, e.g. `demo.hospital/patients`.
    pub(crate) capability: String,
    /// Run on this node only (its PeerId) instead of every provider of the capability.
    #[serde(default)]
    pub(crate) peer: Option<String>,
    /// The module binary, base64 (standard alphabet, padded); at most 16 MiB decoded.
    /// Give exactly one of `wasm_base64` and `wat`.
    #[serde(default)]
    pub(crate) wasm_base64: Option<String>,
    /// The module as WebAssembly text; at most 1 MiB.
    #[serde(default)]
    pub(crate) wat: Option<String>,
    /// The guest's stdin as UTF-8 text (JSON by convention); at most 4 MiB.
    #[serde(default)]
    pub(crate) input: Option<String>,
    /// The guest's stdin as base64, for binary input; at most 4 MiB decoded. At most one of
    /// `input` and `input_base64`.
    #[serde(default)]
    pub(crate) input_base64: Option<String>,
    /// Wall-clock deadline asked of each node, in milliseconds (the node clamps it to its own
    /// limit) [default: the node's].
    #[serde(default)]
    pub(crate) timeout_ms: Option<u64>,
    /// Memory cap asked of each node, in bytes [default: the node's].
    #[serde(default)]
    pub(crate) memory_bytes: Option<u64>,
    /// Fuel budget asked of each node [default: the node's].
    #[serde(default)]
    pub(crate) fuel: Option<u64>,
}

impl ExecuteParams {
    /// The module bytes, the input bytes and the requested limits.
    pub(crate) fn logic(&self) -> Result<nmp_client::Logic, Invalid> {
        let capability = capability(&self.capability)?;
        let wasm = module(self.wasm_base64.as_deref(), self.wat.as_deref())?;
        let input = match (&self.input, &self.input_base64) {
            (Some(_), Some(_)) => {
                return Err(invalid("give at most one of `input` and `input_base64`"));
            }
            (Some(text), None) if text.len() > MAX_INPUT_BYTES => {
                Err(too_large("input", MAX_INPUT_BYTES))?
            }
            (Some(text), None) => text.as_bytes().to_vec(),
            (None, Some(encoded)) => base64(encoded, "input_base64", MAX_INPUT_BYTES)?,
            (None, None) => Vec::new(),
        };
        let limits = pb::RequestedLimits {
            timeout_ms: self.timeout_ms.unwrap_or(0),
            memory_bytes: self.memory_bytes.unwrap_or(0),
            fuel: self.fuel.unwrap_or(0),
        };
        Ok(nmp_client::Logic::new(capability, Arc::<[u8]>::from(wasm))
            .with_input(input)
            .with_limits(limits))
    }
}

/// `text` as a capability name: non-empty and at most `MAX_CAPABILITY_BYTES`.
pub(crate) fn capability(text: &str) -> Result<String, Invalid> {
    if text.is_empty() || text.len() > MAX_CAPABILITY_BYTES || text.chars().any(char::is_control) {
        return Err(invalid(format!(
            "`capability` must be 1 to {MAX_CAPABILITY_BYTES} bytes without control characters"
        )));
    }
    Ok(text.to_owned())
}

/// `text` as a PeerId.
pub(crate) fn peer(text: &str) -> Result<PeerId, Invalid> {
    text.parse()
        .map_err(|_| invalid("`peer` is not a PeerId (base58, as `nmp_discover` returns it)"))
}

/// The module bytes from exactly one of base64 and WAT text.
pub(crate) fn module(wasm_base64: Option<&str>, wat: Option<&str>) -> Result<Vec<u8>, Invalid> {
    let bytes = match (wasm_base64, wat) {
        (Some(encoded), None) => base64(encoded, "wasm_base64", MAX_MODULE_BYTES)?,
        (None, Some(text)) if text.len() > MAX_WAT_BYTES => {
            return Err(too_large("wat", MAX_WAT_BYTES));
        }
        (None, Some(text)) => {
            wat::parse_str(text).map_err(|err| invalid(format!("`wat` does not compile: {err}")))?
        }
        _ => return Err(invalid("give exactly one of `wasm_base64` and `wat`")),
    };
    if bytes.len() > MAX_MODULE_BYTES {
        return Err(too_large("the module", MAX_MODULE_BYTES));
    }
    Ok(bytes)
}

/// Decodes base64 `encoded`, refusing more than `limit` decoded bytes before decoding.
fn base64(encoded: &str, what: &str, limit: usize) -> Result<Vec<u8>, Invalid> {
    if encoded.len() > limit.div_ceil(3) * 4 {
        return Err(too_large(what, limit));
    }
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|err| invalid(format!("`{what}` is not valid base64: {err}")))?;
    if bytes.len() > limit {
        return Err(too_large(what, limit));
    }
    Ok(bytes)
}

/// Arguments that match the schema but cannot be used, and why.
#[derive(Debug)]
pub(crate) struct Invalid(String);

impl From<Invalid> for CallToolResult {
    fn from(Invalid(reason): Invalid) -> Self {
        CallToolResult::error(vec![ContentBlock::text(format!(
            "invalid arguments: {reason}"
        ))])
    }
}

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid(message.into())
}

fn too_large(what: &str, limit: usize) -> Invalid {
    invalid(format!("{what} is larger than {limit} bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(Invalid(reason): Invalid) -> String {
        reason
    }

    #[test]
    fn a_module_is_exactly_one_of_base64_and_wat() {
        assert!(message(module(None, None).unwrap_err()).contains("exactly one"));
        assert!(message(module(Some("AA=="), Some("(module)")).unwrap_err()).contains("exactly"));
        assert_eq!(
            module(None, Some("(module)")).unwrap(),
            wat::parse_str("(module)").unwrap()
        );
        assert_eq!(module(Some("AGFzbQ=="), None).unwrap(), b"\0asm");
    }

    #[test]
    fn hostile_modules_are_invalid_params() {
        assert!(message(module(Some("not base64!"), None).unwrap_err()).contains("base64"));
        assert!(message(module(None, Some("(module (func")).unwrap_err()).contains("compile"));
        let huge = "A".repeat(MAX_MODULE_BYTES / 3 * 4 + 8);
        assert!(message(module(Some(&huge), None).unwrap_err()).contains("larger"));
        let wat = format!("(module) ;; {}", "x".repeat(MAX_WAT_BYTES));
        assert!(message(module(None, Some(&wat)).unwrap_err()).contains("larger"));
    }

    #[test]
    fn capabilities_and_peers_are_checked() {
        assert!(capability("").is_err());
        assert!(capability(&"c".repeat(MAX_CAPABILITY_BYTES + 1)).is_err());
        assert!(capability("a\nb").is_err());
        assert_eq!(
            capability("demo.hospital/patients").unwrap(),
            "demo.hospital/patients"
        );
        assert!(message(peer("not-a-peer").unwrap_err()).contains("PeerId"));
        let id = PeerId::random();
        assert_eq!(peer(&id.to_string()).unwrap(), id);
    }

    #[test]
    fn input_is_text_or_base64_within_the_limit() {
        let params = |input: Option<&str>, input_base64: Option<&str>| ExecuteParams {
            capability: "c".into(),
            peer: None,
            wasm_base64: None,
            wat: Some("(module)".into()),
            input: input.map(Into::into),
            input_base64: input_base64.map(Into::into),
            timeout_ms: Some(5),
            memory_bytes: None,
            fuel: None,
        };
        let logic = params(Some("{}"), None).logic().unwrap();
        assert_eq!(&*logic.input, b"{}");
        assert_eq!(logic.limits.timeout_ms, 5);
        assert_eq!(&*params(None, Some("AQI=")).logic().unwrap().input, [1, 2]);
        assert!(params(Some("a"), Some("AQI=")).logic().is_err());
        let big = "x".repeat(MAX_INPUT_BYTES + 1);
        assert!(message(params(Some(&big), None).logic().unwrap_err()).contains("larger"));
    }
}
