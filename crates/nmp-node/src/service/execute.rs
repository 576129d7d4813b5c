//! One request through the service: metadata → envelope → policy and rate → Guardian → queue →
//! sandbox → egress filter → receipt → sealed result, with a status event as each stage starts.

mod events;
pub(super) mod quantum;
mod record;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use nmp_crypto::{PeerId, envelope::ResponseKey};
use nmp_wire::{
    Label as _, limits,
    pb::{self, logic_response::Event},
};
use tokio::sync::{OwnedSemaphorePermit, TryAcquireError, mpsc};
use tracing::{Instrument as _, field};

use self::events::Events;
pub(super) use self::events::Refusal;
use super::{Mounted, Origin, RESPONSE_BUFFER, Service, mounted::Facts, report};
use crate::{Commitment, Dataset, Execution, Job, Protected, metrics::Stage, receipt::Context};

/// A mounted dataset's commitment, with the database snapshot its files hold (if any), as the
/// receipt names them.
type Committed = (Commitment, Option<pb::DatasetSnapshot>);

/// Holds a place in the job queue; leaving (by any path) frees it.
struct QueuePlace<'a>(&'a AtomicUsize);

impl Drop for QueuePlace<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Service {
    /// Handles one request and returns its response stream: `Status` events (`VALIDATING`,
    /// `QUEUED` with the queue position, `RUNNING`), then exactly one `LogicResult` (everything
    /// about the run sealed to the agent) or `Error`, then the end of the stream. Nothing is sent
    /// between `RUNNING` and the result, which is held back to the capability's response quantum
    /// when it has one (the job keeps its run slot until then). Every response carries the
    /// request id (empty when the request's is not 16 bytes). `now_ms` is the node's clock
    /// (Unix milliseconds) for the envelope's window and the rate limit; `origin` is where the
    /// transport received the request (rate-limited in open mode). `COMPILING` is not
    /// announced separately: compilation happens inside the sandbox run (and is cached).
    ///
    /// Must be called inside a Tokio runtime: the request runs on a spawned task, the sandbox
    /// on a blocking thread. Dropping the receiver cancels the request at any stage: while it
    /// is admitted or queued, or while its guest runs (the guest is stopped within one epoch
    /// tick and its run slot freed). At most
    /// [`RESPONSE_BUFFER`] responses wait unread.
    ///
    /// Logs under a `request` span (request id, agent, capability): `accepted`, then `finished`
    /// with the outcome and wall time, or `refused` with the error code. Never payloads.
    pub fn execute(
        self: &Arc<Self>,
        request: pb::LogicRequest,
        origin: Origin,
        now_ms: u64,
    ) -> mpsc::Receiver<pb::LogicResponse> {
        let (tx, rx) = mpsc::channel(RESPONSE_BUFFER);
        let service = Arc::clone(self);
        let request_id = if request.request_id.len() == limits::REQUEST_ID_BYTES {
            request.request_id.clone()
        } else {
            Vec::new()
        };
        // An over-long name is refused below; it is not worth a log line of its own.
        let capability = if request.capability.len() <= limits::MAX_CAPABILITY_BYTES {
            request.capability.as_str()
        } else {
            "(too long)"
        };
        let span = tracing::info_span!(
            "request",
            id = %hex::encode(&request_id),
            agent = field::Empty,
            capability = ?capability,
        );
        let task = async move {
            let events = Events {
                tx,
                request_id,
                started: Instant::now(),
            };
            let end = match service.handle(&request, origin, now_ms, &events).await {
                Ok(result) => Event::Result(result),
                Err(refusal) => {
                    refusal.log();
                    service.metrics.error(refusal.code);
                    Event::Error(pb::Error {
                        code: refusal.code as i32,
                        message: refusal.message,
                        renews_at_ms: refusal.renews_at_ms,
                    })
                }
            };
            // The caller may be gone; there is no one left to tell.
            let _ = events.send(end).await;
            service
                .metrics
                .observe(Stage::Total, events.started.elapsed());
        };
        tokio::spawn(task.instrument(span));
        rx
    }

    async fn handle(
        self: &Arc<Self>,
        request: &pb::LogicRequest,
        origin: Origin,
        now_ms: u64,
        events: &Events,
    ) -> Result<pb::LogicResult, Refusal> {
        if self.slots.is_closed() {
            return Err(Refusal::shutting_down());
        }
        let mounted = self.mounted(request)?;
        let attestation = self.receipt_attestation(request, now_ms)?;
        // The facts as the job is admitted: a re-commitment during the run applies to later
        // requests.
        let facts = served(&request.capability, mounted)?;
        let envelope = |e: nmp_crypto::envelope::OpenError| {
            Refusal::new(report::open_error_code(&e), e.to_string())
        };
        // Policy sits between the signature and the decapsulation: a refused agent costs one
        // signature check and is never recorded in the replay cache.
        let verified = self.keyring.verify(request, now_ms).map_err(envelope)?;
        let agent = verified.agent();
        tracing::Span::current().record("agent", field::display(&agent));
        self.admission
            .admit(&agent, origin, now_ms)
            .map_err(|denial| Refusal::new(denial.code(), denial.to_string()))?;
        let opened = verified.open().map_err(envelope)?;
        tracing::info!("accepted");
        events.status(pb::Stage::Validating, 0).await?;
        let payload = Arc::new(opened.payload);
        let service = Arc::clone(self);
        let module = Arc::clone(&payload);
        let guardian =
            tokio::task::spawn_blocking(move || service.pipeline.guardian().inspect(&module.wasm))
                .await
                .map_err(|e| Refusal::internal("the Guardian failed", e))?;
        self.metrics
            .observe(Stage::Validate, events.started.elapsed());
        let datasets: Vec<Dataset> = facts.iter().map(|f| f.dataset.clone()).collect();
        let committed: Vec<Committed> = facts
            .iter()
            .map(|f| (f.commitment, f.snapshot.clone()))
            .collect();
        let protected: Vec<Protected> =
            mounted.iter().filter_map(|m| m.protected.clone()).collect();
        let quantum = quantum::of(mounted);
        let (execution, _slot, privacy) = if guardian.is_accepted() {
            let compiled = |module: &[u8; 32]| self.pipeline.sandbox().is_compiled(module);
            let compile = self
                .compiles
                .admit(
                    &opened.agent,
                    origin,
                    *guardian.module_sha256.as_bytes(),
                    compiled,
                    now_ms,
                )
                .map_err(|refused| Refusal::new(refused.code(), refused.to_string()))?;
            let queued = Instant::now();
            let permit = self.run_slot(events).await?;
            self.metrics.observe(Stage::Queue, queued.elapsed());
            // Charged durably before the guest starts: a refusal here ran nothing.
            self.charge_run(&protected, &opened.agent, now_ms).await?;
            events.status(pb::Stage::Running, 0).await?;
            let running = Instant::now();
            let module_sha256 = guardian.module_sha256.to_string();
            let execution = self
                .run(
                    &payload,
                    &datasets,
                    &protected,
                    request.limits.as_ref(),
                    guardian,
                    events,
                )
                .await;
            // When a run slot frees is visible to every other agent (its queue position, when
            // its own run starts). Under a response quantum the slot is held until this
            // request's release, so that moment says no more than the result's own time.
            let slot = if quantum.is_zero() {
                drop(permit);
                None
            } else {
                Some(permit)
            };
            let ran = execution.as_ref().ok().and_then(|e| e.run.as_ref());
            compile.charge(ran.ok_or_else(|| running.elapsed()));
            let execution = match execution {
                Ok(execution) => execution,
                Err(refusal) => {
                    // The guest ran on the owner's data even if nobody reads the answer.
                    if refusal.code == pb::ErrorCode::Cancelled {
                        let entry =
                            record::cancelled(request, &opened.agent, module_sha256, now_ms);
                        self.append(entry)?;
                    } else {
                        // A failure after RUNNING is timed like a result: held to the quantum.
                        quantum::hold(events.started, quantum).await;
                    }
                    return Err(refusal);
                }
            };
            if let Err(refusal) = self.read_as_committed(&request.capability, &facts).await {
                quantum::hold(events.started, quantum).await;
                return Err(refusal);
            }
            let filter = execution
                .egress
                .as_ref()
                .map_or(Duration::ZERO, |f| f.elapsed);
            self.metrics.observe(Stage::Filter, filter);
            self.metrics
                .observe(Stage::Run, running.elapsed().saturating_sub(filter));
            let charged = self
                .charge_output(&protected, &opened.agent, &execution, now_ms)
                .await;
            let privacy = match charged {
                Ok(privacy) => privacy,
                Err(refusal) => {
                    // The answer is discarded, timed like any failure after RUNNING.
                    quantum::hold(events.started, quantum).await;
                    return Err(refusal);
                }
            };
            (execution, slot, privacy)
        } else {
            // A rejected module never takes a run slot and is charged nothing; its report and
            // the agent's own standing (an empty module is how an agent asks) are the answer.
            let execution = Execution {
                guardian,
                run: None,
                egress: None,
                privacy: None,
            };
            let standings = self.standings(&protected, &opened.agent, now_ms).await?;
            (execution, None, standings)
        };
        let job = Job {
            wasm: &payload.wasm,
            input: &payload.input,
            datasets: &datasets,
            limits: None,
        };
        let receipt = self.receipt(
            request,
            &opened.agent,
            &committed,
            (&job, &execution),
            (privacy, attestation),
            now_ms,
        );
        let outcome = crate::receipt::wire_outcome(execution.outcome());
        self.metrics.job(outcome);
        tracing::info!(
            outcome = outcome.label(),
            wall_time_us = execution
                .run
                .as_ref()
                .map_or(0, |r| r.stats.wall_time.as_micros()),
            "finished"
        );
        self.audit(request, &opened.agent, &execution, &receipt, now_ms)?;
        let result = self.result(&execution, &opened.response_key, receipt);
        quantum::hold(events.started, quantum).await;
        Ok(result)
    }

    /// Refuses the answer of a run, `ERROR_CODE_OVERLOADED` (retry), when a dataset's files
    /// changed since the commitment the receipt would name was computed: the guest may have
    /// read other bytes. The dataset is re-committed meanwhile, so the retry binds the new
    /// contents.
    async fn read_as_committed(
        self: &Arc<Self>,
        capability: &str,
        facts: &[Facts],
    ) -> Result<(), Refusal> {
        let service = Arc::clone(self);
        let (capability, facts) = (capability.to_owned(), facts.to_vec());
        let changed =
            tokio::task::spawn_blocking(move || service.changed_since(&capability, &facts))
                .await
                .map_err(|e| Refusal::internal("the dataset check failed", e))?;
        match changed {
            None => Ok(()),
            Some(name) => {
                tracing::warn!(dataset = %name, "dataset changed during the run; answer withheld");
                let message = format!(
                    "dataset `{name}` changed while the job ran; the answer is withheld and the node is committing to the new files: retry"
                );
                Err(Refusal::new(pb::ErrorCode::Overloaded, message))
            }
        }
    }

    /// The datasets of the capability a well-formed request names.
    fn mounted(&self, request: &pb::LogicRequest) -> Result<&[Mounted], Refusal> {
        let id_len = request.request_id.len();
        if id_len != limits::REQUEST_ID_BYTES {
            let message = format!("request id is {id_len} bytes, expected 16");
            return Err(Refusal::new(pb::ErrorCode::Malformed, message));
        }
        let cap_len = request.capability.len();
        if cap_len > limits::MAX_CAPABILITY_BYTES {
            let message = format!("capability name is {cap_len} bytes, limit 256");
            return Err(Refusal::new(pb::ErrorCode::TooLarge, message));
        }
        self.capabilities
            .get(&request.capability)
            .map(Vec::as_slice)
            .ok_or_else(|| {
                let message = format!("no dataset serves `{}`", request.capability);
                Refusal::new(pb::ErrorCode::UnknownCapability, message)
            })
    }

    /// The attestation a `RECEIPT_KIND_TEE` receipt will carry: the one binding the KEM key
    /// the request is sealed to (`None` for a signed receipt). Refused with `UNSUPPORTED`
    /// before anything is opened when this node has none for that key, or for another kind.
    fn receipt_attestation(
        &self,
        request: &pb::LogicRequest,
        now_ms: u64,
    ) -> Result<Option<pb::Attestation>, Refusal> {
        match pb::ReceiptKind::try_from(request.receipt_kind) {
            Ok(pb::ReceiptKind::Signed) => Ok(None),
            Ok(pb::ReceiptKind::Tee) => {
                let key_id = request.envelope.as_ref().map(|e| e.kem_key_id.as_slice());
                key_id
                    .and_then(|id| self.attestation_for_key_id(id, now_ms))
                    .map(Some)
                    .ok_or_else(|| {
                        let message = "no attestation binds the KEM key the request is sealed to";
                        Refusal::new(pb::ErrorCode::Unsupported, message)
                    })
            }
            _ => {
                let message = format!("receipt kind {} is not offered", request.receipt_kind);
                Err(Refusal::new(pb::ErrorCode::Unsupported, message))
            }
        }
    }

    /// Waits for a run slot, announcing the queue position; refuses when the queue is full and
    /// gives up when the caller goes away.
    async fn run_slot(&self, events: &Events) -> Result<OwnedSemaphorePermit, Refusal> {
        match Arc::clone(&self.slots).try_acquire_owned() {
            Ok(permit) => {
                events.status(pb::Stage::Queued, 0).await?;
                return Ok(permit);
            }
            Err(TryAcquireError::Closed) => return Err(Refusal::shutting_down()),
            Err(TryAcquireError::NoPermits) => {}
        }
        let ahead = self.queued.fetch_add(1, Ordering::SeqCst);
        let _place = QueuePlace(&self.queued);
        if ahead >= self.config.max_queued_jobs {
            let message = format!("{ahead} jobs already queued");
            return Err(Refusal::new(pb::ErrorCode::Overloaded, message));
        }
        let position = u32::try_from(ahead + 1).unwrap_or(u32::MAX);
        events.status(pb::Stage::Queued, position).await?;
        tokio::select! {
            permit = Arc::clone(&self.slots).acquire_owned() => {
                permit.map_err(|_| Refusal::shutting_down())
            }
            () = events.tx.closed() => Err(Refusal::cancelled()),
        }
    }

    /// Runs the admitted module on a blocking thread under the requested limits; when the
    /// caller goes away, the guest is stopped and the request ends as cancelled.
    async fn run(
        self: &Arc<Self>,
        payload: &Arc<pb::LogicPayload>,
        datasets: &[Dataset],
        protected: &[Protected],
        requested: Option<&pb::RequestedLimits>,
        guardian: nmp_guardian::Report,
        events: &Events,
    ) -> Result<Execution, Refusal> {
        let limits = self.limits(requested);
        let service = Arc::clone(self);
        let payload = Arc::clone(payload);
        let datasets = datasets.to_vec();
        let protected = protected.to_vec();
        crate::pipeline::spawn_cancellable(events.tx.closed(), move |cancel| {
            let job = Job {
                wasm: &payload.wasm,
                input: &payload.input,
                datasets: &datasets,
                limits: Some(&limits),
            };
            service
                .pipeline
                .execute_protected(job, guardian, cancel, &protected)
        })
        .await
        .map_err(|e| Refusal::internal("the run failed", e))?
        .map_err(|e| match e {
            crate::PipelineError::Cancelled => Refusal::cancelled(),
            e => match super::compiles::run_failure(&e) {
                (pb::ErrorCode::Internal, _) => Refusal::internal("the sandbox failed", e),
                (code, message) => Refusal::new(code, message),
            },
        })
    }

    /// The node's limits, tightened (never loosened) by what the agent asked for; 0 = default.
    fn limits(&self, requested: Option<&pb::RequestedLimits>) -> nmp_sandbox::Limits {
        let mut limits = self.config.node.sandbox.limits.clone();
        if let Some(r) = requested {
            if r.timeout_ms > 0 {
                limits.timeout = limits.timeout.min(Duration::from_millis(r.timeout_ms));
            }
            if r.memory_bytes > 0 {
                limits.memory_bytes = limits.memory_bytes.min(r.memory_bytes);
            }
            if r.fuel > 0 {
                limits.fuel = Some(limits.fuel.map_or(r.fuel, |fuel| fuel.min(r.fuel)));
            }
        }
        limits
    }

    /// Signs the receipt of a run, with what the privacy controls applied and charged: a
    /// `RECEIPT_KIND_TEE` receipt carrying `attestation` when there is one.
    fn receipt(
        &self,
        request: &pb::LogicRequest,
        agent: &PeerId,
        committed: &[Committed],
        (job, execution): (&Job<'_>, &Execution),
        (privacy, attestation): (Vec<pb::PrivacyApplied>, Option<pb::Attestation>),
        issued_at_ms: u64,
    ) -> pb::Receipt {
        let agent_peer_id = agent.to_bytes();
        let datasets: Vec<_> = job
            .datasets
            .iter()
            .zip(committed.iter().map(|(commitment, _)| *commitment))
            .collect();
        let context = Context {
            request_id: &request.request_id,
            capability: &request.capability,
            agent_peer_id: &agent_peer_id,
            datasets: &datasets,
            issued_at_ms,
        };
        let mut body = self.pipeline.receipt_body(job, execution, &context);
        for (entry, (_, snapshot)) in body.datasets.iter_mut().zip(committed) {
            entry.snapshot.clone_from(snapshot);
        }
        body.privacy = privacy;
        match attestation {
            Some(attestation) => {
                nmp_crypto::receipt::sign_attested(&self.identity, &body, attestation)
            }
            None => nmp_crypto::receipt::sign(&self.identity, &body),
        }
    }

    /// The result as it travels: everything the agent may learn, sealed to it.
    fn result(
        &self,
        execution: &Execution,
        key: &ResponseKey,
        receipt: pb::Receipt,
    ) -> pb::LogicResult {
        let payload = pb::ResponsePayload {
            stdout: execution.stdout().unwrap_or_default().to_vec(),
            stderr: execution.stderr().unwrap_or_default().to_vec(),
            outcome: crate::receipt::wire_outcome(execution.outcome()) as i32,
            guardian: Some(report::guardian(&execution.guardian)),
            egress: Some(report::egress_summary(
                execution,
                self.pipeline.egress_rule_set_digest(),
            )),
            receipt: Some(receipt),
        };
        pb::LogicResult {
            sealed: Some(key.seal_response(&payload)),
        }
    }

    /// Writes the run's exact figures to the owner's audit log, when the node keeps one. A
    /// node that cannot record a run does not answer it.
    fn audit(
        &self,
        request: &pb::LogicRequest,
        agent: &PeerId,
        execution: &Execution,
        receipt: &pb::Receipt,
        accepted_at_ms: u64,
    ) -> Result<(), Refusal> {
        self.append(record::entry(
            request,
            agent,
            execution,
            receipt,
            accepted_at_ms,
        ))
    }

    /// Appends one entry to the owner's audit log, when the node keeps one.
    fn append(&self, entry: crate::audit::Entry) -> Result<(), Refusal> {
        let Some(log) = &self.audit else {
            return Ok(());
        };
        log.append(entry).map_err(|e| {
            tracing::error!(error = %e, "cannot write the audit log");
            Refusal::internal("the audit log", e)
        })
    }
}

/// The facts of every dataset of `capability`; refused when one of them is not served now
/// (its capability document entry says why).
fn served(capability: &str, mounted: &[Mounted]) -> Result<Vec<Facts>, Refusal> {
    mounted
        .iter()
        .map(|m| {
            m.facts().ok_or_else(|| {
                let name = m.served.dataset.name();
                let message = format!(
                    "`{capability}` is not served now: dataset `{name}` is unavailable (see the capability document)"
                );
                Refusal::new(pb::ErrorCode::UnknownCapability, message)
            })
        })
        .collect()
}
