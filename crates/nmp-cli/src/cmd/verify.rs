//! `nmp verify FILE [--output FILE] [--node PEERID] [--wasm FILE] [--input FILE]
//! [--tee-allow MEASUREMENT]`: check a receipt file, and say which checks were made.

use nmp_client::nmp_attest::{AllowList, Attested, Policy};
use nmp_crypto::{
    PeerId,
    receipt::{self, Expected},
};
use prost::Message as _;
use sha2::{Digest as _, Sha256};

use nmp_wire::{Label as _, limits::MAX_INPUT_BYTES, pb};

use super::{read_file, read_module};
use crate::{cli::VerifyArgs, exit::Status};

/// Largest receipt file read: 1 MiB (a body is at most 64 KiB, hex-encoded twice over).
const MAX_RECEIPT_FILE_BYTES: u64 = 1024 * 1024;

/// Largest output file hashed: 1 GiB.
const MAX_OUTPUT_FILE_BYTES: u64 = 1024 * 1024 * 1024;

pub(crate) fn run(args: &VerifyArgs) -> anyhow::Result<Status> {
    let text = read_file(&args.receipt, "receipt", MAX_RECEIPT_FILE_BYTES)?;
    let node = super::node_arg(args.node.as_deref())?;
    let module_sha256 = match &args.wasm {
        Some(path) => Some(Sha256::digest(read_module(path)?).into()),
        None => None,
    };
    let input_sha256 = match &args.input {
        Some(path) => {
            Some(Sha256::digest(read_file(path, "input", MAX_INPUT_BYTES as u64)?).into())
        }
        None => None,
    };
    let output = match &args.output {
        Some(path) => Some(read_file(path, "output", MAX_OUTPUT_FILE_BYTES)?),
        None => None,
    };
    // A file that is not a receipt at all is as invalid as a forged one: exit 7, not 2.
    let parsed = serde_json::from_slice(&text)
        .map_err(|e| e.to_string())
        .and_then(|json| receipt::from_json(&json).map_err(|e| e.to_string()));
    let receipt = match parsed {
        Ok(receipt) => receipt,
        Err(reason) => return Ok(invalid(&reason)),
    };
    let attested = if receipt.kind == pb::ReceiptKind::Tee as i32 {
        match attested(&receipt, &args.tee_allow) {
            Ok(attested) => Some(attested),
            Err(reason) => return Ok(invalid(&reason)),
        }
    } else {
        None
    };
    let expected = Expected {
        node: node.as_ref(),
        module_sha256,
        input_sha256,
        output: output.as_deref(),
        attested: attested.as_ref(),
    };
    match receipt::verify(&receipt, &expected) {
        Ok(body) => {
            let signer = PeerId::from_bytes(&body.node_peer_id)
                .map(|p| p.to_string())
                .unwrap_or_default();
            let outcome = nmp_wire::pb::Outcome::label_of(body.outcome);
            let checked = |given: bool| if given { "checked" } else { "not checked" };
            let tee = attested.map_or(String::new(), |a| {
                format!(", in a TEE: {} attested ({})", a.kind(), a.measurement())
            });
            println!(
                "valid: signed by {signer}{}{tee}, outcome {outcome}, module {} ({}), input {}, output {}",
                if node.is_some() {
                    " (the expected node)"
                } else {
                    " (signer not checked: give --node)"
                },
                hex::encode(&body.module_sha256),
                checked(args.wasm.is_some()),
                checked(args.input.is_some()),
                checked(args.output.is_some()),
            );
            Ok(Status::Ok)
        }
        Err(err) => Ok(invalid(&err.to_string())),
    }
}

/// The attestation a TEE receipt carries, checked against `allow` at the receipt's issue time
/// (a receipt outlives the day an attestation is fresh for; the time is signed by the key the
/// attestation binds) for the node the body names. The body is read here only to learn those
/// two; [`receipt::verify`] then checks the signature.
fn attested(
    receipt: &pb::Receipt,
    allow: &[nmp_client::nmp_attest::Allowed],
) -> Result<Attested, String> {
    if allow.is_empty() {
        return Err("a TEE receipt: give --tee-allow with the measured code you trust".to_owned());
    }
    let attestation = receipt
        .attestation
        .as_ref()
        .ok_or("a TEE receipt without an attestation")?;
    if receipt.body.len() > receipt::MAX_BODY_BYTES {
        return Err("receipt body too large".to_owned());
    }
    let body = pb::ReceiptBody::decode(receipt.body.as_slice()).map_err(|e| e.to_string())?;
    let node = PeerId::from_bytes(&body.node_peer_id).map_err(|e| e.to_string())?;
    let policy = Policy::allow(AllowList::new(allow.iter().cloned()));
    policy
        .check(attestation, &node, body.issued_at_ms)
        .map_err(|e| format!("attestation refused: {e}"))
}

fn invalid(reason: &str) -> Status {
    eprintln!("nmp: invalid receipt: {reason}");
    Status::Invalid
}
