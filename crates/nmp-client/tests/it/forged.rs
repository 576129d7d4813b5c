//! A node that lies: it runs the real node service but changes its answer on the way out. It
//! holds its own KEM key, so it can open the sealed result and seal a changed one, as a
//! dishonest node could; lies on the wire are made without the key, as anyone on the path could.
//! The client refuses every lie with a typed error and never returns the output.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use nmp_client::{Error, Logic, NmpClient};
use nmp_crypto::{
    Identity, KemKeyPair, Keyring,
    envelope::{OpenConfig, ResponseKey},
    receipt::VerifyError,
};
use nmp_net::{Incoming, Mesh, Multiaddr};
use nmp_node::{
    Dataset, Service,
    service::{self, Served},
};
use nmp_wire::{
    now_ms,
    pb::{self, logic_response::Event},
};

use crate::{DEADLINE, PATIENTS, example, module};

/// How the node changes its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lie {
    /// Flip one byte of the receipt signature (resealed by the node).
    ReceiptSignature,
    /// Flip one byte of the sealed result on the wire.
    SealedCiphertext,
    /// Withhold the output but keep the receipt that commits to it (resealed by the node).
    DropOutput,
    /// Claim another outcome than the receipt's (resealed by the node).
    ChangeOutcome,
    /// Claim another egress verdict than the receipt's (resealed by the node).
    ChangeVerdict,
    /// Send the previous request's answer, resealed under this request's key.
    ReplayReceipt,
    /// Send the previous request's sealed result as it was.
    ReplaySealed,
    /// Tag a status event with another request id.
    ForeignStatus,
    /// End the stream after the status events.
    NoResult,
    /// Never finish.
    Hang,
    /// Refuse every request as overloaded before reading it (so with no request id), as a node
    /// whose inbound byte budget is full does. Not a lie: the agent gets the typed error.
    RefuseUnread,
}

/// Starts a lying node on loopback TCP; returns its dial address.
async fn liar(lie: Lie) -> Multiaddr {
    let identity = Identity::generate();
    let kem = || KemKeyPair::from_seeds(&[3; 32], &[4; 64]);
    let keyring = |kem| {
        Keyring::new(
            identity.peer_id(),
            kem,
            now_ms() + 86_400_000,
            OpenConfig::default(),
        )
    };
    // The liar's own copy of its KEM key, to open each request for its response key.
    let own = keyring(kem());
    let keyring = keyring(kem());
    let config = service::Config {
        datasets: vec![Served {
            capability: PATIENTS.to_owned(),
            dataset: Dataset::new("patients", example("data")).expect("bundled dataset"),
            postgres: None,
            response_quantum: None,
        }],
        ..service::Config::default()
    };
    let service =
        Arc::new(Service::new(identity.clone(), keyring, config).expect("service starts"));
    let net = nmp_net::Config {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        ..nmp_net::Config::default()
    };
    let (mesh, mut inbound) = Mesh::bind(identity.to_libp2p_keypair(), net).await.unwrap();
    let addr = format!(
        "{}/p2p/{}",
        mesh.listen_addrs().await.unwrap()[0],
        mesh.peer_id()
    );
    let previous = Arc::new(Mutex::new(None));
    tokio::spawn(async move {
        let _mesh = mesh;
        while let Some(incoming) = inbound.next().await {
            match incoming {
                Incoming::Info(info) => {
                    let _ = info.respond(service.describe(now_ms())).await;
                }
                Incoming::Logic(stream) => {
                    let origin = stream.origin();
                    let (request, mut sender, _closed) = stream.into_parts();
                    if lie == Lie::RefuseUnread {
                        let refusal = pb::LogicResponse {
                            request_id: Vec::new(),
                            event: Some(Event::Error(pb::Error {
                                code: pb::ErrorCode::Overloaded as i32,
                                message: "the node's inbound byte budget is exhausted".to_owned(),
                                renews_at_ms: 0,
                            })),
                        };
                        let _ = sender.send(&refusal).await;
                        continue;
                    }
                    let key = own.open(&request, now_ms()).expect("opens").response_key;
                    let mut responses = service.execute(request, origin, now_ms());
                    let previous = Arc::clone(&previous);
                    tokio::spawn(async move {
                        while let Some(mut response) = responses.recv().await {
                            if !tell(lie, &mut response, &key, &previous) {
                                continue;
                            }
                            if sender.send(&response).await.is_err() {
                                return;
                            }
                        }
                        if lie == Lie::Hang {
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                        }
                        let _ = sender.finish().await;
                    });
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    });
    addr.parse().unwrap()
}

/// What the liar remembers of the previous request: its answer and its sealed result.
type Previous = Mutex<Option<(pb::ResponsePayload, pb::LogicResult)>>;

/// Applies `lie` to one response; false drops it.
fn tell(
    lie: Lie,
    response: &mut pb::LogicResponse,
    key: &ResponseKey,
    previous: &Previous,
) -> bool {
    let result = match (&mut response.event, lie) {
        (Some(Event::Status(_)), Lie::ForeignStatus) => {
            response.request_id[0] ^= 1;
            return true;
        }
        (Some(Event::Result(_)), Lie::NoResult | Lie::Hang) => return false,
        (Some(Event::Result(result)), _) => result,
        _ => return true,
    };
    let original = result.clone();
    let sealed = result.sealed.as_mut().expect("sealed");
    let mut answer = key
        .open_response(sealed)
        .expect("the node opens its own answer");
    match lie {
        Lie::SealedCiphertext => sealed.ciphertext[3] ^= 1,
        Lie::ReceiptSignature => answer.receipt.as_mut().unwrap().signature[7] ^= 1,
        Lie::DropOutput => answer.stdout.clear(),
        Lie::ChangeOutcome => answer.outcome = pb::Outcome::TimedOut as i32,
        Lie::ChangeVerdict => {
            answer.egress.as_mut().unwrap().verdict = pb::EgressVerdict::Redacted as i32
        }
        Lie::ReplayReceipt | Lie::ReplaySealed => {
            let mut previous = previous.lock().unwrap();
            match previous.take() {
                Some((old, _)) if lie == Lie::ReplayReceipt => answer = old,
                Some((_, old)) => {
                    *sealed = old.sealed.expect("sealed");
                    return true;
                }
                None => *previous = Some((answer.clone(), original)),
            }
        }
        _ => {}
    }
    if lie != Lie::SealedCiphertext {
        *sealed = key.seal_response(&answer);
    }
    true
}

async fn client_of(addr: Multiaddr) -> (NmpClient, nmp_net::PeerId) {
    // Long enough for an honest exchange on a loaded 2-core machine; the hanging liar costs
    // this much once.
    let client = NmpClient::builder()
        .execute_timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap();
    let peer = client.mesh().dial(addr).await.unwrap();
    (client, peer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lie_is_refused_with_a_typed_error() {
    tokio::time::timeout(DEADLINE, async {
        let logic = Logic::new(PATIENTS, module("c/aggregate.wasm"));
        for lie in [
            Lie::ReceiptSignature,
            Lie::SealedCiphertext,
            Lie::DropOutput,
            Lie::ChangeOutcome,
            Lie::ChangeVerdict,
            Lie::ForeignStatus,
            Lie::NoResult,
            Lie::Hang,
            Lie::RefuseUnread,
        ] {
            let (client, peer) = client_of(liar(lie).await).await;
            let err = client.execute(peer, &logic).await.unwrap_err();
            let refused = match lie {
                Lie::ReceiptSignature => {
                    matches!(&err, Error::Receipt { source, .. } if matches!(**source, VerifyError::BadSignature(_)))
                }
                Lie::SealedCiphertext => matches!(err, Error::Response { .. }),
                Lie::DropOutput => {
                    matches!(&err, Error::Receipt { source, .. } if matches!(**source, VerifyError::OutputMismatch { .. }))
                }
                Lie::ChangeOutcome => {
                    matches!(err, Error::ReceiptMismatch { field: "outcome", .. })
                }
                Lie::ChangeVerdict => {
                    matches!(err, Error::ReceiptMismatch { field: "egress_verdict", .. })
                }
                Lie::ForeignStatus => matches!(err, Error::Protocol { .. }),
                // As over gRPC (`scripted.rs`): the node broke the protocol.
                Lie::NoResult => matches!(
                    err,
                    Error::Protocol {
                        reason: "the stream ended without a result",
                        ..
                    }
                ),
                Lie::Hang => matches!(err, Error::Timeout { .. }),
                // Retried with backoff, then reported as the node said.
                Lie::RefuseUnread => matches!(
                    err,
                    Error::Node {
                        code: pb::ErrorCode::Overloaded,
                        ..
                    }
                ),
                Lie::ReplayReceipt | Lie::ReplaySealed => unreachable!("tested below"),
            };
            assert!(refused, "{lie:?}: {err:?}");
        }
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_answer_is_refused() {
    tokio::time::timeout(DEADLINE, async {
        // A replayed sealed result is sealed under another request's key: it does not open.
        let (client, peer) = client_of(liar(Lie::ReplaySealed).await).await;
        let logic = Logic::new(PATIENTS, module("c/aggregate.wasm"));
        let first = client
            .execute(peer, &logic)
            .await
            .expect("honest first answer");
        assert!(first.is_completed());
        let err = client.execute(peer, &logic).await.unwrap_err();
        assert!(matches!(err, Error::Response { .. }), "{err:?}");

        // A node that reseals an old answer under the new key: same module, same input, same
        // (empty) output, so only the receipt's request id gives it away.
        let (client, peer) = client_of(liar(Lie::ReplayReceipt).await).await;
        let logic = Logic::new(PATIENTS, module("c/exfiltrate.wasm"));
        let first = client
            .execute(peer, &logic)
            .await
            .expect("honest first answer");
        assert_eq!(first.outcome, nmp_client::Outcome::EgressBlocked);
        let err = client.execute(peer, &logic).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::ReceiptMismatch {
                    field: "request_id",
                    ..
                }
            ),
            "{err:?}"
        );
    })
    .await
    .expect("within the deadline");
}
