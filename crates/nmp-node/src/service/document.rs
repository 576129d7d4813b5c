//! The node's signed capability document: what it serves and on what terms, never data.

use nmp_wire::{limits, pb};

use super::Service;

impl Service {
    /// The node's capability document at `now_ms`, signed by its identity: datasets with their
    /// inferred schemas, row counts and commitments (or why one is not served, and a database
    /// snapshot's query and time), privacy controls, limits, policy summary (whether an
    /// allow-list exists, not its members), current KEM public keys, the TEE attestation when
    /// one binds the current key, and an expiry of `now_ms + document_ttl_ms` (no later than the
    /// first KEM key's).
    ///
    /// Cheap: everything but the keys and the signature was computed at start-up or at the
    /// last re-commitment ([`Service::refresh_datasets`]), whose results the next document
    /// carries.
    pub fn describe(&self, now_ms: u64) -> pb::SignedCapabilityDocument {
        let kem_keys = self.keyring.public_keys(now_ms);
        let key_expiry = kem_keys.first().map_or(now_ms, |k| k.not_after_ms);
        let attestation = kem_keys.first().and_then(|k| self.attestation_for(k));
        let mut datasets: Vec<pb::DatasetInfo> = self
            .capabilities
            .values()
            .flatten()
            .map(|m| {
                let state = m.state();
                let mut info = pb::DatasetInfo {
                    name: m.served.dataset.name().to_owned(),
                    capability: m.served.capability.clone(),
                    format: m.served.dataset.kind().file_format().to_owned(),
                    error: state.error.unwrap_or_default(),
                    privacy: m
                        .protected
                        .as_ref()
                        .map(|p| super::privacy::announce(&p.policy)),
                    ..pb::DatasetInfo::default()
                };
                if let Some(facts) = state.facts {
                    info.columns = facts.columns;
                    info.row_count = facts.rows;
                    info.bytes = facts.commitment.bytes;
                    info.commitment = facts.commitment.sha256.to_vec();
                    info.snapshot = facts.snapshot;
                }
                info
            })
            .collect();
        datasets.sort_by(|a, b| (&a.capability, &a.name).cmp(&(&b.capability, &b.name)));
        let document = pb::CapabilityDocument {
            datasets,
            limits: Some(self.node_limits()),
            policy: Some(self.policy_summary()),
            kem_keys,
            attestation,
            issued_at_ms: now_ms,
            expires_at_ms: now_ms
                .saturating_add(self.config.document_ttl_ms)
                .min(key_expiry),
            ..pb::CapabilityDocument::default()
        };
        nmp_crypto::capability::sign(&self.identity, &document)
    }

    fn node_limits(&self) -> pb::NodeLimits {
        let sandbox = &self.config.node.sandbox.limits;
        let guardian = &self.config.node.guardian;
        pb::NodeLimits {
            max_module_bytes: guardian
                .max_module_bytes
                .min(limits::MAX_MODULE_BYTES as u64),
            max_input_bytes: limits::MAX_INPUT_BYTES as u64,
            max_output_bytes: sandbox.stdout_bytes as u64,
            max_timeout_ms: u64::try_from(sandbox.timeout.as_millis()).unwrap_or(u64::MAX),
            max_memory_bytes: sandbox.memory_bytes,
            max_fuel: sandbox.fuel.unwrap_or(0),
            max_concurrent_jobs: u32::try_from(self.config.max_concurrent_jobs).unwrap_or(u32::MAX),
            max_queued_jobs: u32::try_from(self.config.max_queued_jobs).unwrap_or(u32::MAX),
        }
    }

    fn policy_summary(&self) -> pb::PolicySummary {
        let egress = &self.config.node.egress;
        pb::PolicySummary {
            // Whether an allow-list exists, never who is on it.
            open: self.config.access == super::Access::Open,
            // The document's 0 is "unlimited" (a proto3 scalar has no absent value).
            rate_limit_per_minute: unlimited_is_zero(self.config.rate_limit_per_minute),
            guardian_policy_digest: self.pipeline.guardian().policy_digest().as_bytes().to_vec(),
            egress_rule_set_digest: self.pipeline.egress_rule_set_digest().to_vec(),
            egress_mode: match egress.mode {
                nmp_egress::Mode::Redact => "redact".to_owned(),
                nmp_egress::Mode::Block => "block".to_owned(),
            },
            restricted_keys: egress.restricted_keys.clone(),
            budget_per_day: unlimited_is_zero(self.config.budget_per_day),
            origin_rate_limit_per_minute: unlimited_is_zero(
                self.config.origin_rate_limit_per_minute,
            ),
            response_quantum_ms: self
                .capabilities
                .iter()
                .map(|(capability, mounted)| {
                    (capability.clone(), super::execute::quantum::of(mounted))
                })
                .filter(|(_, quantum)| !quantum.is_zero())
                .map(|(capability, quantum)| {
                    let ms = u64::try_from(quantum.as_millis()).unwrap_or(u64::MAX);
                    (capability, ms)
                })
                .collect(),
        }
    }
}

/// A limit as the wire publishes it: 0 for none.
fn unlimited_is_zero(limit: Option<std::num::NonZeroU32>) -> u32 {
    limit.map_or(0, std::num::NonZeroU32::get)
}
