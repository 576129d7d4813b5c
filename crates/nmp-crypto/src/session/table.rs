//! The node's session table: every established session, bounded per agent and in total, and
//! forgotten at its expiry.
//!
//! The rules, which keep the table bounded without letting one agent push out another's
//! sessions:
//!
//! 1. A session enters only through [`crate::session::VerifiedOffer::establish`], after the
//!    agent's signature and the node's admission policy.
//! 2. Sessions past their expiry leave whenever the table is used.
//! 3. An agent holding `per_agent` sessions that opens another evicts its own oldest one (that is
//!    how it rekeys without waiting).
//! 4. When the table holds `capacity` sessions, an agent holding one evicts its own oldest; an
//!    agent holding none is refused with `OpenError::SessionTableFull` until one expires.

use std::{
    collections::{BTreeSet, HashMap, VecDeque},
    sync::Arc,
};

use libp2p_identity::PeerId;

use super::{NodeSession, SESSION_ID_BYTES};
use crate::envelope::OpenError;

type Id = [u8; SESSION_ID_BYTES];

/// How long sessions live and how many the node holds.
///
/// Memory: each session costs under 300 bytes, so the default table holds at most about 1.2 MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionConfig {
    pub(crate) ttl_ms: u64,
    pub(crate) max_requests: u64,
    pub(crate) per_agent: usize,
    pub(crate) capacity: usize,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            ttl_ms: 600_000,
            max_requests: 65_536,
            per_agent: 4,
            capacity: 4_096,
        }
    }
}

impl SessionConfig {
    /// How long a session lives after it is established (never past the expiry of the KEM key
    /// it was opened to). A request after it fails with `OpenError::UnknownSession`; the agent
    /// opens a new session. Defaults to 600_000 (10 minutes).
    pub fn ttl_ms(mut self, ms: u64) -> Self {
        self.ttl_ms = ms;
        self
    }

    /// Requests one session may carry (counters 0 to this minus 1, at least 1). One more fails
    /// with `OpenError::SessionSpent`; the agent opens a new session. Defaults to 65_536.
    pub fn max_requests(mut self, requests: u64) -> Self {
        self.max_requests = requests.max(1);
        self
    }

    /// Sessions one agent may hold at once (at least 1). An agent opening one more evicts its
    /// own oldest. Defaults to 4.
    pub fn per_agent(mut self, sessions: usize) -> Self {
        self.per_agent = sessions.max(1);
        self
    }

    /// Sessions the node holds in total (at least 1). When full, an agent holding none is
    /// refused with `OpenError::SessionTableFull` (answered `OVERLOADED`) until a session
    /// expires, at most `ttl_ms` later. Defaults to 4_096.
    pub fn capacity(mut self, sessions: usize) -> Self {
        self.capacity = sessions.max(1);
        self
    }
}

/// The table itself; the keyring holds it under a lock.
#[derive(Debug)]
pub(crate) struct Table {
    config: SessionConfig,
    sessions: HashMap<Id, Arc<NodeSession>>,
    by_agent: HashMap<PeerId, VecDeque<Id>>,
    by_expiry: BTreeSet<(u64, Id)>,
}

impl Table {
    pub(crate) fn new(config: SessionConfig) -> Self {
        Self {
            config,
            sessions: HashMap::new(),
            by_agent: HashMap::new(),
            by_expiry: BTreeSet::new(),
        }
    }

    pub(crate) fn config(&self) -> SessionConfig {
        self.config
    }

    /// Sessions held now.
    pub(crate) fn len(&self) -> usize {
        self.sessions.len()
    }

    /// The live session `id` at `now_ms`; [`OpenError::UnknownSession`] when there is none
    /// (never opened, evicted, or already forgotten after its expiry).
    pub(crate) fn get(&mut self, id: &Id, now_ms: u64) -> Result<Arc<NodeSession>, OpenError> {
        self.expire(now_ms);
        self.sessions
            .get(id)
            .cloned()
            .ok_or(OpenError::UnknownSession)
    }

    /// Adds an established session under the rules of the module docs.
    pub(crate) fn insert(&mut self, session: NodeSession, now_ms: u64) -> Result<(), OpenError> {
        self.expire(now_ms);
        if self.sessions.contains_key(&session.id) {
            return Err(OpenError::Replayed);
        }
        let held = self.by_agent.get(&session.agent).map_or(0, VecDeque::len);
        if held >= self.config.per_agent || (held > 0 && self.len() >= self.config.capacity) {
            self.evict_oldest_of(&session.agent);
        } else if self.len() >= self.config.capacity {
            return Err(OpenError::SessionTableFull);
        }
        self.by_agent
            .entry(session.agent)
            .or_default()
            .push_back(session.id);
        self.by_expiry.insert((session.expires_at_ms, session.id));
        self.sessions.insert(session.id, Arc::new(session));
        Ok(())
    }

    fn evict_oldest_of(&mut self, agent: &PeerId) {
        let oldest = self
            .by_agent
            .get(agent)
            .and_then(|ids| ids.front().copied());
        if let Some(id) = oldest {
            self.remove(&id);
        }
    }

    /// Forgets every session whose expiry is at or before `now_ms`.
    fn expire(&mut self, now_ms: u64) {
        while let Some(&(expires_at_ms, id)) = self.by_expiry.first() {
            if expires_at_ms > now_ms {
                break;
            }
            self.remove(&id);
        }
    }

    fn remove(&mut self, id: &Id) {
        let Some(session) = self.sessions.remove(id) else {
            return;
        };
        self.by_expiry.remove(&(session.expires_at_ms, *id));
        if let Some(ids) = self.by_agent.get_mut(&session.agent) {
            ids.retain(|held| held != id);
            if ids.is_empty() {
                self.by_agent.remove(&session.agent);
            }
        }
    }
}
