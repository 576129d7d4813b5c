//! Sealed sessions: establishment after policy, each refusal (tampered, replayed, expired,
//! rekeyed, cross-session, cross-agent, unknown), and the session table's bounds at and past
//! each limit.

use nmp_crypto::{
    Identity, KemKeyPair, Keyring,
    envelope::{OpenConfig, OpenError, SealError},
    identity::SignatureError,
    session::{self, Session, SessionConfig, SessionSealParams},
    testing,
};
use nmp_wire::pb;

use crate::{NOW, payload};

/// A node keyring with the given session bounds, and its published key.
struct Node {
    identity: Identity,
    keyring: Keyring,
    key: pb::KemPublicKey,
}

impl Node {
    fn new(config: SessionConfig) -> Self {
        let identity = Identity::from_secret_bytes([9; 32]);
        let keyring = Keyring::new(
            identity.peer_id(),
            KemKeyPair::from_seeds(&[9; 32], &[9; 64]),
            NOW + 3_600_000,
            OpenConfig::default().sessions(config),
        );
        let key = keyring.public_keys(NOW).remove(0);
        Self {
            identity,
            keyring,
            key,
        }
    }

    fn offer(&self, agent: &Identity, at_ms: u64) -> (pb::SessionOpen, session::Pending) {
        session::offer(agent, &self.identity.peer_id(), &self.key, at_ms).unwrap()
    }

    /// Offers, establishes at `at_ms` and accepts: a live session.
    fn establish(&self, agent: &Identity, at_ms: u64) -> Result<Session, OpenError> {
        let (open, pending) = self.offer(agent, at_ms);
        let accepted = self.keyring.verify_session(&open, at_ms)?.establish()?;
        pending.accept(&accepted)
    }

    fn open(&self, request: &pb::LogicRequest, at_ms: u64) -> Result<pb::LogicPayload, OpenError> {
        Ok(self.keyring.open(request, at_ms)?.payload)
    }
}

fn agent(seed: u8) -> Identity {
    Identity::from_secret_bytes([seed; 32])
}

fn params(id: u8, timestamp_ms: u64) -> SessionSealParams<'static> {
    SessionSealParams {
        request_id: [id; 16],
        capability: "demo.hospital/patients",
        timestamp_ms,
        limits: pb::RequestedLimits::default(),
        receipt_kind: pb::ReceiptKind::Signed,
    }
}

fn seal(session: &Session, id: u8) -> pb::LogicRequest {
    session.seal(&params(id, NOW), &payload()).unwrap().0
}

fn at_counter(session: &Session, id: u8, counter: u64) -> pb::LogicRequest {
    testing::seal_in_session(session, &params(id, NOW), &payload(), counter, [id; 12])
        .unwrap()
        .0
}

fn sealed(request: &mut pb::LogicRequest) -> &mut pb::SessionEnvelope {
    request.session.as_mut().unwrap()
}

#[test]
fn requests_in_a_session_open_and_their_answers_come_back() {
    let node = Node::new(SessionConfig::default());
    let session = node.establish(&agent(1), NOW).unwrap();
    assert_eq!(session.expires_at_ms(), NOW + 600_000);
    for id in 1..=3 {
        let (request, key) = session.seal(&params(id, NOW), &payload()).unwrap();
        assert!(request.envelope.is_none() && request.agent_signature.is_empty());
        let opened = node.keyring.open(&request, NOW).unwrap();
        assert_eq!(
            (opened.payload, opened.agent),
            (payload(), agent(1).peer_id())
        );
        let answer = pb::ResponsePayload {
            stdout: vec![id],
            ..Default::default()
        };
        let sealed = opened.response_key.seal_response(&answer);
        assert_eq!(key.open_response(&sealed).unwrap(), answer);
    }
}

#[test]
fn a_session_exists_only_after_establish() {
    let node = Node::new(SessionConfig::default());
    let (open, _) = node.offer(&agent(1), NOW);
    // Verified and dropped, as a node whose policy refuses the agent does: no trace.
    let verified = node.keyring.verify_session(&open, NOW).unwrap();
    assert_eq!(verified.agent(), agent(1).peer_id());
    drop(verified);
    assert_eq!(node.keyring.session_count(), 0);
    node.keyring
        .verify_session(&open, NOW)
        .unwrap()
        .establish()
        .unwrap();
    assert_eq!(node.keyring.session_count(), 1);
}

#[test]
fn tampered_requests_fail_authentication() {
    let node = Node::new(SessionConfig::default());
    let session = node.establish(&agent(1), NOW).unwrap();
    let changes: [fn(&mut pb::LogicRequest); 5] = [
        |r| sealed(r).ciphertext[0] ^= 1,
        |r| sealed(r).nonce[0] ^= 1,
        |r| sealed(r).counter = 7,
        |r| r.capability.push('x'),
        |r| {
            r.limits = Some(pb::RequestedLimits {
                fuel: 1,
                ..Default::default()
            })
        },
    ];
    for change in changes {
        let mut request = seal(&session, 1);
        change(&mut request);
        assert_eq!(node.open(&request, NOW), Err(OpenError::Tampered));
    }
    // None of them used a counter: the untouched request still opens.
    node.open(&at_counter(&session, 1, 0), NOW).unwrap();
}

#[test]
fn a_request_or_an_offer_opens_once() {
    let node = Node::new(SessionConfig::default());
    let (open, pending) = node.offer(&agent(1), NOW);
    let accepted = node
        .keyring
        .verify_session(&open, NOW)
        .unwrap()
        .establish()
        .unwrap();
    let session = pending.accept(&accepted).unwrap();
    assert_eq!(
        node.keyring.verify_session(&open, NOW + 1).map(|_| ()),
        Err(OpenError::Replayed)
    );
    let request = seal(&session, 1);
    node.open(&request, NOW).unwrap();
    assert_eq!(node.open(&request, NOW + 1), Err(OpenError::Replayed));
    // The same counter under another request id is the same counter.
    assert_eq!(
        node.open(&at_counter(&session, 2, 0), NOW),
        Err(OpenError::Replayed)
    );
}

#[test]
fn counters_may_arrive_out_of_order_inside_the_window() {
    let node = Node::new(SessionConfig::default());
    let session = node.establish(&agent(1), NOW).unwrap();
    for counter in [3, 0, 2, 1, 130] {
        node.open(&at_counter(&session, counter as u8, counter), NOW)
            .unwrap();
    }
    // 130 - 127 = 3 is the oldest counter still accepted, once; 2 has left the window.
    node.open(&at_counter(&session, 4, 4), NOW).unwrap();
    assert_eq!(
        node.open(&at_counter(&session, 5, 2), NOW),
        Err(OpenError::Replayed)
    );
}

#[test]
fn an_expired_session_is_unknown_and_the_agent_knows_it_is_spent() {
    let node = Node::new(SessionConfig::default().ttl_ms(1_000));
    let session = node.establish(&agent(1), NOW).unwrap();
    let request = session.seal(&params(1, NOW + 999), &payload()).unwrap().0;
    node.open(&request, NOW + 999).unwrap();
    let late = seal(&session, 2);
    assert_eq!(
        node.open(&late, NOW + 1_000),
        Err(OpenError::UnknownSession)
    );
    assert_eq!(node.keyring.session_count(), 0);
    assert!(!session.is_usable(NOW + 1_000));
    assert_eq!(
        session
            .seal(&params(3, NOW + 1_000), &payload())
            .map(|_| ()),
        Err(SealError::SessionSpent)
    );
    // Recovery: a new session.
    let fresh = node.establish(&agent(1), NOW + 1_000).unwrap();
    node.open(
        &fresh.seal(&params(4, NOW + 1_000), &payload()).unwrap().0,
        NOW + 1_000,
    )
    .unwrap();
}

#[test]
fn a_session_ends_at_its_last_counter() {
    let node = Node::new(SessionConfig::default().max_requests(2));
    let session = node.establish(&agent(1), NOW).unwrap();
    node.open(&seal(&session, 1), NOW).unwrap();
    node.open(&seal(&session, 2), NOW).unwrap();
    assert!(!session.is_usable(NOW));
    assert_eq!(
        session.seal(&params(3, NOW), &payload()).map(|_| ()),
        Err(SealError::SessionSpent)
    );
    // A node refuses a counter past the end even when an agent seals one.
    let past = testing::seal_in_session(&session, &params(4, NOW), &payload(), 2, [0; 12]);
    assert_eq!(past.map(|_| ()), Err(SealError::SessionSpent));
}

#[test]
fn rekeying_opens_a_new_session_and_the_oldest_goes_at_the_per_agent_limit() {
    let node = Node::new(SessionConfig::default().per_agent(2));
    let me = agent(1);
    let first = node.establish(&me, NOW).unwrap();
    let second = node.establish(&me, NOW).unwrap();
    assert_ne!(first.id(), second.id());
    // At the limit both live.
    node.open(&seal(&first, 1), NOW).unwrap();
    node.open(&seal(&second, 2), NOW).unwrap();
    // Past it, the agent's oldest is evicted; the others keep working.
    let third = node.establish(&me, NOW).unwrap();
    assert_eq!(node.keyring.session_count(), 2);
    assert_eq!(
        node.open(&seal(&first, 3), NOW),
        Err(OpenError::UnknownSession)
    );
    node.open(&seal(&second, 4), NOW).unwrap();
    node.open(&seal(&third, 5), NOW).unwrap();
}

#[test]
fn a_request_does_not_move_to_another_session_or_agent() {
    let node = Node::new(SessionConfig::default());
    let alice = node.establish(&agent(1), NOW).unwrap();
    let alice_again = node.establish(&agent(1), NOW).unwrap();
    let mallory = node.establish(&agent(2), NOW).unwrap();
    // Cross-session: Alice's request relabelled to her other session.
    let mut moved = seal(&alice, 1);
    sealed(&mut moved).session_id = alice_again.id().to_vec();
    assert_eq!(node.open(&moved, NOW), Err(OpenError::Tampered));
    // Cross-agent: Mallory names Alice's session as herself, or as Alice.
    let mut as_herself = seal(&mallory, 2);
    sealed(&mut as_herself).session_id = alice.id().to_vec();
    assert_eq!(
        node.open(&as_herself, NOW),
        Err(OpenError::WrongSessionAgent)
    );
    as_herself.agent_peer_id = agent(1).peer_id().to_bytes();
    assert_eq!(node.open(&as_herself, NOW), Err(OpenError::Tampered));
    // Alice's own requests are untouched by all that.
    node.open(&seal(&alice, 3), NOW).unwrap();
}

#[test]
fn unknown_sessions_are_refused_and_a_restart_forgets_every_session() {
    let node = Node::new(SessionConfig::default());
    let session = node.establish(&agent(1), NOW).unwrap();
    let mut request = seal(&session, 1);
    let mut other = request.clone();
    sealed(&mut other).session_id = vec![0xab; 16];
    assert_eq!(node.open(&other, NOW), Err(OpenError::UnknownSession));
    sealed(&mut other).session_id = vec![0xab; 15];
    assert!(matches!(
        node.open(&other, NOW),
        Err(OpenError::Truncated {
            field: "session_id",
            ..
        })
    ));
    let restarted = Node::new(SessionConfig::default());
    assert_eq!(
        restarted.open(&request, NOW),
        Err(OpenError::UnknownSession)
    );
    // A request that carries both a session and a signature is malformed, not ambiguous.
    request.agent_signature = vec![0; 64];
    assert!(matches!(
        node.open(&request, NOW),
        Err(OpenError::Malformed {
            field: "session",
            ..
        })
    ));
}

#[test]
fn the_table_refuses_a_new_agent_when_full_and_never_evicts_another_agents_session() {
    let node = Node::new(
        SessionConfig::default()
            .capacity(3)
            .per_agent(2)
            .ttl_ms(60_000),
    );
    let a1 = node.establish(&agent(1), NOW).unwrap();
    let _a2 = node.establish(&agent(1), NOW).unwrap();
    let b1 = node.establish(&agent(2), NOW + 1).unwrap();
    assert_eq!(node.keyring.session_count(), 3);
    // Full: an agent holding nothing is refused.
    assert_eq!(
        node.establish(&agent(3), NOW + 2).map(|_| ()),
        Err(OpenError::SessionTableFull)
    );
    // An agent holding some evicts its own oldest, and only that.
    let b2 = node.establish(&agent(2), NOW + 3).unwrap();
    assert_eq!(node.keyring.session_count(), 3);
    assert_eq!(
        node.open(&seal(&b1, 1), NOW + 3),
        Err(OpenError::UnknownSession)
    );
    node.open(&seal(&a1, 2), NOW + 3).unwrap();
    node.open(&seal(&b2, 3), NOW + 3).unwrap();
    // Room appears when sessions expire: agent 1's two at NOW + 60 s (b2 lives 3 ms longer).
    assert_eq!(
        node.establish(&agent(3), NOW + 59_999).map(|_| ()),
        Err(OpenError::SessionTableFull)
    );
    node.establish(&agent(3), NOW + 60_000).unwrap();
    assert_eq!(node.keyring.session_count(), 2);
}

#[test]
fn offers_are_refused_like_requests() {
    let node = Node::new(SessionConfig::default());
    let check = |change: fn(&mut pb::SessionOpen), at_ms: u64| {
        let (mut open, _) = node.offer(&agent(1), NOW);
        change(&mut open);
        node.keyring
            .verify_session(&open, at_ms)
            .map(|_| ())
            .unwrap_err()
    };
    assert!(matches!(
        check(|o| o.agent_signature[0] ^= 1, NOW),
        OpenError::BadSignature(SignatureError::BadSignature)
    ));
    assert!(matches!(
        check(|o| o.ml_kem_ciphertext[0] ^= 1, NOW),
        OpenError::BadSignature(_)
    ));
    assert!(matches!(
        check(|o| o.suite = 2, NOW),
        OpenError::UnsupportedSuite(2)
    ));
    assert!(matches!(
        check(|o| o.node_peer_id = agent(4).peer_id().to_bytes(), NOW),
        OpenError::MisAddressed { .. }
    ));
    assert!(matches!(
        check(|_| {}, NOW + 300_001),
        OpenError::Stale { .. }
    ));
    assert!(matches!(
        check(|o| o.kem_key_id = vec![0; 16], NOW),
        OpenError::UnknownKey { .. }
    ));
    assert_eq!(node.keyring.session_count(), 0);
}

#[test]
fn the_agent_refuses_a_confirmation_that_does_not_prove_the_secret() {
    let node = Node::new(SessionConfig::default());
    let (open, pending) = node.offer(&agent(1), NOW);
    let mut accepted = node
        .keyring
        .verify_session(&open, NOW)
        .unwrap()
        .establish()
        .unwrap();
    // A longer lifetime than the node granted is not accepted on the network's word.
    accepted.expires_at_ms += 1;
    assert_eq!(
        pending.accept(&accepted).map(|_| ()),
        Err(OpenError::Tampered)
    );
    let (_, pending) = node.offer(&agent(1), NOW);
    let err = pending.accept(&accepted).map(|_| ()).unwrap_err();
    assert!(matches!(
        err,
        OpenError::Malformed {
            field: "session_id",
            ..
        }
    ));
}
