//! The NMP zero-knowledge guest: reads a job privately, runs its module on wasmi under the
//! node's WASI view, and commits the journal (`nmp_zk_core::Journal`).
//!
//! A job it cannot decode or run ends the guest with a panic: no receipt exists for it.

#![no_main]

use std::io::Read;

use risc0_zkvm::guest::env;

risc0_zkvm::guest::entry!(main);

fn main() {
    let mut bytes = Vec::new();
    env::stdin()
        .read_to_end(&mut bytes)
        .expect("the host supplies the job on stdin");
    let job = nmp_zk_core::Job::from_bytes(&bytes).expect("a well-formed job");
    drop(bytes);
    let run = nmp_zk_core::run(job).expect("a module the guest can run");
    let journal = run
        .journal
        .to_bytes()
        .expect("a journal from a valid job encodes");
    env::commit_slice(&journal);
}
