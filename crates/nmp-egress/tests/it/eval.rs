//! The evaluation corpus (`tests/eval/`, generated once by
//! `scripts/egress-compare/eval_corpus.py`). It was frozen before the issue-11 rules were tuned
//! and only its aggregate figures were read then; since the second round of issue 11 its
//! individual failures have been read and rules written against their classes, so it is now a
//! **tuning** set like `tests/corpus/`, not a measure of accuracy on unseen outputs (that is the
//! separate hold-out corpus). Recall and false-positive rate overall, per class and per evasion:
//! a positive counts as caught when the output is blocked (whatever the finding's category); a
//! negative is a false positive when it is not passed. The floors are the measured figures
//! rounded down, so a regression fails. `EGRESS_EVAL_SHOW=1` prints every wrong case.

use nmp_egress::Scanner;

use crate::scoring;

/// Lowest overall recall on the evaluation corpus that passes (measured: 98.43 %; when the
/// corpus was frozen, 53.7 %; after the first round of rules, 89.9 %; 98.67 % after the sixth
/// round).
const RECALL_FLOOR: f64 = 0.986;
/// Highest overall false-positive rate on the evaluation corpus that passes (measured: 0.14 %,
/// one of 730; when frozen, 19.0 %; after the first round, 1.37 %).
const FPR_CEILING: f64 = 0.0014;

#[test]
fn eval_corpus_recall_and_false_positive_rate() {
    let (config, cases) = scoring::load(&scoring::dir("eval"));
    let scanner = Scanner::new(config).unwrap();
    let score = scoring::score(&scanner, &cases);
    score.print("eval");
    score.assert_floors(RECALL_FLOOR, FPR_CEILING);
}
