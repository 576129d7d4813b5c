//! The committed known-answer vectors: regenerated identically, and opened independently.

use aes_gcm::{
    Aes256Gcm, Nonce,
    aead::{Aead, KeyInit, Payload},
};
use nmp_crypto::{
    Identity, KemKeyPair, Keyring, PeerId,
    envelope::OpenConfig,
    receipt::{self, Expected},
    testing,
};
use nmp_wire::pb;
use prost::Message;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub(crate) fn committed(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub(crate) fn bytes(value: &Value) -> Vec<u8> {
    hex::decode(value.as_str().unwrap()).unwrap()
}

pub(crate) fn array<const N: usize>(value: &Value) -> [u8; N] {
    bytes(value).try_into().unwrap()
}

#[test]
fn committed_vectors_match_the_generator() {
    // If this fails after an intended change, run the generator (see `testing::GENERATOR`).
    assert_eq!(committed("envelope.json"), testing::envelope_vectors());
    assert_eq!(committed("receipt.json"), testing::receipt_vectors());
}

#[test]
fn envelope_vectors_open_and_intermediates_agree() {
    for case in committed("envelope.json")["cases"].as_array().unwrap() {
        let (inputs, mid, response) = (&case["inputs"], &case["intermediates"], &case["response"]);
        // The transcript hash is SHA-256 of the transcript.
        let hash: [u8; 32] = Sha256::digest(bytes(&mid["transcript"])).into();
        assert_eq!(hash.to_vec(), bytes(&mid["transcript_hash"]));
        // The request key decrypts the ciphertext under the AAD to the encoded payload.
        let cipher = Aes256Gcm::new(&array::<32>(&mid["request_key"]).into());
        let nonce = Nonce::from(array::<12>(&inputs["nonce"]));
        let ciphertext = bytes(&mid["ciphertext"]);
        let aad = bytes(&mid["aad"]);
        let plain = cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: &ciphertext,
                    aad: &aad,
                },
            )
            .unwrap();
        assert_eq!(plain, bytes(&mid["payload_encoded"]));
        // The signed message is the AAD, transcript hash, nonce and SHA-256 of the ciphertext.
        let mut signed = aad.clone();
        signed.extend_from_slice(&hash);
        signed.extend_from_slice(&nonce);
        signed.extend_from_slice(&Sha256::digest(&ciphertext));
        assert_eq!(signed, bytes(&mid["signed_message"]));

        // The node, rebuilt from its seeds, opens the encoded request.
        let kem = KemKeyPair::from_seeds(
            &array(&inputs["node_kem_x25519_secret"]),
            &array(&inputs["node_kem_ml_kem_seed"]),
        );
        assert_eq!(kem.key_id().to_vec(), bytes(&inputs["node_kem_key_id"]));
        let node = PeerId::from_bytes(&bytes(&inputs["node_peer_id"])).unwrap();
        let not_after = inputs["node_kem_not_after_ms"].as_u64().unwrap();
        let keyring = Keyring::new(node, kem, not_after, OpenConfig::default());
        let request = pb::LogicRequest::decode(bytes(&mid["logic_request"]).as_slice()).unwrap();
        let now = inputs["timestamp_ms"].as_u64().unwrap();
        let opened = keyring.open(&request, now).unwrap();
        assert_eq!(opened.payload.wasm, bytes(&inputs["payload_wasm"]));
        assert_eq!(opened.payload.input, bytes(&inputs["payload_input"]));
        let agent = Identity::from_secret_bytes(array(&inputs["agent_secret"]));
        assert_eq!(opened.agent, agent.peer_id());

        // The response key opens the sealed response, and agrees with the raw AES-GCM values.
        let sealed =
            pb::SealedResponse::decode(bytes(&response["sealed_response"]).as_slice()).unwrap();
        let answer = opened.response_key.open_response(&sealed).unwrap();
        assert_eq!(answer.stdout, bytes(&response["stdout"]));
        let cipher = Aes256Gcm::new(&array::<32>(&mid["response_key"]).into());
        let nonce = Nonce::from(array::<12>(&response["nonce"]));
        let aad = bytes(&response["aad"]);
        let ciphertext = bytes(&response["ciphertext"]);
        let plain = cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: &ciphertext,
                    aad: &aad,
                },
            )
            .unwrap();
        assert_eq!(plain, bytes(&response["encoded"]));
    }
}

#[test]
fn receipt_vector_verifies_and_its_json_round_trips() {
    let vector = committed("receipt.json");
    let signed = pb::Receipt::decode(bytes(&vector["receipt"]).as_slice()).unwrap();
    let node = Identity::from_secret_bytes(array(&vector["node_secret"]));
    let output = bytes(&vector["output"]);
    let expected = Expected {
        node: Some(&node.peer_id()),
        module_sha256: Some(Sha256::digest(b"\0asm\x01\0\0\0").into()),
        input_sha256: None,
        output: Some(&output),
        attested: None,
    };
    let body = receipt::verify(&signed, &expected).unwrap();
    assert_eq!(body.capability, "demo.hospital/patients");
    assert_eq!(receipt::from_json(&vector["receipt_json"]).unwrap(), signed);
    let mut message = b"nmp/v1/receipt\0".to_vec();
    message.extend_from_slice(&signed.body);
    assert_eq!(message, bytes(&vector["signed_message"]));
}

#[test]
fn session_vectors_match_the_generator_and_recompute_independently() {
    use hkdf::Hkdf;
    let committed = committed("session.json");
    assert_eq!(committed, testing::session_vectors());
    let (inputs, open) = (&committed["inputs"], &committed["open"]);
    let hash: [u8; 32] = Sha256::digest(bytes(&open["transcript"])).into();
    assert_eq!(hash.to_vec(), bytes(&open["transcript_hash"]));
    assert_eq!(hash[..16].to_vec(), bytes(&open["session_id"]));
    let ikm = [bytes(&open["ml_kem_shared"]), bytes(&open["x25519_shared"])].concat();
    let (secret, _) = Hkdf::<Sha256>::extract(Some(&hash), &ikm);
    assert_eq!(secret.to_vec(), bytes(&open["session_secret"]));
    let expand = |info: &[&[u8]]| {
        let mut out = [0; 32];
        Hkdf::<Sha256>::from_prk(&secret)
            .unwrap()
            .expand_multi_info(info, &mut out)
            .unwrap();
        out
    };
    let agent = PeerId::from_bytes(&bytes(&inputs["agent_peer_id"])).unwrap();
    nmp_crypto::identity::verify(
        &agent,
        nmp_crypto::identity::Domain::Session,
        &hash,
        &bytes(&open["agent_signature"]),
    )
    .unwrap();
    let accepted = &committed["accepted"];
    let confirmation = expand(&[
        b"nmp/v1 session confirm",
        &hash[..16],
        &accepted["expires_at_ms"].as_u64().unwrap().to_be_bytes(),
        &accepted["max_requests"].as_u64().unwrap().to_be_bytes(),
    ]);
    assert_eq!(confirmation.to_vec(), bytes(&accepted["confirmation"]));
    // The node establishes the committed offer and opens the committed requests.
    let node = Identity::from_secret_bytes(array(&inputs["node_secret"]));
    let keyring = Keyring::new(
        node.peer_id(),
        KemKeyPair::from_seeds(
            &array(&inputs["node_kem_x25519_secret"]),
            &array(&inputs["node_kem_ml_kem_seed"]),
        ),
        inputs["node_kem_not_after_ms"].as_u64().unwrap(),
        OpenConfig::default().sessions(
            nmp_crypto::session::SessionConfig::default()
                .ttl_ms(inputs["session_ttl_ms"].as_u64().unwrap())
                .max_requests(accepted["max_requests"].as_u64().unwrap()),
        ),
    );
    let now = inputs["node_now_ms"].as_u64().unwrap();
    let offer = pb::SessionOpen::decode(bytes(&open["session_open"]).as_slice()).unwrap();
    let established = keyring
        .verify_session(&offer, now)
        .unwrap()
        .establish()
        .unwrap();
    assert_eq!(
        established.encode_to_vec(),
        bytes(&accepted["session_accepted"])
    );
    for case in committed["requests"].as_array().unwrap() {
        let id = bytes(&case["request_id"]);
        let counter = case["counter"].as_u64().unwrap().to_be_bytes();
        let request_key = expand(&[b"nmp/v1 session request key", &id, &counter]);
        let response_key = expand(&[b"nmp/v1 session response key", &id, &counter]);
        assert_eq!(request_key.to_vec(), bytes(&case["request_key"]));
        assert_eq!(response_key.to_vec(), bytes(&case["response_key"]));
        let plain = Aes256Gcm::new(&request_key.into())
            .decrypt(
                &Nonce::from(array::<12>(&case["nonce"])),
                Payload {
                    msg: &bytes(&case["ciphertext"]),
                    aad: &bytes(&case["aad"]),
                },
            )
            .unwrap();
        assert_eq!(plain, bytes(&case["payload_encoded"]));
        let request = pb::LogicRequest::decode(bytes(&case["logic_request"]).as_slice()).unwrap();
        let opened = keyring.open(&request, now).unwrap();
        assert_eq!(opened.payload.encode_to_vec(), plain);
        let response = &case["response"];
        let answer = Aes256Gcm::new(&response_key.into())
            .decrypt(
                &Nonce::from(array::<12>(&response["nonce"])),
                Payload {
                    msg: &bytes(&response["ciphertext"]),
                    aad: &bytes(&response["aad"]),
                },
            )
            .unwrap();
        assert_eq!(answer, bytes(&response["encoded"]));
    }
}
