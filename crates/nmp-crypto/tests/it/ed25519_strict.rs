//! The shared strict-Ed25519 vectors (`tests/vectors/ed25519-strict.json`, written by
//! `ed25519-strict.py` beside it): ed25519-dalek's `verify_strict`, which every NMP signature
//! check uses, gives each vector's `strict` answer, including every case where permissive
//! ZIP-215 verification answers otherwise.

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::Value;

use crate::vectors::{array, bytes, committed};

/// What ed25519-dalek answers for one vector, strictly or not; a key that does not decompress is
/// a rejection.
fn answer(vector: &Value, strict: bool) -> &'static str {
    let Ok(key) = VerifyingKey::from_bytes(&array(&vector["public_key"])) else {
        return "reject";
    };
    let signature = Signature::from_bytes(&array(&vector["signature"]));
    let message = bytes(&vector["message"]);
    let verified = if strict {
        key.verify_strict(&message, &signature)
    } else {
        key.verify(&message, &signature)
    };
    if verified.is_ok() { "accept" } else { "reject" }
}

#[test]
fn verify_strict_gives_every_expected_answer() {
    let document = committed("ed25519-strict.json");
    let vectors = document["vectors"].as_array().unwrap();
    for vector in vectors {
        assert_eq!(
            answer(vector, true),
            vector["strict"].as_str().unwrap(),
            "{}: {}",
            vector["name"],
            vector["reason"]
        );
    }
    // The file exercises what it is for: cases where the two rule sets disagree, both ways of
    // the cofactorless equation on a mixed-order key, and controls each rule set accepts.
    let differing = vectors
        .iter()
        .filter(|v| v["strict"] != v["zip215"])
        .count();
    assert!(
        differing >= 10,
        "only {differing} vectors tell the rules apart"
    );
    // Even dalek's own non-strict `verify` (cofactorless, small orders allowed) fails some.
    let lax = vectors
        .iter()
        .filter(|v| answer(v, false) == "accept" && v["strict"] == "reject")
        .count();
    assert!(
        lax >= 3,
        "only {lax} vectors tell verify from verify_strict"
    );
    for name in [
        "valid",
        "rfc8032_test_1",
        "small_order_a",
        "small_order_r_identity",
        "mixed_order_a_k_not_multiple_of_8",
        "mixed_order_a_k_multiple_of_8",
        "non_canonical_identity_y_plus_p_as_r",
        "s_plus_l",
    ] {
        assert!(
            vectors.iter().any(|v| v["name"] == name),
            "vector {name} is missing"
        );
    }
}
