//! Compiled-module caches: memory, disk, and corrupted artifacts.

use std::fs;
use std::path::{Path, PathBuf};

use nmp_sandbox::{CacheHit, Config, Run, Sandbox};
use tempfile::TempDir;

use crate::support::{bounded, command, config, sandbox};

fn hello() -> Vec<u8> {
    command(
        r#"(data (i32.const 64) "hello")
           (func (export "_start") (call $check (call $write (i32.const 1) (i32.const 64) (i32.const 5))))"#,
    )
}

fn disk_config(dir: &Path) -> Config {
    Config {
        cache_dir: Some(dir.to_path_buf()),
        ..config()
    }
}

/// Runs `hello` once on a fresh sandbox caching in `dir`.
fn run_once(dir: &Path) -> Run {
    let config = disk_config(dir);
    bounded(move || {
        let sandbox = Sandbox::new(config).expect("valid config");
        let run = sandbox.run(&hello(), b"", &[]).expect("not a host failure");
        assert_eq!(run.outcome.stdout(), b"hello");
        run
    })
}

fn files_with(dir: &Path, extension: &str) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .expect("cache dir is readable")
        .map(|entry| entry.expect("cache dir entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect()
}

#[test]
fn second_run_hits_the_memory_cache() {
    let (first, second) = bounded(|| {
        let sandbox = sandbox();
        let first = sandbox.run(&hello(), b"", &[]).unwrap();
        let second = sandbox.run(&hello(), b"", &[]).unwrap();
        (first, second)
    });
    assert_eq!(first.stats.cache, CacheHit::Miss);
    assert_eq!(second.stats.cache, CacheHit::Memory);
    assert_eq!(first.outcome, second.outcome);
}

#[test]
fn a_new_sandbox_hits_the_disk_cache() {
    let dir = TempDir::new().unwrap();
    assert_eq!(run_once(dir.path()).stats.cache, CacheHit::Miss);
    assert_eq!(files_with(dir.path(), "cwasm").len(), 1);
    assert_eq!(files_with(dir.path(), "sha256").len(), 1);
    assert_eq!(run_once(dir.path()).stats.cache, CacheHit::Disk);
}

#[test]
fn a_corrupted_artifact_is_detected_and_recompiled() {
    let dir = TempDir::new().unwrap();
    run_once(dir.path());
    let artifact = files_with(dir.path(), "cwasm").remove(0);
    let mut bytes = fs::read(&artifact).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    fs::write(&artifact, bytes).unwrap();

    assert_eq!(run_once(dir.path()).stats.cache, CacheHit::Miss);
    // The recompile rewrote a good artifact.
    assert_eq!(run_once(dir.path()).stats.cache, CacheHit::Disk);
}

#[test]
fn a_missing_digest_means_a_recompile() {
    let dir = TempDir::new().unwrap();
    run_once(dir.path());
    fs::remove_file(files_with(dir.path(), "sha256").remove(0)).unwrap();
    assert_eq!(run_once(dir.path()).stats.cache, CacheHit::Miss);
    assert_eq!(run_once(dir.path()).stats.cache, CacheHit::Disk);
}

#[test]
fn the_disk_cache_keeps_at_most_its_entry_count() {
    let dir = TempDir::new().unwrap();
    let config = Config {
        disk_cache_entries: 2,
        ..disk_config(dir.path())
    };
    bounded(move || {
        let sandbox = Sandbox::new(config).unwrap();
        for code in 0..4 {
            let module = command(&format!(
                r#"(func (export "_start") (call $proc_exit (i32.const {code})))"#
            ));
            sandbox.run(&module, b"", &[]).unwrap();
        }
    });
    assert_eq!(files_with(dir.path(), "cwasm").len(), 2);
    assert_eq!(files_with(dir.path(), "sha256").len(), 2);
}

fn exit_with(code: u32) -> Vec<u8> {
    command(&format!(
        r#"(func (export "_start") (call $proc_exit (i32.const {code})))"#
    ))
}

#[test]
fn the_disk_cache_keeps_at_most_its_byte_total() {
    let probe = TempDir::new().unwrap();
    let config = disk_config(probe.path());
    bounded(move || {
        Sandbox::new(config)
            .unwrap()
            .run(&exit_with(0), b"", &[])
            .unwrap()
    });
    let one = fs::metadata(files_with(probe.path(), "cwasm").remove(0))
        .unwrap()
        .len();

    // Room for one artifact and a half: each store evicts the one before.
    let dir = TempDir::new().unwrap();
    let config = Config {
        disk_cache_bytes: one + one / 2,
        ..disk_config(dir.path())
    };
    bounded(move || {
        let sandbox = Sandbox::new(config).unwrap();
        for code in 0..3 {
            sandbox.run(&exit_with(code), b"", &[]).unwrap();
        }
    });
    assert_eq!(files_with(dir.path(), "cwasm").len(), 1);
    assert_eq!(files_with(dir.path(), "sha256").len(), 1);
}

#[test]
fn an_artifact_over_the_byte_total_is_not_stored() {
    let dir = TempDir::new().unwrap();
    let config = Config {
        disk_cache_bytes: 1,
        ..disk_config(dir.path())
    };
    let first = bounded(move || {
        let sandbox = Sandbox::new(config).unwrap();
        sandbox.run(&exit_with(0), b"", &[]).unwrap()
    });
    assert_eq!(first.stats.cache, CacheHit::Miss);
    assert!(files_with(dir.path(), "cwasm").is_empty());
}
