//! Integration tests of `nmp-sandbox`: hostile guests in WAT, each ending with its documented
//! outcome, plus files, caches, concurrency, clocks and cancellation.

mod basics;
mod cache;
mod cancel;
mod clocks;
mod concurrency;
mod files;
mod hostile;
mod isolation;
mod support;
