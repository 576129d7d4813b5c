//! The C ABI: raw buffers in and out, nothing else.
//!
//! Buffers are allocated with the global allocator as byte arrays (alignment 1),
//! so `free` needs only the pointer and the length it was allocated with.

#![allow(
    unsafe_code,
    reason = "a C ABI hands out and takes back raw buffers; every unsafe block states its contract"
)]

use std::alloc::{Layout, alloc, dealloc};

use crate::report_json;

/// Allocates `len` bytes for the caller to fill; returns null when `len` is 0
/// or the allocation fails.
#[unsafe(no_mangle)]
pub extern "C" fn nmp_guardian_alloc(len: usize) -> *mut u8 {
    match Layout::array::<u8>(len) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) if len > 0 => unsafe { alloc(layout) },
        _ => std::ptr::null_mut(),
    }
}

/// Frees a buffer returned by [`nmp_guardian_alloc`] or
/// [`nmp_guardian_inspect`]; null pointers and zero lengths are ignored.
///
/// # Safety
///
/// `ptr` must come from one of those functions, with `len` the length it was
/// allocated with (for an `inspect` result: 4 plus the length it starts with),
/// and must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nmp_guardian_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() || len == 0 {
        return;
    }
    if let Ok(layout) = Layout::array::<u8>(len) {
        // SAFETY: the caller guarantees `ptr` was allocated with this layout.
        unsafe { dealloc(ptr, layout) }
    }
}

/// Inspects the `len` bytes at `ptr` and returns a new buffer: the report's
/// JSON length as a little-endian `u32`, then the JSON. Returns null when the
/// result cannot be allocated. `ptr` may be null when `len` is 0.
///
/// # Safety
///
/// When `len` is not 0, `ptr` must point to `len` readable bytes that stay
/// unchanged during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nmp_guardian_inspect(ptr: *const u8, len: usize) -> *mut u8 {
    let wasm: &[u8] = if len == 0 || ptr.is_null() {
        &[]
    } else {
        // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    };
    let json = report_json(wasm);
    let Ok(prefix) = u32::try_from(json.len()) else {
        return std::ptr::null_mut();
    };
    let total = 4 + json.len();
    let out = nmp_guardian_alloc(total);
    if !out.is_null() {
        // SAFETY: `out` holds `total` bytes, and `json` does not overlap it.
        unsafe {
            std::ptr::copy_nonoverlapping(prefix.to_le_bytes().as_ptr(), out, 4);
            std::ptr::copy_nonoverlapping(json.as_ptr(), out.add(4), json.len());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls the ABI the way the TypeScript wrapper does.
    fn through_the_abi(wasm: &[u8]) -> Vec<u8> {
        let input = nmp_guardian_alloc(wasm.len());
        unsafe {
            if !wasm.is_empty() {
                std::ptr::copy_nonoverlapping(wasm.as_ptr(), input, wasm.len());
            }
            let out = nmp_guardian_inspect(input, wasm.len());
            nmp_guardian_free(input, wasm.len());
            assert!(!out.is_null());
            let mut prefix = [0u8; 4];
            std::ptr::copy_nonoverlapping(out, prefix.as_mut_ptr(), 4);
            let len = u32::from_le_bytes(prefix) as usize;
            let json = std::slice::from_raw_parts(out.add(4), len).to_vec();
            nmp_guardian_free(out, 4 + len);
            json
        }
    }

    #[test]
    fn the_abi_returns_the_report_json() {
        let wasm = b"\0asm\x01\0\0\0";
        assert_eq!(through_the_abi(wasm), report_json(wasm));
    }

    #[test]
    fn empty_input_is_a_malformed_module() {
        assert!(nmp_guardian_alloc(0).is_null());
        let json = String::from_utf8(through_the_abi(b"")).unwrap();
        assert!(json.contains(r#""code":"malformed""#), "{json}");
    }

    #[test]
    fn freeing_null_is_harmless() {
        unsafe { nmp_guardian_free(std::ptr::null_mut(), 8) };
    }
}
