//! The JSON view of a receipt, for files (`nmp exec --receipt FILE`, `nmp verify FILE`).
//!
//! The view carries the exact signed bytes (`body_hex`) and signature (`signature_hex`), so it
//! round-trips byte for byte, plus a decoded `body` for people: digests in lowercase hex, PeerIds
//! in base58, enums by their short snake_case name. [`from_json`] recomputes the decoded view
//! from `body_hex` and refuses a file whose `body` was edited, so what a person reads is what
//! was signed. A TEE receipt adds `attestation_hex`, the encoded `nmp.v1.Attestation`. Parsing
//! does not verify the signature: call [`super::verify`] on the result.

use nmp_wire::pb;
use prost::Message;
use serde_json::{Value, json};

/// The `format` tag of a receipt file.
pub const FORMAT: &str = "nmp.v1.Receipt";

/// Why a JSON value is not a receipt file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// A required key is missing or has the wrong JSON type.
    #[error("receipt JSON: `{0}` missing or not of the right type")]
    Missing(&'static str),
    /// The `format` tag is not [`FORMAT`].
    #[error("receipt JSON: format is not `{FORMAT}`")]
    WrongFormat,
    /// A hex field is not lowercase hex of whole bytes.
    #[error("receipt JSON: `{0}` is not hex")]
    NotHex(&'static str),
    /// The `kind` is not a receipt kind name or number.
    #[error("receipt JSON: unknown kind `{0}`")]
    UnknownKind(String),
    /// `attestation_hex` does not decode as an `nmp.v1.Attestation`.
    #[error("receipt JSON: `attestation_hex` is not an attestation")]
    MalformedAttestation,
    /// The decoded `body` differs from what `body_hex` encodes: the file was edited.
    #[error("receipt JSON: `body` does not match `body_hex`")]
    ViewMismatch,
}

/// The JSON view of a receipt. Never fails: an undecodable body shows as `"body": null`.
pub fn to_json(receipt: &pb::Receipt) -> Value {
    let mut view = json!({
        "format": FORMAT,
        "kind": kind_name(receipt.kind),
        "body_hex": hex::encode(&receipt.body),
        "signature_hex": hex::encode(&receipt.signature),
        "body": body_view(&receipt.body),
    });
    if let Some(attestation) = &receipt.attestation {
        view["attestation_hex"] = Value::String(hex::encode(attestation.encode_to_vec()));
    }
    view
}

/// Parses a receipt file written by [`to_json`]; the result equals the original receipt.
pub fn from_json(value: &Value) -> Result<pb::Receipt, JsonError> {
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(JsonError::WrongFormat);
    }
    let kind = match value.get("kind").ok_or(JsonError::Missing("kind"))? {
        Value::String(name) => {
            pb::ReceiptKind::from_str_name(&format!("RECEIPT_KIND_{}", name.to_ascii_uppercase()))
                .filter(|_| name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
                .map(|kind| kind as i32)
                .ok_or_else(|| JsonError::UnknownKind(name.clone()))?
        }
        Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| JsonError::UnknownKind(n.to_string()))?,
        _ => return Err(JsonError::Missing("kind")),
    };
    let body = hex_field(value, "body_hex")?;
    let signature = hex_field(value, "signature_hex")?;
    if value.get("body").ok_or(JsonError::Missing("body"))? != &body_view(&body) {
        return Err(JsonError::ViewMismatch);
    }
    let attestation = match value.get("attestation_hex") {
        None => None,
        Some(_) => {
            let bytes = hex_field(value, "attestation_hex")?;
            Some(
                pb::Attestation::decode(bytes.as_slice())
                    .map_err(|_| JsonError::MalformedAttestation)?,
            )
        }
    };
    Ok(pb::Receipt {
        kind,
        body,
        signature,
        attestation,
    })
}

fn hex_field(value: &Value, key: &'static str) -> Result<Vec<u8>, JsonError> {
    let text = value
        .get(key)
        .and_then(Value::as_str)
        .ok_or(JsonError::Missing(key))?;
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(JsonError::NotHex(key));
    }
    hex::decode(text).map_err(|_| JsonError::NotHex(key))
}

fn body_view(bytes: &[u8]) -> Value {
    if bytes.len() > super::MAX_BODY_BYTES {
        return Value::Null;
    }
    let Ok(body) = pb::ReceiptBody::decode(bytes) else {
        return Value::Null;
    };
    json!({
        "version": body.version,
        "kind": kind_name(body.kind),
        "request_id": hex::encode(&body.request_id),
        "capability": body.capability,
        "node": bs58::encode(&body.node_peer_id).into_string(),
        "agent": bs58::encode(&body.agent_peer_id).into_string(),
        "module_sha256": hex::encode(&body.module_sha256),
        "input_sha256": hex::encode(&body.input_sha256),
        "output_sha256": hex::encode(&body.output_sha256),
        "stderr_sha256": hex::encode(&body.stderr_sha256),
        "guardian_report_sha256": hex::encode(&body.guardian_report_sha256),
        "datasets": body.datasets.iter().map(dataset_view).collect::<Vec<_>>(),
        "guardian_policy_digest": hex::encode(&body.guardian_policy_digest),
        "egress_verdict": enum_name(
            pb::EgressVerdict::try_from(body.egress_verdict).ok().map(|v| v.as_str_name()),
            "EGRESS_VERDICT_",
            body.egress_verdict,
        ),
        "egress_categories": body.egress_categories,
        "egress_rule_set_digest": hex::encode(&body.egress_rule_set_digest),
        "outcome": enum_name(
            pb::Outcome::try_from(body.outcome).ok().map(|v| v.as_str_name()),
            "OUTCOME_",
            body.outcome,
        ),
        "issued_at_ms": body.issued_at_ms,
    })
}

/// One dataset commitment; a database snapshot's query and time only when the dataset has one.
fn dataset_view(dataset: &pb::DatasetCommitment) -> Value {
    let mut view = json!({
        "name": dataset.name,
        "sha256": hex::encode(&dataset.sha256),
        "files": dataset.files,
        "bytes": dataset.bytes,
    });
    if let Some(snapshot) = &dataset.snapshot {
        view["snapshot"] = json!({
            "source": snapshot.source,
            "query": snapshot.query,
            "taken_at_ms": snapshot.taken_at_ms,
        });
    }
    view
}

fn kind_name(kind: i32) -> Value {
    enum_name(
        pb::ReceiptKind::try_from(kind)
            .ok()
            .map(|k| k.as_str_name()),
        "RECEIPT_KIND_",
        kind,
    )
}

/// `Some("OUTCOME_TIMED_OUT")` → `"timed_out"`; a value the schema does not know stays a number.
fn enum_name(name: Option<&str>, prefix: &str, value: i32) -> Value {
    match name.and_then(|name| name.strip_prefix(prefix)) {
        Some(short) => Value::String(short.to_ascii_lowercase()),
        None => Value::from(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_name_and_number() {
        for kind in [0, 1, 2, 3, 99] {
            let receipt = pb::Receipt {
                kind,
                body: vec![],
                signature: vec![1, 2],
                attestation: None,
            };
            assert_eq!(from_json(&to_json(&receipt)), Ok(receipt));
        }
    }

    #[test]
    fn edited_views_are_refused() {
        let receipt = pb::Receipt {
            kind: 1,
            body: pb::ReceiptBody {
                capability: "a/b".into(),
                ..Default::default()
            }
            .encode_to_vec(),
            signature: vec![],
            attestation: None,
        };
        let mut value = to_json(&receipt);
        assert_eq!(value["body"]["capability"], "a/b");
        value["body"]["capability"] = "a/c".into();
        assert_eq!(from_json(&value), Err(JsonError::ViewMismatch));
        let mut value = to_json(&receipt);
        value["body_hex"] = "0G".into();
        assert_eq!(from_json(&value), Err(JsonError::NotHex("body_hex")));
        let mut value = to_json(&receipt);
        value["kind"] = "SIGNED".into();
        assert_eq!(
            from_json(&value),
            Err(JsonError::UnknownKind("SIGNED".into()))
        );
        assert_eq!(from_json(&json!({})), Err(JsonError::WrongFormat));
    }
}
