//! Go's packages that read files at run time: a table of function → need, by the names of
//! the functions a Go program links (its `.gopclntab`, see `calls.rs`). A name ending in `*`
//! is a prefix. The paths are Go's own: `crypto/x509/root_linux.go` (`certFiles`) and
//! `time/zoneinfo_unix.go` (`platformZoneSources`), the same in Go 1.19 (Debian 12's
//! `golang-go`) and in Go's current sources.

use alloc::vec::Vec;

use super::glibc::{GROUP, NSSWITCH, PASSWD};
use super::{Calls, Kind, Need, Rule, ZONEINFO_WHAT, add_rule};

/// The CA bundles Go's `crypto/x509` reads, in its order (`certFiles`: Debian and Ubuntu
/// first, then Fedora, openSUSE, OpenELEC, CentOS, Alpine); it also reads every file of the
/// directories `/etc/ssl/certs`, `/etc/pki/tls/certs` and `/system/etc/security/cacerts`, which
/// are not checked here (a directory may be empty). scratch-pack's `--ca-certs` copies the first
/// of them this machine has.
pub const GO_CERT_FILES: [&str; 6] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// A CA bundle, at one of [`GO_CERT_FILES`].
const CA: Kind = Kind {
    what: "/etc/ssl/certs/ca-certificates.crt (CA certificates, for TLS)",
    files: &GO_CERT_FILES,
    library: false,
    without: "crypto/x509 finds no system roots (x509.SystemCertPool() is empty), so every TLS connection fails: `x509: certificate signed by unknown authority`",
    fix: "copy /etc/ssl/certs/ca-certificates.crt to that path (or to another of the paths Go tries: /etc/pki/tls/certs/ca-bundle.crt, /etc/ssl/cert.pem …), or set SSL_CERT_FILE to a bundle in the image",
    copy: Some("/etc/ssl/certs/ca-certificates.crt"),
};

/// The time zones, for `time.LoadLocation`.
const ZONES: Kind = Kind {
    what: "/usr/share/zoneinfo (time zones, for time.LoadLocation)",
    files: &[
        "/usr/share/zoneinfo",
        "/usr/share/lib/zoneinfo",
        "/usr/lib/locale/TZ",
    ],
    library: false,
    without: "time.LoadLocation fails: `unknown time zone Asia/Shanghai`",
    fix: "copy /usr/share/zoneinfo (or the zones it loads) to the same path, or embed the zones in the program: `import _ \"time/tzdata\"`, or build with -tags timetzdata",
    copy: Some("/usr/share/zoneinfo"),
};

/// The time zones, for `TZ` (Go's `time.Local`).
const LOCAL_ZONE: Kind = Kind {
    what: "/usr/share/zoneinfo (time zones, for TZ)",
    files: ZONES.files,
    library: false,
    without: "time.Local is UTC, with no error: times are shown in UTC",
    fix: ZONES.fix,
    copy: ZONES.copy,
};

/// `/etc/passwd`, for `os/user` (Go's own reader of it, without cgo).
const USERS: Kind = Kind {
    without: "os/user finds no user: user.Current() fails with `user: Current requires cgo or $USER set in environment` (with $USER and $HOME set it makes do without), a lookup by ID or name with `user: unknown userid 0`",
    ..PASSWD
};

/// `/etc/group`, for `os/user`.
const GROUPS: Kind = Kind {
    without: "os/user finds no group: `user: unknown groupid 0`",
    ..GROUP
};

/// The names of the table: each names a need.
const RULES: [Rule; 6] = [
    Rule {
        names: &["crypto/x509.loadSystemRoots"],
        kind: &CA,
        when: None,
    },
    Rule {
        names: &["time.LoadLocation"],
        kind: &ZONES,
        when: None,
    },
    Rule {
        names: &["time.initLocal"],
        kind: &LOCAL_ZONE,
        when: Some("TZ names a time zone"),
    },
    Rule {
        names: &["os/user.current", "os/user.lookupUser*"],
        kind: &USERS,
        when: None,
    },
    Rule {
        names: &["os/user.lookupGroup*", "os/user.listGroups*"],
        kind: &GROUPS,
        when: None,
    },
    // The cgo resolver: glibc's getaddrinfo, through NSS.
    Rule {
        names: &["net._C2func_getaddrinfo"],
        kind: &NSSWITCH,
        when: None,
    },
];

/// The package `time/tzdata`: the zones embedded in the program.
const TZDATA: &str = "time/tzdata.*";

/// Every name the function-name table is searched for.
pub(super) fn patterns() -> impl Iterator<Item = &'static str> {
    RULES
        .iter()
        .flat_map(|r| r.names.iter().copied())
        .chain([TZDATA])
}

/// Whether the function `name` is `pattern` (or begins with it, for a pattern ending in `*`).
pub(super) fn matches(pattern: &str, name: &[u8]) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix.as_bytes()),
        None => name == pattern.as_bytes(),
    }
}

/// Adds the needs of a Go program's functions.
pub(super) fn add(calls: &Calls, multiarch: &str, needs: &mut Vec<Need>) {
    let Some(found) = &calls.go else { return };
    let embedded = found.contains(&TZDATA);
    for rule in &RULES {
        if embedded && rule.kind.what.starts_with(ZONEINFO_WHAT) {
            continue;
        }
        for name in rule.names.iter().filter(|n| found.contains(n)) {
            add_rule(needs, rule, name.trim_end_matches('*'), multiarch);
        }
    }
}
