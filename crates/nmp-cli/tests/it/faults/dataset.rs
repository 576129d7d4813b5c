//! A dataset file changing under a real `nmp node` (no periodic rescan): the guest reads the
//! live files, so the node must never return an answer whose receipt names a commitment other
//! than the files' as the guest read them. Changed between two requests, the next request's
//! receipt names the new files; changed while a guest runs, that run's answer is withheld
//! (`OVERLOADED`, retry) and the retry's receipt names the new files.

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use futures::StreamExt as _;
use nmp_client::Answer;
use nmp_crypto::Identity;
use nmp_wire::pb::{self, logic_response::Event};

use super::process::{NodeProcess, agent, bootstrap_from, discovered, node_dir, rand_id, seal};
use super::{DEADLINE, honest, spin};

/// The commitment of the files in `dir` now, computed apart from the node.
fn commitment(dir: &Path) -> Vec<u8> {
    let dataset = nmp_node::Dataset::new("patients", dir).expect("a dataset");
    dataset.commitment().expect("hashed").sha256.to_vec()
}

/// The commitment `answer`'s verified receipt names for its one dataset.
fn named(answer: &Answer) -> Vec<u8> {
    let datasets = &answer.receipt_body.datasets;
    assert_eq!(datasets.len(), 1, "one dataset");
    datasets[0].sha256.clone()
}

/// Appends one more patient to the CSV file.
fn append_row(file: &Path) {
    let mut csv = std::fs::OpenOptions::new()
        .append(true)
        .open(file)
        .expect("open");
    csv.write_all(
        b"P999999999,Ada Test,ada.test@example.org,000-00-0000,40,F,asthma,Lakeside,10.00\n",
    )
    .expect("appended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dataset_changed_between_or_during_runs_is_never_misnamed_by_a_receipt() {
    let root = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let data = root.path().join("data");
        std::fs::create_dir(&data).expect("data dir");
        let file = data.join("patients.csv");
        std::fs::copy(crate::example("data/patients.csv"), &file).expect("copied");

        let (_bootstrap, seed) = bootstrap_from(&[]).await;
        let dir = node_dir(root.path(), "a", &[&seed], 2_000);
        let config = dir.join("node.toml");
        let text = std::fs::read_to_string(&config).expect("config");
        let text = text.replace(
            &crate::example("data").display().to_string(),
            crate::arg(&data),
        );
        let text = format!("dataset_rescan_secs = \"off\"\n{text}");
        std::fs::write(&config, text).expect("config written");
        let node = NodeProcess::start(&dir);
        let identity = Identity::generate();
        let agent = agent(&[&seed], identity.clone()).await;
        discovered(&agent, &[node.peer]).await;

        // Unchanged: the receipt names the files.
        let first = agent.execute(node.peer, &honest()).await.expect("answered");
        let original = commitment(&data);
        assert_eq!(named(&first), original);

        // Changed in place between two requests, same size (one digit of an age): the node has
        // not re-committed (no rescan), yet the next answer names the new files, not the old.
        let mut bytes = std::fs::read(&file).expect("read");
        let at = bytes.iter().position(|b| *b == b'\n').expect("a header") + 1;
        let digit = (at..bytes.len())
            .find(|i| bytes[*i].is_ascii_digit() && bytes[*i] != b'9')
            .expect("a digit");
        bytes[digit] += 1;
        std::fs::OpenOptions::new()
            .write(true)
            .open(&file)
            .and_then(|mut f| f.write_all(&bytes))
            .expect("rewritten in place");
        let edited = commitment(&data);
        assert_ne!(edited, original);
        let second = agent.execute(node.peer, &honest()).await.expect("answered");
        assert_eq!(
            named(&second),
            edited,
            "the receipt names the files the guest read"
        );

        // Changed while a guest runs (a 2 s spin): on a raw stream, that run's answer is
        // withheld with a typed refusal, never returned under the old commitment.
        let provider = agent.describe(node.peer).await.expect("described");
        let request = seal(&identity, &provider, &spin(), rand_id());
        let mut responses = agent
            .mesh()
            .open_logic(node.peer, &request)
            .await
            .expect("stream opens");
        let mut changed = false;
        let end = loop {
            let response = responses.next().await.expect("a final event");
            match response.expect("a frame").event {
                Some(Event::Status(status)) if status.stage() == pb::Stage::Running => {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    append_row(&file);
                    changed = true;
                }
                Some(Event::Status(_)) | None => {}
                Some(end) => break end,
            }
        };
        assert!(changed, "the run started");
        let Event::Error(error) = end else {
            panic!("an answer over files that changed during its run: {end:?}");
        };
        assert_eq!(error.code(), pb::ErrorCode::Overloaded, "{}", error.message);
        assert!(
            error.message.contains("changed while the job ran"),
            "{}",
            error.message
        );

        // The retry binds the files as they are now.
        let appended = commitment(&data);
        let third = agent.execute(node.peer, &spin()).await.expect("answered");
        assert_eq!(named(&third), appended);
        assert_eq!(third.outcome, nmp_client::Outcome::TimedOut);
        drop(node);
    })
    .await
    .expect("within the deadline");
}
