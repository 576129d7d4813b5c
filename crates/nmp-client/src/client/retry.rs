//! When a request is sent again, and how long the client waits first: the two backoff
//! schedules (on `backon`) and the loops that follow them. Every loop lives inside the one
//! deadline of the call ([`crate::Builder::execute_timeout`]), which `NmpClient::run_on` sets.

use std::time::Duration;

use backon::{BackoffBuilder as _, ExponentialBackoff, ExponentialBuilder};
use nmp_net::PeerId;
use nmp_wire::pb;

use super::now_ms;
use crate::{Answer, Error, Logic, NmpClient, Provider, exchange};

/// Most times a request is resent when its stream failed before the node answered anything:
/// 5. A node under load drops streams it cannot accept in time, so this is ordinary
/// back-pressure. The same sealed request is resent, so a node that did read an earlier copy
/// refuses the next as a replay: a request runs at most once.
pub(crate) const MAX_RESENDS: usize = 5;
/// The pause before the first resend of a failed stream: 10 ms, doubling with each resend.
const FIRST_RESEND_PAUSE: Duration = Duration::from_millis(10);

/// Most times an `OVERLOADED` request is sealed and sent again: 8.
pub(crate) const MAX_OVERLOAD_RETRIES: usize = 8;
/// The pause before the first `OVERLOADED` retry: 50 ms, doubling with each retry.
const FIRST_OVERLOAD_PAUSE: Duration = Duration::from_millis(50);
/// Longest pause between two `OVERLOADED` retries before its jitter: 1 s.
const MAX_OVERLOAD_PAUSE: Duration = Duration::from_secs(1);

/// The pauses before each resend of a failed stream: 10 ms doubling (10, 20, … 160 ms), each
/// lengthened by a random jitter of less than itself, so that agents whose streams failed
/// together do not return together; [`MAX_RESENDS`] pauses in all.
pub(crate) fn resend_pauses() -> ExponentialBackoff {
    ExponentialBuilder::new()
        .with_min_delay(FIRST_RESEND_PAUSE)
        .with_factor(2.0)
        .without_max_delay()
        .with_max_times(MAX_RESENDS)
        .with_jitter()
        .build()
}

/// The pauses before each `OVERLOADED` retry: 50 ms doubling up to [`MAX_OVERLOAD_PAUSE`]
/// (50, 100, 200, 400, 800, then 1,000 ms), each lengthened by a random jitter of less than
/// itself, so that agents refused together do not return together; [`MAX_OVERLOAD_RETRIES`]
/// pauses in all (4.55 s before jitter, under 9.1 s with it).
pub(crate) fn overload_pauses() -> ExponentialBackoff {
    ExponentialBuilder::new()
        .with_min_delay(FIRST_OVERLOAD_PAUSE)
        .with_factor(2.0)
        .with_max_delay(MAX_OVERLOAD_PAUSE)
        .with_max_times(MAX_OVERLOAD_RETRIES)
        .with_jitter()
        .build()
}

impl NmpClient {
    /// Runs `logic` on `provider`, sealing it anew after each `OVERLOADED` refusal, as
    /// [`overload_pauses`] allows.
    pub(super) async fn run_retrying(
        &self,
        provider: &Provider,
        logic: &Logic,
        progress: &(impl Fn(PeerId, &pb::Status) + Sync),
    ) -> Result<Answer, Error> {
        let mut pauses = overload_pauses();
        loop {
            match self.send(provider, logic, progress).await {
                // The node is saturated and says so before running anything: ask again later,
                // sealed anew (the refused request id may already sit in its replay cache).
                Err(Error::Node {
                    code: pb::ErrorCode::Overloaded,
                    ..
                }) if let Some(pause) = pauses.next() => tokio::time::sleep(pause).await,
                result => return result,
            }
        }
    }

    /// Seals `logic` once and sends it, resending the same sealed request (as
    /// [`resend_pauses`] allows) while its stream fails or ends before the node answered
    /// anything.
    async fn send(
        &self,
        provider: &Provider,
        logic: &Logic,
        progress: &(impl Fn(PeerId, &pb::Status) + Sync),
    ) -> Result<Answer, Error> {
        let shared = self.shared();
        let sealed = exchange::seal(&shared.identity, provider, logic, now_ms())?;
        let mut pauses = resend_pauses();
        loop {
            let mut answered = false;
            let result = match shared.mesh.open_logic(provider.peer, &sealed.request).await {
                Ok(responses) => {
                    exchange::receive_mesh(provider, &sealed, responses, progress, &mut answered)
                        .await
                }
                Err(err) => Err(err.into()),
            };
            match result {
                // Nothing came back: a saturated node resets the streams it cannot take, and
                // an empty stream is resent like a failed one.
                Err(
                    Error::Transport { .. }
                    | Error::Protocol { .. }
                    | Error::Disconnected { .. }
                    | Error::Mesh(nmp_net::Error::OpenStream(_) | nmp_net::Error::Frame(_)),
                ) if !answered && let Some(pause) = pauses.next() => {
                    tokio::time::sleep(pause).await;
                }
                result => return result,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// There is one pause per base, each in `[base, 2 × base)` (give or take the microsecond
    /// that `backon`'s `f32` arithmetic may lose), and the jitter makes them differ from the
    /// bases.
    fn check(pauses: ExponentialBackoff, bases: &[u64]) {
        let pauses: Vec<Duration> = pauses.collect();
        assert_eq!(pauses.len(), bases.len());
        let slack = Duration::from_micros(1);
        for (pause, base) in pauses.iter().zip(bases) {
            let base = Duration::from_millis(*base);
            assert!(
                *pause + slack >= base && *pause < base * 2 + slack,
                "{pause:?} vs {base:?}"
            );
        }
        // Five or eight jitters all under a microsecond: not with a working random source.
        assert!(
            pauses
                .iter()
                .zip(bases)
                .any(|(p, b)| p.abs_diff(Duration::from_millis(*b)) > slack),
            "{pauses:?} carries no jitter"
        );
    }

    #[test]
    fn resends_double_from_10_ms_with_jitter_and_stop_after_five() {
        assert_eq!(MAX_RESENDS, 5);
        check(resend_pauses(), &[10, 20, 40, 80, 160]);
    }

    #[test]
    fn overload_retries_double_from_50_ms_to_1_s_with_jitter_and_stop_after_eight() {
        assert_eq!(MAX_OVERLOAD_RETRIES, 8);
        check(
            overload_pauses(),
            &[50, 100, 200, 400, 800, 1000, 1000, 1000],
        );
    }

    #[test]
    fn two_schedules_differ() {
        // Agents refused together draw their own jitter.
        let a: Vec<Duration> = overload_pauses().collect();
        let b: Vec<Duration> = overload_pauses().collect();
        assert_ne!(a, b);
    }
}
