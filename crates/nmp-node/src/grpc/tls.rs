//! The node's TLS face: TLS 1.3 with the libp2p TLS certificate, which binds the certificate
//! key to the node's PeerId.

use std::sync::Arc;

use nmp_net::Keypair;
use rustls::{
    server::{ClientHello, ResolvesServerCert},
    sign::CertifiedKey,
};

use super::Error;

/// The one application protocol offered: HTTP/2.
pub(super) const ALPN_H2: &[u8] = b"h2";

/// A server configuration presenting a fresh self-signed certificate that carries the
/// identity's public key and its signature over the certificate key (the libp2p TLS
/// extension). TLS 1.3 only, no client certificate asked for, `h2` by ALPN.
pub(super) fn server_config(identity: &Keypair) -> Result<rustls::ServerConfig, Error> {
    let (certificate, key) = libp2p_tls::certificate::generate(identity)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    // Not `with_single_cert`: its check parses the certificate with webpki, which refuses the
    // critical libp2p extension. The key is the one `generate` made for this certificate.
    let key = provider.key_provider.load_private_key(key)?;
    let certified = Arc::new(CertifiedKey::new(vec![certificate], key));
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(Always(certified)));
    config.alpn_protocols = vec![ALPN_H2.to_vec()];
    Ok(config)
}

/// Presents the one certificate to every client.
#[derive(Debug)]
struct Always(Arc<CertifiedKey>);

impl ResolvesServerCert for Always {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(&self.0))
    }
}
