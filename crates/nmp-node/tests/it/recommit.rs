//! Dataset re-commitment on a running node: a changed CSV gets a new commitment, which the
//! next capability document publishes and the next receipt binds.

use std::{path::Path, time::Duration};

use nmp_crypto::capability;
use nmp_node::Node;
use nmp_wire::pb;

use crate::{
    agent::{Agent, CAPABILITY, node_identity, result},
    mesh::{DEADLINE, collect, mesh_with_node, now_ms},
};

/// The published commitment of the node's only dataset.
async fn published(agent: &nmp_net::Mesh, node: &Node) -> (Vec<u8>, u64) {
    let signed = agent
        .describe(node.peer_id())
        .await
        .expect("node describes");
    let document = capability::verify(&signed, Some(&node_identity().peer_id()), now_ms())
        .expect("the document verifies");
    let dataset = &document.datasets[0];
    assert_eq!(dataset.capability, CAPABILITY);
    (dataset.commitment.clone(), dataset.row_count)
}

fn write_csv(dir: &Path, rows: usize) {
    let mut text = String::from("city,age\n");
    for i in 0..rows {
        text.push_str(&format!("Lyon,{}\n", 20 + i % 50));
    }
    std::fs::write(dir.join("patients.csv"), text).expect("CSV written");
}

#[tokio::test]
async fn a_changed_csv_is_re_committed_and_receipts_carry_the_new_commitment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    write_csv(&data, 3);
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, _) = mesh_with_node(dir.path(), |file| {
            file.datasets[0].path = data.clone();
            file.dataset_rescan_secs =
                nmp_node::config::OrOff::On(std::num::NonZeroU64::new(1).unwrap());
        })
        .await;
        let (before, rows) = published(&agent, &node).await;
        assert_eq!(rows, 3);

        write_csv(&data, 5);
        let after = loop {
            let (commitment, rows) = published(&agent, &node).await;
            if commitment != before {
                assert_eq!(rows, 5);
                break commitment;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };

        let signed = agent.describe(node.peer_id()).await.unwrap();
        let mut sealer = Agent::at(5, &signed, now_ms());
        let (request, key, _) = sealer.seal("wat/hello.wasm", b"");
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        let answer = result(&responses, &key);
        let receipt = answer.receipt.as_ref().expect("receipt");
        let body = nmp_crypto::receipt::verify(receipt, &nmp_crypto::receipt::Expected::default())
            .expect("receipt verifies");
        assert_eq!(body.datasets[0].sha256, after);
        assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
