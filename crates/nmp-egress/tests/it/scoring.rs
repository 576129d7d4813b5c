//! Scoring of a labelled egress corpus, shared by the evaluation (`eval.rs`) and hold-out
//! (`holdout.rs`, `holdout2.rs`) tests: load `config.json` and `cases.jsonl` from a directory,
//! scan every case, and tally recall and false-positive rate overall, per class, per shape and
//! per evasion. A positive counts as caught when the output is not passed (whatever the finding's
//! category); a negative is a false positive when it is not passed.

use std::collections::BTreeMap;
use std::path::Path;

use nmp_egress::{Config, Scanner, Verdict};
use serde::Deserialize;

/// One labelled output of a corpus (one line of `cases.jsonl`).
#[derive(Debug, Deserialize)]
pub(crate) struct Case {
    pub(crate) id: String,
    /// `positive` (must not leave) or `negative` (must pass).
    pub(crate) label: String,
    /// Coarse kind (`pii`, `secret`, `restricted`, `data_aware`, `benign`), when the corpus has it.
    #[serde(default)]
    pub(crate) category: Option<String>,
    pub(crate) class: String,
    pub(crate) shape: String,
    pub(crate) evasion: Option<String>,
    pub(crate) input: String,
}

/// The corpus directory `tests/<name>` of this crate.
pub(crate) fn dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

/// The scanner configuration and the cases of the corpus in `dir`.
pub(crate) fn load(dir: &Path) -> (Config, Vec<Case>) {
    load_file(dir, "cases.jsonl")
}

/// The scanner configuration of the corpus in `dir` and the cases of its file `cases`.
pub(crate) fn load_file(dir: &Path, cases: &str) -> (Config, Vec<Case>) {
    let config = std::fs::read_to_string(dir.join("config.json")).expect("corpus config");
    let cases = std::fs::read_to_string(dir.join(cases)).expect("corpus cases");
    (
        serde_json::from_str(&config).expect("corpus config is valid"),
        cases
            .lines()
            .map(|l| serde_json::from_str(l).expect("corpus line is valid"))
            .collect(),
    )
}

/// How many cases of one row were scored and how many of them the filter got wrong.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Tally {
    pub(crate) total: usize,
    pub(crate) wrong: usize,
}

impl Tally {
    fn add(&mut self, wrong: bool) {
        self.total += 1;
        self.wrong += usize::from(wrong);
    }

    /// The share of wrong cases (0 when the row is empty).
    pub(crate) fn rate(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.wrong as f64 / self.total as f64
        }
    }
}

/// The figures of one scoring run.
#[derive(Debug, Default)]
pub(crate) struct Score {
    /// Positives, and those that passed (missed).
    pub(crate) positives: Tally,
    /// Negatives, and those that did not pass (false positives).
    pub(crate) negatives: Tally,
    /// `missed class X`, `fp shape Y`, `missed evasion Z`, ... in name order.
    pub(crate) rows: BTreeMap<String, Tally>,
}

impl Score {
    /// Share of positives blocked.
    pub(crate) fn recall(&self) -> f64 {
        1.0 - self.positives.rate()
    }

    /// Share of negatives not passed.
    pub(crate) fn fpr(&self) -> f64 {
        self.negatives.rate()
    }

    /// Fails unless recall is at least `recall_floor` and the false-positive rate at most
    /// `fpr_ceiling`.
    pub(crate) fn assert_floors(&self, recall_floor: f64, fpr_ceiling: f64) {
        let (recall, fpr) = (self.recall(), self.fpr());
        assert!(
            recall >= recall_floor,
            "recall {recall} below {recall_floor}"
        );
        assert!(
            fpr <= fpr_ceiling,
            "false positives {fpr} above {fpr_ceiling}"
        );
    }

    /// Prints every row and the overall figures, headed by `name`.
    pub(crate) fn print(&self, name: &str) {
        for (row, t) in &self.rows {
            println!(
                "{name} {row:<44} {:>4} of {:>4} ({:>6.2} %)",
                t.wrong,
                t.total,
                t.rate() * 100.0
            );
        }
        println!(
            "{name}: recall {:.2} % ({} positives), false positives {:.2} % ({} negatives)",
            self.recall() * 100.0,
            self.positives.total,
            self.fpr() * 100.0,
            self.negatives.total
        );
    }
}

/// Scores the hold-out corpus `tests/<name>`: its `data_aware` cases (a restricted column's value
/// under a renamed key, which only a node's value index can recognise) are printed apart; the
/// others are printed under `name` and must reach `recall_floor`, stay under `fpr_ceiling` and
/// reach the recall floor of each category in `category_floors`.
pub(crate) fn assert_holdout(
    name: &str,
    recall_floor: f64,
    fpr_ceiling: f64,
    category_floors: &[(&str, f64)],
) {
    let (config, cases) = load(&dir(name));
    let scanner = Scanner::new(config).expect("corpus config is accepted");
    let data_aware = |c: &&Case| c.category.as_deref() == Some("data_aware");
    score(&scanner, cases.iter().filter(data_aware)).print(&format!("{name} data-aware"));
    let patterns = score(&scanner, cases.iter().filter(|c| !data_aware(c)));
    patterns.print(name);
    patterns.assert_floors(recall_floor, fpr_ceiling);
    for (category, floor) in category_floors {
        let recall = 1.0 - patterns.rows[&format!("missed category {category}")].rate();
        assert!(
            recall >= *floor,
            "{name} {category} recall {recall} below {floor}"
        );
    }
}

/// Scans `cases` with `scanner` and tallies the results. With `EGRESS_EVAL_SHOW` set in the
/// environment, every case the filter gets wrong is printed.
pub(crate) fn score<'a>(scanner: &Scanner, cases: impl IntoIterator<Item = &'a Case>) -> Score {
    let show = std::env::var_os("EGRESS_EVAL_SHOW").is_some();
    let mut score = Score::default();
    for case in cases {
        let blocked = scanner.scan(case.input.as_bytes()).verdict != Verdict::Pass;
        let positive = case.label == "positive";
        let wrong = blocked != positive;
        if positive {
            &mut score.positives
        } else {
            &mut score.negatives
        }
        .add(wrong);
        let kind = if positive { "missed" } else { "fp" };
        let mut row = |name: String| score.rows.entry(name).or_default().add(wrong);
        row(format!("{kind} class {}", case.class));
        row(format!("{kind} shape {}", case.shape));
        if let Some(c) = &case.category {
            row(format!("{kind} category {c}"));
        }
        if let Some(e) = &case.evasion {
            row(format!("{kind} evasion {e}"));
        }
        if wrong && show {
            println!("wrong: {} {}", case.id, case.input);
        }
    }
    score
}
