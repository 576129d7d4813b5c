//! Exit statuses: the command-line contract scripts depend on (README, "Exit statuses").

use std::process::ExitCode;

/// How a command ended, as its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// 0: success (module accepted, run completed, payload passed).
    Ok,
    /// 1: `nmp demo` saw a step that did not behave as it must.
    Misbehaved,
    /// 3: the egress filter blocked the output.
    Blocked,
    /// 4: the Guardian rejected the module.
    Rejected,
    /// 5: the guest trapped, timed out or hit a limit.
    Trapped,
    /// 6: no provider was found, or the network failed.
    Unreachable,
    /// 7: a receipt failed verification.
    Invalid,
    /// 8: a node refused the request (policy, rate, capacity, trust) or did not answer in time.
    Refused,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(match status {
            Status::Ok => 0,
            Status::Misbehaved => 1,
            Status::Blocked => 3,
            Status::Rejected => 4,
            Status::Trapped => 5,
            Status::Unreachable => 6,
            Status::Invalid => 7,
            Status::Refused => 8,
        })
    }
}

/// Exit status 2: bad arguments, unreadable files or bad configuration.
const USAGE: u8 = 2;

/// Reports a command-line parsing error on one line (help and version go to stdout, status 0;
/// a missing subcommand is a usage error like any other, not a page of help).
pub(crate) fn usage(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Printing help to stdout cannot meaningfully fail; a closed pipe is not an error here.
            let _ = err.print();
            return ExitCode::from(0);
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!("nmp: a subcommand is required (see `nmp --help`)");
            return ExitCode::from(USAGE);
        }
        _ => {}
    }
    // The reason is the first paragraph, which may go on over several lines (the names of
    // missing arguments): joined on one line.
    let rendered = err.render().to_string();
    let reason = rendered
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let line = match reason.trim_start_matches("error: ") {
        "" => "invalid arguments",
        reason => reason,
    };
    eprintln!("nmp: {line} (see `nmp --help`)");
    ExitCode::from(USAGE)
}

/// Reports a failed command (unreadable file, bad configuration...) on one line.
pub(crate) fn failure(err: &anyhow::Error) -> ExitCode {
    // One line, whatever the error chain holds (some sources format over several lines).
    let text = format!("{err:#}");
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("nmp: {line}");
    ExitCode::from(USAGE)
}
