//! The node's metrics: counters, gauges and histograms kept with `prometheus-client`, rendered
//! in the OpenMetrics text format and served on `GET /metrics` when the node's file names a
//! `metrics` address ([`Node::metrics_addr`](crate::Node::metrics_addr)).
//!
//! Every label value comes from a protocol enum or a fixed stage list, so the memory used never
//! depends on what peers send. Names, labels and types are listed in `docs/observability.md`.

pub(crate) mod http;

use std::time::Duration;

use nmp_wire::{Label, pb};
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// Largest request head the metrics endpoint reads: 8 KiB (hyper's smallest read buffer). A
/// longer one is answered `431 Request Header Fields Too Large` and the connection closed.
pub const MAX_REQUEST_BYTES: usize = 8 * 1024;

/// How long the metrics endpoint waits for a complete request head: 5 s. A slower client is
/// disconnected unanswered.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections the metrics endpoint serves at once: 16. Further ones are closed unanswered.
pub const MAX_CONNECTIONS: usize = 16;

/// The media type of the rendered text.
pub(crate) const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the latency histograms' buckets, in seconds (`+Inf` is implied).
const BUCKETS: [f64; 12] = [
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 60.0,
];

/// Largest wire value of an enum whose every value is given a series up front.
const MAX_ENUM_VALUE: i32 = 64;

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

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StageLabel {
    stage: &'static str,
}

type Histograms = Family<StageLabel, Histogram, fn() -> Histogram>;

/// The node's metrics. One per [`Service`](crate::Service).
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    jobs: Family<OutcomeLabel, Counter>,
    errors: Family<CodeLabel, Counter>,
    stages: Histograms,
    commitments: Counter,
    kem_rotations: Counter,
    queued: Gauge,
    running: Gauge,
    datasets: Gauge,
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

impl Default for Metrics {
    fn default() -> Self {
        let metrics = Self {
            registry: Registry::default(),
            jobs: Family::default(),
            errors: Family::default(),
            stages: Family::new_with_constructor(|| Histogram::new(BUCKETS)),
            commitments: Counter::default(),
            kem_rotations: Counter::default(),
            queued: Gauge::default(),
            running: Gauge::default(),
            datasets: Gauge::default(),
        };
        // Every series exists from the start (at zero), so a scrape sees each label value.
        for outcome in values::<pb::Outcome>() {
            let _ = metrics.jobs.get_or_create(&outcome_label(outcome));
        }
        for code in values::<pb::ErrorCode>() {
            let _ = metrics.errors.get_or_create(&code_label(code));
        }
        for stage in Stage::ALL {
            let _ = metrics.stages.get_or_create(&StageLabel {
                stage: stage.name(),
            });
        }
        metrics.registered()
    }
}

impl Metrics {
    fn registered(mut self) -> Self {
        let r = &mut self.registry;
        r.register(
            "nmp_jobs",
            "Jobs that reached an outcome",
            self.jobs.clone(),
        );
        r.register(
            "nmp_request_errors",
            "Requests that ended with an error, by error code",
            self.errors.clone(),
        );
        r.register(
            "nmp_stage_duration_seconds",
            "Time spent in each stage of a request",
            self.stages.clone(),
        );
        r.register(
            "nmp_dataset_commitments",
            "Dataset commitments computed, at start and after a change",
            self.commitments.clone(),
        );
        r.register(
            "nmp_kem_rotations",
            "KEM key rotations",
            self.kem_rotations.clone(),
        );
        r.register(
            "nmp_queued_jobs",
            "Jobs waiting for a run slot",
            self.queued.clone(),
        );
        r.register(
            "nmp_running_jobs",
            "Jobs running in the sandbox",
            self.running.clone(),
        );
        r.register("nmp_datasets", "Datasets served", self.datasets.clone());
        self
    }

    /// Counts a job that reached `outcome`.
    pub(crate) fn job(&self, outcome: pb::Outcome) {
        self.jobs.get_or_create(&outcome_label(outcome)).inc();
    }

    /// Counts a request that ended with `code`.
    pub(crate) fn error(&self, code: pb::ErrorCode) {
        self.errors.get_or_create(&code_label(code)).inc();
    }

    /// Records how long `stage` took for one request.
    pub(crate) fn observe(&self, stage: Stage, elapsed: Duration) {
        let label = StageLabel {
            stage: stage.name(),
        };
        self.stages
            .get_or_create(&label)
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one dataset commitment computed (at start or after a change).
    pub(crate) fn commitment(&self) {
        self.commitments.inc();
    }

    /// Counts one KEM key rotation.
    pub(crate) fn kem_rotation(&self) {
        self.kem_rotations.inc();
    }

    /// Renders every metric in the OpenMetrics text format, with `gauges` as they are now.
    pub(crate) fn render(&self, gauges: Gauges) -> String {
        let as_gauge = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.queued.set(as_gauge(gauges.queued));
        self.running.set(as_gauge(gauges.running));
        self.datasets.set(as_gauge(gauges.datasets));
        let mut out = String::with_capacity(8192);
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// Every value of a wire enum but `UNSPECIFIED` (0).
fn values<E: Label>() -> impl Iterator<Item = E> {
    (1..=MAX_ENUM_VALUE).filter_map(|raw| E::try_from(raw).ok())
}

fn outcome_label(outcome: pb::Outcome) -> OutcomeLabel {
    OutcomeLabel {
        outcome: outcome.label(),
    }
}

fn code_label(code: pb::ErrorCode) -> CodeLabel {
    CodeLabel { code: code.label() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_gauges_and_cumulative_histograms() {
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
            "# TYPE nmp_jobs counter",
            "nmp_jobs_total{outcome=\"completed\"} 1",
            "nmp_jobs_total{outcome=\"trapped\"} 0",
            "nmp_request_errors_total{code=\"replay\"} 1",
            "nmp_request_errors_total{code=\"shutting_down\"} 0",
            "nmp_stage_duration_seconds_bucket{le=\"0.001\",stage=\"run\"} 0",
            "nmp_stage_duration_seconds_bucket{le=\"0.005\",stage=\"run\"} 1",
            "nmp_stage_duration_seconds_bucket{le=\"+Inf\",stage=\"run\"} 2",
            "nmp_stage_duration_seconds_count{stage=\"run\"} 2",
            "nmp_queued_jobs 3",
            "nmp_running_jobs 1",
            "nmp_datasets 2",
            "# EOF",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line}:\n{text}");
        }
        assert!(!text.contains("unspecified"));
    }
}
