//! Why an envelope did not open.

use libp2p_identity::PeerId;

use crate::{identity::SignatureError, kem::KEY_ID_BYTES};

/// Why a sealed request (or response) was refused. Nothing from the request was used.
///
/// The variants map onto `nmp.v1` error codes: `Truncated`, `Malformed` and `MalformedPayload`
/// onto `MALFORMED`; `TooLarge` onto `TOO_LARGE`; `UnsupportedSuite` and
/// `UnsupportedReceiptKind` onto `UNSUPPORTED`; `MisAddressed` and `BadSignature` onto
/// `WRONG_RECIPIENT`; `Stale` and `FutureDated` onto `STALE`; `Replayed` onto `REPLAY`;
/// `ReplayCacheFull` and `SessionTableFull` onto `OVERLOADED`; `UnknownKey`, `KeyExpired` and
/// `Tampered` onto `ENVELOPE_INVALID`; `UnknownSession` and `SessionSpent` onto
/// `SESSION_UNKNOWN`; `WrongSessionAgent` onto `WRONG_RECIPIENT`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// A fixed-size field is shorter than its size (or a ciphertext shorter than its tag).
    #[error("`{field}` truncated: {actual} bytes, expected {expected}")]
    Truncated {
        /// The field.
        field: &'static str,
        /// Its required (minimum) length.
        expected: usize,
        /// Its actual length.
        actual: usize,
    },
    /// A field is missing, too long or not what it must be (e.g. not a PeerId).
    #[error("`{field}` malformed: {reason}")]
    Malformed {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A field exceeds its protocol limit (`nmp_wire::limits`).
    #[error("`{field}` is {actual} bytes, limit {limit}")]
    TooLarge {
        /// The field: `capability`, `ciphertext`, `wasm` or `input`.
        field: &'static str,
        /// The limit.
        limit: usize,
        /// Its size.
        actual: usize,
    },
    /// The envelope uses a suite this version does not implement (only suite 1 exists).
    #[error("unsupported envelope suite {0}")]
    UnsupportedSuite(u32),
    /// The request asks for a receipt kind other than `RECEIPT_KIND_SIGNED` or
    /// `RECEIPT_KIND_TEE` (whether this node serves TEE receipts is the node's decision).
    #[error("unsupported receipt kind {0}")]
    UnsupportedReceiptKind(i32),
    /// The request is sealed to another node.
    #[error("sealed to another node ({recipient})")]
    MisAddressed {
        /// The node it names.
        recipient: PeerId,
    },
    /// The timestamp is older than the window (or than the replay cache remembers).
    #[error("stale request: timestamp {timestamp_ms} ms, oldest accepted {oldest_accepted_ms} ms")]
    Stale {
        /// The request's timestamp.
        timestamp_ms: u64,
        /// The oldest timestamp the node accepts now; retry with a fresh one.
        oldest_accepted_ms: u64,
    },
    /// The timestamp is further in the future than the node tolerates.
    #[error(
        "future-dated request: timestamp {timestamp_ms} ms, newest accepted {newest_accepted_ms} ms"
    )]
    FutureDated {
        /// The request's timestamp.
        timestamp_ms: u64,
        /// The newest timestamp the node accepts now.
        newest_accepted_ms: u64,
    },
    /// The agent's signature does not verify over the request as received.
    #[error("agent signature invalid")]
    BadSignature(#[source] SignatureError),
    /// This agent already sent a request with this id inside the window.
    #[error("replayed request id")]
    Replayed,
    /// The replay cache remembers as many agents (or requests) as it may, all inside the
    /// window, and nothing of this agent: it is refused rather than another agent's entries
    /// dropped. Retry later; room appears as requests age out (within the window's length).
    #[error("replay cache full: no room for another agent")]
    ReplayCacheFull,
    /// The envelope names a KEM key this node does not have (fetch a fresh capability document).
    #[error("unknown KEM key {}", hex::encode(key_id))]
    UnknownKey {
        /// The key id the envelope names.
        key_id: [u8; KEY_ID_BYTES],
    },
    /// The envelope names a KEM key past its `not_after_ms`.
    #[error("KEM key {} expired at {not_after_ms} ms", hex::encode(key_id))]
    KeyExpired {
        /// The key id.
        key_id: [u8; KEY_ID_BYTES],
        /// When it expired.
        not_after_ms: u64,
    },
    /// Authenticated decryption failed: some byte of the envelope, its metadata or the key
    /// exchange differs from what was sealed.
    #[error("envelope failed authentication")]
    Tampered,
    /// The request names a session this node does not hold: never established, expired,
    /// evicted, or forgotten at a restart. Open a new session and send the request again.
    #[error("unknown or expired session")]
    UnknownSession,
    /// The request names a session another agent established.
    #[error("session belongs to another agent")]
    WrongSessionAgent,
    /// The request's counter is at or past the session's `max_requests`: open a new session.
    #[error("session used up: counters end at {max_requests}")]
    SessionSpent {
        /// The session's request count.
        max_requests: u64,
    },
    /// The session table holds as many sessions as it may and none of this agent's: it is
    /// refused rather than another agent's session dropped. Retry later (a session expires
    /// within the session lifetime) or use the per-request envelope.
    #[error("session table full: no room for another agent")]
    SessionTableFull,
    /// The authenticated plaintext is not the expected protobuf message.
    #[error("sealed payload is not a valid message")]
    MalformedPayload(#[source] prost::DecodeError),
}
