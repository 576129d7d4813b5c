//! Data-aware egress through a real Data Node on loopback: a module reads a patient's SSN from
//! the dataset and writes it under a neutral key in every disguise a pattern scanner misses;
//! the node's value index blocks each one, and an honest aggregate still leaves.

use nmp_wire::pb;

use crate::{
    agent::{Agent, result},
    mesh::{DEADLINE, collect, mesh_with_node, now_ms},
};

/// What `c/disguise.wasm` writes for each mode (see its source).
const DISGUISES: &[&str] = &[
    "plain",
    "dotted",
    "reversed",
    "fullwidth",
    "base64",
    "elements",
    "siblings",
];

#[tokio::test]
async fn a_restricted_value_leaves_under_no_key_and_in_no_disguise() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.datasets[0].restricted_keys = vec!["ssn".into()];
            file.datasets[0].egress_values = vec!["name".into()];
        })
        .await;
        let mut sealer = Agent::at(9, &signed, now_ms());
        for mode in DISGUISES {
            let (request, key, _) = sealer.seal("c/disguise.wasm", mode.as_bytes());
            let responses =
                collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
            let answer = result(&responses, &key);
            assert_eq!(answer.outcome, pb::Outcome::EgressBlocked as i32, "{mode}");
            assert!(answer.stdout.is_empty(), "{mode}: nothing leaves");
            let egress = answer.egress.as_ref().expect("egress summary");
            // The pattern rules may see some disguises too; the value index sees every one.
            assert!(
                egress.categories.iter().any(|c| c == "restricted_value"),
                "{mode}: {:?}",
                egress.categories
            );
        }

        let (request, key, _) = sealer.seal("c/disguise.wasm", b"aggregate");
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        let answer = result(&responses, &key);
        assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
        let json: serde_json::Value = serde_json::from_slice(&answer.stdout).unwrap();
        assert_eq!(json["rows"], 200);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
