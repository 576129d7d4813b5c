//! Latency samples and their percentiles.

use std::time::Duration;

use serde_json::{Value, json};

/// Sorted latency samples.
#[derive(Debug)]
pub(super) struct Samples(Vec<Duration>);

impl Samples {
    pub(super) fn new(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        Self(samples)
    }

    /// The `p`-th percentile (nearest rank), zero when there are no samples.
    pub(super) fn percentile(&self, p: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1]
    }

    /// The samples, shortest first.
    pub(super) fn as_slice(&self) -> &[Duration] {
        &self.0
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    pub(super) fn mean(&self) -> Duration {
        let total: Duration = self.0.iter().sum();
        total / u32::try_from(self.0.len().max(1)).unwrap_or(u32::MAX)
    }

    /// p50, p99 and mean in milliseconds, as JSON.
    pub(super) fn json(&self) -> Value {
        json!({
            "samples": self.0.len(),
            "p50_ms": ms(self.percentile(50.0)),
            "p99_ms": ms(self.percentile(99.0)),
            "mean_ms": ms(self.mean()),
        })
    }
}

/// A duration in milliseconds, rounded to microseconds.
pub(super) fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples = Samples::new((1..=100).rev().map(Duration::from_millis).collect());
        assert_eq!(samples.percentile(50.0), Duration::from_millis(50));
        assert_eq!(samples.percentile(99.0), Duration::from_millis(99));
        assert_eq!(samples.percentile(100.0), Duration::from_millis(100));
        assert_eq!(samples.mean(), Duration::from_micros(50_500));
        assert_eq!(Samples::new(Vec::new()).percentile(50.0), Duration::ZERO);
    }
}
