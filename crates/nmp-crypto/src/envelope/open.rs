//! The node side: a keyring of KEM keys that verifies sealed requests, opens the ones the node
//! admits, and refuses replays.

mod config;
mod error;
mod parts;
mod verified;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use libp2p_identity::PeerId;
use nmp_wire::pb;

use self::parts::Parts;
pub(crate) use self::parts::{check_ciphertext, check_metadata, fixed};
use super::{
    ResponseKey,
    replay::{Refusal, ReplayCache},
    schedule,
};
use crate::{
    identity::{self, Domain},
    kem::{KEY_ID_BYTES, KemKeyPair},
    session::{self, Table},
};

use self::verified::Sealed;
pub use config::OpenConfig;
pub use error::OpenError;
pub use verified::Verified;

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
/// One per node, shared by reference (`Arc<Keyring>`): [`Keyring::verify`], [`Keyring::open`]
/// and [`Keyring::rotate`] take `&self` and hold their locks only for a few map operations,
/// never across a signature check or a decapsulation.
#[derive(Debug)]
pub struct Keyring {
    node: PeerId,
    config: OpenConfig,
    keys: Mutex<Keys>,
    seen: Mutex<ReplayCache>,
    sessions: Mutex<Table>,
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
        let seen = Mutex::new(ReplayCache::new(config.replay));
        let sessions = Mutex::new(Table::new(config.session));
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
            sessions,
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

    /// Checks everything about a request sealed to this node that comes before the node's own
    /// decision, at node time `now_ms` (unix milliseconds), and records nothing.
    ///
    /// An enveloped request: in order and before any allocation that depends on the request,
    /// field sizes, suite and receipt kind, the recipient, the timestamp window, the KEM key,
    /// the agent's signature, then the replay cache (without recording); costs one Ed25519
    /// verification and one pass of SHA-256 over the ciphertext, and needs no secret. A request
    /// with a `session` ([`crate::session`]): sizes, the recipient, the window, the session
    /// ([`OpenError::UnknownSession`], [`OpenError::WrongSessionAgent`],
    /// [`OpenError::SessionSpent`]), its counter ([`OpenError::Replayed`]), then authenticated
    /// decryption under the session's request key ([`OpenError::Tampered`]); costs two
    /// HKDF-SHA256 expansions and one pass of AES-256-GCM. Each refusal has its own
    /// [`OpenError`] variant. The caller applies its policy to [`Verified::agent`] and then
    /// calls [`Verified::open`].
    pub fn verify<'a>(
        &'a self,
        req: &'a pb::LogicRequest,
        now_ms: u64,
    ) -> Result<Verified<'a>, OpenError> {
        if req.session.is_some() {
            let checked = session::node::verify_request(self, req, now_ms)?;
            return Ok(Verified {
                keyring: self,
                request: req,
                now_ms,
                sealed: Sealed::Session(checked),
            });
        }
        let parts = Parts::check(req)?;
        self.check_recipient(parts.node)?;
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
        self.seen()
            .check(
                &parts.agent,
                &parts.request_id,
                req.timestamp_ms,
                self.oldest_accepted_ms(now_ms),
            )
            .map_err(|refusal| refused(refusal, req.timestamp_ms))?;
        Ok(Verified {
            keyring: self,
            request: req,
            now_ms,
            sealed: Sealed::Envelope {
                parts: Box::new(parts),
                entry,
                transcript_hash,
                aad,
            },
        })
    }

    /// Checks a session offer ([`crate::session::offer`]) at node time `now_ms`, and records
    /// nothing: sizes and suite, the recipient, the timestamp window, the KEM key, the agent's
    /// signature over the offer's transcript, and the replay cache (the session id, as a
    /// request id of the agent). Fails with the [`OpenError`] variants of [`Keyring::verify`].
    /// The caller applies its policy to [`session::VerifiedOffer::agent`] and then calls
    /// [`session::VerifiedOffer::establish`]. Costs one Ed25519 verification and one SHA-256 of
    /// the transcript.
    pub fn verify_session<'a>(
        &'a self,
        open: &pb::SessionOpen,
        now_ms: u64,
    ) -> Result<session::VerifiedOffer<'a>, OpenError> {
        let parts = session::node::OfferParts::check(open)?;
        self.check_recipient(parts.node)?;
        self.check_window(open.timestamp_ms, now_ms)?;
        let entry = self.key(&parts.key_id, now_ms)?;
        let transcript_hash =
            session::transcript(open, entry.pair.x25519_public(), entry.pair.ml_kem_public())
                .hash();
        identity::verify(
            &parts.agent,
            Domain::Session,
            &transcript_hash,
            &open.agent_signature,
        )
        .map_err(OpenError::BadSignature)?;
        let id = session::schedule::session_id(&transcript_hash);
        self.seen()
            .check(
                &parts.agent,
                &id,
                open.timestamp_ms,
                self.oldest_accepted_ms(now_ms),
            )
            .map_err(|refusal| refused(refusal, open.timestamp_ms))?;
        Ok(session::VerifiedOffer {
            keyring: self,
            agent: parts.agent,
            id,
            timestamp_ms: open.timestamp_ms,
            transcript_hash,
            pair: entry.pair,
            key_not_after_ms: entry.not_after_ms,
            ephemeral: parts.ephemeral,
            ml_kem_ciphertext: parts.ml_kem_ciphertext,
            now_ms,
        })
    }

    /// Sessions the node holds now (live or not yet forgotten after expiry).
    pub fn session_count(&self) -> usize {
        self.sessions().len()
    }

    pub(crate) fn check_recipient(&self, node: PeerId) -> Result<(), OpenError> {
        if node != self.node {
            return Err(OpenError::MisAddressed { recipient: node });
        }
        Ok(())
    }

    /// Verifies and opens a request in one step, for a caller with no policy between the two:
    /// [`Keyring::verify`] then [`Verified::open`], with their refusals and costs.
    pub fn open(&self, req: &pb::LogicRequest, now_ms: u64) -> Result<Opened, OpenError> {
        self.verify(req, now_ms)?.open()
    }

    fn oldest_accepted_ms(&self, now_ms: u64) -> u64 {
        now_ms.saturating_sub(self.config.max_age_ms)
    }

    pub(crate) fn check_window(&self, timestamp_ms: u64, now_ms: u64) -> Result<(), OpenError> {
        let oldest_accepted_ms = self.oldest_accepted_ms(now_ms);
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

    fn seen(&self) -> MutexGuard<'_, ReplayCache> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn sessions(&self) -> MutexGuard<'_, Table> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn refused(refusal: Refusal, timestamp_ms: u64) -> OpenError {
    match refusal {
        Refusal::Replayed => OpenError::Replayed,
        Refusal::BelowFloor { floor_ms } => OpenError::Stale {
            timestamp_ms,
            oldest_accepted_ms: floor_ms.saturating_add(1),
        },
        Refusal::Full => OpenError::ReplayCacheFull,
    }
}
