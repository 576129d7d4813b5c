//! The Guardian: a policy, applied to module bytes.

use crate::proposal::classify;
use crate::scan::Scan;
use crate::validate::{Span, features, run};
use crate::{Digest, Finding, FindingCode, Location, Policy, Report, Section, Severity};

/// Decides whether WebAssembly modules may run, under one [`Policy`].
///
/// Cheap to share: inspection takes `&self` and keeps no state between calls.
#[derive(Debug, Clone)]
pub struct Guardian {
    policy: Policy,
    policy_digest: Digest,
}

impl Guardian {
    /// A Guardian enforcing `policy`.
    ///
    /// The import allowlist is normalized first: sorted, deduplicated, and
    /// stripped of `wasi_snapshot_preview1` socket functions and
    /// `proc_raise`, which are never allowed. [`Guardian::policy`] returns
    /// the normalized policy.
    pub fn new(policy: Policy) -> Self {
        let policy = policy.normalized();
        let policy_digest = policy.digest();
        Self {
            policy,
            policy_digest,
        }
    }

    /// The (normalized) policy this Guardian enforces.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// SHA-256 of the policy's canonical encoding, as recorded in reports
    /// and receipts.
    ///
    /// The encoding (version 2, integers big-endian): the bytes
    /// `nmp-guardian/policy/v2\n`; the seventeen limits as `u64` in
    /// declaration order (`max_module_bytes` through `max_loops_per_function`,
    /// then `max_findings`); `recursion` as one byte (0 reject, 1 allow); and
    /// the normalized allowlist (sorted byte-wise by module, then name, then by
    /// parameter and result lists in [`ValueType`](crate::ValueType)
    /// declaration order) as a `u32` count followed, per entry, by the
    /// `u32`-length-prefixed module and name and the `u32`-count-prefixed
    /// parameter and result type codes (the binary format's: `i32` = 0x7f,
    /// `i64` = 0x7e, `f32` = 0x7d, `f64` = 0x7c, `v128` = 0x7b,
    /// `funcref` = 0x70, `externref` = 0x6f). Equal policies have equal
    /// digests whatever the order of their allowlists.
    pub fn policy_digest(&self) -> Digest {
        self.policy_digest
    }

    /// Inspects `wasm` and reports whether it may run, and why not.
    ///
    /// Any byte string gives a report; nothing panics, and the same bytes
    /// give the same report. One pass decodes and validates the module and
    /// checks the policy together, collecting as many findings as it can
    /// (validation errors stop validation but not the policy checks; bytes
    /// that do not decode stop everything). A module over
    /// [`Policy::max_module_bytes`] is rejected without being parsed.
    pub fn inspect(&self, wasm: &[u8]) -> Report {
        Report::new(
            self.findings(wasm),
            wasm,
            self.policy_digest,
            self.policy.max_findings,
        )
    }

    fn findings(&self, wasm: &[u8]) -> Vec<Finding> {
        let size = wasm.len() as u64;
        if size > self.policy.max_module_bytes {
            let message = format!(
                "the module is {size} bytes, over the limit of {}",
                self.policy.max_module_bytes
            );
            let finding = Finding::new(
                FindingCode::ModuleTooLarge,
                Severity::Error,
                message,
                Location::module(),
            );
            return vec![finding.with(crate::Detail::limit(self.policy.max_module_bytes, size))];
        }
        if is_component(wasm) {
            return vec![Finding::new(
                FindingCode::ComponentBinary,
                Severity::Error,
                "this is a component-model binary; only core WASI command modules run here"
                    .to_owned(),
                Location::at(Section::Header, 0),
            )];
        }
        let mut scan = Scan::new(&self.policy);
        let outcome = run(wasm, features(), Span::WHOLE, &mut scan);
        let mut findings = scan.finish();
        if let Err(failure) = outcome {
            classify(wasm, failure, &mut findings);
        }
        findings
    }
}

impl Default for Guardian {
    /// A Guardian enforcing [`Policy::default`].
    fn default() -> Self {
        Self::new(Policy::default())
    }
}

/// Whether `wasm` starts like a component: the wasm magic, then a version
/// field whose layer half is 1 (core modules have layer 0).
fn is_component(wasm: &[u8]) -> bool {
    wasm.len() >= 8 && wasm[..4] == *b"\0asm" && wasm[6..8] == [1, 0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_headers_are_recognized() {
        assert!(is_component(b"\0asm\x0d\0\x01\0"));
        assert!(!is_component(b"\0asm\x01\0\0\0"));
        assert!(!is_component(b"\0asm"));
    }

    #[test]
    fn oversized_modules_are_not_parsed() {
        let policy = Policy {
            max_module_bytes: 4,
            ..Policy::default()
        };
        let report = Guardian::new(policy).inspect(b"\0asm\x01\0\0\0");
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].code, FindingCode::ModuleTooLarge);
    }

    #[test]
    fn the_digest_is_of_the_normalized_policy() {
        let mut reversed = Policy::default();
        reversed.imports.reverse();
        assert_eq!(
            Guardian::new(reversed).policy_digest(),
            Guardian::default().policy_digest()
        );
    }
}
