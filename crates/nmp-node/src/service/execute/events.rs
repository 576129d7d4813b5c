//! The response stream of one request, and the refusals that end a request before it
//! reaches an outcome.

use std::time::Instant;

use nmp_wire::{
    Label as _,
    pb::{self, logic_response::Event},
};
use tokio::sync::mpsc;

/// Why a request ended before reaching an outcome: its error code, one line of text and, for
/// `BUDGET_EXHAUSTED`, when the budget renews.
#[derive(Debug)]
pub(in crate::service) struct Refusal {
    pub(in crate::service) code: pb::ErrorCode,
    pub(in crate::service) message: String,
    /// Unix milliseconds at which the budget that refused renews; 0 for other codes.
    pub(in crate::service) renews_at_ms: u64,
}

impl Refusal {
    pub(in crate::service) fn new(code: pb::ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            renews_at_ms: 0,
        }
    }

    /// `BUDGET_EXHAUSTED`, renewing at `renews_at_ms`.
    pub(in crate::service) fn budget_exhausted(message: String, renews_at_ms: u64) -> Self {
        Self {
            renews_at_ms,
            ..Self::new(pb::ErrorCode::BudgetExhausted, message)
        }
    }

    pub(super) fn cancelled() -> Self {
        Self::new(pb::ErrorCode::Cancelled, "the caller went away")
    }

    pub(super) fn shutting_down() -> Self {
        Self::new(pb::ErrorCode::ShuttingDown, "the node is stopping")
    }

    /// A node-side failure. The agent is told only which stage failed (`what`, fixed text):
    /// the error's own text can carry what a guest made the node do, so it goes to the log.
    pub(in crate::service) fn internal(what: &'static str, error: impl std::fmt::Display) -> Self {
        tracing::warn!(error = %error, "{what}");
        Self::new(
            pb::ErrorCode::Internal,
            format!("node-side failure: {what}"),
        )
    }

    /// Logs the refusal once, where the request ends: node-side failures as warnings.
    pub(super) fn log(&self) {
        let code = self.code.label();
        if self.code == pb::ErrorCode::Internal {
            tracing::warn!(code = %code, reason = %self.message, "refused");
        } else {
            tracing::info!(code = %code, reason = %self.message, "refused");
        }
    }
}

/// The response stream of one request, tagged with its request id.
pub(super) struct Events {
    pub(super) tx: mpsc::Sender<pb::LogicResponse>,
    pub(super) request_id: Vec<u8>,
    pub(super) started: Instant,
}

impl Events {
    pub(super) async fn send(&self, event: Event) -> Result<(), Refusal> {
        let response = pb::LogicResponse {
            request_id: self.request_id.clone(),
            event: Some(event),
        };
        self.tx
            .send(response)
            .await
            .map_err(|_| Refusal::cancelled())
    }

    pub(super) async fn status(
        &self,
        stage: pb::Stage,
        queue_position: u32,
    ) -> Result<(), Refusal> {
        let elapsed_us = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.send(Event::Status(pb::Status {
            stage: stage as i32,
            elapsed_us,
            queue_position,
        }))
        .await
    }
}
