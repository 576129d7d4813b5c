//! One audit entry: who asked what, how it ended, and the exact figures of the run.

use serde::{Deserialize, Serialize};

/// Most egress findings one entry keeps: 32. `findings_total` counts them all. With paths of at
/// most [`MAX_PATH_BYTES`] (6 bytes each once JSON-escaped at worst) an entry stays under
/// [`super::MAX_LINE_BYTES`].
pub const MAX_FINDINGS: usize = 32;

/// Longest finding path one entry keeps, in bytes: 256 (paths are built from the guest's keys;
/// a longer one is cut at a character boundary and marked with `…`).
pub const MAX_PATH_BYTES: usize = 256;

/// One request that reached an outcome, as the owner sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Position in the log, from 0; set by [`super::AuditLog::append`].
    pub seq: u64,
    /// Hex SHA-256 of the previous line (64 zeros for the first); set by `append`.
    pub prev: String,
    /// The node's PeerId (base58); set by `append`.
    pub node: String,
    /// Unix milliseconds when the node accepted the request.
    pub accepted_at_ms: u64,
    /// The request id (hex).
    pub request_id: String,
    /// The agent's PeerId (base58).
    pub agent: String,
    /// The capability asked for.
    pub capability: String,
    /// SHA-256 of the module (hex).
    pub module_sha256: String,
    /// How the request ended (`completed`, `exited_nonzero`, `trapped`, `limit_exceeded`,
    /// `timed_out`, `rejected`, `egress_blocked`, or `cancelled` when the agent left while its
    /// guest ran: the guest was stopped and nothing was filtered, sealed or signed).
    pub outcome: String,
    /// What the sandbox saw when the module ran; absent when the Guardian rejected it or the
    /// run was cancelled.
    pub run: Option<Run>,
    /// The egress verdict (`pass`, `blocked`, `redacted`, `not_run`).
    pub egress_verdict: String,
    /// The first [`MAX_FINDINGS`] egress findings.
    pub findings: Vec<Finding>,
    /// How many findings the filter reported in all.
    pub findings_total: u64,
    /// Bytes the egress filter examined.
    pub bytes_scanned: u64,
    /// SHA-256 (hex) of the receipt's signed body, tying this entry to what the agent holds.
    pub receipt_body_sha256: String,
}

/// The exact figures of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// The guest's exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The trap or limit, when the run ended in one (`stack_overflow`, `memory`...).
    pub detail: String,
    /// Wall time of the run, microseconds.
    pub wall_time_us: u64,
    /// Compilation time, microseconds (0 on a cache hit).
    pub compile_time_us: u64,
    /// Fuel burned, when the node meters fuel.
    pub fuel_consumed: Option<u64>,
    /// Peak linear memory, bytes.
    pub peak_memory_bytes: u64,
    /// Bytes the guest wrote to stdout and stderr (before filtering).
    pub stdout_bytes: u64,
    /// See `stdout_bytes`.
    pub stderr_bytes: u64,
    /// Whether the compiled module came from the cache.
    pub cache_hit: bool,
}

/// Where the egress filter matched (never the matched value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// `pii`, `secret`, `restricted_key`, ...
    pub category: String,
    /// The rule id (`email`, `ssn`...).
    pub rule: String,
    /// JSON path of the hit, at most [`MAX_PATH_BYTES`].
    pub path: String,
    /// Byte span of the hit in the output, when known.
    pub span: Option<[u64; 2]>,
    /// Decoders applied before the hit was found, outermost first.
    pub decoded_via: Vec<String>,
}

impl Entry {
    /// Cuts the findings to [`MAX_FINDINGS`] and each path to [`MAX_PATH_BYTES`], so that an
    /// entry always fits in a line of [`super::MAX_LINE_BYTES`].
    pub(super) fn clamp(&mut self) {
        self.findings_total = self.findings_total.max(self.findings.len() as u64);
        self.findings.truncate(MAX_FINDINGS);
        for finding in &mut self.findings {
            if finding.path.len() > MAX_PATH_BYTES {
                let mut cut = MAX_PATH_BYTES - '…'.len_utf8();
                while !finding.path.is_char_boundary(cut) {
                    cut -= 1;
                }
                finding.path.truncate(cut);
                finding.path.push('…');
            }
            finding.decoded_via.truncate(8);
            for field in [&mut finding.category, &mut finding.rule] {
                if field.len() > 64 {
                    field.clear();
                    field.push_str("(too long)");
                }
            }
        }
        if self.capability.len() > 256 {
            self.capability.truncate(0);
            self.capability.push_str("(too long)");
        }
    }
}
