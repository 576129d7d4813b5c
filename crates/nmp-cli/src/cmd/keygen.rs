//! `nmp keygen [--out FILE]`: a new identity; prints its PeerId.

use anyhow::Context as _;
use nmp_crypto::Identity;

use crate::{cli::KeygenArgs, exit::Status};

pub(crate) fn run(args: &KeygenArgs) -> anyhow::Result<Status> {
    let identity = Identity::generate();
    identity
        .save(&args.out)
        .context("cannot write the key file")?;
    println!("{}", identity.peer_id());
    Ok(Status::Ok)
}
