//! Any byte string gives a verdict, never a panic, and the same one twice.

use proptest::prelude::*;

use super::{command, inspect};

proptest! {
    #[test]
    fn random_bytes_give_a_stable_report(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let first = inspect(&bytes);
        prop_assert_eq!(&first, &inspect(&bytes));
        prop_assert!(!first.is_accepted());
    }

    #[test]
    fn random_bytes_after_a_header_give_a_stable_report(
        tail in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut bytes = b"\0asm\x01\0\0\0".to_vec();
        bytes.extend_from_slice(&tail);
        prop_assert_eq!(inspect(&bytes), inspect(&bytes));
    }

    #[test]
    fn mutated_modules_give_a_stable_report(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut wasm = command(
            r#"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
               (type $t (func (param i32) (result i32)))
               (table 2 2 funcref)
               (elem (i32.const 0) $g)
               (func $g (type $t) (loop (br_if 0 (local.get 0))) (call_indirect (type $t) (local.get 0) (i32.const 1)))
               (data (i32.const 8) "hello")"#,
        );
        for (at, byte) in edits {
            let i = at.index(wasm.len());
            wasm[i] = byte;
        }
        let first = inspect(&wasm);
        prop_assert_eq!(&first, &inspect(&wasm));
        prop_assert_eq!(serde_json::to_string(&first).unwrap(), serde_json::to_string(&inspect(&wasm)).unwrap());
    }
}
