//! The node's metrics: counters and histograms updated as requests pass, rendered in the
//! Prometheus text exposition format 0.0.4 and served on `GET /metrics` when the node's file
//! names a `metrics` address ([`Node::metrics_addr`](crate::Node::metrics_addr)).
//!
//! Every label set is fixed (outcomes, error codes, stages), so the memory used never depends
//! on what peers send. Names, labels and types are listed in `docs/observability.md`.

pub(crate) mod http;

use std::{
    fmt::Write as _,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use nmp_wire::{Label as _, pb};

/// Largest request head the metrics endpoint reads: 8 KiB. A longer one is answered
/// `400 Bad Request` and the connection closed.
pub const MAX_REQUEST_BYTES: usize = 8 * 1024;

/// How long the metrics endpoint waits for a complete request head: 5 s. A slower client is
/// disconnected unanswered.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections the metrics endpoint serves at once: 16. Further ones are closed unanswered.
pub const MAX_CONNECTIONS: usize = 16;

/// Outcome values on the wire (`pb::Outcome`, `OUTCOME_UNSPECIFIED` included).
const OUTCOMES: usize = 8;
/// Error codes on the wire (`pb::ErrorCode`, `ERROR_CODE_UNSPECIFIED` included).
const ERROR_CODES: usize = 15;
/// Upper bounds of the latency histograms' buckets, in seconds (`+Inf` is implied).
const BUCKETS: [f64; 12] = [
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 60.0,
];

/// A stage of a request whose duration is recorded.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stage {
    /// Envelope, policy and Guardian checks, until the job is admitted or refused.
    Validate,
    /// Waiting for a run slot.
    Queue,
    /// The sandbox run, compilation included.
    Run,
    /// The egress filter's scans.
    Filter,
    /// The whole request, to its last event.
    Total,
}

impl Stage {
    const ALL: [Self; 5] = [
        Self::Validate,
        Self::Queue,
        Self::Run,
        Self::Filter,
        Self::Total,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Validate => "validate",
            Self::Queue => "queue",
            Self::Run => "run",
            Self::Filter => "filter",
            Self::Total => "total",
        }
    }
}

/// A latency histogram with [`BUCKETS`] (non-cumulative counts; summed when rendered).
#[derive(Debug, Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_us: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let index = BUCKETS
            .iter()
            .position(|&bound| seconds <= bound)
            .unwrap_or(BUCKETS.len());
        self.buckets[index].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_us.fetch_add(micros, Ordering::Relaxed);
    }
}

/// The node's counters and histograms. One per [`Service`](crate::Service).
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    jobs: [AtomicU64; OUTCOMES],
    errors: [AtomicU64; ERROR_CODES],
    stages: [Histogram; Stage::ALL.len()],
    commitments: AtomicU64,
    kem_rotations: AtomicU64,
}

/// Values read from the service when the metrics are rendered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gauges {
    /// Jobs waiting for a run slot.
    pub(crate) queued: usize,
    /// Jobs holding a run slot.
    pub(crate) running: usize,
    /// Datasets served.
    pub(crate) datasets: usize,
}

impl Metrics {
    /// Counts a job that reached `outcome`.
    pub(crate) fn job(&self, outcome: pb::Outcome) {
        count(&self.jobs, outcome as usize);
    }

    /// Counts a request that ended with `code`.
    pub(crate) fn error(&self, code: pb::ErrorCode) {
        count(&self.errors, code as usize);
    }

    /// Records how long `stage` took for one request.
    pub(crate) fn observe(&self, stage: Stage, elapsed: Duration) {
        self.stages[stage as usize].observe(elapsed);
    }

    /// Counts one dataset commitment computed (at start or after a change).
    pub(crate) fn commitment(&self) {
        self.commitments.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one KEM key rotation.
    pub(crate) fn kem_rotation(&self) {
        self.kem_rotations.fetch_add(1, Ordering::Relaxed);
    }

    /// Renders every metric in the text exposition format 0.0.4.
    pub(crate) fn render(&self, gauges: Gauges) -> String {
        let mut out = String::with_capacity(4096);
        header(
            &mut out,
            "nmp_jobs_total",
            "counter",
            "Jobs that reached an outcome.",
        );
        for (i, value) in self.jobs.iter().enumerate().skip(1) {
            if let Ok(outcome) = pb::Outcome::try_from(i as i32) {
                let outcome = outcome.label();
                sample(
                    &mut out,
                    "nmp_jobs_total",
                    &format!("outcome=\"{outcome}\""),
                    value,
                );
            }
        }
        header(
            &mut out,
            "nmp_request_errors_total",
            "counter",
            "Requests that ended with an error, by error code.",
        );
        for (i, value) in self.errors.iter().enumerate().skip(1) {
            if let Ok(code) = pb::ErrorCode::try_from(i as i32) {
                let code = code.label();
                let labels = format!("code=\"{code}\"");
                sample(&mut out, "nmp_request_errors_total", &labels, value);
            }
        }
        self.render_stages(&mut out);
        let counters = [
            (
                "nmp_dataset_commitments_total",
                "Dataset commitments computed, at start and after a change.",
                &self.commitments,
            ),
            (
                "nmp_kem_rotations_total",
                "KEM key rotations.",
                &self.kem_rotations,
            ),
        ];
        for (name, help, value) in counters {
            header(&mut out, name, "counter", help);
            sample(&mut out, name, "", value);
        }
        let gauges = [
            (
                "nmp_queued_jobs",
                "Jobs waiting for a run slot.",
                gauges.queued,
            ),
            (
                "nmp_running_jobs",
                "Jobs running in the sandbox.",
                gauges.running,
            ),
            ("nmp_datasets", "Datasets served.", gauges.datasets),
        ];
        for (name, help, value) in gauges {
            header(&mut out, name, "gauge", help);
            let _ = writeln!(out, "{name} {value}");
        }
        out
    }

    fn render_stages(&self, out: &mut String) {
        let name = "nmp_stage_duration_seconds";
        header(
            out,
            name,
            "histogram",
            "Time spent in each stage of a request.",
        );
        for stage in Stage::ALL {
            let histogram = &self.stages[stage as usize];
            let stage = stage.name();
            let mut cumulative = 0u64;
            for (i, count) in histogram.buckets.iter().enumerate() {
                cumulative += count.load(Ordering::Relaxed);
                let le = BUCKETS.get(i).map_or("+Inf".to_owned(), f64::to_string);
                let _ = writeln!(
                    out,
                    "{name}_bucket{{stage=\"{stage}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let sum = histogram.sum_us.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(out, "{name}_sum{{stage=\"{stage}\"}} {sum}");
            let _ = writeln!(out, "{name}_count{{stage=\"{stage}\"}} {cumulative}");
        }
    }
}

fn count(counters: &[AtomicU64], index: usize) {
    // Codes outside the table (none today) count as unspecified rather than vanish.
    let slot = counters.get(index).unwrap_or(&counters[0]);
    slot.fetch_add(1, Ordering::Relaxed);
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &str, value: &AtomicU64) {
    let value = value.load(Ordering::Relaxed);
    if labels.is_empty() {
        let _ = writeln!(out, "{name} {value}");
    } else {
        let _ = writeln!(out, "{name}{{{labels}}} {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_histograms() {
        let metrics = Metrics::default();
        metrics.job(pb::Outcome::Completed);
        metrics.error(pb::ErrorCode::Replay);
        metrics.observe(Stage::Run, Duration::from_millis(2));
        metrics.observe(Stage::Run, Duration::from_secs(100));
        let text = metrics.render(Gauges {
            queued: 3,
            running: 1,
            datasets: 2,
        });
        for line in [
            "nmp_jobs_total{outcome=\"completed\"} 1",
            "nmp_jobs_total{outcome=\"trapped\"} 0",
            "nmp_request_errors_total{code=\"replay\"} 1",
            "nmp_stage_duration_seconds_bucket{stage=\"run\",le=\"0.001\"} 0",
            "nmp_stage_duration_seconds_bucket{stage=\"run\",le=\"0.005\"} 1",
            "nmp_stage_duration_seconds_bucket{stage=\"run\",le=\"+Inf\"} 2",
            "nmp_stage_duration_seconds_count{stage=\"run\"} 2",
            "nmp_queued_jobs 3",
            "nmp_running_jobs 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line}:\n{text}");
        }
        assert!(!text.contains("unspecified"));
    }
}
