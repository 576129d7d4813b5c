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
            let (request, _, _) = sealer.seal("c/disguise.wasm", mode.as_bytes());
            let responses =
                collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
            let result = result(&responses);
            assert_eq!(result.outcome, pb::Outcome::EgressBlocked as i32, "{mode}");
            assert!(result.output.is_none(), "{mode}: nothing leaves");
            let findings = &result.egress.as_ref().expect("egress report").findings;
            assert!(
                findings
                    .iter()
                    .any(|f| f.category == "restricted_value" && f.rule == "dataset.value"),
                "{mode}: {findings:?}"
            );
        }

        let (request, key, _) = sealer.seal("c/disguise.wasm", b"aggregate");
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        let result = result(&responses);
        assert_eq!(result.outcome, pb::Outcome::Completed as i32);
        let answer = key
            .open_response(result.output.as_ref().expect("the aggregate leaves"))
            .expect("the agent opens its answer");
        let json: serde_json::Value = serde_json::from_slice(&answer.stdout).unwrap();
        assert_eq!(json["rows"], 200);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
