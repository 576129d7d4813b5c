//! Code generated from `proto/nmp/v1/*.proto` by `build.rs`; re-exported through `crate::pb`.
#![allow(
    missing_docs,
    reason = "generated code; the .proto files carry the documentation"
)]
#![allow(
    unreachable_pub,
    reason = "generated code is re-exported on purpose through `pb`"
)]
#![allow(clippy::all, reason = "generated code")]
#![allow(clippy::pedantic, reason = "generated code")]
#![allow(
    clippy::allow_attributes_without_reason,
    reason = "generated code carries its own allows"
)]

include!(concat!(env!("OUT_DIR"), "/nmp.v1.rs"));
