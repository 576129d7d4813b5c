//! Hostile and borderline modules for the parity test, under the default policy.
//!
//! The cases follow `crates/nmp-guardian/tests/it` (imports, shape, proposals, limits at their
//! defaults, recursion, compile-cost caps) and add what a second implementation gets wrong first:
//! every truncation of a valid command, and deterministic single-byte mutations of one.
//! Cases that the Rust tests run under a non-default policy appear here at the default limits.

use nmp_guardian::testing::{Bomb, LocalType};
use nmp_guardian::{AllowedImport, Policy, ValueType};

/// Every case, by a file-name-safe name.
pub(crate) fn modules() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for (name, text) in wat_cases() {
        let wasm = wat::parse_str(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        out.push((name.to_owned(), wasm));
    }
    out.extend(allowlist_cases()?);
    out.extend(byte_cases()?);
    out.extend(bombs());
    Ok(out)
}

/// Every import of the default allowlist with its exact signature (accepted), and each with one
/// parameter too few, one too many, a changed first type and its result dropped or doubled
/// (rejected): the whole exact-signature table, generated from the policy itself.
fn allowlist_cases() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let text = |types: &[ValueType]| -> String {
        types
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = Vec::new();
    for allowed in AllowedImport::wasi_preview1_defaults() {
        let (params, results) = (&allowed.params, &allowed.results);
        let mut variants = vec![("exact", params.clone(), results.clone())];
        if let Some((_, fewer)) = params.split_last() {
            variants.push(("param-missing", fewer.to_vec(), results.clone()));
        }
        let more = [params.as_slice(), &[ValueType::I32]].concat();
        variants.push(("param-extra", more, results.clone()));
        if let Some(first) = params.first() {
            let other = if *first == ValueType::I32 {
                ValueType::I64
            } else {
                ValueType::I32
            };
            let changed = [&[other][..], &params[1..]].concat();
            variants.push(("param-type", changed, results.clone()));
        }
        if results.is_empty() {
            variants.push(("result-added", params.clone(), vec![ValueType::I32]));
        } else {
            variants.push(("result-missing", params.clone(), Vec::new()));
            let doubled = [results.as_slice(), results.as_slice()].concat();
            variants.push(("result-doubled", params.clone(), doubled));
        }
        for (variant, params, results) in variants {
            let sig = format!("(param {}) (result {})", text(&params), text(&results));
            let wat = import(&allowed.module, &allowed.name, &sig);
            let wasm =
                wat::parse_str(&wat).map_err(|e| anyhow::anyhow!("{}: {e}", allowed.name))?;
            out.push((format!("allowlist-{}-{variant}", allowed.name), wasm));
        }
    }
    Ok(out)
}

/// A WASI command module around `items`.
fn command(items: &str) -> String {
    format!(r#"(module {items} (memory (export "memory") 1 1) (func (export "_start")))"#)
}

fn import(module: &str, name: &str, sig: &str) -> String {
    command(&format!(r#"(import "{module}" "{name}" (func {sig}))"#))
}

fn wat_cases() -> Vec<(&'static str, String)> {
    let d = Policy::default();
    let locals = d.max_locals_per_function as usize;
    let v128s = (d.max_local_bytes_per_function / 16) as usize;
    let depth = d.max_nesting_depth as usize;
    let nest = |n: usize| command(&format!("(func {}{})", "(block ".repeat(n), ")".repeat(n)));
    let chain: String = (0..500)
        .map(|i| format!("(func $f{i} (call $f{}))", i + 1))
        .collect();
    let many_imports: String = (0..120)
        .map(|i| format!(r#"(import "env" "f{i}" (func))"#))
        .collect();
    vec![
        // Imports.
        ("import-sock-accept", import("wasi_snapshot_preview1", "sock_accept", "(param i32 i32 i32) (result i32)")),
        ("import-proc-raise", import("wasi_snapshot_preview1", "proc_raise", "(param i32) (result i32)")),
        ("import-env-abort", import("env", "abort", "")),
        ("import-fd-write-wrong-signature", import("wasi_snapshot_preview1", "fd_write", "(param i32 i32) (result i32)")),
        ("import-sched-yield-missing-result", import("wasi_snapshot_preview1", "sched_yield", "")),
        ("import-fd-write-exact", import("wasi_snapshot_preview1", "fd_write", "(param i32 i32 i32 i32) (result i32)")),
        ("import-memory", r#"(module (import "env" "mem" (memory 1)) (memory (export "memory") 1 1) (func (export "_start")))"#.to_owned()),
        ("import-table", r#"(module (import "env" "table" (table 1 funcref)) (memory (export "memory") 1 1) (func (export "_start")))"#.to_owned()),
        ("import-global", r#"(module (import "wasi_snapshot_preview1" "g" (global i32)) (memory (export "memory") 1 1) (func (export "_start")))"#.to_owned()),
        ("import-three-bad", command(r#"(import "env" "a" (func)) (import "wasi_snapshot_preview1" "sock_send" (func)) (import "wasi_snapshot_preview1" "fd_read" (func))"#)),
        ("findings-truncated", command(&many_imports)),
        // Shape.
        ("shape-minimal-command", command("")),
        ("shape-missing-start", r#"(module (memory (export "memory") 1 1))"#.to_owned()),
        ("shape-missing-memory-export", r#"(module (memory 1 1) (func (export "_start")))"#.to_owned()),
        ("shape-start-with-param", r#"(module (memory (export "memory") 1 1) (func (export "_start") (param i32)))"#.to_owned()),
        ("shape-start-is-global", r#"(module (memory (export "memory") 1 1) (global (export "_start") i32 (i32.const 0)))"#.to_owned()),
        ("shape-start-section", r#"(module (memory (export "memory") 1 1) (func $init) (start $init) (func (export "_start")))"#.to_owned()),
        // Proposals outside WebAssembly 2.0.
        ("proposal-shared-memory", r#"(module (memory (export "memory") 1 1 shared) (func (export "_start")))"#.to_owned()),
        ("proposal-atomics", command("(func (param i32) (result i32) (i32.atomic.load (local.get 0)))")),
        ("proposal-memory64", r#"(module (memory (export "memory") i64 1 1) (func (export "_start")))"#.to_owned()),
        ("proposal-multi-memory", command("(memory 1 1)")),
        ("proposal-throw", command("(tag $e) (func (throw $e))")),
        ("proposal-try-table", command("(func (block $h (try_table (catch_all $h) nop)))")),
        ("proposal-gc-struct", command("(type (struct (field i32)))")),
        ("proposal-return-call", command("(func $a) (func (return_call $a))")),
        ("proposal-relaxed-simd", command("(func (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))")),
        ("proposal-extended-const", command("(global i32 (i32.add (i32.const 1) (i32.const 2)))")),
        ("proposal-call-ref", command("(type $t (func)) (func (param (ref $t)) (call_ref $t (local.get 0)))")),
        ("proposal-add128", command("(func (param i64 i64 i64 i64) (result i64 i64) (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))")),
        ("proposal-page-size-1", r#"(module (memory (export "memory") 1 1 (pagesize 1)) (func (export "_start")))"#.to_owned()),
        ("proposal-component", "(component)".to_owned()),
        ("proposal-threads-and-tail-call", r#"(module (memory (export "memory") 1 1 shared) (func $a) (func (export "_start") (return_call $a)))"#.to_owned()),
        ("invalid-type-error", command("(func (result i32) (i64.const 1))")),
        ("wasm2-features", command(r#"(global (mut i32) (i32.const 0)) (table 2 2 funcref) (table 1 1 externref)
            (func (param i32) (result i32 i32) (i32.extend8_s (local.get 0)) (i32.trunc_sat_f32_s (f32.const 1.5)))
            (func (param v128) (result v128) (i8x16.add (local.get 0) (local.get 0)))
            (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)) (drop (ref.is_null (ref.null extern))))"#)),
        // Limits at their defaults.
        ("memory-at-limit", r#"(module (memory (export "memory") 4096 4096) (func (export "_start")))"#.to_owned()),
        ("memory-over-limit", r#"(module (memory (export "memory") 1 4097) (func (export "_start")))"#.to_owned()),
        ("memory-no-maximum", r#"(module (memory (export "memory") 1) (func (export "_start")))"#.to_owned()),
        ("table-no-maximum", command("(table 1 funcref)")),
        ("table-over-limit", command("(table 1 100001 funcref)")),
        ("loops-per-module-bomb", command(&"(func (loop) (loop) (loop) (loop) (loop))".repeat(4_001))),
        ("loops-per-function-bomb", command(&format!("(func {})", "(loop)".repeat(2_001)))),
        ("locals-at-limit", command(&format!("(func (param i32) (local {}))", "i32 ".repeat(locals - 1)))),
        ("locals-over-limit", command(&format!("(func (param i32) (local {}))", "i32 ".repeat(locals)))),
        ("v128-locals-at-limit", command(&format!("(func (local {}))", "v128 ".repeat(v128s)))),
        ("v128-locals-over-limit", command(&format!("(func (local {}))", "v128 ".repeat(v128s + 1)))),
        ("nesting-at-limit", nest(depth)),
        ("nesting-over-limit", nest(depth + 1)),
        // Recursion.
        ("recursion-direct", command("(func $f (call $f))")),
        ("recursion-mutual", command("(func $a (call $b)) (func $b (call $c)) (func $c (call $a)) (func $d (call $a))")),
        ("recursion-call-indirect", command("(type $t (func)) (table 1 1 funcref) (elem (i32.const 0) $f) (func $f (type $t) (call_indirect (type $t) (i32.const 0)))")),
        ("recursion-ref-func", command("(type $t (func)) (table 1 1 funcref) (elem declare func $f) (func $f (type $t) (table.set (i32.const 0) (ref.func $f)) (call_indirect (type $t) (i32.const 0)))")),
        ("recursion-other-signature", command("(type $t (func)) (type $u (func (param i32))) (table 1 1 funcref) (elem (i32.const 0) $f) (func $f (type $t) (call_indirect (type $u) (i32.const 1) (i32.const 0)))")),
        ("recursion-deep-acyclic-chain", command(&format!("{chain} (func $f500)"))),
    ]
}

/// A valid command with an import, a loop and data: the seed of the byte-level cases.
fn seed() -> anyhow::Result<Vec<u8>> {
    let text = command(
        r#"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
           (func (param i32) (result i32) (loop (br_if 0 (local.get 0))) (i32.const 1))
           (data (i32.const 8) "hello")"#,
    );
    wat::parse_str(&text).map_err(|e| anyhow::anyhow!("seed: {e}"))
}

fn byte_cases() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let seed = seed()?;
    let mut out = vec![
        ("bytes-empty".to_owned(), Vec::new()),
        (
            "bytes-elf-magic".to_owned(),
            b"\x7fELF\x02\x01\x01\0".to_vec(),
        ),
    ];
    // One byte over `max_module_bytes`: rejected unparsed, whatever the bytes.
    let mut large = seed.clone();
    large.resize(usize::try_from(Policy::default().max_module_bytes)? + 1, 0);
    out.push(("bytes-module-too-large".to_owned(), large));
    // A forbidden import, then a garbled section.
    let mut garbled = wat::parse_str(r#"(module (import "env" "f" (func)))"#)?;
    garbled.extend_from_slice(&[0x03, 0x05, 0x01]);
    out.push(("bytes-import-then-garbage".to_owned(), garbled));
    // `try` (legacy exceptions) patched in over four `nop`s.
    let mut legacy = wat::parse_str(command("(func nop nop nop nop)"))?;
    if let Some(at) = legacy
        .windows(5)
        .position(|w| w == [0x01, 0x01, 0x01, 0x01, 0x0b])
    {
        legacy[at..at + 5].copy_from_slice(&[0x06, 0x40, 0x19, 0x0b, 0x0b]);
    }
    out.push(("bytes-legacy-try".to_owned(), legacy));
    for len in 0..seed.len() {
        out.push((format!("truncated-{len:03}"), seed[..len].to_vec()));
    }
    // Deterministic single-byte mutations (xorshift): each changes one byte of the seed.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..256 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut mutant = seed.clone();
        let at = (state % mutant.len() as u64) as usize;
        mutant[at] ^= ((state >> 32) as u8) | 1;
        out.push((format!("mutant-{i:03}"), mutant));
    }
    Ok(out)
}

/// Compile bombs: the costliest function the default policy admits, and past it.
fn bombs() -> Vec<(String, Vec<u8>)> {
    let policy = Policy::default();
    let largest = Bomb::largest(&policy, LocalType::I32, 1);
    let one = Bomb {
        functions: 1,
        ..largest
    };
    vec![
        // Issue 10's bomb: one function, 50,000 locals, a 254 KiB chain of `if`s.
        (
            "bomb-issue-10".to_owned(),
            Bomb {
                locals: 50_000,
                local_type: LocalType::I32,
                ifs: 23_700,
                nesting: 1,
                functions: 1,
            }
            .wasm(),
        ),
        ("bomb-largest-function-admitted".to_owned(), one.wasm()),
        (
            "bomb-too-many-blocks".to_owned(),
            Bomb {
                ifs: policy.max_blocks_per_function + 1,
                ..one
            }
            .wasm(),
        ),
        (
            "bomb-too-many-locals".to_owned(),
            Bomb {
                locals: policy.max_locals_per_function + 1,
                ..one
            }
            .wasm(),
        ),
        (
            "bomb-v128-locals-too-large".to_owned(),
            Bomb {
                local_type: LocalType::V128,
                locals: 257,
                ..one
            }
            .wasm(),
        ),
        (
            "bomb-module-blocks-over".to_owned(),
            Bomb {
                functions: largest.functions + 1,
                ..largest
            }
            .wasm(),
        ),
    ]
}
