//! Opening a sealed session: the agent's signed offer, the node's policy, then the session.

use nmp_wire::pb::{self, session_reply::Reply};

use super::{Origin, Service, report};

impl Service {
    /// Answers a session offer (`OpenSession`) at node time `now_ms` (Unix milliseconds) from
    /// `origin`: the accepted terms, or an error with its code.
    ///
    /// The offer's shape, recipient, window, KEM key and agent signature are checked first
    /// (each refusal with the code of the same refusal of a request); then the node's policy
    /// admits the authenticated agent exactly as for a request (allow-list, origin rate, agent
    /// rate and daily budget, each spending one token); only then is the offer decapsulated and
    /// the session stored, so an agent the policy refuses creates no node state. A full session
    /// table is `ERROR_CODE_OVERLOADED`. Costs one Ed25519 verification, one ML-KEM-768
    /// decapsulation and one X25519 multiplication; runs on the caller's task.
    pub fn open_session(
        &self,
        open: &pb::SessionOpen,
        origin: Origin,
        now_ms: u64,
    ) -> pb::SessionReply {
        let reply = match self.establish(open, origin, now_ms) {
            Ok(accepted) => {
                tracing::info!(
                    session = %hex::encode(&accepted.session_id),
                    expires_at_ms = accepted.expires_at_ms,
                    "session opened"
                );
                Reply::Accepted(accepted)
            }
            Err((code, message)) => {
                self.metrics.error(code);
                tracing::info!(code = ?code, %message, "session refused");
                Reply::Error(pb::Error {
                    code: code as i32,
                    message,
                    renews_at_ms: 0,
                })
            }
        };
        pb::SessionReply { reply: Some(reply) }
    }

    fn establish(
        &self,
        open: &pb::SessionOpen,
        origin: Origin,
        now_ms: u64,
    ) -> Result<pb::SessionAccepted, (pb::ErrorCode, String)> {
        if self.slots.is_closed() {
            return Err((
                pb::ErrorCode::ShuttingDown,
                "the node is shutting down".into(),
            ));
        }
        let refused =
            |e: nmp_crypto::envelope::OpenError| (report::open_error_code(&e), e.to_string());
        let verified = self.keyring.verify_session(open, now_ms).map_err(refused)?;
        self.admission
            .admit(&verified.agent(), origin, now_ms)
            .map_err(|denial| (denial.code(), denial.to_string()))?;
        verified.establish().map_err(refused)
    }

    /// Sessions the node holds now.
    pub fn sessions(&self) -> usize {
        self.keyring.session_count()
    }
}
