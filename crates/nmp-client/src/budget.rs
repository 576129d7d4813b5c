//! Asking a node for the agent's own privacy budget without running anything.
//!
//! The question is an ordinary sealed, signed request whose module is empty: the node's
//! Guardian rejects it, so nothing runs and nothing is charged, and the receipt of that
//! rejection binds, per dataset with privacy controls, the settings and the agent's own
//! standing (spent, remaining, renewal). It is therefore authenticated (the agent's signature;
//! the node answers only about the agent that signed), rate-limited and counted like any
//! request, and readable only by the agent (sealed to its response key).

use nmp_net::PeerId;
use nmp_wire::pb;

use crate::{Answer, Error, Logic, NmpClient};

/// The request that asks for the budget of `capability`: an empty module.
pub(crate) fn query(capability: &str) -> Logic {
    Logic::new(capability, Vec::new())
}

/// The standings a verified answer to [`query`] carries; a node that ran the empty module is
/// broken.
pub(crate) fn standings(peer: PeerId, answer: Answer) -> Result<Vec<pb::PrivacyApplied>, Error> {
    if answer.outcome != pb::Outcome::Rejected {
        return Err(Error::Protocol {
            peer,
            reason: "an empty module was not rejected",
        });
    }
    Ok(answer.receipt_body.privacy)
}

impl NmpClient {
    /// The agent's own standing on each dataset of `capability` at `peer` that has privacy
    /// controls, without running anything: the settings digest (as the document announces
    /// it), nothing charged, and, for a dataset with a per-agent budget, what this agent spent
    /// and has left in the current window and when it renews (`standing`). Never another
    /// agent's spend or the all-agents budget's.
    ///
    /// It costs one request against the node's rate limit and daily request budget and is
    /// receipted (outcome `rejected`: the module is empty). Fails as
    /// [`NmpClient::execute`] does (the node's pin, attestation and receipt checks included).
    pub async fn budget(
        &self,
        peer: PeerId,
        capability: &str,
    ) -> Result<Vec<pb::PrivacyApplied>, Error> {
        let answer = self.run_on(peer, &query(capability), &|_, _| {}).await?;
        standings(peer, answer)
    }
}
