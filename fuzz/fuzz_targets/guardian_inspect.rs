//! Property: the Guardian gives every byte string a verdict without panicking, and the same
//! bytes always give the same report.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nmp_guardian::{Guardian, Policy};

fuzz_target!(|data: &[u8]| {
    let guardian = Guardian::new(Policy::default());
    let first = guardian.inspect(data);
    let second = guardian.inspect(data);
    assert_eq!(first, second, "same bytes, different report");
    if first.is_accepted() {
        assert!(nmp_guardian::validate(data).is_ok(), "accepted but invalid");
    }
});
