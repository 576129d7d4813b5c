//! Integration tests of `nmp-sandbox`: hostile guests in WAT, each ending with its documented
//! outcome, plus files, caches and concurrency.

mod basics;
mod cache;
mod concurrency;
mod files;
mod hostile;
mod support;
