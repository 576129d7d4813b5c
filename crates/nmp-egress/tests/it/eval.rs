//! The evaluation corpus (`tests/eval/`, generated once by
//! `scripts/egress-compare/eval_corpus.py`). It was frozen before the issue-11 rules were tuned
//! and only its aggregate figures were read then; since the second round of issue 11 its
//! individual failures have been read and rules written against their classes, so it is now a
//! **tuning** set like `tests/corpus/`, not a measure of accuracy on unseen outputs (that is the
//! separate hold-out corpus). Recall and false-positive rate overall, per class and per evasion:
//! a positive counts as caught when the output is blocked (whatever the finding's category); a
//! negative is a false positive when it is not passed. The floors are the measured figures
//! rounded down, so a regression fails. `EGRESS_EVAL_SHOW=1` prints every wrong case.

use std::collections::BTreeMap;
use std::path::Path;

use nmp_egress::{Config, Scanner, Verdict};
use serde::Deserialize;

/// Lowest overall recall on the evaluation corpus that passes (measured: 98.43 %; when the
/// corpus was frozen, 53.7 %; after the first round of rules, 89.9 %).
const RECALL_FLOOR: f64 = 0.984;
/// Highest overall false-positive rate on the evaluation corpus that passes (measured: 0.14 %,
/// one of 730; when frozen, 19.0 %; after the first round, 1.37 %).
const FPR_CEILING: f64 = 0.0014;

/// One labelled output of the evaluation corpus.
#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    label: String,
    class: String,
    shape: String,
    evasion: Option<String>,
    input: String,
}

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/eval"))
}

fn load() -> (Config, Vec<Case>) {
    let config = std::fs::read_to_string(dir().join("config.json")).expect("eval config");
    let cases = std::fs::read_to_string(dir().join("cases.jsonl")).expect("eval cases");
    (
        serde_json::from_str(&config).expect("eval config is valid"),
        cases
            .lines()
            .map(|l| serde_json::from_str(l).expect("eval line is valid"))
            .collect(),
    )
}

#[derive(Default)]
struct Tally {
    total: usize,
    wrong: usize,
}

impl Tally {
    fn add(&mut self, wrong: bool) {
        self.total += 1;
        self.wrong += usize::from(wrong);
    }

    fn rate(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.wrong as f64 / self.total as f64
        }
    }
}

#[test]
fn eval_corpus_recall_and_false_positive_rate() {
    let (config, cases) = load();
    let scanner = Scanner::new(config).unwrap();
    let mut rows: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut pos, mut neg) = (Tally::default(), Tally::default());
    for case in &cases {
        let blocked = scanner.scan(case.input.as_bytes()).verdict != Verdict::Pass;
        let positive = case.label == "positive";
        let wrong = blocked != positive;
        if positive { &mut pos } else { &mut neg }.add(wrong);
        let kind = if positive { "missed" } else { "fp" };
        rows.entry(format!("{kind} class {}", case.class))
            .or_default()
            .add(wrong);
        rows.entry(format!("{kind} shape {}", case.shape))
            .or_default()
            .add(wrong);
        if let Some(e) = &case.evasion {
            rows.entry(format!("{kind} evasion {e}"))
                .or_default()
                .add(wrong);
        }
        if wrong && std::env::var_os("EGRESS_EVAL_SHOW").is_some() {
            println!("wrong: {} {}", case.id, case.input);
        }
    }
    for (name, t) in &rows {
        println!(
            "{name:<40} {:>4} of {:>4} ({:>6.2} %)",
            t.wrong,
            t.total,
            t.rate() * 100.0
        );
    }
    let recall = 1.0 - pos.rate();
    let fpr = neg.rate();
    println!(
        "eval: recall {:.2} % ({} positives), false positives {:.2} % ({} negatives)",
        recall * 100.0,
        pos.total,
        fpr * 100.0,
        neg.total
    );
    assert!(
        recall >= RECALL_FLOOR,
        "recall {recall} below {RECALL_FLOOR}"
    );
    assert!(
        fpr <= FPR_CEILING,
        "false positives {fpr} above {FPR_CEILING}"
    );
}
