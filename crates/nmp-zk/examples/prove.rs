//! Proves one run of a module with the committed guest, checks the receipt and writes it.
//!
//! Prints the cycles, segments, proving time and receipt size; the peak memory is what
//! `/usr/bin/time -v` reports around it. `scripts/zk-receipts.sh` runs it for the committed
//! receipts:
//!
//! ```sh
//! DOCS_RS=1 cargo run --release -p nmp-zk --features zk-prove --example prove -- \
//!     MODULE.wasm INPUT DATA_DIR REQUEST_ID_HEX OUT.receipt
//! ```
//!
//! `DATA_DIR` is mounted at `/data/<its basename>`, as `nmp exec --data` does.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use nmp_zk::{IMAGE_ID, Job, load_dataset, prove, verify_zk_receipt};

/// Stops a run that would take hours to prove: 2^24 cycles, 16 segments of 2^20.
const MAX_CYCLES: u64 = 1 << 24;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [module, input, data, request_id, out] = args.as_slice() else {
        bail!("usage: prove MODULE INPUT DATA_DIR REQUEST_ID_HEX OUT");
    };
    let mut id = [0; 16];
    hex::decode_to_slice(request_id, &mut id).context("request id: 32 hex digits")?;
    let module = std::fs::read(module).with_context(|| format!("reading {module}"))?;
    let input = std::fs::read(input).with_context(|| format!("reading {input}"))?;
    let dir = Path::new(data);
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .context("the data directory has a UTF-8 name")?;
    let mut job = Job::new(id, module, input);
    job.datasets.push(load_dataset(name, dir)?);

    let host = nmp_zk::run(job.clone())?;
    println!(
        "host run: {:?}, stdout {:?}",
        host.journal.outcome,
        String::from_utf8_lossy(&host.stdout)
    );

    let started = Instant::now();
    let proved = prove(&job, MAX_CYCLES)?;
    let prove_time = started.elapsed();
    let started = Instant::now();
    let journal = verify_zk_receipt(&proved.receipt, &IMAGE_ID, &host.journal)?;
    let verify_time = started.elapsed();
    std::fs::write(out, &proved.receipt).with_context(|| format!("writing {out}"))?;
    println!(
        "proved {:?}: {} total cycles ({} user), {} segments, prove {:.1} s, receipt {} bytes, verify {:.1} ms",
        journal.outcome,
        proved.total_cycles,
        proved.user_cycles,
        proved.segments,
        prove_time.as_secs_f64(),
        proved.receipt.len(),
        verify_time.as_secs_f64() * 1e3,
    );
    Ok(())
}
