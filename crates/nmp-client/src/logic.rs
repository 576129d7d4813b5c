//! [`Logic`]: what an agent asks a node to run.

use std::sync::Arc;

use nmp_wire::pb;

/// A module to run against a capability, with its input and the limits the agent asks for.
///
/// Module and input are shared, so sending the same logic to many nodes copies nothing.
#[derive(Debug, Clone)]
pub struct Logic {
    /// The capability to run against, e.g. `demo.hospital/patients`.
    pub capability: String,
    /// The WebAssembly module (a WASI preview 1 command).
    pub wasm: Arc<[u8]>,
    /// The bytes the guest reads on stdin.
    pub input: Arc<[u8]>,
    /// Limits asked of the node; it clamps each to its own. 0 = the node's default.
    pub limits: pb::RequestedLimits,
}

impl Logic {
    /// `wasm` against `capability`, with empty input and the node's default limits.
    pub fn new(capability: impl Into<String>, wasm: impl Into<Arc<[u8]>>) -> Self {
        Self {
            capability: capability.into(),
            wasm: wasm.into(),
            input: Arc::from(Vec::new()),
            limits: pb::RequestedLimits::default(),
        }
    }

    /// The same logic reading `input` on stdin.
    #[must_use]
    pub fn with_input(mut self, input: impl Into<Arc<[u8]>>) -> Self {
        self.input = input.into();
        self
    }

    /// The same logic asking for `limits`.
    #[must_use]
    pub fn with_limits(mut self, limits: pb::RequestedLimits) -> Self {
        self.limits = limits;
        self
    }
}
