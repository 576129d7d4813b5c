//! `nmp run --capability NAME --wasm FILE`: runs a module on every node that serves a
//! capability and prints each node's verified result (or why there is none) as JSON.

use std::time::Duration;

use anyhow::Context as _;
use nmp_client::{Error, ErrorKind, Logic, NodeAnswer, Outcome, PeerId};
use nmp_wire::limits::MAX_INPUT_BYTES;
use serde_json::json;

use super::{agent, read_file, read_module};
use crate::{cli::RunArgs, exit::Status};

pub(crate) fn run(args: &RunArgs) -> anyhow::Result<Status> {
    let wasm = read_module(&args.wasm)?;
    let input = match &args.input {
        Some(path) => read_file(path, "input", MAX_INPUT_BYTES as u64)?,
        None => Vec::new(),
    };
    let logic = Logic::new(args.capability.clone(), wasm).with_input(input);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(execute(args, &logic))
}

async fn execute(args: &RunArgs, logic: &Logic) -> anyhow::Result<Status> {
    let trusted = args
        .trust
        .iter()
        .map(|p| {
            p.parse()
                .with_context(|| format!("--trust {p} is not a PeerId"))
        })
        .collect::<anyhow::Result<Vec<PeerId>>>()?;
    let timeout = Duration::from_secs(args.timeout_secs);
    let client = agent::connect_trusting(&args.agent, timeout, trusted).await?;
    if let Err(err) = client.preflight(&logic.wasm) {
        return rejected(err);
    }
    let discovery = match client.discover(&logic.capability).await {
        Ok(discovery) => discovery,
        Err(err) => {
            eprintln!("nmp: {}", err.chain());
            return Ok(Status::Unreachable);
        }
    };
    // Say where the module and its input go before they go there.
    for provider in &discovery.providers {
        eprintln!("nmp: sending to {}", provider.peer);
    }
    for (peer, err) in &discovery.failed {
        eprintln!("nmp: not sending to {peer}: {err}");
    }
    let answers = match client.execute_discovered(discovery, logic, |_, _| {}).await {
        Ok(answers) => answers,
        Err(err @ Error::Rejected(_)) => return rejected(err),
        Err(err) => {
            eprintln!("nmp: {}", err.chain());
            return Ok(Status::Unreachable);
        }
    };
    let mut nodes = Vec::new();
    for node in &answers {
        match &node.answer {
            Ok(answer) => {
                if let Some(dir) = &args.receipt_dir {
                    agent::save_receipt(dir, answer)?;
                }
                nodes.push(agent::answer_json(answer));
            }
            Err(err) => nodes.push(agent::failure_json(&node.peer, err)),
        }
    }
    super::print_json(&json!({"capability": logic.capability, "nodes": nodes}))?;
    Ok(status(&answers))
}

/// A module the pre-flight Guardian refused: its report, and no node was asked.
fn rejected(err: Error) -> anyhow::Result<Status> {
    if let Error::Rejected(report) = &err {
        super::print_json(report)?;
    }
    eprintln!("nmp: the module was rejected before sending (no node was asked)");
    Ok(Status::Rejected)
}

/// The exit status of a fan-out: the most serious thing any node reported. A failed
/// verification (7) comes first, then a network failure (6), a refusal or timeout (8), a
/// rejection (4), a trap or limit (5) and a blocked output (3).
fn status(answers: &[NodeAnswer]) -> Status {
    let rank = |node: &NodeAnswer| match &node.answer {
        Err(err) => match err.kind() {
            ErrorKind::Verification => (7, Status::Invalid),
            ErrorKind::Network => (6, Status::Unreachable),
            ErrorKind::Refused | ErrorKind::Timeout => (5, Status::Refused),
            // Nothing was sent: the Guardian refused the module, or it is over a wire limit.
            ErrorKind::Rejected | ErrorKind::Request => (4, Status::Rejected),
        },
        Ok(a) if a.outcome == Outcome::Rejected => (4, Status::Rejected),
        Ok(a) if a.outcome == Outcome::Completed => (0, Status::Ok),
        Ok(a) if matches!(a.outcome, Outcome::EgressBlocked | Outcome::PrivacyBlocked) => {
            (2, Status::Blocked)
        }
        Ok(_) => (3, Status::Trapped),
    };
    answers
        .iter()
        .map(rank)
        .max_by_key(|(rank, _)| *rank)
        .map_or(Status::Unreachable, |(_, status)| status)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use nmp_client::Answer;
    use nmp_wire::pb;

    use super::*;

    fn answered(outcome: Outcome) -> NodeAnswer {
        let peer = PeerId::random();
        NodeAnswer {
            peer,
            answer: Ok(Answer {
                peer,
                outcome,
                output: Vec::new(),
                stderr: Vec::new(),
                guardian: pb::GuardianReport::default(),
                egress: pb::EgressSummary::default(),
                receipt: pb::Receipt::default(),
                receipt_body: pb::ReceiptBody::default(),
                statuses: Vec::new(),
            }),
        }
    }

    fn failed(error: impl FnOnce(PeerId) -> Error) -> NodeAnswer {
        let peer = PeerId::random();
        NodeAnswer {
            peer,
            answer: Err(error(peer)),
        }
    }

    /// Every rung of the ladder, least serious first, with the status it sets alone.
    fn ladder() -> Vec<(NodeAnswer, Status)> {
        vec![
            (answered(Outcome::Completed), Status::Ok),
            (answered(Outcome::EgressBlocked), Status::Blocked),
            (answered(Outcome::Trapped), Status::Trapped),
            (answered(Outcome::TimedOut), Status::Trapped),
            (answered(Outcome::Rejected), Status::Rejected),
            (
                failed(|peer| Error::Timeout {
                    peer,
                    after: Duration::from_secs(1),
                }),
                Status::Refused,
            ),
            (
                failed(|peer| Error::Node {
                    peer,
                    code: pb::ErrorCode::Overloaded,
                    message: String::new(),
                }),
                Status::Refused,
            ),
            (
                failed(|capability| Error::NoProviders {
                    capability: capability.to_string(),
                }),
                Status::Unreachable,
            ),
            (
                failed(|peer| Error::Disconnected { peer }),
                Status::Unreachable,
            ),
            (
                failed(|peer| Error::Protocol {
                    peer,
                    reason: "the stream ended without a result",
                }),
                Status::Invalid,
            ),
        ]
    }

    #[test]
    fn each_answer_alone_sets_its_own_status() {
        for (answer, expected) in ladder() {
            assert_eq!(status(&[answer]), expected);
        }
        assert_eq!(status(&[]), Status::Unreachable);
    }

    #[test]
    fn the_most_serious_answer_sets_the_status_in_any_order() {
        let (answers, statuses): (Vec<NodeAnswer>, Vec<Status>) = ladder().into_iter().unzip();
        let mut answers: Vec<Option<NodeAnswer>> = answers.into_iter().map(Some).collect();
        // Least serious first: each new rung takes over.
        let mut seen = Vec::new();
        for (answer, expected) in answers.iter_mut().zip(&statuses) {
            seen.push(answer.take().expect("each rung once"));
            assert_eq!(status(&seen), *expected);
        }
        // Most serious first: the first rung holds whatever follows.
        seen.reverse();
        assert_eq!(status(&seen), Status::Invalid);
        assert_eq!(status(&seen[1..]), Status::Unreachable);
    }
}
