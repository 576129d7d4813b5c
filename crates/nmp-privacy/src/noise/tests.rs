//! The mechanism checked statistically, and the accounting against OpenDP's own accountant.

use opendp::combinators::make_composition;

use super::*;
use crate::{Budget, Charge, Ledger, Noise, Policy, Settings, Shaped};

/// Draws of the statistical test: with 20,000 draws the sample mean of Laplace(b) has a
/// standard deviation of b·√2/√20000 ≈ 0.01·b, its variance (kurtosis 6) about 0.016·(2b²).
const DRAWS: usize = 20_000;

#[test]
fn laplace_draws_match_the_mechanism_mean_and_spread() {
    for (sensitivity, epsilon, value) in [(1.0, 0.5, 10.0), (120.0, 1.0, 60.0)] {
        let m = calibrate(sensitivity, epsilon).unwrap();
        let b = scale(sensitivity, epsilon);
        let draws: Vec<f64> = (0..DRAWS)
            .map(|_| release(&m, value, f64::MIN, f64::MAX).unwrap() - value)
            .collect();
        let n = DRAWS as f64;
        let mean = draws.iter().sum::<f64>() / n;
        let variance = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let mad = draws.iter().map(|d| d.abs()).sum::<f64>() / n;
        // Five standard errors each: a false failure about once in a million runs.
        let mean_se = (2.0 * b * b / n).sqrt();
        assert!(mean.abs() < 5.0 * mean_se, "mean {mean}, b {b}");
        let var_se = 2.0 * b * b * (5.0 / n).sqrt();
        assert!(
            (variance - 2.0 * b * b).abs() < 5.0 * var_se,
            "var {variance}, b {b}"
        );
        // E|X| = b, Var|X| = b².
        assert!(
            (mad - b).abs() < 5.0 * b / n.sqrt(),
            "mean |x| {mad}, b {b}"
        );
        // The tails: P(|X| > 3b) = e^-3 ≈ 0.0498.
        let tail = draws.iter().filter(|d| d.abs() > 3.0 * b).count() as f64 / n;
        let tail_se = (0.0498 * (1.0 - 0.0498) / n).sqrt();
        assert!(
            (tail - (-3.0f64).exp()).abs() < 5.0 * tail_se,
            "tail {tail}"
        );
    }
}

fn counts_policy() -> Settings {
    Settings {
        noise: vec![
            Noise {
                pointer: "/groups/*/count".into(),
                lower: 0.0,
                upper: 1000.0,
                sensitivity: Some(1.0),
                epsilon: 0.3,
                decimals: 6,
            },
            Noise {
                pointer: "/mean_age".into(),
                lower: 0.0,
                upper: 120.0,
                sensitivity: None,
                epsilon: 0.2,
                decimals: 6,
            },
        ],
        budget: Some(Budget {
            window_secs: 60,
            queries: None,
            bytes: None,
            epsilon: Some(5.0),
        }),
        ..Settings::default()
    }
}

#[test]
fn the_charge_per_query_bounds_opendps_composition_of_what_was_released() {
    let settings = counts_policy();
    let policy = Policy::new(settings.clone(), None).unwrap();
    let output = br#"{"groups":[{"count":40},{"count":12},{"count":7}],"mean_age":41}"#;
    assert!(matches!(
        policy.apply(output).unwrap(),
        Shaped::Rewritten(_)
    ));
    // What apply released: three counts at ε 0.3/3 each (sensitivity 1) and one mean at ε 0.2
    // (sensitivity 120). OpenDP composes them on one input at distance 1 record: each
    // measurement is fed the distance its own sensitivity declares, so compose the maps.
    let counts: Vec<Mechanism> = (0..3).map(|_| calibrate(1.0, 0.1).unwrap()).collect();
    let mean = calibrate(120.0, 0.2).unwrap();
    let composed_counts = make_composition(counts).unwrap().map(&1.0).unwrap();
    let composed_mean = make_composition(vec![mean]).unwrap().map(&120.0).unwrap();
    let library = composed_counts + composed_mean;
    let charged = settings.epsilon_per_query();
    assert!(
        library <= charged,
        "OpenDP says {library}, charged {charged}"
    );
    assert!(
        library > charged * 0.999,
        "OpenDP says {library}, charged {charged}"
    );
}

#[test]
fn the_ledger_total_matches_opendp_over_many_queries() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("l.redb"), 10).unwrap();
    let settings = counts_policy();
    let budget = settings.budget.unwrap();
    let account = crate::Account {
        dataset: "d",
        agent: b"a",
        budget: &budget,
    };
    let charge = Charge {
        queries: 1,
        bytes: 0,
        epsilon: settings.epsilon_per_query(),
    };
    // Ten queries of one count each at ε 0.3 and one mean at ε 0.2: basic composition.
    let mut released: Vec<Mechanism> = Vec::new();
    let mut spent = 0.0;
    for _ in 0..10 {
        spent = ledger.charge(&[(account, charge)], 0).unwrap()[0]
            .spent
            .epsilon;
        released.push(calibrate(1.0, 0.3).unwrap());
    }
    let counts = make_composition(released).unwrap().map(&1.0).unwrap();
    let means = make_composition((0..10).map(|_| calibrate(120.0, 0.2).unwrap()).collect())
        .unwrap()
        .map(&120.0)
        .unwrap();
    let library = counts + means;
    assert!((spent - 5.0).abs() < 1e-9, "{spent}");
    // OpenDP rounds each map and the sum upward; the ledger sums in round-to-nearest, so the
    // two agree to a few ulps (the ledger compares against budgets with 1e-9 relative slack).
    assert!(library <= spent * (1.0 + 1e-12), "{library} vs {spent}");
    assert!(library > spent * 0.999, "{library} vs {spent}");
    // The budget is now spent: the eleventh query is refused.
    assert!(ledger.charge(&[(account, charge)], 0).is_err());
}
