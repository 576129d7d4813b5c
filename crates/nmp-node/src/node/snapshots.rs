//! PostgreSQL datasets: the node takes each one's snapshot at start, then on its schedule and on
//! demand ([`Node::refresh`](crate::Node::refresh)), and hands every outcome to the service
//! ([`Service::record_snapshot`]).

use std::{path::PathBuf, sync::Arc};

use nmp_dataset::Source;

use super::Background;
use crate::{Service, service::Served};

/// One PostgreSQL dataset to keep snapshotting.
#[derive(Debug, Clone)]
pub(super) struct Job {
    capability: String,
    name: String,
    dir: PathBuf,
    source: Source,
    /// Held while a snapshot of this dataset is taken: a scheduled and an asked-for snapshot
    /// never write the same temporary file at once.
    taking: Arc<tokio::sync::Mutex<()>>,
}

/// The PostgreSQL datasets and their scheduled snapshot tasks (stopped when dropped).
#[derive(Debug)]
pub(super) struct Snapshots {
    jobs: Vec<Job>,
    _tasks: Vec<Background>,
}

impl Snapshots {
    /// Takes every dataset's snapshot now, one after the other (each recorded as a scheduled
    /// one is); returns how many were taken and committed.
    pub(super) async fn take_all(&self, service: &Arc<Service>) -> usize {
        let mut taken = 0;
        for job in &self.jobs {
            taken += usize::from(take(service, job).await);
        }
        taken
    }
}

/// The PostgreSQL datasets among `served`.
pub(super) fn jobs(served: &[Served]) -> Vec<Job> {
    served
        .iter()
        .filter_map(|s| {
            Some(Job {
                capability: s.capability.clone(),
                name: s.dataset.name().to_owned(),
                dir: s.dataset.path().to_owned(),
                source: s.postgres.clone()?,
                taking: Arc::default(),
            })
        })
        .collect()
}

/// Takes every job's first snapshot, one after the other, and waits for them (a failure is
/// recorded: the dataset is not served and the document says why); then starts a task per
/// job with a `refresh_secs` schedule.
pub(super) async fn start(service: &Arc<Service>, jobs: Vec<Job>) -> Snapshots {
    let mut tasks = Vec::new();
    for job in &jobs {
        take(service, job).await;
        if let Some(period) = job.source.refresh() {
            let service = Arc::clone(service);
            let job = job.clone();
            tasks.push(Background(tokio::spawn(async move {
                let start = tokio::time::Instant::now() + period;
                let mut ticks = tokio::time::interval_at(start, period);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticks.tick().await;
                    take(&service, &job).await;
                }
            })));
        }
    }
    Snapshots {
        jobs,
        _tasks: tasks,
    }
}

/// One snapshot, recorded (and committed) on a blocking thread; whether it was taken and
/// committed.
async fn take(service: &Arc<Service>, job: &Job) -> bool {
    let _taking = job.taking.lock().await;
    let taken = nmp_dataset::snapshot(&job.source, &job.dir).await;
    let service = Arc::clone(service);
    let job = job.clone();
    // A panicked commitment is the same as a failed one: the dataset keeps its last state.
    tokio::task::spawn_blocking(move || service.record_snapshot(&job.capability, &job.name, taken))
        .await
        .unwrap_or(false)
}
