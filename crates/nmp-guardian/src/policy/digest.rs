//! The policy's canonical encoding, whose SHA-256 reports and receipts record.
//!
//! The encoding is specified on [`Guardian::policy_digest`](crate::Guardian::policy_digest);
//! a test pins the default policy's digest (checked by an independent
//! implementation of that specification when it was written). A new policy
//! field means a new version tag.

use super::{AllowedImport, Policy, RecursionPolicy, ValueType};
use crate::Digest;

const TAG: &[u8] = b"nmp-guardian/policy/v2\n";

impl Policy {
    /// SHA-256 of the canonical encoding; `self` must be normalized.
    pub(crate) fn digest(&self) -> Digest {
        Digest::of_parts([TAG, &self.encode()])
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        let limits = [
            self.max_module_bytes,
            self.max_functions.into(),
            self.max_function_bytes.into(),
            self.max_locals_per_function.into(),
            self.max_local_bytes_per_function.into(),
            self.max_memory_pages,
            self.max_table_elements,
            self.max_data_bytes,
            self.max_exports.into(),
            self.max_nesting_depth.into(),
            self.max_br_table_targets.into(),
            self.max_code_bytes,
            self.max_blocks.into(),
            self.max_blocks_per_function.into(),
            self.max_loops.into(),
            self.max_loops_per_function.into(),
            self.max_findings.into(),
        ];
        for limit in limits {
            out.extend_from_slice(&limit.to_be_bytes());
        }
        out.push(match self.recursion {
            RecursionPolicy::Reject => 0,
            RecursionPolicy::Allow => 1,
        });
        put_len(&mut out, self.imports.len());
        for import in &self.imports {
            encode_import(&mut out, import);
        }
        out
    }
}

fn encode_import(out: &mut Vec<u8>, import: &AllowedImport) {
    for text in [&import.module, &import.name] {
        put_len(out, text.len());
        out.extend_from_slice(text.as_bytes());
    }
    for types in [&import.params, &import.results] {
        put_len(out, types.len());
        out.extend(types.iter().map(|t: &ValueType| t.code()));
    }
}

/// Lengths are `u32`; a longer list or string cannot come from a real
/// configuration, and saturating keeps the encoding total.
fn put_len(out: &mut Vec<u8>, len: usize) {
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_digest_is_stable() {
        // Pinned so that an accidental change to the encoding or to a default
        // is caught: receipts signed under the old digest would stop matching.
        let digest = Policy::default().normalized().digest();
        assert_eq!(digest, Policy::default().normalized().digest());
        assert_eq!(
            digest.to_string(),
            include_str!("digest/default_policy.sha256").trim()
        );
    }

    #[test]
    fn allowlist_order_does_not_matter() {
        let mut reversed = Policy::default();
        reversed.imports.reverse();
        assert_eq!(
            reversed.normalized().digest(),
            Policy::default().normalized().digest()
        );
    }

    #[test]
    fn every_knob_changes_the_digest() {
        let base = Policy::default().normalized().digest();
        let changes: [fn(&mut Policy); 6] = [
            |p| p.max_loops += 1,
            |p| p.max_local_bytes_per_function -= 4,
            |p| p.max_blocks_per_function += 1,
            |p| p.recursion = RecursionPolicy::Allow,
            |p| p.max_findings -= 1,
            |p| p.imports.truncate(3),
        ];
        for change in changes {
            let mut policy = Policy::default();
            change(&mut policy);
            assert_ne!(policy.normalized().digest(), base);
        }
    }
}
