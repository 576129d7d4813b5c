//! The node's side of a session: verifying an offer, establishing it after the node's policy,
//! and checking each request sealed under it.

mod window;

use std::sync::{Mutex, PoisonError};

use libp2p_identity::PeerId;
use nmp_wire::{limits, pb};
use zeroize::Zeroizing;

use self::window::Window;
use super::{SESSION_ID_BYTES, schedule};
use crate::{
    Keyring,
    envelope::{NONCE_BYTES, OpenError, SIGNATURE_BYTES, SUITE, aead, fixed},
    kem::{KEY_ID_BYTES, ML_KEM_768_CIPHERTEXT_BYTES, X25519_BYTES},
};

/// One session as the node holds it; the secret is zeroized when the table lets it go.
pub(crate) struct NodeSession {
    pub(crate) id: [u8; SESSION_ID_BYTES],
    pub(crate) agent: PeerId,
    pub(crate) expires_at_ms: u64,
    secret: Zeroizing<[u8; 32]>,
    max_requests: u64,
    seen: Mutex<Window>,
}

impl std::fmt::Debug for NodeSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeSession")
            .field("id", &hex::encode(self.id))
            .field("agent", &self.agent)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

impl NodeSession {
    fn seen(&self) -> std::sync::MutexGuard<'_, Window> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records `counter` as used: [`OpenError::Replayed`] when it was, or is below the window.
    pub(crate) fn record(&self, counter: u64) -> Result<(), OpenError> {
        self.seen().record(counter)
    }
}

/// A session offer whose shape, recipient, time, key and agent signature checked out; nothing
/// is decapsulated or stored yet.
///
/// The node applies its admission policy to [`VerifiedOffer::agent`] and only then calls
/// [`VerifiedOffer::establish`]; dropping it leaves no trace. Borrows the keyring.
#[must_use = "a verified offer becomes a session only through `establish`"]
pub struct VerifiedOffer<'a> {
    pub(crate) keyring: &'a Keyring,
    pub(crate) agent: PeerId,
    pub(crate) id: [u8; SESSION_ID_BYTES],
    pub(crate) timestamp_ms: u64,
    pub(crate) transcript_hash: [u8; 32],
    pub(crate) pair: std::sync::Arc<crate::KemKeyPair>,
    pub(crate) key_not_after_ms: u64,
    pub(crate) ephemeral: [u8; X25519_BYTES],
    pub(crate) ml_kem_ciphertext: [u8; ML_KEM_768_CIPHERTEXT_BYTES],
    pub(crate) now_ms: u64,
}

impl std::fmt::Debug for VerifiedOffer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedOffer")
            .field("agent", &self.agent)
            .field("id", &hex::encode(self.id))
            .finish_non_exhaustive()
    }
}

/// The fixed-size parts of a `SessionOpen`, checked before anything is allocated from them.
pub(crate) struct OfferParts {
    pub(crate) node: PeerId,
    pub(crate) agent: PeerId,
    pub(crate) key_id: [u8; KEY_ID_BYTES],
    pub(crate) ephemeral: [u8; X25519_BYTES],
    pub(crate) ml_kem_ciphertext: [u8; ML_KEM_768_CIPHERTEXT_BYTES],
}

impl OfferParts {
    pub(crate) fn check(open: &pb::SessionOpen) -> Result<Self, OpenError> {
        let node = peer_id(&open.node_peer_id, "node_peer_id")?;
        let agent = peer_id(&open.agent_peer_id, "agent_peer_id")?;
        if open.suite != SUITE {
            return Err(OpenError::UnsupportedSuite(open.suite));
        }
        let _: [u8; SIGNATURE_BYTES] = fixed(&open.agent_signature, "agent_signature")?;
        Ok(Self {
            node,
            agent,
            key_id: fixed(&open.kem_key_id, "kem_key_id")?,
            ephemeral: fixed(&open.x25519_ephemeral, "x25519_ephemeral")?,
            ml_kem_ciphertext: fixed(&open.ml_kem_ciphertext, "ml_kem_ciphertext")?,
        })
    }
}

impl VerifiedOffer<'_> {
    /// The agent, authenticated by its signature over the offer's transcript.
    pub fn agent(&self) -> PeerId {
        self.agent
    }

    /// Decapsulates, derives the session secret, records the offer against replay and stores
    /// the session; returns the terms to send back.
    ///
    /// The session expires `SessionConfig::ttl_ms` from now, or at the KEM key's expiry if
    /// sooner. Fails with [`OpenError::Malformed`] (a low-order X25519 point),
    /// [`OpenError::Replayed`], [`OpenError::Stale`] or [`OpenError::ReplayCacheFull`] (the
    /// replay cache, as for a request) and [`OpenError::SessionTableFull`]. Costs about one
    /// ML-KEM-768 decapsulation and one X25519 multiplication.
    pub fn establish(self) -> Result<pb::SessionAccepted, OpenError> {
        let secrets = self
            .pair
            .decapsulate(&self.ephemeral, &self.ml_kem_ciphertext)
            .ok_or(OpenError::Malformed {
                field: "x25519_ephemeral",
                reason: "low-order point",
            })?;
        let secret = schedule::secret(&self.transcript_hash, &secrets);
        self.keyring
            .record(&self.agent, &self.id, self.timestamp_ms, self.now_ms)?;
        let mut table = self.keyring.sessions();
        let config = table.config();
        let expires_at_ms = self
            .now_ms
            .saturating_add(config.ttl_ms)
            .min(self.key_not_after_ms);
        let confirmation =
            schedule::confirmation(&secret, &self.id, expires_at_ms, config.max_requests);
        let session = NodeSession {
            id: self.id,
            agent: self.agent,
            expires_at_ms,
            secret,
            max_requests: config.max_requests,
            seen: Mutex::new(Window::default()),
        };
        table.insert(session, self.now_ms)?;
        Ok(pb::SessionAccepted {
            session_id: self.id.to_vec(),
            expires_at_ms,
            max_requests: config.max_requests,
            confirmation: confirmation.to_vec(),
        })
    }
}

/// A session request whose session, counter and authentication checked out: what
/// `Verified::open` finishes.
pub(crate) struct Checked {
    pub(crate) session: std::sync::Arc<NodeSession>,
    pub(crate) agent: PeerId,
    pub(crate) request_id: [u8; limits::REQUEST_ID_BYTES],
    pub(crate) counter: u64,
    pub(crate) plaintext: Zeroizing<Vec<u8>>,
    pub(crate) response: Zeroizing<[u8; 32]>,
}

/// Checks a request sealed under a session, without recording it: shape, recipient, window,
/// the session (known, this agent's, a counter left and unused), then authenticated decryption,
/// which proves the sender holds the session secret.
pub(crate) fn verify_request(
    keyring: &Keyring,
    req: &pb::LogicRequest,
    now_ms: u64,
) -> Result<Checked, OpenError> {
    let sealed = req.session.as_ref().ok_or(OpenError::Malformed {
        field: "session",
        reason: "missing",
    })?;
    let request_id = fixed(&req.request_id, "request_id")?;
    crate::envelope::check_metadata(req)?;
    if req.envelope.is_some() || !req.agent_signature.is_empty() {
        return Err(OpenError::Malformed {
            field: "session",
            reason: "sent with an envelope or a signature",
        });
    }
    let node = peer_id(&req.node_peer_id, "node_peer_id")?;
    let agent = peer_id(&req.agent_peer_id, "agent_peer_id")?;
    let id: [u8; SESSION_ID_BYTES] = fixed(&sealed.session_id, "session_id")?;
    let nonce: [u8; NONCE_BYTES] = fixed(&sealed.nonce, "nonce")?;
    crate::envelope::check_ciphertext(&sealed.ciphertext)?;
    keyring.check_recipient(node)?;
    keyring.check_window(req.timestamp_ms, now_ms)?;
    let session = keyring.sessions().get(&id, now_ms)?;
    if session.agent != agent {
        return Err(OpenError::WrongSessionAgent);
    }
    if sealed.counter >= session.max_requests {
        return Err(OpenError::SessionSpent {
            max_requests: session.max_requests,
        });
    }
    session.seen().check(sealed.counter)?;
    let keys = schedule::request_keys(&session.secret, &request_id, sealed.counter);
    let aad = schedule::aad(req, &id, sealed.counter);
    let plaintext =
        aead::open(&keys.request, &nonce, &aad, &sealed.ciphertext).ok_or(OpenError::Tampered)?;
    Ok(Checked {
        agent,
        request_id,
        counter: sealed.counter,
        plaintext,
        response: keys.response.clone(),
        session,
    })
}

fn peer_id(bytes: &[u8], field: &'static str) -> Result<PeerId, OpenError> {
    crate::identity::parse_peer_id(bytes).ok_or(OpenError::Malformed {
        field,
        reason: "not a PeerId",
    })
}
