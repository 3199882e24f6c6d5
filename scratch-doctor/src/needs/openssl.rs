//! OpenSSL's calls that load its default trust store: a program that asks libcrypto or libssl
//! for the default verify paths reads the CA certificates under OpenSSL's directory
//! (`OPENSSLDIR`, built into libcrypto: Debian's is `/usr/lib/ssl`, which `openssl version -d`
//! prints): the bundle `cert.pem`, and `certs/`, certificates by hash. A `FROM scratch` image of
//! the closure has neither, and then nothing is trusted.
//!
//! The error is what `openssl verify` printed in such an image (the system tests run it:
//! `system-tests/tests/needs.rs`).

use alloc::vec::Vec;

use super::{Calls, Kind, Need, Rule, add_rule};

/// OpenSSL's trust store, under Debian's `OPENSSLDIR`.
const TRUST_STORE: Kind = Kind {
    what: "/usr/lib/ssl/cert.pem (OpenSSL's CA certificates, for TLS)",
    files: &["/usr/lib/ssl/cert.pem", "/usr/lib/ssl/certs"],
    library: false,
    without: "OpenSSL's default trust store is empty and no certificate is trusted: `error 18 at 0 depth lookup: self-signed certificate` for a root, `unable to get local issuer certificate` for a server's",
    fix: "copy /etc/ssl/certs/ca-certificates.crt to /usr/lib/ssl/cert.pem (OpenSSL's directory on this machine, as `openssl version -d` prints it), or set SSL_CERT_FILE to a bundle in the image",
    copy: Some("/etc/ssl/certs/ca-certificates.crt"),
};

/// The calls that load the default verify paths.
const DEFAULT_PATHS: Rule = Rule {
    names: &[
        "X509_STORE_set_default_paths",
        "X509_STORE_set_default_paths_ex",
        "SSL_CTX_set_default_verify_paths",
        "SSL_CTX_set_default_verify_file",
        "SSL_CTX_set_default_verify_dir",
        "SSL_CTX_set_default_verify_store",
    ],
    kind: &TRUST_STORE,
    when: None,
};

/// Every name of the table, for [`read_calls`](super::read_calls).
pub(super) fn names() -> impl Iterator<Item = &'static str> {
    DEFAULT_PATHS.names.iter().copied()
}

/// Adds the need of OpenSSL's calls in `calls`.
pub(super) fn add(calls: &Calls, multiarch: &str, needs: &mut Vec<Need>) {
    for name in DEFAULT_PATHS.names.iter().filter(|n| calls.calls(n)) {
        add_rule(needs, &DEFAULT_PATHS, name, multiarch);
    }
}
