//! The node's half of the envelope for other implementations' tests (the TypeScript SDK runs
//! it): reads one JSON object on stdin — the node's seeds, `now_ms`, a `LogicRequest` and the
//! `stdout` to answer with, all bytes in hex — opens the request with [`Keyring::open`] and
//! prints either `{"ok":true,"agent","wasm","input","sealed_response"}` (the answer sealed
//! under the request's response key) or `{"ok":false,"error"}` (the `OpenError` variant).
//!
//! `cargo run -p nmp-crypto --example interop_open < request.json`

use std::io::Read as _;

use anyhow::Context as _;
use nmp_crypto::{Identity, KemKeyPair, Keyring, envelope::OpenConfig};
use nmp_wire::pb;
use prost::Message as _;
use serde_json::{Value, json};

fn bytes<const N: usize>(input: &Value, field: &str) -> anyhow::Result<[u8; N]> {
    let text = input[field]
        .as_str()
        .with_context(|| format!("`{field}` missing"))?;
    let vec = hex::decode(text).with_context(|| format!("`{field}` is not hex"))?;
    vec.try_into()
        .map_err(|_| anyhow::anyhow!("`{field}` is not {N} bytes"))
}

fn main() -> anyhow::Result<()> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let input: Value = serde_json::from_str(&text)?;
    let node = Identity::from_secret_bytes(bytes(&input, "node_secret")?);
    let kem = KemKeyPair::from_seeds(
        &bytes(&input, "kem_x25519_secret")?,
        &bytes(&input, "kem_ml_kem_seed")?,
    );
    let now_ms = input["now_ms"].as_u64().context("`now_ms` missing")?;
    let keyring = Keyring::new(
        node.peer_id(),
        kem,
        now_ms + 3_600_000,
        OpenConfig::default(),
    );
    let request = hex::decode(input["request"].as_str().context("`request` missing")?)?;
    let request = pb::LogicRequest::decode(request.as_slice())?;
    let stdout = hex::decode(input["stdout"].as_str().context("`stdout` missing")?)?;
    let answer = match keyring.open(&request, now_ms) {
        Ok(opened) => {
            let payload = pb::ResponsePayload {
                stdout,
                outcome: pb::Outcome::Completed as i32,
                ..pb::ResponsePayload::default()
            };
            json!({
                "ok": true,
                "agent": opened.agent.to_base58(),
                "wasm": hex::encode(&opened.payload.wasm),
                "input": hex::encode(&opened.payload.input),
                "sealed_response": hex::encode(opened.response_key.seal_response(&payload).encode_to_vec()),
            })
        }
        Err(err) => json!({ "ok": false, "error": format!("{err:?}") }),
    };
    println!("{answer}");
    Ok(())
}
