//! Bad input where it enters `nmp node`: every configuration field wrong, missing, out of
//! range or unknown (key files and dataset directories are in `files.rs`). A refusal is one
//! line on stderr and exit status 2 with nothing written; a node that accepts its input must
//! start (not hang on a file).

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nmp_crypto::Identity;

use crate::arg;

/// How long `nmp node` may take to refuse its input or to start.
const WITHIN: Duration = Duration::from_secs(60);

/// How `nmp node` ended.
#[derive(Debug)]
pub(super) enum Ending {
    /// It exited with this status and stderr.
    Exited(i32, String),
    /// It printed its address (it accepted its input); it was then killed.
    Started,
    /// Neither within [`WITHIN`]: it hangs.
    Hung,
}

/// Runs `nmp node --config dir/node.toml` until it exits or starts.
pub(super) fn node(dir: &Path) -> Ending {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nmp"))
        .args(["node", "--config", arg(&dir.join("node.toml"))])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn nmp node");
    let stderr = child.stderr.take().expect("stderr");
    // Bounded: lines past it are dropped (the test reads it every 50 ms).
    let (lines, printed) = mpsc::sync_channel(256);
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.try_send(line);
        }
    });
    let until = Instant::now() + WITHIN;
    let mut said = Vec::new();
    let ending = loop {
        while let Ok(line) = printed.try_recv() {
            if line.starts_with("listening on ") {
                let _ = child.kill();
                let _ = child.wait();
                return Ending::Started;
            }
            said.push(line);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status.code().unwrap_or(-1);
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            return Ending::Hung;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // The reader thread ends with the pipe; take what it still holds.
    said.extend(printed.recv_timeout(Duration::from_secs(5)));
    said.extend(printed.try_iter());
    Ending::Exited(ending, said.join("\n"))
}

/// A directory with a key, `node.toml` holding `config`, and a dataset directory `data`
/// with one CSV file; returns the names in it.
pub(super) fn setup(dir: &Path, config: &str) {
    Identity::generate()
        .save(&dir.join("node.key"))
        .expect("key written");
    std::fs::create_dir(dir.join("data")).expect("data dir");
    std::fs::write(dir.join("data/rows.csv"), "age,ward\n40,a\n").expect("csv");
    std::fs::write(dir.join("node.toml"), config).expect("config written");
}

/// Every name under `dir`, sorted.
pub(super) fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| {
            p.strip_prefix(dir)
                .expect("under dir")
                .display()
                .to_string()
        })
        .collect();
    names.sort();
    names
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("read dir")
        .map_while(Result::ok)
    {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

/// A valid configuration with `top` lines before the sections and `sections` after them.
pub(super) fn config(top: &str, sections: &str) -> String {
    format!(
        "identity = \"node.key\"\n{top}\n[listen]\ntcp = \"/ip4/127.0.0.1/tcp/0\"\n{sections}\n\
         [[datasets]]\nname = \"d\"\npath = \"data\"\ncapability = \"x/d\"\n"
    )
}

/// Asserts the refusal contract for the configuration `text`: exit 2, one line starting
/// `nmp: ` that names `names`, and nothing written.
fn refused(case: &str, text: &str, names: &str) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    setup(dir.path(), text);
    let before = listing(dir.path());
    let ending = node(dir.path());
    let Ending::Exited(status, stderr) = ending else {
        panic!("{case}: not refused: {ending:?}");
    };
    assert_eq!(status, 2, "{case}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{case}: not one line: {stderr}");
    assert!(stderr.starts_with("nmp: "), "{case}: {stderr}");
    assert!(
        stderr.contains(names),
        "{case}: does not name `{names}`: {stderr}"
    );
    assert_eq!(listing(dir.path()), before, "{case}: wrote something");
    stderr
}

#[test]
fn every_bad_configuration_field_is_refused_on_one_line_with_exit_2_and_nothing_written() {
    let cases: &[(&str, String, &str)] = &[
        ("unknown key", config("colour = \"blue\"", ""), "colour"),
        (
            "identity missing",
            config("", "").replacen("identity = \"node.key\"\n", "", 1),
            "identity",
        ),
        (
            "identity not a string",
            config("", "").replacen("\"node.key\"", "5", 1),
            "identity",
        ),
        (
            "grpc not an address",
            config("grpc = \"nowhere\"", ""),
            "grpc",
        ),
        (
            "grpc_tls not a bool",
            config("grpc_tls = \"yes\"", ""),
            "grpc_tls",
        ),
        (
            "metrics without a port",
            config("metrics = \"127.0.0.1\"", ""),
            "metrics",
        ),
        (
            "dataset_rescan_secs 0",
            config("dataset_rescan_secs = 0", ""),
            "dataset_rescan_secs",
        ),
        (
            "dataset_rescan_secs past a day",
            config("dataset_rescan_secs = 86401", ""),
            "dataset_rescan_secs",
        ),
        (
            "listen not a multiaddr",
            config("", "").replacen("/ip4/127.0.0.1/tcp/0", "garbage", 1),
            "garbage",
        ),
        (
            "unknown listen key",
            config("", "").replacen("[listen]\n", "[listen]\nsctp = \"x\"\n", 1),
            "sctp",
        ),
        (
            "inbound budget negative",
            config("", "[inbound]\nbudget_mib = -1"),
            "budget_mib",
        ),
        (
            "unknown inbound key",
            config("", "[inbound]\nbudget = 1"),
            "budget",
        ),
        (
            "mesh max_connections 0",
            config("", "[mesh]\nmax_connections = 0"),
            "max_connections",
        ),
        (
            "mesh request timeout 0",
            config("", "[mesh]\nrequest_timeout_ms = 0"),
            "request_timeout",
        ),
        (
            "mesh timeout not a number",
            config("", "[mesh]\nrequest_timeout_ms = \"fast\""),
            "request_timeout_ms",
        ),
        (
            "sandbox allocator unknown",
            config("", "[sandbox]\nallocator = \"magic\""),
            "allocator",
        ),
        (
            "sandbox runs past 10000",
            config("", "[sandbox]\nmax_concurrent_runs = 10001"),
            "max_concurrent_runs",
        ),
        (
            "policy queue negative",
            config("", "[policy]\nmax_queued_jobs = -5"),
            "max_queued_jobs",
        ),
        (
            "run timeout not a number",
            config("", "[policy.sandbox]\ntimeout_ms = \"x\""),
            "timeout_ms",
        ),
        (
            "dataset without capability",
            config("", "").replacen("capability = \"x/d\"\n", "", 1),
            "capability",
        ),
        (
            "dataset format unknown",
            config("", "").replace(
                "capability = \"x/d\"",
                "capability = \"x/d\"\nformat = \"xml\"",
            ),
            "format",
        ),
        (
            "dataset quantum past a minute",
            config("", "").replace(
                "capability = \"x/d\"",
                "capability = \"x/d\"\nresponse_quantum_ms = 60001",
            ),
            "response quantum",
        ),
        ("not TOML", "identity = \n[[[".to_owned(), "TOML"),
        ("empty file", String::new(), "identity"),
    ];
    for (case, text, names) in cases {
        let said = refused(case, text, names);
        eprintln!("{case}: {said}");
    }
}
