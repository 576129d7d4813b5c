//! `[inbound]`: the bounds on what peers may make the node hold before a request is admitted,
//! shared by the mesh and the gRPC face.

use nmp_net::Budget;
use serde::Deserialize;

use super::FileError;

const MIB: u64 = 1024 * 1024;

/// The `[inbound]` section: the node-wide inbound byte budget, its per-origin share, and the
/// per-origin connection cap. An origin is an IPv4 address or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Inbound {
    /// Request bytes held at once while requests arrive and run, across the mesh and gRPC, in
    /// MiB (`nmp_net::Budget`). A request whose next bytes do not fit is answered
    /// `ERROR_CODE_OVERLOADED` (gRPC: `RESOURCE_EXHAUSTED`) at once. At least 1. Defaults to
    /// 256.
    pub budget_mib: u64,
    /// The most of the budget one origin may hold, in MiB; a request larger than this can
    /// never be served (the largest frame is 24 MiB). At least 1; a share above the budget is
    /// the budget. Defaults to 64.
    pub origin_share_mib: u64,
    /// Connections open at once from one origin, per face (mesh, gRPC); one more is refused.
    /// At least 1. Defaults to 64.
    pub max_connections_per_origin: u32,
}

impl Default for Inbound {
    fn default() -> Self {
        Self {
            budget_mib: nmp_net::DEFAULT_BUDGET_BYTES / MIB,
            origin_share_mib: nmp_net::DEFAULT_ORIGIN_SHARE_BYTES / MIB,
            max_connections_per_origin: nmp_net::Config::default().max_connections_per_origin,
        }
    }
}

impl Inbound {
    /// Sets these bounds on `mesh` (a node's gRPC face takes them from there), with a fresh
    /// budget. Fails with [`FileError::Inbound`] naming a key that is 0.
    pub(crate) fn apply(&self, mesh: &mut nmp_net::Config) -> Result<(), FileError> {
        let zero = [
            ("budget_mib", self.budget_mib == 0),
            ("origin_share_mib", self.origin_share_mib == 0),
            (
                "max_connections_per_origin",
                self.max_connections_per_origin == 0,
            ),
        ];
        if let Some((key, _)) = zero.into_iter().find(|(_, zero)| *zero) {
            return Err(FileError::Inbound(key));
        }
        mesh.inbound_budget = Budget::new(
            self.budget_mib.saturating_mul(MIB),
            self.origin_share_mib.saturating_mul(MIB),
        );
        mesh.max_connections_per_origin = self.max_connections_per_origin;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_meshs_and_zero_is_refused() {
        let mut mesh = nmp_net::Config::default();
        Inbound::default().apply(&mut mesh).unwrap();
        assert_eq!(mesh.inbound_budget.limit(), nmp_net::DEFAULT_BUDGET_BYTES);
        assert_eq!(
            mesh.inbound_budget.origin_limit(),
            nmp_net::DEFAULT_ORIGIN_SHARE_BYTES
        );
        assert_eq!(mesh.max_connections_per_origin, 64);
        let one = Inbound {
            budget_mib: 1,
            origin_share_mib: 1,
            max_connections_per_origin: 1,
        };
        one.apply(&mut mesh).unwrap();
        assert_eq!(mesh.inbound_budget.limit(), MIB);
        let zero = Inbound {
            origin_share_mib: 0,
            ..one
        };
        assert!(matches!(
            zero.apply(&mut mesh),
            Err(FileError::Inbound("origin_share_mib"))
        ));
    }
}
