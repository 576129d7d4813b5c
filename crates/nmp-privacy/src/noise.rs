//! The Laplace mechanism, from OpenDP: calibration to a declared sensitivity and ε, and one
//! release.
//!
//! OpenDP samples the discrete Laplace distribution on a grid of 2^k (k chosen from the scale)
//! with exact arithmetic over random bits (GRS12, CKS20), so the release has none of the
//! floating-point weaknesses of `scale * ln(u)` samplers. Its random bits come from OpenSSL's
//! `RAND_priv_bytes`, a CSPRNG seeded by the operating system (the crate's `use-openssl`
//! feature); ε is whatever OpenDP's own privacy map says the calibrated measurement spends.

use opendp::{
    core::Measurement, domains::AtomDomain, measurements::make_laplace, measures::MaxDivergence,
    metrics::AbsoluteDistance,
};

/// A Laplace measurement on one `f64`, calibrated so that OpenDP's privacy map at the declared
/// sensitivity is at most the ε it was asked for.
pub(crate) type Mechanism = Measurement<AtomDomain<f64>, AbsoluteDistance<f64>, MaxDivergence, f64>;

/// Rounds of widening the scale when OpenDP's conservative rounding puts ε above the target.
const CALIBRATION_ROUNDS: usize = 64;

/// Why noise could not be added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NoiseError {
    /// OpenDP refused the parameters or failed to sample (e.g. its random source failed); the
    /// output does not leave.
    #[error("the differential privacy library failed: {0}")]
    Library(String),
    /// No scale within the calibration rounds keeps ε within its target.
    #[error("cannot calibrate Laplace noise to ε {0}")]
    Calibration(f64),
}

impl From<opendp::error::Error> for NoiseError {
    fn from(e: opendp::error::Error) -> Self {
        // OpenDP's error holds a backtrace that is neither Send nor Sync: keep its message.
        Self::Library(format!(
            "{:?}: {}",
            e.variant,
            e.message.unwrap_or_default()
        ))
    }
}

/// A Laplace mechanism for values of L1 sensitivity `sensitivity`, spending at most `epsilon`
/// by OpenDP's privacy map. Both must be finite and positive.
pub(crate) fn calibrate(sensitivity: f64, epsilon: f64) -> Result<Mechanism, NoiseError> {
    let mut scale = sensitivity / epsilon;
    for _ in 0..CALIBRATION_ROUNDS {
        let mechanism = make_laplace(
            AtomDomain::<f64>::new_non_nan(),
            AbsoluteDistance::<f64>::default(),
            scale,
            None,
        )?;
        if mechanism.map(&sensitivity)? <= epsilon {
            return Ok(mechanism);
        }
        scale *= 1.0 + 1e-9;
    }
    Err(NoiseError::Calibration(epsilon))
}

/// The Laplace scale the node calibrates a noised value to: `sensitivity / epsilon` (before
/// OpenDP's rounding, which only widens it).
pub fn scale(sensitivity: f64, epsilon: f64) -> f64 {
    sensitivity / epsilon
}

/// `value` rounded to `decimals` places (post-processing: no ε).
pub(crate) fn round(value: f64, decimals: u32) -> f64 {
    let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(0));
    (value * scale).round() / scale
}

/// `value` clamped into `[lower, upper]`, plus noise from `mechanism`.
pub(crate) fn release(
    mechanism: &Mechanism,
    value: f64,
    lower: f64,
    upper: f64,
) -> Result<f64, NoiseError> {
    Ok(mechanism.invoke(&value.clamp(lower, upper))?)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn calibration_keeps_the_library_epsilon_within_target() {
        for (sensitivity, epsilon) in [(1.0, 0.1), (120.0, 0.5), (0.001, 3.0)] {
            let m = calibrate(sensitivity, epsilon).unwrap();
            let spent = m.map(&sensitivity).unwrap();
            assert!(spent <= epsilon, "{spent} > {epsilon}");
            assert!(spent > epsilon * 0.999, "{spent} far below {epsilon}");
        }
    }

    #[test]
    fn release_clamps_before_noise() {
        // Tiny noise: the clamped value dominates.
        let m = calibrate(1e-9, 10.0).unwrap();
        let out = release(&m, 1e9, 0.0, 10.0).unwrap();
        assert!((out - 10.0).abs() < 1e-3, "{out}");
    }
}
