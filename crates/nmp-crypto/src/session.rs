//! Sealed sessions: one hybrid key exchange between an agent and a node, and a key pair per
//! request derived from it, so that a request costs no KEM.
//!
//! The agent [`offer`]s a session: a hybrid X25519 + ML-KEM-768 encapsulation to one of the
//! node's KEM keys, exactly as the envelope's, signed with its identity. The node verifies the
//! offer ([`crate::Keyring::verify_session`]), applies its admission policy to the agent, and
//! only then establishes the session ([`VerifiedOffer::establish`]): it decapsulates, derives
//! the session secret, stores it in its bounded session table and returns the terms with a key
//! confirmation, which the agent checks ([`Pending::accept`]). Each request of the session then
//! names the session and a counter, and both sides derive that request's two AES-256-GCM keys
//! with HKDF from the session secret, the request id and the counter ([`Session::seal`]); the
//! node opens it through the same [`crate::Keyring::verify`] as an enveloped request.
//! `docs/crypto.md` ("Sealed sessions") gives the exact bytes.

pub(crate) mod node;
pub(crate) mod schedule;
mod table;

use std::sync::atomic::{AtomicU64, Ordering};

use libp2p_identity::PeerId;
use nmp_wire::{limits, pb};
use prost::Message;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::{
    envelope::{self, NONCE_BYTES, OpenError, ResponseKey, SUITE, SealError, aead},
    identity::{Domain, Identity},
    kem::NodeKey,
};

pub(crate) use node::NodeSession;
pub use node::VerifiedOffer;
pub use table::SessionConfig;
pub(crate) use table::Table;

/// Length of a session id.
pub const SESSION_ID_BYTES: usize = 16;

/// Seeds one offer consumes: the X25519 ephemeral secret and the ML-KEM message `m`.
pub(crate) struct OfferRandomness {
    pub(crate) ephemeral: Zeroizing<[u8; 32]>,
    pub(crate) ml_kem_m: Zeroizing<[u8; 32]>,
}

/// Offers a session to `node_peer`, encapsulating to `node_key` (from its verified capability
/// document), at the agent's clock `timestamp_ms`.
///
/// Returns the `SessionOpen` to send and the [`Pending`] half that checks the node's answer.
/// Fails with [`SealError::InvalidNodeKey`] or [`SealError::KeyExpired`] as
/// [`crate::envelope::seal`] does. Costs one ML-KEM-768 encapsulation, two X25519
/// multiplications and one Ed25519 signature. Panics only if the operating system has no random
/// number generator.
pub fn offer(
    agent: &Identity,
    node_peer: &PeerId,
    node_key: &pb::KemPublicKey,
    timestamp_ms: u64,
) -> Result<(pb::SessionOpen, Pending), SealError> {
    let mut seeds = OfferRandomness {
        ephemeral: Zeroizing::new([0; 32]),
        ml_kem_m: Zeroizing::new([0; 32]),
    };
    crate::rng::fill(&mut seeds.ephemeral[..]);
    crate::rng::fill(&mut seeds.ml_kem_m[..]);
    offer_with(agent, node_peer, node_key, timestamp_ms, &seeds)
}

pub(crate) fn offer_with(
    agent: &Identity,
    node_peer: &PeerId,
    node_key: &pb::KemPublicKey,
    timestamp_ms: u64,
    seeds: &OfferRandomness,
) -> Result<(pb::SessionOpen, Pending), SealError> {
    let parsed = NodeKey::parse(node_key).map_err(SealError::InvalidNodeKey)?;
    if timestamp_ms > node_key.not_after_ms {
        return Err(SealError::KeyExpired {
            not_after_ms: node_key.not_after_ms,
            timestamp_ms,
        });
    }
    let encapsulation = parsed
        .encapsulate(&seeds.ephemeral, &seeds.ml_kem_m)
        .map_err(SealError::InvalidNodeKey)?;
    let mut open = pb::SessionOpen {
        node_peer_id: node_peer.to_bytes(),
        agent_peer_id: agent.peer_id().to_bytes(),
        timestamp_ms,
        suite: SUITE,
        kem_key_id: node_key.key_id.clone(),
        x25519_ephemeral: encapsulation.ephemeral.to_vec(),
        ml_kem_ciphertext: encapsulation.ciphertext,
        agent_signature: Vec::new(),
    };
    let transcript_hash = transcript(&open, &node_key.x25519, &node_key.ml_kem_768).hash();
    open.agent_signature = agent.sign(Domain::Session, &transcript_hash).to_vec();
    let pending = Pending {
        id: schedule::session_id(&transcript_hash),
        secret: schedule::secret(&transcript_hash, &encapsulation.secrets),
        agent: agent.peer_id(),
        node: *node_peer,
    };
    Ok((open, pending))
}

/// The transcript of an offer, with the node key's public halves.
pub(crate) fn transcript<'a>(
    open: &'a pb::SessionOpen,
    node_x25519: &'a [u8],
    node_ml_kem: &'a [u8],
) -> schedule::Transcript<'a> {
    schedule::Transcript {
        timestamp_ms: open.timestamp_ms,
        node_peer_id: &open.node_peer_id,
        agent_peer_id: &open.agent_peer_id,
        key_id: &open.kem_key_id,
        node_x25519,
        node_ml_kem,
        ephemeral: &open.x25519_ephemeral,
        ml_kem_ciphertext: &open.ml_kem_ciphertext,
    }
}

/// The agent's half of an offer not yet answered: the session secret, zeroized on drop.
pub struct Pending {
    id: [u8; SESSION_ID_BYTES],
    secret: Zeroizing<[u8; 32]>,
    agent: PeerId,
    node: PeerId,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("id", &hex::encode(self.id))
            .finish_non_exhaustive()
    }
}

impl Pending {
    /// The id the session will have: the first 16 bytes of the transcript hash.
    pub fn id(&self) -> [u8; SESSION_ID_BYTES] {
        self.id
    }

    /// Checks the node's acceptance and returns the session.
    ///
    /// Fails with [`OpenError::Malformed`] (wrong session id or confirmation length) or
    /// [`OpenError::Tampered`] when the confirmation does not prove the node derived the same
    /// secret over the same terms; the session is then unusable.
    pub fn accept(self, accepted: &pb::SessionAccepted) -> Result<Session, OpenError> {
        if accepted.session_id != self.id {
            return Err(OpenError::Malformed {
                field: "session_id",
                reason: "not this offer's session",
            });
        }
        let confirmation: [u8; 32] = envelope::fixed(&accepted.confirmation, "confirmation")?;
        let expected = schedule::confirmation(
            &self.secret,
            &self.id,
            accepted.expires_at_ms,
            accepted.max_requests,
        );
        if !bool::from(expected.ct_eq(&confirmation)) {
            return Err(OpenError::Tampered);
        }
        Ok(Session {
            id: self.id,
            secret: self.secret,
            agent: self.agent,
            node: self.node,
            expires_at_ms: accepted.expires_at_ms,
            max_requests: accepted.max_requests,
            next: AtomicU64::new(0),
        })
    }
}

/// An established session, on the agent's side: seals requests under keys derived from its
/// secret. Lives until [`Session::expires_at_ms`] or its last counter; the secret is zeroized
/// on drop. Shared by reference: [`Session::seal`] takes `&self` and hands out counters in
/// order.
pub struct Session {
    id: [u8; SESSION_ID_BYTES],
    secret: Zeroizing<[u8; 32]>,
    agent: PeerId,
    node: PeerId,
    expires_at_ms: u64,
    max_requests: u64,
    next: AtomicU64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &hex::encode(self.id))
            .field("node", &self.node)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("max_requests", &self.max_requests)
            .finish_non_exhaustive()
    }
}

/// What the agent seals in a session; the rest of the `LogicRequest` comes from the session.
#[derive(Debug, Clone)]
pub struct SessionSealParams<'a> {
    /// 16 random bytes, unique per agent.
    pub request_id: [u8; limits::REQUEST_ID_BYTES],
    /// The capability to run against; at most `limits::MAX_CAPABILITY_BYTES` bytes.
    pub capability: &'a str,
    /// The agent's clock, unix milliseconds; the node rejects it outside its window.
    pub timestamp_ms: u64,
    /// Limits the agent asks for (0 = node default).
    pub limits: pb::RequestedLimits,
    /// The receipt kind wanted; only [`pb::ReceiptKind::Signed`] is served by this version.
    pub receipt_kind: pb::ReceiptKind,
}

impl Session {
    /// The session id.
    pub fn id(&self) -> [u8; SESSION_ID_BYTES] {
        self.id
    }

    /// When the node forgets the session (unix ms), as it stated.
    pub fn expires_at_ms(&self) -> u64 {
        self.expires_at_ms
    }

    /// Whether a request sealed at `now_ms` can still be opened: before expiry and with a
    /// counter left.
    pub fn is_usable(&self, now_ms: u64) -> bool {
        now_ms < self.expires_at_ms && self.next.load(Ordering::Relaxed) < self.max_requests
    }

    /// Seals `payload` as the session's next request.
    ///
    /// Fails with [`SealError::EmptyCapability`], [`SealError::TooLarge`] or
    /// [`SealError::UnsupportedReceiptKind`] as [`crate::envelope::seal`] does, and with
    /// [`SealError::SessionSpent`] when the session is past its expiry or its last counter:
    /// open a new session. Costs two HKDF-SHA256 expansions and one pass of AES-256-GCM over
    /// the payload; no KEM and no signature. Panics only if the operating system has no random
    /// number generator.
    pub fn seal(
        &self,
        params: &SessionSealParams<'_>,
        payload: &pb::LogicPayload,
    ) -> Result<(pb::LogicRequest, ResponseKey), SealError> {
        let mut nonce = [0; NONCE_BYTES];
        crate::rng::fill(&mut nonce);
        let counter = self.next.fetch_add(1, Ordering::Relaxed);
        self.seal_with(params, payload, counter, nonce)
    }

    pub(crate) fn seal_with(
        &self,
        params: &SessionSealParams<'_>,
        payload: &pb::LogicPayload,
        counter: u64,
        nonce: [u8; NONCE_BYTES],
    ) -> Result<(pb::LogicRequest, ResponseKey), SealError> {
        envelope::check_fields(params.capability, params.receipt_kind, payload)?;
        if params.timestamp_ms >= self.expires_at_ms || counter >= self.max_requests {
            return Err(SealError::SessionSpent);
        }
        let mut request = pb::LogicRequest {
            request_id: params.request_id.to_vec(),
            capability: params.capability.to_owned(),
            node_peer_id: self.node.to_bytes(),
            agent_peer_id: self.agent.to_bytes(),
            timestamp_ms: params.timestamp_ms,
            limits: Some(params.limits),
            receipt_kind: params.receipt_kind as i32,
            envelope: None,
            agent_signature: Vec::new(),
            session: None,
        };
        let keys = schedule::request_keys(&self.secret, &params.request_id, counter);
        let aad = schedule::aad(&request, &self.id, counter);
        let plaintext = Zeroizing::new(payload.encode_to_vec());
        request.session = Some(pb::SessionEnvelope {
            session_id: self.id.to_vec(),
            counter,
            nonce: nonce.to_vec(),
            ciphertext: aead::seal(&keys.request, &nonce, &aad, &plaintext),
        });
        let response_key = ResponseKey::new(keys.response.clone(), params.request_id);
        Ok((request, response_key))
    }
}
