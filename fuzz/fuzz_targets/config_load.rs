//! The node's TOML configuration loader: any text gives a configuration or a typed
//! `FileError`, never a panic; what it accepts builds the egress scanner or refuses with a
//! typed `ConfigError`, and builds a Guardian.
//!
//! The text goes through `File::parse`, `File::dataset_rescan` and `File::service_config` (with
//! a base directory that does not exist, and only when every dataset path is relative without
//! `..`, so no input makes the fuzzer scan this machine's files), then `Scanner::new` on the
//! egress policy it yields.
//!
//! `cargo +nightly fuzz run config_load -- -dict=fuzz/dicts/config_load.dict`
#![no_main]

use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;
use nmp_egress::Scanner;
use nmp_guardian::Guardian;
use nmp_node::config::File;

const BASE: &str = "/nonexistent/nmp-fuzz";

fn stays_inside(path: &Path) -> bool {
    path.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = File::parse(text) else {
        return;
    };
    assert_eq!(
        File::parse(text).ok().as_ref(),
        Some(&file),
        "parsing is not deterministic"
    );
    let _ = file.dataset_rescan();
    if !file.datasets.iter().all(|d| stays_inside(&d.path)) || !stays_inside(&file.audit_log) {
        return;
    }
    if let Ok(config) = file.service_config(Path::new(BASE)) {
        let _ = Scanner::new(config.node.egress.clone());
        let _ = Guardian::new(config.node.guardian.clone());
    }
    let _ = Scanner::new(file.policy.egress.clone());
});
