//! A full disk under a node: its writes fail once the audit log (and the compile cache) reach
//! a file-size limit (`prlimit --fsize`, with SIGXFSZ ignored so that a write past it fails
//! with `EFBIG`, as on a full disk, instead of killing the process). A tmpfs or loop mount
//! would need privileges a test cannot assume.

use nmp_client::Error;
use nmp_crypto::Identity;
use nmp_wire::pb;

use super::process::{NodeProcess, agent, bootstrap_from, discovered, node_dir};
use super::{DEADLINE, honest};
use crate::{arg, nmp, status};

/// The largest file the node may write: a few audit entries.
const FILE_SIZE_LIMIT: u64 = 8 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_requests_typed_and_leaves_the_audit_log_whole() {
    let root = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, seed) = bootstrap_from(&[]).await;
        let dir = node_dir(root.path(), "a", &[&seed], 4_000);
        // The compile cache on disk too: its artifacts are far past the limit.
        let config = dir.join("node.toml");
        let mut text = std::fs::read_to_string(&config).expect("config");
        text.push_str("[sandbox]\ncache_dir = \"cache\"\n");
        std::fs::write(&config, text).expect("config written");
        let limit = format!("--fsize={FILE_SIZE_LIMIT}");
        let script = "trap '' XFSZ; exec prlimit \"$0\" -- \"$@\"";
        let node = NodeProcess::start_under(&dir, &["sh", "-c", script, &limit]);
        let agent = agent(&[&seed], Identity::generate()).await;
        discovered(&agent, &[node.peer]).await;

        let (mut answered, mut refused) = (0, 0);
        for _ in 0..16 {
            match agent.execute(node.peer, &honest()).await {
                Ok(answer) => {
                    assert!(answer.is_completed(), "{:?}", answer.outcome);
                    answered += 1;
                }
                Err(Error::Node {
                    code: pb::ErrorCode::Internal,
                    message,
                    ..
                }) => {
                    assert!(message.contains("audit log"), "{message}");
                    refused += 1;
                }
                Err(err) => panic!("neither an answer nor a typed refusal: {err:?}"),
            }
        }
        eprintln!("full disk: {answered} answered, then {refused} refused (INTERNAL)");
        assert!(
            answered > 0 && refused > 0,
            "{answered} answered, {refused} refused"
        );

        // The log holds the answered runs, whole, and verifies.
        let log = dir.join("audit.jsonl");
        let size = std::fs::metadata(&log).expect("audit log").len();
        assert!(size <= FILE_SIZE_LIMIT, "{size}");
        let out = nmp(&["audit", "verify", arg(&log)], b"");
        let said = String::from_utf8_lossy(&out.stderr);
        eprintln!("full disk: audit log of {size} bytes: {}", said.trim());
        assert_eq!(status(&out), 0, "{said}");
        let lines = std::fs::read_to_string(&log).expect("log").lines().count();
        assert_eq!(lines, answered, "one entry per answered run");
        drop(node);
    })
    .await
    .expect("within the deadline");
}
