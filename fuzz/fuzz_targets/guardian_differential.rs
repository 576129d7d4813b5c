//! Differential: a module the Guardian accepts is valid for `wasmparser` (default features) and
//! for `wasmtime::Module::validate` (the default engine of the workspace's wasmtime build).
//!
//! The input drives `wasm-smith` (its configuration, including which proposals are on, is
//! itself drawn from the input; half the time the module may import nothing, so that modules
//! pass the Guardian's import allowlist); the raw input bytes are checked the same way. The
//! reverse (valid, but refused by the Guardian) is policy, not a disagreement.
//!
//! `cargo +nightly fuzz run guardian_differential`
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use nmp_guardian::{Guardian, Policy};

fn guardian() -> &'static Guardian {
    static GUARDIAN: OnceLock<Guardian> = OnceLock::new();
    GUARDIAN.get_or_init(|| Guardian::new(Policy::default()))
}

fn engine() -> &'static wasmtime::Engine {
    static ENGINE: OnceLock<wasmtime::Engine> = OnceLock::new();
    ENGINE.get_or_init(wasmtime::Engine::default)
}

fn check(bytes: &[u8]) {
    let report = guardian().inspect(bytes);
    if !report.is_accepted() {
        return;
    }
    if let Err(err) = wasmparser::Validator::new().validate_all(bytes) {
        panic!("the Guardian accepted a module wasmparser refuses: {err}");
    }
    if let Err(err) = wasmtime::Module::validate(engine(), bytes) {
        panic!("the Guardian accepted a module wasmtime refuses: {err:#}");
    }
}

fuzz_target!(|data: &[u8]| {
    check(data);
    let mut u = Unstructured::new(data);
    let Ok(mut config) = wasm_smith::Config::arbitrary(&mut u) else {
        return;
    };
    if u.arbitrary::<bool>().unwrap_or(false) {
        config.max_imports = 0;
    }
    let Ok(module) = wasm_smith::Module::new(config, &mut u) else {
        return;
    };
    check(&module.to_bytes());
});
