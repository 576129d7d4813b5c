//! The `nmp` binary against its command-line contract (README, "Command-line contract"): exit
//! statuses, what reaches stdout, and one-line reasons for bad arguments.

mod bench;
mod egress;
mod exec;
mod faults;
mod inspect;
mod isolation;
mod mcp;
mod mesh;
mod node;
mod receipt;

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file under `examples/logic/`.
pub(crate) fn example(path: &str) -> PathBuf {
    repo().join("examples/logic").join(path)
}

/// Runs `nmp` with `args` and `stdin`, and returns its output.
pub(crate) fn nmp(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nmp"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn nmp");
    // nmp may exit before reading stdin (e.g. on a usage error): a closed pipe is fine.
    if let Err(err) = child.stdin.take().expect("stdin").write_all(stdin) {
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::BrokenPipe,
            "write stdin: {err}"
        );
    }
    child.wait_with_output().expect("wait for nmp")
}

/// The path as a string argument.
pub(crate) fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Runs `nmp exec MODULE --data examples/logic/data EXTRA...` with `stdin`.
pub(crate) fn exec(module: &Path, extra: &[&str], stdin: &[u8]) -> Output {
    let data = example("data");
    let mut args = vec!["exec", arg(module), "--data", arg(&data)];
    args.extend_from_slice(extra);
    nmp(&args, stdin)
}

/// The exit status, which must exist (the process was not killed by a signal).
pub(crate) fn status(output: &Output) -> i32 {
    output.status.code().expect("nmp exited normally")
}

/// Asserts exit status 2 with exactly one line on stderr.
pub(crate) fn assert_usage_error(output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status(output), 2, "stderr: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one-line reason expected, got: {stderr}"
    );
    assert!(stderr.starts_with("nmp: "), "{stderr}");
}

/// Writes a WAT module to a binary file in `dir`.
pub(crate) fn wat_file(dir: &Path, name: &str, wat: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, wat::parse_str(wat).expect("valid WAT")).expect("write module");
    path
}

/// A bootstrap peer and one Data Node (TCP only) over the bundled dataset serving
/// `demo.hospital/patients`, whose runs stop after `timeout_ms` (unmetered); returns both and the
/// bootstrap address an agent needs.
pub(crate) async fn loopback_node(
    dir: &Path,
    timeout_ms: u64,
) -> (nmp_net::Mesh, nmp_node::Node, String) {
    let (bootstrap, _) = nmp_testkit::bootstrap().await;
    let seed = nmp_testkit::address(&bootstrap, nmp_testkit::Transport::Tcp)
        .await
        .to_string();
    let identity = nmp_crypto::Identity::generate();
    identity.save(&dir.join("node.key")).expect("key written");
    let file = nmp_node::config::File::parse(&format!(
        "identity = \"node.key\"\nbootstrap = [\"{seed}\"]\n[listen]\ntcp = \"/ip4/127.0.0.1/tcp/0\"\n{}\
         [policy.sandbox]\ntimeout_ms = {timeout_ms}\nfuel = \"off\"\n",
        nmp_testkit::dataset_toml("patients", &example("data"), "demo.hospital/patients")
    ))
    .expect("valid configuration");
    let node = nmp_node::Node::start(identity, &file, dir)
        .await
        .expect("node starts");
    (bootstrap, node, seed)
}
