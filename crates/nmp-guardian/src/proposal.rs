//! Which disabled proposal a validation failure needs, found by probing.
//!
//! When the main pass fails at some payload, the module is re-validated with
//! one candidate proposal switched on at a time, checking only that payload
//! (earlier function bodies already passed and are skipped). The first
//! candidate under which it passes is the proposal the module needs. The
//! search then continues from there with that proposal on, so a module using
//! several proposals gets one finding per proposal. A failure no candidate
//! explains is `unsupported_proposal` if all features together explain it,
//! and otherwise `malformed` or `invalid`.
//!
//! This works from the validator's behaviour rather than its message text, so
//! a wasmparser upgrade that rewords errors cannot change the mapping. Cost:
//! nothing on accepted modules; on rejected ones, at most a few
//! single-payload probes per proposal found, plus one run over the remaining
//! function bodies.

use wasmparser::WasmFeatures as F;

use crate::validate::{Failure, FailureKind, Span, features, run};
use crate::{Detail, Finding, FindingCode, Location, Severity};

/// A proposal the Guardian leaves off, and what it takes to enable it.
struct Candidate {
    code: FindingCode,
    /// wasmparser's name for the feature.
    name: &'static str,
    /// What a module uses when it needs this.
    uses: &'static str,
    /// The feature plus the ones it builds on.
    features: F,
}

/// Candidates in probing order: a proposal comes before those that build on
/// it, so the most basic explanation wins.
const CANDIDATES: [Candidate; 17] = [
    candidate(
        FindingCode::Threads,
        "threads",
        "shared memory or atomics",
        F::THREADS,
    ),
    candidate(
        FindingCode::Memory64,
        "memory64",
        "64-bit memories or tables",
        F::MEMORY64,
    ),
    candidate(
        FindingCode::MultiMemory,
        "multi_memory",
        "more than one memory",
        F::MULTI_MEMORY,
    ),
    candidate(
        FindingCode::Exceptions,
        "exceptions",
        "exception handling",
        F::EXCEPTIONS,
    ),
    candidate(
        FindingCode::Exceptions,
        "legacy_exceptions",
        "legacy `try`/`catch` exception handling",
        F::LEGACY_EXCEPTIONS.union(F::EXCEPTIONS),
    ),
    candidate(
        FindingCode::TailCall,
        "tail_call",
        "tail calls",
        F::TAIL_CALL,
    ),
    candidate(
        FindingCode::RelaxedSimd,
        "relaxed_simd",
        "relaxed SIMD",
        F::RELAXED_SIMD,
    ),
    candidate(
        FindingCode::ExtendedConst,
        "extended_const",
        "extended constant expressions",
        F::EXTENDED_CONST,
    ),
    candidate(
        FindingCode::CustomPageSizes,
        "custom_page_sizes",
        "custom page sizes",
        F::CUSTOM_PAGE_SIZES,
    ),
    candidate(
        FindingCode::WideArithmetic,
        "wide_arithmetic",
        "128-bit arithmetic",
        F::WIDE_ARITHMETIC,
    ),
    candidate(
        FindingCode::FunctionReferences,
        "function_references",
        "typed function references",
        F::FUNCTION_REFERENCES,
    ),
    candidate(
        FindingCode::Gc,
        "gc",
        "garbage-collected types",
        F::GC.union(F::FUNCTION_REFERENCES),
    ),
    candidate(
        FindingCode::Threads,
        "shared_everything_threads",
        "shared-everything threads",
        F::SHARED_EVERYTHING_THREADS
            .union(F::THREADS)
            .union(F::GC)
            .union(F::FUNCTION_REFERENCES),
    ),
    candidate(
        FindingCode::UnsupportedProposal,
        "memory_control",
        "memory control",
        F::MEMORY_CONTROL,
    ),
    candidate(
        FindingCode::UnsupportedProposal,
        "compact_imports",
        "the compact import encoding",
        F::COMPACT_IMPORTS,
    ),
    candidate(
        FindingCode::UnsupportedProposal,
        "stack_switching",
        "stack switching",
        F::STACK_SWITCHING
            .union(F::EXCEPTIONS)
            .union(F::GC)
            .union(F::FUNCTION_REFERENCES),
    ),
    candidate(
        FindingCode::UnsupportedProposal,
        "custom_descriptors",
        "custom descriptors",
        F::CUSTOM_DESCRIPTORS
            .union(F::GC)
            .union(F::FUNCTION_REFERENCES),
    ),
];

const fn candidate(
    code: FindingCode,
    name: &'static str,
    uses: &'static str,
    features: F,
) -> Candidate {
    Candidate {
        code,
        name,
        uses,
        features,
    }
}

/// Explains `failure` (the main pass's first) as findings.
pub(crate) fn classify(bytes: &[u8], first: Failure, findings: &mut Vec<Finding>) {
    let mut enabled = features();
    let mut failure = first;
    // Each round enables one more candidate, so this ends after at most
    // `CANDIDATES.len()` rounds.
    for _ in 0..=CANDIDATES.len() {
        let only_here = Span {
            from: failure.ordinal,
            until: Some(failure.ordinal),
        };
        let passes = |extra: F| run(bytes, enabled | extra, only_here, &mut ()).is_ok();
        let found = CANDIDATES
            .iter()
            .find(|c| !enabled.contains(c.features) && passes(c.features));
        let Some(candidate) = found else {
            let finding = if passes(F::all()) {
                proposal_finding(
                    FindingCode::UnsupportedProposal,
                    "several",
                    "a combination of proposals",
                    &failure,
                )
            } else {
                failure_finding(&failure)
            };
            findings.push(finding);
            return;
        };
        findings.push(proposal_finding(
            candidate.code,
            candidate.name,
            candidate.uses,
            &failure,
        ));
        enabled |= candidate.features;
        let rest = Span {
            from: failure.ordinal,
            until: None,
        };
        match run(bytes, enabled, rest, &mut ()) {
            Ok(()) => return,
            Err(next) => failure = next,
        }
    }
}

fn location(failure: &Failure) -> Location {
    Location {
        section: failure.section,
        function: failure.function,
        offset: Some(failure.error.offset() as u64),
    }
}

fn proposal_finding(code: FindingCode, name: &str, uses: &str, failure: &Failure) -> Finding {
    let message = format!(
        "uses {uses} (the `{name}` proposal), which this node does not run: {}",
        failure.error.message()
    );
    Finding::new(code, Severity::Error, message, location(failure)).with(Detail::Proposal {
        name: name.to_owned(),
    })
}

fn failure_finding(failure: &Failure) -> Finding {
    let code = match failure.kind {
        FailureKind::Malformed => FindingCode::Malformed,
        FailureKind::Invalid => FindingCode::Invalid,
    };
    let message = failure.error.message().to_owned();
    Finding::new(code, Severity::Error, message, location(failure))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_candidate_adds_something_to_the_guardian_features() {
        for candidate in &CANDIDATES {
            assert!(
                !features().contains(candidate.features),
                "{} is already on",
                candidate.name
            );
        }
    }

    #[test]
    fn a_shared_memory_is_explained_as_threads() {
        let wasm = wat::parse_str("(module (memory 1 1 shared))").unwrap();
        let failure = run(&wasm, features(), Span::WHOLE, &mut ()).unwrap_err();
        let mut findings = Vec::new();
        classify(&wasm, failure, &mut findings);
        let codes: Vec<_> = findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, vec![FindingCode::Threads]);
    }

    #[test]
    fn a_type_error_is_invalid() {
        let wasm = wat::parse_str("(module (func (result i32) i64.const 0))").unwrap();
        let failure = run(&wasm, features(), Span::WHOLE, &mut ()).unwrap_err();
        let mut findings = Vec::new();
        classify(&wasm, failure, &mut findings);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, FindingCode::Invalid);
        assert_eq!(findings[0].location.function, Some(0));
    }
}
