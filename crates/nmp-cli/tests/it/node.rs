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
/// agent needs), an agent that dials only that address gets the node's signed document, SIGHUP
/// re-commits a dataset whose file changed (with the schedule off), and SIGTERM stops the node
/// with exit status 0.
#[tokio::test]
async fn nmp_node_answers_over_websocket_refreshes_on_sighup_and_exits_0_on_sigterm() {
    use std::io::BufRead as _;
    use std::process::{Command, Stdio};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let identity = nmp_crypto::Identity::generate();
    identity.save(&dir.path().join("node.key")).unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let csv = data.join("patients.csv");
    std::fs::copy(crate::example("data").join("patients.csv"), &csv).unwrap();
    let config = dir.path().join("node.toml");
    std::fs::write(
        &config,
        "identity = \"node.key\"\ndataset_rescan_secs = \"off\"\n[listen]\n\
         tcp = \"/ip4/127.0.0.1/tcp/0\"\nws = \"/ip4/127.0.0.1/tcp/0/ws\"\n\
         [[datasets]]\nname = \"patients\"\npath = \"data\"\n\
         capability = \"demo.hospital/patients\"\n",
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
        nmp_crypto::capability::verify(&signed, Some(&identity.peer_id()), nmp_wire::now_ms())
            .expect("the node's own document")
    };
    let document = tokio::time::timeout(Duration::from_secs(60), agent).await;
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("a pid fits i32"));
    // The file grows by a record; with the schedule off only the owner's SIGHUP sees it.
    let mut text = std::fs::read_to_string(&csv).unwrap();
    let last = text.lines().last().unwrap().to_owned();
    text.push_str(&last);
    text.push('\n');
    std::fs::write(&csv, text).unwrap();
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGHUP).expect("signal nmp node");
    let refreshed = loop {
        let line = printed
            .recv_timeout(Duration::from_secs(60))
            .expect("nmp node reports the refresh");
        if line.starts_with("refreshed: ") {
            break line;
        }
    };
    assert_eq!(
        refreshed,
        "refreshed: 0 snapshots taken, 1 datasets re-committed"
    );
    // SIGTERM is an orderly stop: the node drains and exits 0 (the README's contract).
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("signal nmp node");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("poll nmp node") {
            break exit;
        }
        if std::time::Instant::now() > deadline {
            child.kill().expect("stop a stuck nmp node");
            child.wait().expect("reap nmp node");
            panic!("nmp node did not stop within 60 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(exit.code(), Some(0), "{exit:?}");
    let document = document.expect("within the deadline");
    assert_eq!(document.datasets[0].capability, "demo.hospital/patients");
}
