//! Discovery through the DHT: a bootstrap peer, three providers and one searcher that has
//! only ever met the bootstrap peer.

use std::collections::HashSet;

use crate::{Transport, address, agent, document, listening_node, serve, within};

/// The providers of `capability` once they are `expected`, or after 30 s what was found then. A
/// provider record reaches the bootstrap peer in a one-way Kademlia message, so a lookup right
/// after `provide` returned can come before it.
async fn found(
    searcher: &nmp_net::Mesh,
    capability: &str,
    expected: &HashSet<nmp_net::PeerId>,
) -> HashSet<nmp_net::PeerId> {
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found: HashSet<_> = searcher
            .find_providers(capability)
            .await
            .expect("lookup runs")
            .into_iter()
            .collect();
        if &found == expected || tokio::time::Instant::now() > until {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn providers_are_found_through_the_dht() {
    within(async {
        let (bootstrap, inbound) = listening_node().await;
        serve(inbound, "bootstrap");
        let seed = vec![address(&bootstrap, Transport::Tcp).await];
        let mut providers = Vec::new();
        for (name, capability) in [("a1", "cap.a"), ("a2", "cap.a"), ("b1", "cap.b")] {
            let config = nmp_net::Config {
                bootstrap: seed.clone(),
                ..nmp_net::Config::loopback()
            };
            let (mesh, inbound) = nmp_net::Mesh::bind(nmp_net::Keypair::generate_ed25519(), config)
                .await
                .unwrap();
            serve(inbound, name);
            mesh.provide(capability)
                .await
                .expect("a peer stores the record");
            providers.push(mesh);
        }
        let searcher = agent(seed).await;

        let expected_a: HashSet<_> = providers[..2].iter().map(nmp_net::Mesh::peer_id).collect();
        let expected_b: HashSet<_> = HashSet::from([providers[2].peer_id()]);
        assert_eq!(found(&searcher, "cap.a", &expected_a).await, expected_a);
        assert_eq!(found(&searcher, "cap.b", &expected_b).await, expected_b);
        assert!(
            searcher
                .find_providers("cap.none")
                .await
                .unwrap()
                .is_empty()
        );

        // The searcher reaches a provider it only knows from the DHT.
        assert_eq!(
            searcher.describe(providers[2].peer_id()).await.unwrap(),
            document("b1")
        );
    })
    .await;
}

#[tokio::test]
async fn overlong_capability_names_are_refused() {
    within(async {
        let searcher = agent(Vec::new()).await;
        let name = "x".repeat(nmp_wire::limits::MAX_CAPABILITY_BYTES + 1);
        let error = searcher.find_providers(&name).await.expect_err("too long");
        assert!(
            matches!(error, nmp_net::Error::CapabilityTooLong(_)),
            "{error:?}"
        );
    })
    .await;
}
