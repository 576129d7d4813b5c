//! Regenerates the known-answer vectors in `crates/nmp-crypto/tests/vectors/`.
//!
//! Every secret comes from a labelled seed, so the output is identical on every run; the
//! `vectors` integration test fails if the committed files drift from it.
//!
//! `cargo run -p nmp-crypto --example gen_vectors --features test-vectors`

use std::path::Path;

use anyhow::Context;
use nmp_crypto::testing;

fn main() -> anyhow::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for (name, value) in [
        ("envelope.json", testing::envelope_vectors()),
        ("receipt.json", testing::receipt_vectors()),
        ("session.json", testing::session_vectors()),
    ] {
        let path = dir.join(name);
        let text = serde_json::to_string_pretty(&value)? + "\n";
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
