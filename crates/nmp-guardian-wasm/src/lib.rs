//! The Rust Guardian ([`nmp_guardian`]) under its default policy, behind a
//! minimal C ABI, so that one source judges modules on the node and in the
//! TypeScript SDK (`ts/guardian`, `@nmp/guardian`).
//!
//! Built for `wasm32-unknown-unknown` by `ts/guardian/scripts/build-wasm.sh`
//! (the committed `ts/guardian/wasm/nmp_guardian.wasm`), the module exports
//! three functions and its memory:
//!
//! - `nmp_guardian_alloc(len) -> ptr`: a buffer of `len` bytes for the caller
//!   to fill (0 when `len` is 0 or cannot be allocated);
//! - `nmp_guardian_free(ptr, len)`: gives back a buffer from `alloc` or
//!   `inspect`;
//! - `nmp_guardian_inspect(ptr, len) -> out`: inspects the `len` module bytes
//!   at `ptr` under [`Policy::default`](nmp_guardian::Policy::default) and
//!   returns a buffer holding a little-endian `u32` length followed by that
//!   many bytes of the [`Report`](nmp_guardian::Report) as JSON (exactly what
//!   `nmp inspect` prints, compact). The caller frees `out` with length
//!   `4 + len`; the input buffer stays the caller's.
//!
//! Nothing else crosses the boundary: no imports, no host calls, no state
//! kept between calls. On the host the same functions are plain Rust, and
//! [`report_json`] is the safe entry point the tests and examples use.

mod abi;
mod report;

pub use abi::{nmp_guardian_alloc, nmp_guardian_free, nmp_guardian_inspect};
pub use report::report_json;
