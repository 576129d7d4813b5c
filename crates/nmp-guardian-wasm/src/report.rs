//! The one thing this crate computes: a report, as the JSON the ABI returns.

use std::sync::OnceLock;

use nmp_guardian::Guardian;

/// The default-policy Guardian, built once (normalizing the policy and
/// hashing it is the only set-up cost).
fn guardian() -> &'static Guardian {
    static GUARDIAN: OnceLock<Guardian> = OnceLock::new();
    GUARDIAN.get_or_init(Guardian::default)
}

/// The report on `wasm` under the default policy, as compact JSON.
pub fn report_json(wasm: &[u8]) -> Vec<u8> {
    let report = guardian().inspect(wasm);
    serde_json::to_vec(&report).expect("a report has only string keys and serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_is_the_guardians_report() {
        let wasm = b"\0asm\x01\0\0\0";
        let parsed: nmp_guardian::Report = serde_json::from_slice(&report_json(wasm)).unwrap();
        assert_eq!(parsed, Guardian::default().inspect(wasm));
    }

    #[test]
    fn garbage_gives_a_rejection_not_a_panic() {
        let json = String::from_utf8(report_json(b"not wasm")).unwrap();
        assert!(json.contains(r#""verdict":"rejected""#), "{json}");
        assert!(json.contains(r#""code":"malformed""#), "{json}");
    }
}
