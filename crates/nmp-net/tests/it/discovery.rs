//! Discovery through the DHT: a bootstrap peer, three providers and one searcher that has
//! only ever met the bootstrap peer.

use std::collections::HashSet;

use crate::{Transport, address, agent, document, listening_node, serve, within};

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

        let found_a: HashSet<_> = searcher
            .find_providers("cap.a")
            .await
            .unwrap()
            .into_iter()
            .collect();
        let expected_a: HashSet<_> = providers[..2].iter().map(nmp_net::Mesh::peer_id).collect();
        assert_eq!(found_a, expected_a);
        let found_b = searcher.find_providers("cap.b").await.unwrap();
        assert_eq!(found_b, vec![providers[2].peer_id()]);
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
