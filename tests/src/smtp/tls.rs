//! Certificates for the SMTP tests, made by `rcgen` as PEM files in a folder the test owns: the
//! sink's own certificate, and a small PKI for relays that ask for a client certificate.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// A certificate and its private key, as PEM files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    /// A self-signed server certificate for `localhost` and `127.0.0.1`, written to
    /// `dir/server.pem` and `dir/server.key`. A client trusts it by adding `cert` as a root.
    pub fn self_signed(dir: &Path) -> TlsFiles {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        let cert = params.self_signed(&key).unwrap();
        write_pair(dir, "server", &cert.pem(), &key)
    }
}

/// A certificate authority and a client certificate it signed, as PEM files: `ca` is what the
/// server trusts, `cert` and `key` the client's identity.
#[derive(Debug, Clone)]
pub struct ClientPki {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl ClientPki {
    /// Written to `dir/ca.pem`, `dir/client.pem` and `dir/client.key`.
    pub fn new(dir: &Path) -> ClientPki {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::default();
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "telederm test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let ca = dir.join("ca.pem");
        std::fs::write(&ca, ca_cert.pem()).unwrap();

        let client_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "telederm test client");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.use_authority_key_identifier_extension = true;
        let issuer = Issuer::new(ca_params, ca_key);
        let client_cert = params.signed_by(&client_key, &issuer).unwrap();
        let TlsFiles { cert, key } = write_pair(dir, "client", &client_cert.pem(), &client_key);
        ClientPki { ca, cert, key }
    }
}

fn write_pair(dir: &Path, name: &str, cert_pem: &str, key: &KeyPair) -> TlsFiles {
    let files = TlsFiles {
        cert: dir.join(format!("{name}.pem")),
        key: dir.join(format!("{name}.key")),
    };
    std::fs::write(&files.cert, cert_pem).unwrap();
    std::fs::write(&files.key, key.serialize_pem()).unwrap();
    files
}
