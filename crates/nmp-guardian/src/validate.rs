//! The validation stage: wasmparser with the Guardian's fixed feature set.

mod run;
mod tee;

use wasmparser::WasmFeatures;

pub(crate) use run::{Failure, FailureKind, Observer, Span, run};

/// Why a module failed the validation stage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The bytes are not a well-formed module; `offset` is where decoding
    /// stopped.
    #[error("malformed module at byte {offset}: {message}")]
    Malformed {
        /// Byte offset from the start of the module.
        offset: u64,
        /// wasmparser's description.
        message: String,
    },
    /// The module is well-formed but invalid under the Guardian's feature set
    /// (this includes modules that need a proposal the Guardian leaves off).
    #[error("invalid module at byte {offset}: {message}")]
    Invalid {
        /// Byte offset from the start of the module.
        offset: u64,
        /// wasmparser's description.
        message: String,
    },
}

/// Runs the validation stage alone: full wasmparser validation with the
/// Guardian's feature set, no policy.
///
/// The feature set is WebAssembly 2.0: the MVP with floats, mutable globals,
/// sign-extension, saturating float-to-int, multi-value, bulk memory,
/// reference types and fixed-width SIMD. Threads, memory64, multi-memory,
/// exceptions, GC, typed function references, tail calls, relaxed SIMD,
/// extended constants and every later proposal are off, and component
/// binaries are refused. [`Guardian::inspect`](crate::Guardian::inspect) runs
/// this same stage and adds the policy; use this alone to check conformance.
///
/// Costs one pass over the bytes; never panics.
///
/// # Errors
///
/// [`ValidationError::Malformed`] or [`ValidationError::Invalid`] for the
/// first problem found.
pub fn validate(wasm: &[u8]) -> Result<(), ValidationError> {
    run(wasm, features(), Span::WHOLE, &mut ()).map_err(Failure::into_error)
}

/// The Guardian's feature set, spelled out rather than taken from a preset so
/// that a wasmparser upgrade cannot widen it silently.
pub(crate) fn features() -> WasmFeatures {
    WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES
        | WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::REFERENCE_TYPES
        | WasmFeatures::SIMD
}

impl Failure {
    fn into_error(self) -> ValidationError {
        let offset = self.error.offset() as u64;
        let message = self.error.message().to_owned();
        match self.kind {
            FailureKind::Malformed => ValidationError::Malformed { offset, message },
            FailureKind::Invalid => ValidationError::Invalid { offset, message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feature_set_is_exactly_wasm_2() {
        assert_eq!(features(), WasmFeatures::WASM2);
    }

    #[test]
    fn an_empty_module_validates() {
        assert_eq!(validate(b"\0asm\x01\0\0\0"), Ok(()));
    }

    #[test]
    fn bad_magic_is_malformed() {
        assert!(matches!(
            validate(b"\0wasm\x01\0\0"),
            Err(ValidationError::Malformed { offset: 0, .. })
        ));
    }

    #[test]
    fn a_type_error_is_invalid() {
        let wasm = wat::parse_str("(module (func (result i32) i64.const 1))").unwrap();
        assert!(matches!(
            validate(&wasm),
            Err(ValidationError::Invalid { .. })
        ));
    }

    #[test]
    fn shared_memory_is_invalid_here() {
        let wasm = wat::parse_str("(module (memory 1 1 shared))").unwrap();
        assert!(validate(&wasm).is_err());
    }
}
