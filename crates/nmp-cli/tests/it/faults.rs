//! Faults injected between agents and nodes, and into the node's process: every request
//! completes or fails with a typed error within its deadline, and the agent carries on after.
//!
//! Network faults go through [`proxy::Proxy`] (127.0.0.1, ephemeral ports) in front of an
//! in-process node's TCP listener and gRPC face; process faults kill and restart real `nmp node`
//! processes. The campaign and its results are in `docs/reliability.md`.

mod arguments;
mod bootstrap;
mod dataset;
mod disk;
mod files;
mod input;
mod network;
mod process;
mod proxy;
mod quic;
mod scale;
mod udp;

use std::time::Duration;

use nmp_client::{Answer, Error, ErrorKind, Logic};

pub(crate) const CAPABILITY: &str = "demo.hospital/patients";

/// The honest aggregate over the bundled dataset.
pub(crate) fn honest() -> Logic {
    module("c/aggregate.wasm")
}

/// A module that spins until the node's wall-clock limit stops it.
pub(crate) fn spin() -> Logic {
    module("wat/spin.wasm")
}

fn module(path: &str) -> Logic {
    let wasm = std::fs::read(crate::example(path)).expect("bundled module");
    Logic::new(CAPABILITY, wasm)
}

/// A node configuration serving the bundled dataset, with `extra` TOML lines (sections last),
/// runs stopped after `timeout_ms` (unmetered) and the identity in `node.key`.
pub(crate) fn node_toml(extra: &str, timeout_ms: u64) -> String {
    format!(
        "identity = \"node.key\"\n{extra}\n[[datasets]]\nname = \"patients\"\npath = \"{}\"\n\
         capability = \"{CAPABILITY}\"\n[policy.sandbox]\ntimeout_ms = {timeout_ms}\nfuel = \"off\"\n",
        crate::example("data").display()
    )
}

/// Asserts that a request either answered with a verified receipt or failed with one of the
/// kinds a fault may cause (a network failure or a timeout, never a `verification` failure,
/// which would blame the node), and returns which, for the test's record.
pub(crate) fn settled(result: &Result<Answer, Error>, fault: &str) -> String {
    match result {
        Ok(answer) => {
            assert!(
                !answer.receipt.signature.is_empty(),
                "{fault}: an answer without receipt"
            );
            format!("answered ({:?})", answer.outcome)
        }
        Err(err) => {
            assert!(
                matches!(err.kind(), ErrorKind::Network | ErrorKind::Timeout),
                "{fault}: unexpected failure {err:?}"
            );
            format!("{} ({err})", err.kind())
        }
    }
}

/// How long a test may take in all; each is far shorter on an idle machine.
pub(crate) const DEADLINE: Duration = Duration::from_secs(240);
