//! Verify, decide, open: a verified request leaves no trace until it is opened, and the
//! replay cache is partitioned per agent, so one agent's flood or churn never shrinks another
//! agent's window.

use nmp_crypto::{
    Identity, KemKeyPair, Keyring,
    envelope::{self, OpenConfig, OpenError, SealParams},
    testing,
};
use nmp_wire::pb;

use crate::{Fixture, NOW, payload};

/// Five minutes, the default window.
const MAX_AGE: u64 = 300_000;

/// A keyring for `fx`'s node with `config`.
fn keyring(fx: &Fixture, config: OpenConfig) -> Keyring {
    let kem = KemKeyPair::from_seeds(&[7; 32], &[7; 64]);
    Keyring::new(fx.node.peer_id(), kem, NOW + 3_600_000, config)
}

/// A request of `agent` with id `id` at `timestamp_ms`, sealed to `keyring`.
fn request(
    fx: &Fixture,
    keyring: &Keyring,
    agent: &Identity,
    id: u128,
    timestamp_ms: u64,
) -> pb::LogicRequest {
    let node_key = keyring.public_keys(NOW).remove(0);
    let params = SealParams {
        agent,
        node_key: &node_key,
        request_id: id.to_be_bytes(),
        timestamp_ms,
        ..fx.params(0)
    };
    envelope::seal(&params, &payload()).unwrap().0
}

#[test]
fn a_verified_request_is_recorded_only_when_opened() {
    let fx = Fixture::new(20);
    let req = envelope::seal(&fx.params(1), &payload()).unwrap().0;
    let verified = fx.keyring.verify(&req, NOW).unwrap();
    assert_eq!(verified.agent(), fx.agent.peer_id());
    drop(verified);
    // Dropped, it left no trace: the same request verifies and opens.
    let opened = fx.keyring.verify(&req, NOW).unwrap().open().unwrap();
    assert_eq!(opened.payload, payload());
    assert_eq!(
        fx.keyring.verify(&req, NOW + 1).unwrap_err(),
        OpenError::Replayed
    );
}

#[test]
fn a_request_that_fails_to_open_is_not_recorded() {
    let fx = Fixture::new(21);
    let mut req = envelope::seal(&fx.params(1), &payload()).unwrap().0;
    req.envelope.as_mut().unwrap().ciphertext[0] ^= 1;
    testing::resign(&mut req, &fx.agent, &fx.node_key);
    for _ in 0..2 {
        let verified = fx.keyring.verify(&req, NOW).unwrap();
        assert_eq!(verified.open().unwrap_err(), OpenError::Tampered);
    }
}

#[test]
fn a_refused_agents_flood_leaves_the_honest_window_unchanged() {
    let fx = Fixture::new(22);
    // A cache far smaller than the flood: under the old order (record, then decide) the flood
    // alone would have pushed the floor past the honest request below.
    let config = OpenConfig::default()
        .replay_capacity(64)
        .replay_per_agent(16)
        .replay_agents(4);
    let keyring = keyring(&fx, config);
    let refused = Identity::from_secret_bytes([99; 32]);
    for n in 0..300u128 {
        let flood = request(&fx, &keyring, &refused, n, NOW - 1_000 + n as u64);
        // The node's policy refuses the agent: verified, never opened.
        let verified = keyring.verify(&flood, NOW).unwrap();
        assert_eq!(verified.agent(), refused.peer_id());
    }
    let honest = request(&fx, &keyring, &fx.agent, 1, NOW - MAX_AGE + 1);
    keyring
        .open(&honest, NOW)
        .expect("the oldest timestamp the window accepts");
}

#[test]
fn an_admitted_agents_churn_moves_only_its_own_floor() {
    let fx = Fixture::new(23);
    let config = OpenConfig::default()
        .replay_capacity(1_000)
        .replay_per_agent(8)
        .replay_agents(4);
    let keyring = keyring(&fx, config);
    let first = request(&fx, &keyring, &fx.agent, 1, NOW - 200_000);
    keyring.open(&first, NOW).unwrap();
    let churner = Identity::from_secret_bytes([98; 32]);
    for n in 0..100u128 {
        let churn = request(&fx, &keyring, &churner, n, NOW - 100_000 + n as u64);
        keyring.open(&churn, NOW).unwrap();
    }
    // The churner's own old requests are refused by its floor...
    let late = request(&fx, &keyring, &churner, 500, NOW - 100_000 + 50);
    assert!(matches!(
        keyring.open(&late, NOW),
        Err(OpenError::Stale { oldest_accepted_ms, .. }) if oldest_accepted_ms == NOW - 100_000 + 92
    ));
    // ...while the honest agent's window still reaches back the full five minutes.
    let honest = request(&fx, &keyring, &fx.agent, 2, NOW - MAX_AGE + 1);
    keyring.open(&honest, NOW).unwrap();
    assert_eq!(keyring.open(&first, NOW).unwrap_err(), OpenError::Replayed);
}

#[test]
fn a_full_agent_table_refuses_a_newcomer_until_an_agent_ages_out() {
    let fx = Fixture::new(24);
    let keyring = keyring(&fx, OpenConfig::default().replay_agents(1));
    keyring
        .open(&request(&fx, &keyring, &fx.agent, 1, NOW), NOW)
        .unwrap();
    let newcomer = Identity::from_secret_bytes([97; 32]);
    let early = request(&fx, &keyring, &newcomer, 1, NOW);
    assert_eq!(
        keyring.verify(&early, NOW).unwrap_err(),
        OpenError::ReplayCacheFull
    );
    // Once the first agent's only request has left the window, its partition goes.
    let later = NOW + MAX_AGE + 1;
    let late = request(&fx, &keyring, &newcomer, 2, later);
    keyring.open(&late, later).unwrap();
}
