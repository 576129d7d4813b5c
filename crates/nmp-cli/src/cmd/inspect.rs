//! `nmp inspect FILE.wasm`: the Guardian report as JSON.

use nmp_guardian::{Guardian, Policy};

use super::{print_json, read_module};
use crate::{cli::InspectArgs, exit::Status};

pub(crate) fn run(args: &InspectArgs) -> anyhow::Result<Status> {
    let wasm = read_module(&args.wasm)?;
    let report = Guardian::new(Policy::default()).inspect(&wasm);
    print_json(&report)?;
    Ok(if report.is_accepted() {
        Status::Ok
    } else {
        Status::Rejected
    })
}
