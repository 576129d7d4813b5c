//! `nmp audit verify LOG [--node PEERID]`: check a Data Node's audit log.

use std::io::BufReader;

use anyhow::Context as _;

use crate::{cli::AuditVerifyArgs, exit::Status};

pub(crate) fn verify(args: &AuditVerifyArgs) -> anyhow::Result<Status> {
    let node = super::node_arg(args.node.as_deref())?;
    let file = std::fs::File::open(&args.log)
        .with_context(|| format!("cannot read audit log {}", args.log.display()))?;
    match nmp_node::audit::verify(BufReader::new(file), node.as_ref()) {
        Ok(summary) => {
            let signer = summary.node.unwrap_or_else(|| "nobody (empty)".to_owned());
            println!("valid: {} entries signed by {signer}", summary.entries);
            Ok(Status::Ok)
        }
        Err(err) => {
            eprintln!("nmp: invalid audit log: {err}");
            Ok(Status::Invalid)
        }
    }
}
