//! Integration tests: the vendors' real samples, their negative cases, and synthetic
//! attestations from a test CA for the binding.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers panic on a broken fixture, like the tests"
)]

mod fixture;
mod real;
mod synthetic;
