//! One request and its answer, on any transport: seal to the node's key, read the response
//! stream, open the output and check the receipt against everything the agent knows.

use futures::{Stream, StreamExt as _, future::ready};
use nmp_crypto::{
    Identity,
    envelope::{self, ResponseKey},
    receipt,
    session::{Session, SessionSealParams},
};
use nmp_net::{BoxError, FrameError, LogicResponses, PeerId};
use nmp_wire::{limits::REQUEST_ID_BYTES, pb, pb::logic_response::Event};
use prost::Message as _;
use sha2::{Digest as _, Sha256};

use crate::{Answer, Error, Logic, Provider};

/// Most status events one request may produce; a node sending more is cut off: 64 (the
/// protocol has six stages).
pub const MAX_STATUS_EVENTS: usize = 64;

/// A sealed request and what the agent must remember to check the answer.
#[derive(Debug)]
pub(crate) struct Sealed {
    pub(crate) request: pb::LogicRequest,
    key: ResponseKey,
    agent: PeerId,
    module_sha256: [u8; 32],
    input_sha256: [u8; 32],
}

/// The KEM key of `document` valid longest, if one is valid past `after_ms`.
pub(crate) fn usable_key(
    document: &pb::CapabilityDocument,
    after_ms: u64,
) -> Option<&pb::KemPublicKey> {
    document
        .kem_keys
        .iter()
        .filter(|k| k.not_after_ms > after_ms)
        .max_by_key(|k| k.not_after_ms)
}

/// Seals `logic` to `provider` at `now_ms` under a fresh random request id.
pub(crate) fn seal(
    agent: &Identity,
    provider: &Provider,
    logic: &Logic,
    now_ms: u64,
) -> Result<Sealed, Error> {
    let (request_id, payload) = prepare(provider, logic)?;
    let node_key = usable_key(&provider.document, now_ms).ok_or(Error::NoKemKey {
        peer: provider.peer,
    })?;
    let (request, key) = envelope::seal(
        &envelope::SealParams {
            agent,
            node_peer: &provider.peer,
            node_key,
            request_id,
            capability: &logic.capability,
            timestamp_ms: now_ms,
            limits: logic.limits,
            receipt_kind: match provider.attested {
                Some(_) => pb::ReceiptKind::Tee,
                None => pb::ReceiptKind::Signed,
            },
        },
        &payload,
    )?;
    Ok(Sealed::new(request, key, agent.peer_id(), logic))
}

/// Seals `logic` as the next request of `session` (with `provider`) at `now_ms`, under a fresh
/// random request id: no key exchange and no signature.
pub(crate) fn seal_in_session(
    session: &Session,
    agent: PeerId,
    provider: &Provider,
    logic: &Logic,
    now_ms: u64,
) -> Result<Sealed, Error> {
    let (request_id, payload) = prepare(provider, logic)?;
    let (request, key) = session.seal(
        &SessionSealParams {
            request_id,
            capability: &logic.capability,
            timestamp_ms: now_ms,
            limits: logic.limits,
            receipt_kind: pb::ReceiptKind::Signed,
        },
        &payload,
    )?;
    Ok(Sealed::new(request, key, agent, logic))
}

/// A fresh random request id and the payload, once the provider is known to serve the
/// capability.
fn prepare(
    provider: &Provider,
    logic: &Logic,
) -> Result<([u8; REQUEST_ID_BYTES], pb::LogicPayload), Error> {
    if provider.dataset(&logic.capability).is_none() {
        return Err(Error::NotServed {
            peer: provider.peer,
            capability: logic.capability.clone(),
        });
    }
    let mut request_id = [0; REQUEST_ID_BYTES];
    getrandom::fill(&mut request_id).map_err(|err| Error::Transport {
        peer: provider.peer,
        source: format!("no randomness for a request id: {err}").into(),
    })?;
    let payload = pb::LogicPayload {
        wasm: logic.wasm.to_vec(),
        input: logic.input.to_vec(),
    };
    Ok((request_id, payload))
}

impl Sealed {
    fn new(request: pb::LogicRequest, key: ResponseKey, agent: PeerId, logic: &Logic) -> Self {
        Self {
            request,
            key,
            agent,
            module_sha256: Sha256::digest(&logic.wasm).into(),
            input_sha256: Sha256::digest(&logic.input).into(),
        }
    }
}

/// Why a stream that ended before its final event is [`Error::Protocol`].
const ENDED: &str = "the stream ended without a result";

/// [`receive`] on a mesh stream. A stream that ends before its final event ends there, as a
/// gRPC stream the node finished does; Yamux (TCP, WebSocket) reads a reset or a lost
/// connection as the same end, so the `Cancel` frame is then written to tell them apart: a
/// node that closed its side of the stream broke the protocol ([`Error::Protocol`], as over
/// gRPC), while a stream that can no longer be written was reset or lost its connection
/// ([`Error::Disconnected`]). A bad frame, a truncated one or a QUIC reset stays an
/// [`Error::Transport`], as a gRPC error status is.
pub(crate) async fn receive_mesh(
    provider: &Provider,
    sealed: &Sealed,
    mut responses: LogicResponses,
    progress: &(impl Fn(PeerId, &pb::Status) + Sync),
    answered: &mut bool,
) -> Result<Answer, Error> {
    let until_closed = (&mut responses).take_while(|response| {
        ready(!matches!(
            response,
            Err(nmp_net::Error::Frame(FrameError::Closed))
        ))
    });
    match receive(provider, sealed, until_closed, progress, answered).await {
        Err(Error::Protocol {
            peer,
            reason: ENDED,
        }) if responses.cancel().await.is_err() => Err(Error::Disconnected { peer }),
        result => result,
    }
}

/// Reads `responses` to the end event, calling `progress` on each status, and returns the
/// verified answer; sets `answered` once the node has sent anything. The caller bounds it in
/// time; dropping the stream (on its deadline or an error) cancels the job.
pub(crate) async fn receive<E: Into<BoxError>>(
    provider: &Provider,
    sealed: &Sealed,
    responses: impl Stream<Item = Result<pb::LogicResponse, E>>,
    progress: &(impl Fn(PeerId, &pb::Status) + Sync),
    answered: &mut bool,
) -> Result<Answer, Error> {
    let peer = provider.peer;
    let mut responses = std::pin::pin!(responses);
    let mut statuses = Vec::new();
    while let Some(response) = responses.next().await {
        let response = response.map_err(|e| Error::Transport {
            peer,
            source: e.into(),
        })?;
        *answered = true;
        // A node refuses a request it did not read (its inbound byte budget is full) with
        // one error carrying no request id; any other response must carry ours.
        let unread =
            response.request_id.is_empty() && matches!(response.event, Some(Event::Error(_)));
        if response.request_id != sealed.request.request_id && !unread {
            return Err(protocol(peer, "a response for another request"));
        }
        match response.event {
            Some(Event::Status(status)) if statuses.len() < MAX_STATUS_EVENTS => {
                progress(peer, &status);
                statuses.push(status);
            }
            Some(Event::Status(_)) => return Err(protocol(peer, "too many status events")),
            Some(Event::Result(result)) => {
                return verify(provider, sealed, result, statuses);
            }
            Some(Event::Error(error)) => {
                let code =
                    pb::ErrorCode::try_from(error.code).unwrap_or(pb::ErrorCode::Unspecified);
                if code == pb::ErrorCode::BudgetExhausted {
                    // The node says when; a node that does not (an older one) is read from
                    // its announced windows.
                    let renews_at_ms = match error.renews_at_ms {
                        0 => renewal(provider, &sealed.request.capability, nmp_wire::now_ms()),
                        at => at,
                    };
                    return Err(Error::BudgetExhausted {
                        peer,
                        renews_at_ms,
                        message: error.message,
                    });
                }
                return Err(Error::Node {
                    peer,
                    code,
                    message: error.message,
                });
            }
            None => return Err(protocol(peer, "a response without an event")),
        }
    }
    Err(protocol(peer, ENDED))
}

/// The latest next window boundary after `now_ms` among the budgets the provider's document
/// announces for `capability`'s datasets (windows are aligned to the Unix epoch); 0 when it
/// announces none.
fn renewal(provider: &Provider, capability: &str, now_ms: u64) -> u64 {
    provider
        .document
        .datasets
        .iter()
        .filter(|d| d.capability == capability)
        .filter_map(|d| d.privacy.as_ref())
        .flat_map(|p| [&p.budget, &p.budget_all_agents])
        .flatten()
        .map(|b| {
            let window = b.window_secs.saturating_mul(1000).max(1);
            (now_ms / window).saturating_add(1).saturating_mul(window)
        })
        .max()
        .unwrap_or(0)
}

fn protocol(peer: PeerId, reason: &'static str) -> Error {
    Error::Protocol { peer, reason }
}

/// Opens the sealed result and verifies the receipt; checks that the receipt is about this
/// request and binds everything the node said.
fn verify(
    provider: &Provider,
    sealed: &Sealed,
    result: pb::LogicResult,
    statuses: Vec<pb::Status>,
) -> Result<Answer, Error> {
    let peer = provider.peer;
    let sealed_result = result
        .sealed
        .ok_or_else(|| protocol(peer, "a result without a sealed response"))?;
    let payload = sealed
        .key
        .open_response(&sealed_result)
        .map_err(|source| Error::Response {
            peer,
            source: Box::new(source),
        })?;
    let outcome =
        pb::Outcome::try_from(payload.outcome).map_err(|_| protocol(peer, "an unknown outcome"))?;
    let receipt = payload
        .receipt
        .ok_or_else(|| protocol(peer, "a result without a receipt"))?;
    let guardian = payload
        .guardian
        .ok_or_else(|| protocol(peer, "a result without a Guardian report"))?;
    let egress = payload
        .egress
        .ok_or_else(|| protocol(peer, "a result without an egress verdict"))?;
    let body = receipt::verify(
        &receipt,
        &receipt::Expected {
            node: Some(&peer),
            module_sha256: Some(sealed.module_sha256),
            input_sha256: Some(sealed.input_sha256),
            output: Some(&payload.stdout),
            attested: provider.attested.as_ref(),
        },
    )
    .map_err(|source| Error::Receipt {
        peer,
        source: Box::new(source),
    })?;
    let policy = provider.document.policy.as_ref();
    let sha256 = |bytes: &[u8]| Sha256::digest(bytes).to_vec();
    let checks: [(&'static str, bool); 10] = [
        ("request_id", body.request_id == sealed.request.request_id),
        (
            "agent_peer_id",
            body.agent_peer_id == sealed.agent.to_bytes(),
        ),
        ("capability", body.capability == sealed.request.capability),
        ("outcome", body.outcome == payload.outcome),
        (
            "stderr_sha256",
            body.stderr_sha256 == sha256(&payload.stderr),
        ),
        (
            "guardian_report_sha256",
            body.guardian_report_sha256 == sha256(&guardian.encode_to_vec()),
        ),
        ("egress_verdict", body.egress_verdict == egress.verdict),
        (
            "egress_categories",
            body.egress_categories == egress.categories,
        ),
        (
            "egress_rule_set_digest",
            body.egress_rule_set_digest == egress.rule_set_digest,
        ),
        (
            "guardian_policy_digest",
            policy.is_none_or(|p| p.guardian_policy_digest == body.guardian_policy_digest),
        ),
    ];
    if let Some((field, _)) = checks.into_iter().find(|(_, ok)| !ok) {
        return Err(Error::ReceiptMismatch { peer, field });
    }
    Ok(Answer {
        peer,
        outcome,
        output: payload.stdout,
        stderr: payload.stderr,
        guardian,
        egress,
        receipt,
        receipt_body: body,
        statuses,
    })
}
