//! Finding and describing nodes: DHT provider lookups and verified capability documents.

use futures::future::join_all;
use nmp_crypto::capability;
use nmp_net::PeerId;
use nmp_wire::pb;

use super::now_ms;
use crate::{Error, NmpClient};

/// Most providers one [`NmpClient::discover`] describes: 64, in the order the DHT returned them.
/// Providers past it are counted in [`Discovery::skipped`] and not contacted, so a lookup that
/// returns many (possibly made-up) peers costs at most 64 describe requests. The mesh itself
/// keeps at most [`nmp_net::MAX_LOOKUP_PROVIDERS`] (256) per lookup.
pub const MAX_PROVIDERS: usize = 64;

/// A Data Node with its verified capability document.
#[derive(Debug, Clone)]
pub struct Provider {
    /// The node.
    pub peer: PeerId,
    /// Its document, verified against `peer` and unexpired when fetched.
    pub document: pb::CapabilityDocument,
    /// The node's attestation as the client's TEE policy
    /// ([`Builder::require_tee`](crate::Builder::require_tee)) accepted it: requests to this
    /// node are then sealed to the attested KEM key only and ask for a `RECEIPT_KIND_TEE`
    /// receipt, verified against this. `None` without a TEE policy.
    pub attested: Option<nmp_attest::Attested>,
}

impl Provider {
    /// The dataset the node serves under `capability`, if any.
    pub fn dataset(&self, capability: &str) -> Option<&pb::DatasetInfo> {
        self.document
            .datasets
            .iter()
            .find(|d| d.capability == capability)
    }
}

/// The result of [`NmpClient::discover`]: nodes whose documents verified and list the
/// capability, and the ones that did not answer or were refused, with why.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Verified providers, in the order the DHT returned them.
    pub providers: Vec<Provider>,
    /// Providers that could not be described or were refused.
    pub failed: Vec<(PeerId, Error)>,
    /// Providers the DHT returned past [`MAX_PROVIDERS`]; they were not contacted.
    pub skipped: usize,
}

impl NmpClient {
    /// Finds the nodes that announce `capability` in the DHT and describes each (the first
    /// [`MAX_PROVIDERS`]), concurrently. With
    /// [`Builder::trusted_nodes`](crate::Builder::trusted_nodes), a provider outside the pin
    /// is listed under `failed` with [`Error::Untrusted`].
    ///
    /// Fails only when the lookup itself fails; an empty [`Discovery`] means nobody provides it.
    pub async fn discover(&self, capability: &str) -> Result<Discovery, Error> {
        let peers = self.shared().mesh.find_providers(capability).await?;
        let skipped = peers.len().saturating_sub(MAX_PROVIDERS);
        let described = join_all(
            peers
                .into_iter()
                .take(MAX_PROVIDERS)
                .map(|peer| async move {
                    let provider = self.describe(peer).await.and_then(|p| {
                        if p.dataset(capability).is_some() {
                            Ok(p)
                        } else {
                            Err(Error::NotServed {
                                peer,
                                capability: capability.to_owned(),
                            })
                        }
                    });
                    (peer, provider)
                }),
        )
        .await;
        let mut discovery = Discovery {
            skipped,
            ..Discovery::default()
        };
        for (peer, provider) in described {
            match provider {
                Ok(_) if !self.trusts(&peer) => {
                    discovery.failed.push((peer, Error::Untrusted { peer }));
                }
                Ok(provider) => discovery.providers.push(provider),
                Err(err) => discovery.failed.push((peer, err)),
            }
        }
        Ok(discovery)
    }

    /// Fetches `peer`'s capability document over the mesh and verifies it against `peer` (the
    /// signature, the expiry and every KEM key) before anything in it is used. A peer this
    /// agent has no address for is first looked up in the DHT by its id. The verified
    /// document is cached (the 256 most recently used documents) until shortly before it or
    /// its newest KEM key expires.
    pub async fn describe(&self, peer: PeerId) -> Result<Provider, Error> {
        let mesh = &self.shared().mesh;
        let signed = match mesh.describe(peer).await {
            Ok(signed) => signed,
            // Unreachable by its id alone: look its addresses up in the DHT, then ask again.
            Err(nmp_net::Error::Describe { .. }) if mesh.find_peer(peer).await? => {
                mesh.describe(peer).await?
            }
            Err(err) => return Err(err.into()),
        };
        let provider = self.verify_document(&signed, Some(peer))?;
        self.shared().documents.insert(&provider);
        Ok(provider)
    }

    /// Verifies `signed` now, against `expected` when given.
    pub(crate) fn verify_document(
        &self,
        signed: &pb::SignedCapabilityDocument,
        expected: Option<PeerId>,
    ) -> Result<Provider, Error> {
        let refused = |source| Error::Document {
            peer: expected,
            source: Box::new(source),
        };
        let document = capability::verify(signed, expected.as_ref(), now_ms()).map_err(refused)?;
        let peer = PeerId::from_bytes(&document.node_peer_id)
            .map_err(|_| refused(capability::VerifyError::MalformedNode))?;
        let (document, attested) = match &self.shared().tee {
            Some(policy) => {
                let (document, attested) = attested_keys(policy, peer, document)?;
                (document, Some(attested))
            }
            None => (document, None),
        };
        Ok(Provider {
            peer,
            document,
            attested,
        })
    }
}

/// `document` with only the KEM key its attestation binds, once `policy` accepts the
/// attestation for `peer`: a request is then sealed to that key or to none.
fn attested_keys(
    policy: &nmp_attest::Policy,
    peer: PeerId,
    mut document: pb::CapabilityDocument,
) -> Result<(pb::CapabilityDocument, nmp_attest::Attested), Error> {
    let refused = |source| Error::Attestation {
        peer,
        source: Box::new(source),
    };
    let attestation = document.attestation.as_ref().ok_or_else(|| {
        refused(nmp_attest::Error::Malformed {
            field: "attestation",
            reason: "the node publishes none",
        })
    })?;
    let attested = policy
        .check(attestation, &peer, now_ms())
        .map_err(refused)?;
    document.kem_keys.retain(|key| attested.binds_kem_key(key));
    if document.kem_keys.is_empty() {
        return Err(refused(nmp_attest::Error::BindingMismatch("kem_keys")));
    }
    Ok((document, attested))
}

#[cfg(test)]
mod tests {
    use nmp_attest::{AllowList, Binding, Policy, testing, time_nonce};
    use nmp_crypto::{Identity, KemKeyPair};

    use super::*;

    /// A document with two KEM keys whose synthetic attestation (not AMD's keys) binds `bound`.
    fn document(node: &Identity, bound: usize, now_ms: u64) -> pb::CapabilityDocument {
        let keys: Vec<pb::KemPublicKey> = [1, 2]
            .map(|seed| KemKeyPair::from_seeds(&[seed; 32], &[seed; 64]).public_key(u64::MAX))
            .to_vec();
        let binding =
            Binding::new(&node.peer_id(), &keys[bound], time_nonce(now_ms, [0; 24])).unwrap();
        pb::CapabilityDocument {
            attestation: Some(testing::snp(&binding, [0x42; 48])),
            kem_keys: keys,
            ..Default::default()
        }
    }

    fn policy(measurement: u8) -> Policy {
        let entry = format!(
            "sev-snp:measurement={}",
            format!("{measurement:02x}").repeat(48)
        );
        Policy {
            roots: testing::roots(),
            ..Policy::allow(AllowList::new([entry.parse().unwrap()]))
        }
    }

    #[test]
    fn only_the_attested_key_is_kept() {
        let node = Identity::from_secret_bytes([8; 32]);
        let now = now_ms();
        let checked = attested_keys(&policy(0x42), node.peer_id(), document(&node, 1, now));
        let kept = checked.unwrap().0.kem_keys;
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0], document(&node, 1, now).kem_keys[1]);
    }

    #[test]
    fn a_node_without_a_matching_attestation_is_refused() {
        let node = Identity::from_secret_bytes([8; 32]);
        let other = Identity::from_secret_bytes([9; 32]);
        let now = now_ms();
        let refused = |result: Result<(pb::CapabilityDocument, _), Error>| {
            matches!(result, Err(Error::Attestation { .. }))
        };
        let mut bare = document(&node, 0, now);
        bare.attestation = None;
        assert!(refused(attested_keys(&policy(0x42), node.peer_id(), bare)));
        let doc = document(&node, 0, now);
        assert!(refused(attested_keys(
            &policy(0x43),
            node.peer_id(),
            doc.clone()
        )));
        assert!(refused(attested_keys(
            &policy(0x42),
            other.peer_id(),
            doc.clone()
        )));
        let mut unlisted = doc;
        unlisted.kem_keys.remove(0);
        assert!(refused(attested_keys(
            &policy(0x42),
            node.peer_id(),
            unlisted
        )));
    }
}
