//! Datasets: readable at `/data/<name>`, and nothing else reachable or writable.

use std::fs;
use std::path::Path;

use nmp_sandbox::{Error, Mount, Outcome};
use tempfile::TempDir;

use crate::support::{bounded, command, run, sandbox, stdout};

const CSV: &str = "id,age\n1,42\n2,37\n";

/// A temp dir holding `data/file.csv` (the dataset) and `outside.txt` (beside it).
fn dataset() -> TempDir {
    let root = TempDir::new().expect("temp dir");
    fs::create_dir(root.path().join("data")).expect("create dataset dir");
    fs::write(root.path().join("data/file.csv"), CSV).expect("write dataset file");
    fs::write(root.path().join("outside.txt"), "secret").expect("write outside file");
    root
}

fn mount(root: &Path) -> Vec<Mount> {
    vec![Mount::new("patients", root.join("data"))]
}

/// A guest that opens `path` under the first preopen (fd 3) with `oflags` and `rights`, and
/// exits with the errno (0 if the open succeeded).
fn open_attempt(path: &str, oflags: u32, rights: u64) -> Vec<u8> {
    command(&format!(
        r#"(data (i32.const 64) "{path}")
           (func (export "_start")
             (call $proc_exit (call $path_open (i32.const 3) (i32.const 1)
               (i32.const 64) (i32.const {len}) (i32.const {oflags})
               (i64.const {rights}) (i64.const 0) (i32.const 0) (i32.const 16))))"#,
        len = path.len(),
    ))
}

const FD_READ: u64 = 1 << 1;
const FD_WRITE: u64 = 1 << 6;
const O_CREAT: u32 = 1;
const O_TRUNC: u32 = 8;

fn exit_code(outcome: &Outcome) -> i32 {
    match outcome {
        Outcome::Completed { exit_code, .. } => *exit_code,
        other => panic!("expected the guest to complete, got {other:?}"),
    }
}

#[test]
fn happy_path_reads_the_dataset_and_echoes_stdin() {
    let dir = dataset();
    // Prints the preopen's guest path, the file, then stdin.
    let module = command(
        r#"(data (i32.const 64) "file.csv")
           (func (export "_start") (local $n i32)
             (call $check (call $prestat_dir_name (i32.const 3) (i32.const 128) (i32.const 14)))
             (call $check (call $write (i32.const 1) (i32.const 128) (i32.const 14)))
             (call $check (call $path_open (i32.const 3) (i32.const 1) (i32.const 64) (i32.const 8)
               (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16)))
             (local.set $n (call $read (i32.load (i32.const 16)) (i32.const 4096) (i32.const 4096)))
             (call $check (call $write (i32.const 1) (i32.const 4096) (local.get $n)))
             (local.set $n (call $read (i32.const 0) (i32.const 8192) (i32.const 4096)))
             (call $check (call $write (i32.const 1) (i32.const 8192) (local.get $n))))"#,
    );
    let run = run(module, b"question", mount(dir.path()));
    assert!(run.outcome.is_success(), "{run:?}");
    assert_eq!(stdout(&run.outcome), format!("/data/patients{CSV}question"));
}

#[test]
fn parent_path_escape_is_refused() {
    let dir = dataset();
    let run = run(
        open_attempt("../outside.txt", 0, FD_READ),
        b"",
        mount(dir.path()),
    );
    assert_ne!(exit_code(&run.outcome), 0);
}

#[test]
fn absolute_path_escape_is_refused() {
    let dir = dataset();
    let run = run(
        open_attempt("/etc/passwd", 0, FD_READ),
        b"",
        mount(dir.path()),
    );
    assert_ne!(exit_code(&run.outcome), 0);
}

#[test]
fn symlink_out_of_the_dataset_is_refused() {
    let dir = dataset();
    std::os::unix::fs::symlink(dir.path().join("outside.txt"), dir.path().join("data/link"))
        .expect("symlink");
    let run = run(open_attempt("link", 0, FD_READ), b"", mount(dir.path()));
    assert_ne!(exit_code(&run.outcome), 0);
}

#[test]
fn opening_a_dataset_file_for_writing_is_refused() {
    let dir = dataset();
    let run = run(
        open_attempt("file.csv", O_TRUNC, FD_WRITE),
        b"",
        mount(dir.path()),
    );
    assert_ne!(exit_code(&run.outcome), 0);
    assert_eq!(
        fs::read_to_string(dir.path().join("data/file.csv")).unwrap(),
        CSV
    );
}

#[test]
fn creating_a_file_in_the_dataset_is_refused() {
    let dir = dataset();
    let module = open_attempt("new.txt", O_CREAT, FD_READ | FD_WRITE);
    let run = run(module, b"", mount(dir.path()));
    assert_ne!(exit_code(&run.outcome), 0);
    assert!(!dir.path().join("data/new.txt").exists());
}

#[test]
fn without_mounts_there_is_no_filesystem() {
    let run = run(open_attempt("file.csv", 0, FD_READ), b"", vec![]);
    assert_ne!(exit_code(&run.outcome), 0);
}

#[test]
fn a_missing_mount_directory_is_a_host_error() {
    let mounts = vec![Mount::new("gone", "/nonexistent/nmp-sandbox-test")];
    let wasm = command(r#"(func (export "_start"))"#);
    let result = bounded(move || sandbox().run(&wasm, b"", &mounts).map(|_| ()));
    assert!(
        matches!(result, Err(Error::MountUnavailable { .. })),
        "{result:?}"
    );
}

#[test]
fn an_escaping_mount_name_is_rejected() {
    let dir = dataset();
    let mounts = vec![Mount::new("..", dir.path().join("data"))];
    let wasm = command(r#"(func (export "_start"))"#);
    let result = bounded(move || sandbox().run(&wasm, b"", &mounts).map(|_| ()));
    assert!(
        matches!(result, Err(Error::InvalidMount { .. })),
        "{result:?}"
    );
}
