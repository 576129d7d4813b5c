//! Test helpers: a node service over the bundled dataset, and an agent that seals real requests
//! against the node's signed capability document.

use std::sync::Arc;

use nmp_crypto::{
    Identity, KemKeyPair, Keyring, capability,
    envelope::{self, OpenConfig, ResponseKey},
};
use nmp_node::{
    Service,
    service::{self, Served},
};
use nmp_wire::pb::{self, logic_response::Event};
use tokio::sync::mpsc;

use crate::{example, patients};

/// The node's clock in these tests.
pub(crate) const NOW_MS: u64 = 1_700_000_000_000;
pub(crate) const CAPABILITY: &str = "demo.hospital/patients";

pub(crate) fn node_identity() -> Identity {
    Identity::from_secret_bytes([7; 32])
}

pub(crate) fn config() -> service::Config {
    service::Config {
        datasets: vec![Served {
            capability: CAPABILITY.to_owned(),
            dataset: patients(),
            postgres: None,
            response_quantum: None,
        }],
        ..service::Config::default()
    }
}

pub(crate) fn service(config: service::Config) -> Arc<Service> {
    service_at(config, NOW_MS)
}

/// A node whose KEM key is valid for a day from `now_ms`.
pub(crate) fn service_at(config: service::Config, now_ms: u64) -> Arc<Service> {
    let identity = node_identity();
    let keyring = Keyring::new(
        identity.peer_id(),
        KemKeyPair::generate(),
        now_ms + 86_400_000,
        OpenConfig::default(),
    );
    Arc::new(Service::new(identity, keyring, config).expect("service starts"))
}

/// An agent with its own identity, sealing to one node.
pub(crate) struct Agent {
    pub(crate) identity: Identity,
    document: pb::CapabilityDocument,
    now_ms: u64,
    next_id: u8,
}

impl Agent {
    pub(crate) fn new(seed: u8, signed: &pb::SignedCapabilityDocument) -> Self {
        Self::at(seed, signed, NOW_MS)
    }

    /// An agent whose clock reads `now_ms`.
    pub(crate) fn at(seed: u8, signed: &pb::SignedCapabilityDocument, now_ms: u64) -> Self {
        let document = capability::verify(signed, Some(&node_identity().peer_id()), now_ms)
            .expect("capability document verifies");
        Self {
            identity: Identity::from_secret_bytes([seed; 32]),
            document,
            now_ms,
            next_id: 0,
        }
    }

    /// Seals `module` (a file under examples/logic) with `input`, at `timestamp_ms`.
    pub(crate) fn seal_at(
        &mut self,
        module: &str,
        input: &[u8],
        timestamp_ms: u64,
        limits: pb::RequestedLimits,
    ) -> (pb::LogicRequest, ResponseKey, Vec<u8>) {
        let wasm = std::fs::read(example(module)).expect("bundled module");
        self.seal_bytes(wasm, input, timestamp_ms, limits)
    }

    /// Seals a module given as bytes with `input`, at `timestamp_ms`.
    pub(crate) fn seal_bytes(
        &mut self,
        wasm: Vec<u8>,
        input: &[u8],
        timestamp_ms: u64,
        limits: pb::RequestedLimits,
    ) -> (pb::LogicRequest, ResponseKey, Vec<u8>) {
        self.next_id += 1;
        let node = node_identity().peer_id();
        let payload = pb::LogicPayload {
            wasm: wasm.clone(),
            input: input.to_vec(),
        };
        let (request, key) = envelope::seal(
            &envelope::SealParams {
                agent: &self.identity,
                node_peer: &node,
                node_key: &self.document.kem_keys[0],
                request_id: [self.next_id; 16],
                capability: CAPABILITY,
                timestamp_ms,
                limits,
                receipt_kind: pb::ReceiptKind::Signed,
            },
            &payload,
        )
        .expect("seals");
        (request, key, wasm)
    }

    pub(crate) fn seal(
        &mut self,
        module: &str,
        input: &[u8],
    ) -> (pb::LogicRequest, ResponseKey, Vec<u8>) {
        self.seal_at(module, input, self.now_ms, pb::RequestedLimits::default())
    }
}

/// Every response until the stream ends.
pub(crate) async fn collect(mut rx: mpsc::Receiver<pb::LogicResponse>) -> Vec<pb::LogicResponse> {
    let mut all = Vec::new();
    while let Some(response) = rx.recv().await {
        all.push(response);
    }
    all
}

/// The stages of the status events, in order.
pub(crate) fn stages(responses: &[pb::LogicResponse]) -> Vec<pb::Stage> {
    responses
        .iter()
        .filter_map(|r| match &r.event {
            Some(Event::Status(s)) => pb::Stage::try_from(s.stage).ok(),
            _ => None,
        })
        .collect()
}

/// The final result, opened under the request's response key; panics if the stream ended
/// otherwise or the result does not open.
pub(crate) fn result(responses: &[pb::LogicResponse], key: &ResponseKey) -> pb::ResponsePayload {
    match responses.last().and_then(|r| r.event.as_ref()) {
        Some(Event::Result(result)) => key
            .open_response(result.sealed.as_ref().expect("a sealed result"))
            .expect("the result opens under the request's key"),
        other => panic!("expected a result, got {other:?}"),
    }
}

/// The final error code; panics if the stream ended otherwise.
pub(crate) fn error_code(responses: &[pb::LogicResponse]) -> pb::ErrorCode {
    match responses.last().and_then(|r| r.event.as_ref()) {
        Some(Event::Error(e)) => pb::ErrorCode::try_from(e.code).expect("known code"),
        other => panic!("expected an error, got {other:?}"),
    }
}
