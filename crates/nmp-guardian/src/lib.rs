//! Static admission control for untrusted WebAssembly: may this module run
//! here, and if not, exactly why.
//!
//! A Data Node runs the [`Guardian`] on every module an agent sends, before
//! compiling it; agents run the same checks first so that a bad module fails
//! on their side with the same reasons. In one pass over the bytes the
//! Guardian
//!
//! - validates the module fully with wasmparser under a fixed feature set
//!   (WebAssembly 2.0; see [`validate`]), naming the disabled proposal a
//!   module needs (threads, memory64, exceptions, GC, …) as its own finding,
//! - checks every import against an allowlist of WASI preview 1 functions
//!   matched by name and exact signature (no memories, tables, globals or
//!   tags may be imported),
//! - enforces static limits on size, functions, memory and tables, data,
//!   exports, `br_table`s, code size, loops, and what bounds the compiler's
//!   cost: per-function body bytes, locals (count and bytes), nesting and
//!   blocks, and blocks per module,
//! - requires the WASI command shape (`_start: () -> ()` and an exported
//!   `memory`), and
//! - finds recursion in the call graph, including through `call_indirect`.
//!
//! The answer is a [`Report`]: a verdict and structured [`Finding`]s that
//! code can act on, serializable to the JSON `nmp inspect` prints.
//!
//! ```
//! use nmp_guardian::{FindingCode, Guardian, Policy};
//!
//! let guardian = Guardian::new(Policy::default());
//! let wasm = wat::parse_str(
//!     r#"(module
//!          (import "wasi_snapshot_preview1" "sock_accept"
//!            (func (param i32 i32 i32) (result i32)))
//!          (memory (export "memory") 1 1)
//!          (func (export "_start")))"#,
//! )?;
//! let report = guardian.inspect(&wasm);
//! assert!(!report.is_accepted());
//! assert_eq!(report.findings[0].code, FindingCode::ForbiddenImport);
//! println!("{}", serde_json::to_string_pretty(&report)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Concepts
//!
//! - [`Policy`]: the limits, import allowlist and recursion rule; plain data
//!   with documented defaults, loaded from a node's configuration.
//! - [`Guardian`]: a normalized policy and its digest; built once per node
//!   and shared by every request.
//! - [`Report`]: the verdict on one module, with its SHA-256 and the policy
//!   digest; lives as long as the request (and goes into the receipt).
//! - [`Finding`]: one reason, with a stable [`FindingCode`], a [`Severity`]
//!   and a [`Location`].
//! - [`validate`]: the validation stage alone, for conformance checks.
//!
//! The `testing` feature adds `testing`, generators of hostile modules
//! (compile bombs) for tests and benchmarks; production builds leave it off.

mod callgraph;
mod guardian;
mod policy;
mod proposal;
mod report;
mod scan;
mod validate;

#[cfg(feature = "testing")]
pub mod testing;

pub use guardian::Guardian;
pub use policy::{AllowedImport, Policy, RecursionPolicy, ValueType};
pub use report::{
    Detail, Digest, DigestParseError, Finding, FindingCode, Location, Report, Section, Severity,
    Verdict,
};
pub use validate::{ValidationError, validate};
