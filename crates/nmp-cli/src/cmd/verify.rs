//! `nmp verify FILE [--output FILE] [--node PEERID] [--wasm FILE]`: check a receipt file.

use nmp_crypto::{
    PeerId,
    receipt::{self, Expected},
};
use sha2::{Digest as _, Sha256};

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
    let expected = Expected {
        node: node.as_ref(),
        module_sha256,
        output: output.as_deref(),
    };
    match receipt::verify(&receipt, &expected) {
        Ok(body) => {
            let signer = PeerId::from_bytes(&body.node_peer_id)
                .map(|p| p.to_string())
                .unwrap_or_default();
            let outcome = nmp_wire::pb::Outcome::try_from(body.outcome)
                .map(|o| {
                    o.as_str_name()
                        .trim_start_matches("OUTCOME_")
                        .to_ascii_lowercase()
                })
                .unwrap_or_default();
            println!(
                "valid: signed by {signer}, outcome {outcome}, image {}",
                hex::encode(&body.module_sha256)
            );
            Ok(Status::Ok)
        }
        Err(err) => Ok(invalid(&err.to_string())),
    }
}

fn invalid(reason: &str) -> Status {
    eprintln!("nmp: invalid receipt: {reason}");
    Status::Invalid
}
