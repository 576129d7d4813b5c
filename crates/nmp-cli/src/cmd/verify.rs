//! `nmp verify FILE [--output FILE] [--node PEERID] [--wasm FILE] [--input FILE]`: check a
//! receipt file, and say which checks were made.

use nmp_crypto::{
    PeerId,
    receipt::{self, Expected},
};
use sha2::{Digest as _, Sha256};

use nmp_wire::{Label as _, limits::MAX_INPUT_BYTES};

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
    let expected = Expected {
        node: node.as_ref(),
        module_sha256,
        input_sha256,
        output: output.as_deref(),
        attested: None,
    };
    match receipt::verify(&receipt, &expected) {
        Ok(body) => {
            let signer = PeerId::from_bytes(&body.node_peer_id)
                .map(|p| p.to_string())
                .unwrap_or_default();
            let outcome = nmp_wire::pb::Outcome::label_of(body.outcome);
            let checked = |given: bool| if given { "checked" } else { "not checked" };
            println!(
                "valid: signed by {signer}{}, outcome {outcome}, module {} ({}), input {}, output {}",
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

fn invalid(reason: &str) -> Status {
    eprintln!("nmp: invalid receipt: {reason}");
    Status::Invalid
}
