//! The budget ledger: what each agent (and all agents together) spent on each dataset in the
//! current window, in a `redb` file that survives restarts.
//!
//! A charge checks every account it touches and writes all of them in one durable transaction
//! (fsync on commit), or refuses and writes nothing; concurrent charges are serialised by
//! redb's single writer, so two requests cannot both spend the last of a budget.

use redb::{
    ReadableDatabase as _, ReadableTable as _, ReadableTableMetadata as _, TableDefinition,
};

use crate::Budget;

/// Default for the most accounts a ledger holds: 100,000 (about 10 MB). When full, accounts
/// whose window has ended are dropped; if none has, a new account is refused
/// ([`LedgerError::Full`]) rather than an unexpired one dropped, since dropping one would renew
/// that agent's budget early.
pub const MAX_ACCOUNTS: u64 = 100_000;

/// Relative slack on ε comparisons, so that ten charges of 0.1 fit a budget of 1.0: 1e-9.
const EPSILON_SLACK: f64 = 1e-9;

const SPENT: TableDefinition<&[u8], &[u8]> = TableDefinition::new("spent");

/// The ledger. Open one per node; share it (every method takes `&self`). Its methods block on
/// disk I/O: call them from a blocking thread in async code.
#[derive(Debug)]
pub struct Ledger {
    db: redb::Database,
    max_accounts: u64,
}

/// One budget a charge is checked against: a dataset, an agent (empty for the budget all
/// agents share) and the owner's limits.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    /// The dataset's name.
    pub dataset: &'a str,
    /// The agent's PeerId bytes; empty for the dataset's all-agents budget.
    pub agent: &'a [u8],
    /// The limits.
    pub budget: &'a Budget,
}

/// An amount to spend.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Charge {
    /// Requests.
    pub queries: u64,
    /// Output bytes.
    pub bytes: u64,
    /// ε.
    pub epsilon: f64,
}

/// What an account has spent in its current window, and when the window ends.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Standing {
    /// Unix milliseconds at which the window ends and the budget renews.
    pub renews_at_ms: u64,
    /// What was spent in the window, this charge included.
    pub spent: Charge,
    /// What remains of each limit the budget sets (`None`: no limit).
    pub remaining: Remaining,
}

/// What remains of each limit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Remaining {
    /// Requests.
    pub queries: Option<u64>,
    /// Output bytes.
    pub bytes: Option<u64>,
    /// ε.
    pub epsilon: Option<f64>,
}

/// Which limit refused a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resource {
    /// The number of requests.
    Queries,
    /// Output bytes.
    Bytes,
    /// ε.
    Epsilon,
}

/// Why a charge was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// A limit would be exceeded; nothing was charged.
    #[error("the {resource:?} budget is exhausted until {renews_at_ms}")]
    Exhausted {
        /// The limit.
        resource: Resource,
        /// Whether it is the budget all agents share.
        all_agents: bool,
        /// Unix milliseconds at which it renews.
        renews_at_ms: u64,
    },
    /// The ledger holds its maximum of unexpired accounts; nothing was charged.
    #[error("the budget ledger is full")]
    Full,
    /// The store failed (or could not be opened); nothing is known to have been charged.
    #[error("the budget ledger failed")]
    Store(#[from] redb::Error),
}

impl Ledger {
    /// Opens (or creates) the ledger file, holding at most `max_accounts` accounts (see
    /// [`MAX_ACCOUNTS`]).
    /// Fails with [`LedgerError::Store`] when the file cannot be opened or is not a ledger.
    pub fn open(path: &std::path::Path, max_accounts: u64) -> Result<Self, LedgerError> {
        let open = || -> Result<redb::Database, redb::Error> {
            let db = redb::Database::create(path)?;
            let txn = db.begin_write()?;
            txn.open_table(SPENT)?;
            txn.commit()?;
            Ok(db)
        };
        Ok(Self {
            db: open()?,
            max_accounts,
        })
    }

    /// Charges each account its charge, or charges none: refuses with the first limit one
    /// would exceed, also when a byte limit is already reached (any answer carries bytes). A
    /// window that has ended gives way to the current one. Returns each account's standing
    /// after its charge, in order.
    pub fn charge(
        &self,
        charges: &[(Account<'_>, Charge)],
        now_ms: u64,
    ) -> Result<Vec<Standing>, LedgerError> {
        let txn = self.db.begin_write().map_err(redb::Error::from)?;
        let mut standings = Vec::with_capacity(charges.len());
        {
            let mut table = txn.open_table(SPENT).map_err(redb::Error::from)?;
            let mut rows = Vec::with_capacity(charges.len());
            for (account, charge) in charges {
                let key = key(account);
                let row = table.get(key.as_slice()).map_err(redb::Error::from)?;
                let fresh = row.is_none();
                let row = row.map(|r| Row::from_bytes(r.value())).unwrap_or_default();
                let row = row.current(account.budget, now_ms);
                let after = row.add(*charge);
                if let Some(resource) = exceeds(account.budget, &row.spent, &after.spent) {
                    return Err(LedgerError::Exhausted {
                        resource,
                        all_agents: account.agent.is_empty(),
                        renews_at_ms: row.renews_at_ms,
                    });
                }
                standings.push(after.standing(account.budget));
                rows.push((key, after, fresh));
            }
            let fresh = rows.iter().filter(|(_, _, f)| *f).count() as u64;
            if fresh > 0 && table.len().map_err(redb::Error::from)? + fresh > self.max_accounts {
                table
                    .retain(|_, v| Row::from_bytes(v).renews_at_ms > now_ms)
                    .map_err(redb::Error::from)?;
                if table.len().map_err(redb::Error::from)? + fresh > self.max_accounts {
                    return Err(LedgerError::Full);
                }
            }
            for (key, row, _) in rows {
                table
                    .insert(key.as_slice(), row.to_bytes().as_slice())
                    .map_err(redb::Error::from)?;
            }
        }
        txn.commit().map_err(redb::Error::from)?;
        Ok(standings)
    }

    /// An account's standing at `now_ms` without charging it.
    pub fn standing(&self, account: &Account<'_>, now_ms: u64) -> Result<Standing, LedgerError> {
        let read = || -> Result<Row, redb::Error> {
            let txn = self.db.begin_read()?;
            let table = txn.open_table(SPENT)?;
            let row = table.get(key(account).as_slice())?;
            Ok(row.map(|r| Row::from_bytes(r.value())).unwrap_or_default())
        };
        Ok(read()?
            .current(account.budget, now_ms)
            .standing(account.budget))
    }
}

fn key(account: &Account<'_>) -> Vec<u8> {
    let mut key = Vec::with_capacity(account.dataset.len() + 1 + account.agent.len());
    key.extend_from_slice(account.dataset.as_bytes());
    key.push(0);
    key.extend_from_slice(account.agent);
    key
}

/// The first limit `after` exceeds (or a byte limit `before` already reached).
fn exceeds(budget: &Budget, before: &Charge, after: &Charge) -> Option<Resource> {
    if budget.queries.is_some_and(|q| after.queries > q) {
        return Some(Resource::Queries);
    }
    if budget
        .bytes
        .is_some_and(|b| after.bytes > b || before.bytes >= b)
    {
        return Some(Resource::Bytes);
    }
    if budget
        .epsilon
        .is_some_and(|e| after.epsilon > e * (1.0 + EPSILON_SLACK))
    {
        return Some(Resource::Epsilon);
    }
    None
}

/// One account's row: the window's end and what it spent (32 bytes, little-endian).
#[derive(Debug, Clone, Copy, Default)]
struct Row {
    renews_at_ms: u64,
    spent: Charge,
}

impl Row {
    fn from_bytes(bytes: &[u8]) -> Self {
        let word = |i: usize| {
            bytes
                .get(i * 8..i * 8 + 8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map_or(0, u64::from_le_bytes)
        };
        Self {
            renews_at_ms: word(0),
            spent: Charge {
                queries: word(1),
                bytes: word(2),
                epsilon: f64::from_bits(word(3)),
            },
        }
    }

    fn to_bytes(self) -> [u8; 32] {
        let mut out = [0; 32];
        let words = [
            self.renews_at_ms,
            self.spent.queries,
            self.spent.bytes,
            self.spent.epsilon.to_bits(),
        ];
        for (chunk, word) in out.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        out
    }

    /// The row as of `now_ms`: the current window, empty, when the row's has ended. Windows
    /// are fixed periods aligned to the Unix epoch, so when one renews says nothing of when
    /// anyone (another agent, for the all-agents budget) first spent in it.
    fn current(self, budget: &Budget, now_ms: u64) -> Self {
        if now_ms < self.renews_at_ms {
            return self;
        }
        let window = budget.window_ms().max(1);
        Self {
            renews_at_ms: (now_ms / window).saturating_add(1).saturating_mul(window),
            spent: Charge::default(),
        }
    }

    fn add(self, charge: Charge) -> Self {
        Self {
            renews_at_ms: self.renews_at_ms,
            spent: Charge {
                queries: self.spent.queries.saturating_add(charge.queries),
                bytes: self.spent.bytes.saturating_add(charge.bytes),
                epsilon: self.spent.epsilon + charge.epsilon,
            },
        }
    }

    fn standing(self, budget: &Budget) -> Standing {
        Standing {
            renews_at_ms: self.renews_at_ms,
            spent: self.spent,
            remaining: Remaining {
                queries: budget.queries.map(|q| q.saturating_sub(self.spent.queries)),
                bytes: budget.bytes.map(|b| b.saturating_sub(self.spent.bytes)),
                epsilon: budget.epsilon.map(|e| (e - self.spent.epsilon).max(0.0)),
            },
        }
    }
}

#[cfg(test)]
mod tests;
