use crate::{arg, assert_usage_error, nmp};

#[test]
fn missing_or_broken_config_and_missing_key_exit_2() {
    assert_usage_error(&nmp(&["node", "--config", "/nonexistent/node.toml"], b""));
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "identity = [unclosed\n").unwrap();
    assert_usage_error(&nmp(&["node", "--config", arg(&broken)], b""));
    let example = crate::repo().join("examples/node.toml");
    let text = std::fs::read_to_string(example).unwrap();
    let no_key = dir.path().join("node.toml");
    std::fs::write(&no_key, text).unwrap();
    // The example names a key file relative to the config; none exists in this directory.
    assert_usage_error(&nmp(&["node", "--config", arg(&no_key)], b""));
}

/// `nmp node` with TCP and WebSocket listeners prints a dialable `/ws` address (as a browser
/// agent needs), and an agent that dials only that address gets the node's signed document.
#[tokio::test]
async fn nmp_node_prints_its_websocket_address_and_answers_over_it() {
    use std::io::BufRead as _;
    use std::process::{Command, Stdio};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    let dir = tempfile::tempdir().unwrap();
    let identity = nmp_crypto::Identity::generate();
    identity.save(&dir.path().join("node.key")).unwrap();
    let config = dir.path().join("node.toml");
    std::fs::write(
        &config,
        format!(
            "identity = \"node.key\"\n[listen]\ntcp = \"/ip4/127.0.0.1/tcp/0\"\n\
             ws = \"/ip4/127.0.0.1/tcp/0/ws\"\n[[datasets]]\nname = \"patients\"\n\
             path = \"{}\"\ncapability = \"demo.hospital/patients\"\n",
            arg(&crate::example("data"))
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nmp"))
        .args(["node", "--config", arg(&config)])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn nmp node");
    let stderr = child.stderr.take().expect("stderr");
    // Room for the lines before the addresses; later ones are dropped, but stderr is always
    // drained so that the node never blocks on a full pipe.
    let (lines, printed) = std::sync::mpsc::sync_channel(64);
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.try_send(line);
        }
    });
    let ws = loop {
        let line = printed
            .recv_timeout(Duration::from_secs(60))
            .expect("nmp node prints its addresses");
        if let Some(addr) = line.strip_prefix("listening on ")
            && addr.contains("/ws/p2p/")
        {
            break addr.to_owned();
        }
    };
    assert!(ws.starts_with("/ip4/127.0.0.1/tcp/"), "{ws}");

    let agent = async {
        let (mesh, _) = nmp_net::Mesh::bind(
            nmp_net::Keypair::generate_ed25519(),
            nmp_net::Config::default(),
        )
        .await
        .expect("agent binds");
        let peer = mesh.dial(ws.parse().unwrap()).await.expect("dials over ws");
        let signed = mesh.describe(peer).await.expect("describes over ws");
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let now_ms = u64::try_from(now.as_millis()).unwrap();
        nmp_crypto::capability::verify(&signed, Some(&identity.peer_id()), now_ms)
            .expect("the node's own document")
    };
    let document = tokio::time::timeout(Duration::from_secs(60), agent).await;
    child.kill().expect("stop nmp node");
    child.wait().expect("reap nmp node");
    let document = document.expect("within the deadline");
    assert_eq!(document.datasets[0].capability, "demo.hospital/patients");
}
