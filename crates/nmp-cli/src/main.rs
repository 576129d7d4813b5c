//! `nmp`: the Neural Mesh Protocol command-line tool.
//!
//! Argument parsing and output only; the work happens in the library crates. This file is the
//! one place where an error becomes an exit status and a one-line message (see [`exit`]).

mod cli;
mod cmd;
mod exit;
mod local;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return exit::usage(&err),
    };
    match cmd::run(cli) {
        Ok(status) => status.into(),
        Err(err) => exit::failure(&err),
    }
}
