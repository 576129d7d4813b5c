//! Who may ask, how often and how much: the allow-list, per-agent rate and budget, and in open
//! mode a rate per origin.
//!
//! The service applies them to the agent a request's signature authenticates, before the
//! envelope is decapsulated and before the request is recorded in the replay cache, so a
//! refused agent costs the node one signature check and leaves no trace.

mod bucket;

use std::collections::HashSet;

use nmp_crypto::PeerId;
use nmp_wire::pb;

use self::bucket::Buckets;

/// Most agents whose rate and budget buckets are remembered at once (each kind). Default and
/// ceiling: 4,096.
///
/// When a table is full, buckets that have refilled completely are forgotten first (they carry
/// no state); if none has, the new agent is refused as rate limited until one refills.
pub const MAX_TRACKED_AGENTS: usize = 4_096;

/// Most origins whose rate buckets are remembered at once, under the same rule as
/// [`MAX_TRACKED_AGENTS`]. Default and ceiling: 4,096.
pub const MAX_TRACKED_ORIGINS: usize = 4_096;

const MINUTE_MS: u64 = 60_000;
const DAY_MS: u64 = 24 * 60 * MINUTE_MS;

/// Which agents may send logic to this node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// Any authenticated agent. The default.
    #[default]
    Open,
    /// Only the agents with these PeerIds; any other is answered `ERROR_CODE_FORBIDDEN`.
    Allowed(HashSet<PeerId>),
}

impl Access {
    /// `true` when `agent` may send requests.
    pub fn admits(&self, agent: &PeerId) -> bool {
        match self {
            Self::Open => true,
            Self::Allowed(agents) => agents.contains(agent),
        }
    }
}

/// Where a request came from, as its transport saw it: what open mode rate-limits besides the
/// agent, since an agent identity costs nothing to make. One rule for both faces
/// ([`nmp_net::Origin`]): the IPv4 address, or the IPv6 /64, of the mesh connection or the gRPC
/// client.
pub use nmp_net::Origin;

/// Why the policy refused an authenticated agent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Denial {
    /// The allow-list does not name the agent.
    #[error("agent {0} is not allowed here")]
    Forbidden(PeerId),
    /// The request's origin is over its rate (open mode).
    #[error("over {0} requests a minute from this origin")]
    OriginRate(u32),
    /// The agent is over its rate.
    #[error("over {0} requests a minute")]
    AgentRate(u32),
    /// The agent has spent its daily budget.
    #[error("over {0} requests a day")]
    AgentBudget(u32),
}

impl Denial {
    /// The error code the agent receives.
    pub(crate) fn code(&self) -> pb::ErrorCode {
        match self {
            Self::Forbidden(_) => pb::ErrorCode::Forbidden,
            Self::OriginRate(_) | Self::AgentRate(_) | Self::AgentBudget(_) => {
                pb::ErrorCode::RateLimited
            }
        }
    }
}

/// The node's admission policy: its access list and its rate and budget buckets.
#[derive(Debug)]
pub(crate) struct Admission {
    access: Access,
    origin_rate: Buckets<Origin>,
    agent_rate: Buckets<PeerId>,
    agent_budget: Buckets<PeerId>,
}

impl Admission {
    pub(crate) fn new(config: &super::Config) -> Self {
        let origin_limit = match config.access {
            Access::Open => config.origin_rate_limit_per_minute,
            // Allowed agents are known and limited each; an origin limit would only tie
            // together agents that share an address.
            Access::Allowed(_) => None,
        };
        Self {
            access: config.access.clone(),
            origin_rate: Buckets::new(origin_limit, MINUTE_MS, MAX_TRACKED_ORIGINS),
            agent_rate: Buckets::new(config.rate_limit_per_minute, MINUTE_MS, MAX_TRACKED_AGENTS),
            agent_budget: Buckets::new(config.budget_per_day, DAY_MS, MAX_TRACKED_AGENTS),
        }
    }

    /// Admits one request of the authenticated `agent` from `origin` at `now_ms`, or says why
    /// not. Checks the allow-list, then the origin's rate, the agent's rate and last its daily
    /// budget, each taking a token only when the ones before it passed, so a request refused
    /// for its rate never spends budget. Costs a few hash-map operations.
    pub(crate) fn admit(&self, agent: &PeerId, origin: Origin, now_ms: u64) -> Result<(), Denial> {
        if !self.access.admits(agent) {
            return Err(Denial::Forbidden(*agent));
        }
        if !self.origin_rate.admit(&origin, now_ms) {
            return Err(Denial::OriginRate(self.origin_rate.limit()));
        }
        if !self.agent_rate.admit(agent, now_ms) {
            return Err(Denial::AgentRate(self.agent_rate.limit()));
        }
        if !self.agent_budget.admit(agent, now_ms) {
            return Err(Denial::AgentBudget(self.agent_budget.limit()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::{
        net::{IpAddr, Ipv4Addr},
        num::NonZeroU32,
    };

    use nmp_crypto::Identity;

    use super::*;

    fn peer(seed: u8) -> PeerId {
        Identity::from_secret_bytes([seed; 32]).peer_id()
    }

    fn admission(tune: impl FnOnce(&mut crate::service::Config)) -> Admission {
        let mut config = crate::service::Config::default();
        tune(&mut config);
        Admission::new(&config)
    }

    const HOME: Origin = Origin::from_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));

    #[test]
    fn the_allow_list_refuses_strangers_whatever_their_rate() {
        let (friend, stranger) = (peer(1), peer(2));
        let policy = admission(|c| {
            c.access = Access::Allowed(HashSet::from([friend]));
            c.rate_limit_per_minute = NonZeroU32::new(1);
        });
        for _ in 0..10 {
            assert_eq!(
                policy.admit(&stranger, HOME, 0),
                Err(Denial::Forbidden(stranger))
            );
        }
        assert_eq!(policy.admit(&friend, HOME, 0), Ok(()));
    }

    #[test]
    fn the_agent_rate_admits_up_to_its_limit_and_refuses_past_it() {
        let agent = peer(1);
        let policy = admission(|c| c.rate_limit_per_minute = NonZeroU32::new(3));
        for _ in 0..3 {
            assert_eq!(policy.admit(&agent, HOME, 0), Ok(()));
        }
        assert_eq!(policy.admit(&agent, HOME, 0), Err(Denial::AgentRate(3)));
        assert_eq!(policy.admit(&agent, HOME, 20_000), Ok(()));
    }

    #[test]
    fn the_daily_budget_admits_up_to_its_limit_and_refuses_past_it() {
        let agent = peer(1);
        let policy = admission(|c| {
            c.rate_limit_per_minute = NonZeroU32::new(1);
            c.budget_per_day = NonZeroU32::new(3);
        });
        for minute in 0..3 {
            assert_eq!(policy.admit(&agent, HOME, minute * MINUTE_MS), Ok(()));
        }
        // The rate has refilled; the budget has not.
        let later = 10 * MINUTE_MS;
        assert_eq!(
            policy.admit(&agent, HOME, later),
            Err(Denial::AgentBudget(3))
        );
        assert_eq!(policy.admit(&agent, HOME, DAY_MS / 3 + later), Ok(()));
    }

    #[test]
    fn a_request_over_its_rate_spends_no_budget() {
        let agent = peer(1);
        let policy = admission(|c| {
            c.rate_limit_per_minute = NonZeroU32::new(1);
            c.budget_per_day = NonZeroU32::new(2);
        });
        assert_eq!(policy.admit(&agent, HOME, 0), Ok(()));
        for _ in 0..100 {
            assert_eq!(policy.admit(&agent, HOME, 1), Err(Denial::AgentRate(1)));
        }
        assert_eq!(policy.admit(&agent, HOME, MINUTE_MS), Ok(()));
    }

    #[test]
    fn in_open_mode_fresh_identities_share_their_origins_rate() {
        let policy = admission(|c| c.origin_rate_limit_per_minute = NonZeroU32::new(5));
        let other = Origin::from_ip(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
        for seed in 0..5 {
            assert_eq!(policy.admit(&peer(seed), HOME, 0), Ok(()));
        }
        assert_eq!(policy.admit(&peer(5), HOME, 0), Err(Denial::OriginRate(5)));
        assert_eq!(policy.admit(&peer(6), other, 0), Ok(()), "another origin");
    }

    #[test]
    fn with_an_allow_list_origins_are_not_limited() {
        let agents: HashSet<PeerId> = (0..10).map(peer).collect();
        let policy = admission(|c| {
            c.access = Access::Allowed(agents.clone());
            c.origin_rate_limit_per_minute = NonZeroU32::new(1);
        });
        for agent in &agents {
            assert_eq!(policy.admit(agent, HOME, 0), Ok(()));
        }
    }
}
