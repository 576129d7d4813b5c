//! The node side: a keyring of KEM keys that opens sealed requests and refuses replays.

mod config;
mod error;

use std::sync::{Arc, Mutex, PoisonError};

use libp2p_identity::PeerId;
use nmp_wire::{limits, pb};
use prost::Message;
use sha2::{Digest, Sha256};

use super::{
    NONCE_BYTES, ResponseKey, SIGNATURE_BYTES, SUITE, TAG_BYTES, aead,
    replay::{self, Refusal, ReplayCache},
    schedule,
};
use crate::{
    identity::{self, Domain},
    kem::{KEY_ID_BYTES, KemKeyPair, ML_KEM_768_CIPHERTEXT_BYTES, X25519_BYTES},
};

pub use config::OpenConfig;
pub use error::OpenError;

/// An opened request: what the agent sealed, who it is, and the key for the answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct Opened {
    /// The module and input.
    pub payload: pb::LogicPayload,
    /// The agent, authenticated by its signature over the whole request.
    pub agent: PeerId,
    /// Seals the response so only this agent can read it.
    pub response_key: ResponseKey,
}

/// A node's KEM keys (the current one and the previous one during its grace period) plus the
/// replay cache: everything needed to open requests sealed to this node.
///
/// One per node, shared by reference (`Arc<Keyring>`): [`Keyring::open`] and
/// [`Keyring::rotate`] take `&self` and hold their locks only for a few map operations, never
/// across a decapsulation.
#[derive(Debug)]
pub struct Keyring {
    node: PeerId,
    config: OpenConfig,
    keys: Mutex<Keys>,
    seen: Mutex<ReplayCache>,
}

#[derive(Debug)]
struct Keys {
    current: Entry,
    previous: Option<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    pair: Arc<KemKeyPair>,
    not_after_ms: u64,
}

impl Keyring {
    /// A keyring for `node` whose current KEM key is `key`, valid until `not_after_ms`.
    pub fn new(node: PeerId, key: KemKeyPair, not_after_ms: u64, config: OpenConfig) -> Self {
        let seen = Mutex::new(ReplayCache::new(config.replay_capacity));
        let current = Entry {
            pair: Arc::new(key),
            not_after_ms,
        };
        Self {
            node,
            config,
            keys: Mutex::new(Keys {
                current,
                previous: None,
            }),
            seen,
        }
    }

    /// Makes `next` the current key. The old current key stays usable until `now_ms` plus the
    /// grace period (or its own expiry, if sooner); the key before it is dropped.
    pub fn rotate(&self, next: KemKeyPair, not_after_ms: u64, now_ms: u64) {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let mut old = keys.current.clone();
        old.not_after_ms = old
            .not_after_ms
            .min(now_ms.saturating_add(self.config.grace_ms));
        keys.previous = Some(old);
        keys.current = Entry {
            pair: Arc::new(next),
            not_after_ms,
        };
    }

    /// The public keys to publish in the capability document: the current key first, then the
    /// previous one while it is still inside its grace period.
    pub fn public_keys(&self, now_ms: u64) -> Vec<pb::KemPublicKey> {
        let keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        std::iter::once(&keys.current)
            .chain(keys.previous.as_ref())
            .filter(|entry| entry.not_after_ms >= now_ms)
            .map(|entry| entry.pair.public_key(entry.not_after_ms))
            .collect()
    }

    /// Opens a request sealed to this node at node time `now_ms` (unix milliseconds).
    ///
    /// Checks, in order and before any allocation that depends on the request: field sizes,
    /// suite and receipt kind, the recipient, the timestamp window, the agent's signature, the
    /// replay cache, the KEM key; then decapsulates, decrypts and records the request as seen.
    /// Each refusal has its own [`OpenError`] variant. Costs about one ML-KEM-768
    /// decapsulation, one X25519 multiplication, one Ed25519 verification and one pass of
    /// SHA-256 and AES-256-GCM over the ciphertext.
    pub fn open(&self, req: &pb::LogicRequest, now_ms: u64) -> Result<Opened, OpenError> {
        let parts = Parts::check(req)?;
        if parts.node != self.node {
            return Err(OpenError::MisAddressed {
                recipient: parts.node,
            });
        }
        self.check_window(req.timestamp_ms, now_ms)?;
        let entry = self.key(&parts.key_id, now_ms)?;
        let transcript_hash = schedule::Transcript {
            request_id: &req.request_id,
            timestamp_ms: req.timestamp_ms,
            node_peer_id: &req.node_peer_id,
            agent_peer_id: &req.agent_peer_id,
            key_id: &parts.key_id,
            node_x25519: entry.pair.x25519_public(),
            node_ml_kem: entry.pair.ml_kem_public(),
            ephemeral: &parts.ephemeral,
            ml_kem_ciphertext: &parts.ml_kem_ciphertext,
        }
        .hash();
        let aad = schedule::aad(req);
        let signed =
            schedule::signed_message(&aad, &transcript_hash, &parts.nonce, parts.ciphertext);
        identity::verify(&parts.agent, Domain::Request, &signed, &req.agent_signature)
            .map_err(OpenError::BadSignature)?;
        let replay_key = replay_key(&req.agent_peer_id, &req.request_id);
        self.seen()
            .check(&replay_key, req.timestamp_ms)
            .map_err(|refusal| refused(refusal, req.timestamp_ms))?;
        let secrets = entry
            .pair
            .decapsulate(&parts.ephemeral, &parts.ml_kem_ciphertext)
            .ok_or(OpenError::Malformed {
                field: "x25519_ephemeral",
                reason: "low-order point",
            })?;
        let keys = schedule::derive(&transcript_hash, &secrets);
        let plaintext = aead::open(&keys.request, &parts.nonce, &aad, parts.ciphertext)
            .ok_or(OpenError::Tampered)?;
        let payload =
            pb::LogicPayload::decode(plaintext.as_slice()).map_err(OpenError::MalformedPayload)?;
        check_payload(&payload)?;
        let expire_before = now_ms.saturating_sub(self.config.max_age_ms);
        self.seen()
            .insert(replay_key, req.timestamp_ms, expire_before)
            .map_err(|refusal| refused(refusal, req.timestamp_ms))?;
        Ok(Opened {
            payload,
            agent: parts.agent,
            response_key: ResponseKey::new(keys.response.clone(), parts.request_id),
        })
    }

    fn check_window(&self, timestamp_ms: u64, now_ms: u64) -> Result<(), OpenError> {
        let oldest_accepted_ms = now_ms.saturating_sub(self.config.max_age_ms);
        let newest_accepted_ms = now_ms.saturating_add(self.config.max_future_ms);
        if timestamp_ms < oldest_accepted_ms {
            return Err(OpenError::Stale {
                timestamp_ms,
                oldest_accepted_ms,
            });
        }
        if timestamp_ms > newest_accepted_ms {
            return Err(OpenError::FutureDated {
                timestamp_ms,
                newest_accepted_ms,
            });
        }
        Ok(())
    }

    fn key(&self, key_id: &[u8; KEY_ID_BYTES], now_ms: u64) -> Result<Entry, OpenError> {
        let keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = std::iter::once(&keys.current)
            .chain(keys.previous.as_ref())
            .find(|entry| entry.pair.key_id() == *key_id)
            .ok_or(OpenError::UnknownKey { key_id: *key_id })?;
        if entry.not_after_ms < now_ms {
            return Err(OpenError::KeyExpired {
                key_id: *key_id,
                not_after_ms: entry.not_after_ms,
            });
        }
        Ok(entry.clone())
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, ReplayCache> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The fixed-size parts of a request, checked.
struct Parts<'a> {
    request_id: [u8; limits::REQUEST_ID_BYTES],
    node: PeerId,
    agent: PeerId,
    key_id: [u8; KEY_ID_BYTES],
    ephemeral: [u8; X25519_BYTES],
    ml_kem_ciphertext: [u8; ML_KEM_768_CIPHERTEXT_BYTES],
    nonce: [u8; NONCE_BYTES],
    ciphertext: &'a [u8],
}

impl<'a> Parts<'a> {
    fn check(req: &'a pb::LogicRequest) -> Result<Self, OpenError> {
        let request_id = fixed(&req.request_id, "request_id")?;
        if req.capability.is_empty() {
            return Err(OpenError::Malformed {
                field: "capability",
                reason: "empty",
            });
        }
        too_large(
            "capability",
            limits::MAX_CAPABILITY_BYTES,
            req.capability.len(),
        )?;
        let node = peer_id(&req.node_peer_id, "node_peer_id")?;
        let agent = peer_id(&req.agent_peer_id, "agent_peer_id")?;
        let kind = pb::ReceiptKind::try_from(req.receipt_kind).ok();
        if kind != Some(pb::ReceiptKind::Signed) {
            return Err(OpenError::UnsupportedReceiptKind(req.receipt_kind));
        }
        let envelope = req.envelope.as_ref().ok_or(OpenError::Malformed {
            field: "envelope",
            reason: "missing",
        })?;
        if envelope.suite != SUITE {
            return Err(OpenError::UnsupportedSuite(envelope.suite));
        }
        let _: [u8; SIGNATURE_BYTES] = fixed(&req.agent_signature, "agent_signature")?;
        check_ciphertext(&envelope.ciphertext)?;
        Ok(Self {
            request_id,
            node,
            agent,
            key_id: fixed(&envelope.kem_key_id, "kem_key_id")?,
            ephemeral: fixed(&envelope.x25519_ephemeral, "x25519_ephemeral")?,
            ml_kem_ciphertext: fixed(&envelope.ml_kem_ciphertext, "ml_kem_ciphertext")?,
            nonce: fixed(&envelope.nonce, "nonce")?,
            ciphertext: &envelope.ciphertext,
        })
    }
}

/// A fixed-size field: shorter is [`OpenError::Truncated`], longer is [`OpenError::Malformed`].
pub(super) fn fixed<const N: usize>(
    bytes: &[u8],
    field: &'static str,
) -> Result<[u8; N], OpenError> {
    if bytes.len() < N {
        return Err(OpenError::Truncated {
            field,
            expected: N,
            actual: bytes.len(),
        });
    }
    bytes.try_into().map_err(|_| OpenError::Malformed {
        field,
        reason: "too long",
    })
}

/// An AEAD ciphertext: at least a tag, at most a frame.
pub(super) fn check_ciphertext(ciphertext: &[u8]) -> Result<(), OpenError> {
    if ciphertext.len() < TAG_BYTES {
        return Err(OpenError::Truncated {
            field: "ciphertext",
            expected: TAG_BYTES,
            actual: ciphertext.len(),
        });
    }
    too_large("ciphertext", limits::MAX_FRAME_BYTES, ciphertext.len())
}

fn too_large(field: &'static str, limit: usize, actual: usize) -> Result<(), OpenError> {
    if actual > limit {
        return Err(OpenError::TooLarge {
            field,
            limit,
            actual,
        });
    }
    Ok(())
}

fn peer_id(bytes: &[u8], field: &'static str) -> Result<PeerId, OpenError> {
    identity::parse_peer_id(bytes).ok_or(OpenError::Malformed {
        field,
        reason: "not a PeerId",
    })
}

fn check_payload(payload: &pb::LogicPayload) -> Result<(), OpenError> {
    too_large("wasm", limits::MAX_MODULE_BYTES, payload.wasm.len())?;
    too_large("input", limits::MAX_INPUT_BYTES, payload.input.len())
}

fn replay_key(agent_peer_id: &[u8], request_id: &[u8]) -> replay::Key {
    let len = u32::try_from(agent_peer_id.len()).expect("a parsed PeerId is under 4 GiB");
    Sha256::new()
        .chain_update(len.to_be_bytes())
        .chain_update(agent_peer_id)
        .chain_update(request_id)
        .finalize()
        .into()
}

fn refused(refusal: Refusal, timestamp_ms: u64) -> OpenError {
    match refusal {
        Refusal::Replayed => OpenError::Replayed,
        Refusal::BelowFloor { floor_ms } => OpenError::Stale {
            timestamp_ms,
            oldest_accepted_ms: floor_ms.saturating_add(1),
        },
    }
}
