//! The egress stage: everything a guest wrote passes the filter before any of it may leave.

use nmp_egress::{Scan, Scanner, ValueIndex, Verdict};

/// The egress filter's verdicts on one run's stdout and stderr.
#[derive(Debug, Clone)]
pub struct Filtered {
    /// The verdict on stdout (the result).
    pub stdout: Scan,
    /// The verdict on stderr (the guest's diagnostics, returned to the agent too).
    pub stderr: Scan,
    /// How long both scans took.
    pub elapsed: std::time::Duration,
}

impl Filtered {
    /// Scans both streams of a finished run (as the privacy stage left them), whatever its
    /// outcome: a guest that traps can still have written private data before it stopped.
    /// Values of `values` (the job's datasets' indexes) block wherever they appear.
    pub(crate) fn scan(
        scanner: &Scanner,
        stdout: &[u8],
        stderr: &[u8],
        values: &[&ValueIndex],
    ) -> Self {
        let started = std::time::Instant::now();
        let stdout = scanner.scan_with(stdout, values);
        let stderr = scanner.scan_with(stderr, values);
        Self {
            stdout,
            stderr,
            elapsed: started.elapsed(),
        }
    }

    /// `true` when either stream was blocked; then neither leaves.
    pub fn is_blocked(&self) -> bool {
        self.stdout.verdict == Verdict::Blocked || self.stderr.verdict == Verdict::Blocked
    }

    /// `true` when the filter replaced something in either stream.
    pub fn is_redacted(&self) -> bool {
        self.stdout.verdict == Verdict::Redacted || self.stderr.verdict == Verdict::Redacted
    }

    pub(crate) fn stdout<'a>(&'a self, raw: &'a [u8]) -> Option<&'a [u8]> {
        self.leaving(&self.stdout, raw)
    }

    pub(crate) fn stderr<'a>(&'a self, raw: &'a [u8]) -> Option<&'a [u8]> {
        self.leaving(&self.stderr, raw)
    }

    fn leaving<'a>(&'a self, scan: &'a Scan, raw: &'a [u8]) -> Option<&'a [u8]> {
        if self.is_blocked() {
            return None;
        }
        match scan.verdict {
            Verdict::Redacted => scan.output.as_deref(),
            _ => Some(raw),
        }
    }
}
