//! Compiles the `nmp.v1` protos in pure Rust (protox, no system `protoc`) into prost messages and
//! tonic stubs, and writes the file descriptor set that gRPC server reflection serves.

use std::{env, path::PathBuf};

const PROTOS: &[&str] = &[
    "nmp/v1/attestation.proto",
    "nmp/v1/capability.proto",
    "nmp/v1/egress.proto",
    "nmp/v1/envelope.proto",
    "nmp/v1/guardian.proto",
    "nmp/v1/logic.proto",
    "nmp/v1/privacy.proto",
    "nmp/v1/receipt.proto",
    "nmp/v1/service.proto",
    "nmp/v1/session.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let out = PathBuf::from(env::var("OUT_DIR")?);
    let fds = protox::compile(PROTOS, ["proto"])?;
    std::fs::write(
        out.join("nmp_v1_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(fds)?;
    Ok(())
}
