//! A node that lies: it runs the real node service but changes its answer on the way out. The
//! client refuses every lie with a typed error and never returns the output.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use nmp_client::{Error, Logic, NmpClient};
use nmp_crypto::{Identity, KemKeyPair, Keyring, envelope::OpenConfig, receipt::VerifyError};
use nmp_net::{Incoming, Mesh, Multiaddr};
use nmp_node::{
    Dataset, Service,
    service::{self, Served},
};
use nmp_wire::pb::{self, logic_response::Event};

use crate::{DEADLINE, PATIENTS, example, module};

/// How the node changes its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lie {
    /// Flip one byte of the receipt signature.
    ReceiptSignature,
    /// Flip one byte of the sealed output.
    OutputCiphertext,
    /// Withhold the output but keep the receipt that commits to it.
    DropOutput,
    /// Send the receipt (and output) of the previous request instead.
    ReplayReceipt,
    /// Tag a status event with another request id.
    ForeignStatus,
    /// End the stream after the status events.
    NoResult,
    /// Never finish.
    Hang,
}

fn now_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    u64::try_from(since.as_millis()).expect("ms fit u64")
}

/// Starts a lying node on loopback TCP; returns its dial address.
async fn liar(lie: Lie) -> Multiaddr {
    let identity = Identity::generate();
    let keyring = Keyring::new(
        identity.peer_id(),
        KemKeyPair::generate(),
        now_ms() + 86_400_000,
        OpenConfig::default(),
    );
    let config = service::Config {
        datasets: vec![Served {
            capability: PATIENTS.to_owned(),
            dataset: Dataset::new("patients", example("data")).expect("bundled dataset"),
            format: "csv".to_owned(),
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
                    let (request, mut sender, _closed) = stream.into_parts();
                    let mut responses = service.execute(request, now_ms());
                    let previous = Arc::clone(&previous);
                    tokio::spawn(async move {
                        while let Some(mut response) = responses.recv().await {
                            if !tell(lie, &mut response, &previous) {
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

/// Applies `lie` to one response; false drops it.
fn tell(
    lie: Lie,
    response: &mut pb::LogicResponse,
    previous: &Mutex<Option<pb::LogicResult>>,
) -> bool {
    match (&mut response.event, lie) {
        (Some(Event::Status(_)), Lie::ForeignStatus) => response.request_id[0] ^= 1,
        (Some(Event::Result(_)), Lie::NoResult | Lie::Hang) => return false,
        (Some(Event::Result(result)), Lie::ReceiptSignature) => {
            result.receipt.as_mut().unwrap().signature[7] ^= 1;
        }
        (Some(Event::Result(result)), Lie::OutputCiphertext) => {
            result.output.as_mut().unwrap().ciphertext[3] ^= 1;
        }
        (Some(Event::Result(result)), Lie::DropOutput) => result.output = None,
        (Some(Event::Result(result)), Lie::ReplayReceipt) => {
            let mut previous = previous.lock().unwrap();
            match previous.take() {
                Some(old) => *result = old,
                None => *previous = Some(result.clone()),
            }
        }
        _ => {}
    }
    true
}

async fn client_of(addr: Multiaddr) -> (NmpClient, nmp_net::PeerId) {
    let client = NmpClient::builder()
        .execute_timeout(Duration::from_secs(2))
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
            Lie::OutputCiphertext,
            Lie::DropOutput,
            Lie::ForeignStatus,
            Lie::NoResult,
            Lie::Hang,
        ] {
            let (client, peer) = client_of(liar(lie).await).await;
            let err = client.execute(peer, &logic).await.unwrap_err();
            let refused = match lie {
                Lie::ReceiptSignature => {
                    matches!(&err, Error::Receipt { source, .. } if matches!(**source, VerifyError::BadSignature(_)))
                }
                Lie::OutputCiphertext => matches!(err, Error::Response { .. }),
                Lie::DropOutput => {
                    matches!(&err, Error::Receipt { source, .. } if matches!(**source, VerifyError::OutputMismatch { .. }))
                }
                Lie::ForeignStatus => matches!(err, Error::Protocol { .. }),
                // The mesh reports a stream closed before its final event as a framing error.
                Lie::NoResult => matches!(err, Error::Transport { .. }),
                Lie::Hang => matches!(err, Error::Timeout { .. }),
                Lie::ReplayReceipt => unreachable!("tested below"),
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
        // A replayed output is sealed under another request's key: it does not open.
        let (client, peer) = client_of(liar(Lie::ReplayReceipt).await).await;
        let logic = Logic::new(PATIENTS, module("c/aggregate.wasm"));
        let first = client
            .execute(peer, &logic)
            .await
            .expect("honest first answer");
        assert!(first.is_completed());
        let err = client.execute(peer, &logic).await.unwrap_err();
        assert!(matches!(err, Error::Response { .. }), "{err:?}");

        // A replayed blocked result has no output to open: same module, same input, same
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
