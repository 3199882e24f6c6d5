//! Unit tests of the [needs](super): the tables over facts made here, the checks against a
//! place, the time zone of an image, the text and the JSON. What real files say is checked in
//! `tests/needs.rs`, and what real programs do in `system-tests/tests/needs.rs`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::calls::name_table;
use super::{Calls, Need, Place, RunsWith, lacking, of_program};
use crate::elf::{ElfFacts, parse};
use crate::memory_root::MemoryRoot;
use crate::root_view::FileError;
use crate::test_files::{Elf, Failing};
use syscall_kit::Errno;

fn program(needed: &[&str]) -> ElfFacts {
    parse(&Elf::program(needed).bytes()).unwrap()
}

fn glibc_imports(names: &[&str]) -> Calls {
    Calls {
        imports: names
            .iter()
            .map(|n| (n.to_string(), Some("GLIBC_2.2.5".to_string())))
            .collect(),
        glibc: true,
        ..Calls::default()
    }
}

fn whats(needs: &[Need]) -> Vec<&str> {
    needs.iter().map(|n| n.what.as_str()).collect()
}

/// A place with these paths and libraries.
struct Has(Vec<&'static str>);

impl Place for Has {
    fn has(&mut self, path: &str) -> bool {
        self.0.contains(&path)
    }
    fn finds_library(&mut self, name: &str) -> bool {
        self.0.contains(&name)
    }
}

#[test]
fn each_glibc_call_tells_its_need_once_with_every_call_named() {
    let calls = glibc_imports(&["getpwuid", "getpwnam", "getgrgid", "iconv_open", "puts"]);
    let needs = of_program(
        "/usr/bin/id",
        &program(&["libc.so.6"]),
        &calls,
        RunsWith::default(),
    );
    assert_eq!(
        whats(&needs),
        [
            "/etc/passwd (user names)",
            "/etc/group (group names)",
            "/usr/lib/x86_64-linux-gnu/gconv (glibc's character set converters)",
        ]
    );
    assert_eq!(needs[0].because, ["getpwnam", "getpwuid"]);
    assert_eq!(needs[0].files, ["/etc/passwd"]);
    assert!(needs[2].files[0].starts_with("/usr/lib/x86_64-linux-gnu/gconv/"));
}

#[test]
fn glibc_only_needs_are_left_out_for_musl() {
    // musl's imports have no version: no gconv (its iconv is built in), no libgcc_s, no
    // nsswitch.conf.
    let calls = Calls {
        imports: ["iconv_open", "pthread_cancel", "getaddrinfo", "mkstemp"]
            .iter()
            .map(|n| (n.to_string(), None))
            .collect(),
        ..Calls::default()
    };
    let needs = of_program("/prog", &program(&["libc.so"]), &calls, RunsWith::default());
    assert_eq!(whats(&needs), ["/tmp (temporary files)"]);
    let glibc = glibc_imports(&["iconv_open", "pthread_cancel", "getaddrinfo"]);
    let needs = of_program(
        "/prog",
        &program(&["libc.so.6"]),
        &glibc,
        RunsWith::default(),
    );
    assert_eq!(needs.len(), 3, "{needs:?}");
    assert!(
        needs
            .iter()
            .any(|n| n.library && n.files == ["libgcc_s.so.1"])
    );
}

/// OpenSSL's default verify paths: its trust store under OPENSSLDIR, met by the bundle or the
/// directory of certificates by hash.
#[test]
fn openssls_default_verify_paths_tell_its_trust_store() {
    let calls = Calls {
        imports: [
            "X509_STORE_set_default_paths_ex",
            "SSL_CTX_set_default_verify_dir",
        ]
        .iter()
        .map(|n| (n.to_string(), Some("OPENSSL_3.0.0".to_string())))
        .collect(),
        ..Calls::default()
    };
    let needs = of_program(
        "/usr/bin/openssl",
        &program(&["libcrypto.so.3"]),
        &calls,
        RunsWith::default(),
    );
    assert_eq!(
        whats(&needs),
        ["/usr/lib/ssl/cert.pem (OpenSSL's CA certificates, for TLS)"]
    );
    assert_eq!(
        needs[0].because,
        [
            "X509_STORE_set_default_paths_ex",
            "SSL_CTX_set_default_verify_dir"
        ]
    );
    assert_eq!(
        lacking(needs.clone(), &mut Has(vec!["/usr/lib/ssl/certs"])),
        []
    );
    assert_eq!(lacking(needs, &mut Has(vec!["/etc/ssl/certs"])).len(), 1);
}

#[test]
fn a_library_is_not_a_program_and_has_no_needs() {
    let library = parse(&Elf::library(&["libc.so.6"]).bytes()).unwrap();
    let calls = glibc_imports(&["getpwuid"]);
    assert!(of_program("/lib/libx.so", &library, &calls, RunsWith::default()).is_empty());
}

#[test]
fn a_static_glibc_program_gets_the_linkers_warning_explained() {
    let calls = Calls {
        defined: vec!["getpwuid".into(), "getaddrinfo".into()],
        glibc: true,
        ..Calls::default()
    };
    let elf = parse(&Elf::executable(object::elf::EM_X86_64).bytes()).unwrap();
    let needs = of_program("/prog", &elf, &calls, RunsWith::default());
    let nss = needs
        .iter()
        .find(|n| n.what.starts_with("libnss_*.so.2"))
        .expect("the static NSS need");
    assert_eq!(nss.because, ["getpwuid", "getaddrinfo"]);
    assert!(nss.without.contains("Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"));
    assert!(nss.when.is_some() && nss.files.is_empty());
    assert!(whats(&needs).contains(&"/etc/passwd (user names)"));
}

#[test]
fn the_time_zone_need_follows_tz() {
    let calls = glibc_imports(&["localtime_r"]);
    let elf = program(&["libc.so.6"]);
    // Unknown TZ: the directory, when TZ names a zone.
    let needs = of_program("/usr/bin/date", &elf, &calls, RunsWith::default());
    assert_eq!(needs[0].files, ["/usr/share/zoneinfo"]);
    assert_eq!(needs[0].when.as_deref(), Some("TZ names a time zone"));
    // An image's TZ=Asia/Shanghai: that file, always.
    let tz = RunsWith {
        tz: Some("Asia/Shanghai"),
    };
    let needs = of_program("/usr/bin/date", &elf, &calls, tz);
    assert_eq!(needs[0].files, ["/usr/share/zoneinfo/Asia/Shanghai"]);
    assert_eq!(needs[0].when, None);
    assert_eq!(needs[0].because, ["localtime_r", "TZ=Asia/Shanghai"]);
    // A TZ that names no file: no need.
    for tz in ["UTC", "CST-8", ""] {
        let needs = of_program("/usr/bin/date", &elf, &calls, RunsWith { tz: Some(tz) });
        assert!(needs.is_empty(), "TZ={tz}: {needs:?}");
    }
}

#[test]
fn go_functions_tell_roots_zones_and_users_and_tzdata_embedded_removes_the_zones() {
    let elf = parse(&Elf::executable(object::elf::EM_X86_64).bytes()).unwrap();
    let go = |names: &[&'static str]| Calls {
        go: Some(names.to_vec()),
        ..Calls::default()
    };
    let calls = go(&[
        "crypto/x509.loadSystemRoots",
        "time.LoadLocation",
        "os/user.current",
    ]);
    let needs = of_program("/prog", &elf, &calls, RunsWith::default());
    assert_eq!(
        whats(&needs),
        [
            "/etc/ssl/certs/ca-certificates.crt (CA certificates, for TLS)",
            "/usr/share/zoneinfo (time zones, for time.LoadLocation)",
            "/etc/passwd (user names)",
        ]
    );
    assert!(needs[2].without.contains("user: Current requires cgo"));
    // Go's own list of bundles, in its order.
    assert_eq!(needs[0].files[1], "/etc/pki/tls/certs/ca-bundle.crt");
    let embedded = go(&["time.LoadLocation", "time.initLocal", "time/tzdata.*"]);
    assert!(of_program("/prog", &elf, &embedded, RunsWith::default()).is_empty());
    // TZ known in the image: LoadLocation still needs the zones it loads, by name.
    let needs = of_program(
        "/prog",
        &elf,
        &go(&["time.initLocal"]),
        RunsWith { tz: Some("UTC") },
    );
    assert!(needs.is_empty());
}

#[test]
fn go_patterns_match_exact_names_or_prefixes() {
    assert!(super::go::matches(
        "time.LoadLocation",
        b"time.LoadLocation"
    ));
    assert!(!super::go::matches(
        "time.LoadLocation",
        b"time.LoadLocationFromTZData"
    ));
    assert!(super::go::matches(
        "os/user.lookupUser*",
        b"os/user.lookupUserId"
    ));
    assert!(!super::go::matches(
        "os/user.lookupUser*",
        b"os/user.lookupGroup"
    ));
}

#[test]
fn go_name_table_of_the_pc_header() {
    // Go 1.18 (0xfffffff0), 8-byte words: nfunc, nfiles, textStart, funcnameOffset, cuOffset.
    let mut head = vec![0xf0, 0xff, 0xff, 0xff, 0, 0, 1, 8];
    for w in [10u64, 2, 0x401000, 0x60, 0x1060] {
        head.extend_from_slice(&w.to_le_bytes());
    }
    assert_eq!(name_table(&head, true), Some((0x60, 0x1060)));
    // Go 1.16 (0xfffffffa): no textStart.
    head[0] = 0xfa;
    assert_eq!(name_table(&head, true), Some((0x401000, 0x60)));
    // Older formats, other pointer sizes, short headers: none (the whole section is read).
    head[0] = 0xfb;
    assert_eq!(name_table(&head, true), None);
    assert_eq!(name_table(&head[..10], true), None);
}

#[test]
fn interpreters_by_name_or_library_with_their_trees() {
    let elf = program(&["libc.so.6"]);
    let none = Calls::default();
    let needs = of_program("/usr/bin/python3.11", &elf, &none, RunsWith::default());
    assert_eq!(
        whats(&needs),
        ["/usr/lib/python3.11 (Python's standard library)"]
    );
    assert_eq!(needs[0].files[0], "/usr/lib/python3.11/os.py");
    assert_eq!(needs[0].copy.as_deref(), Some("/usr/lib/python3.11"));
    let embedding = program(&["libpython3.12.so.1.0", "libc.so.6"]);
    let needs = of_program(
        "/opt/app/bin/server",
        &embedding,
        &none,
        RunsWith::default(),
    );
    assert_eq!(
        whats(&needs),
        ["/opt/app/lib/python3.12 (Python's standard library)"]
    );
    assert_eq!(needs[0].because, ["libpython3.12.so.1.0"]);
    for (path, what) in [
        ("/usr/bin/perl", "Perl's modules"),
        (
            "/usr/bin/ruby3.1",
            "/usr/lib/ruby/3.1.0 (Ruby's standard library)",
        ),
        ("/usr/bin/nodejs", "Node.js modules"),
    ] {
        let needs = of_program(path, &elf, &none, RunsWith::default());
        assert!(needs[0].what.starts_with(what), "{path}: {needs:?}");
    }
    for other in ["/usr/bin/perlbug", "/usr/bin/pythonic", "/usr/bin/ls"] {
        assert!(
            of_program(other, &elf, &none, RunsWith::default()).is_empty(),
            "{other}"
        );
    }
}

#[test]
fn lacking_keeps_what_the_place_has_not_and_what_cannot_be_checked() {
    let calls = glibc_imports(&["getpwuid", "getgrgid", "pthread_cancel", "dlopen"]);
    let needs = of_program(
        "/prog",
        &program(&["libc.so.6"]),
        &calls,
        RunsWith::default(),
    );
    let left = lacking(needs, &mut Has(vec!["/etc/passwd", "libgcc_s.so.1"]));
    assert_eq!(
        whats(&left),
        [
            "/etc/group (group names)",
            "libraries it opens by name with dlopen"
        ]
    );
}

#[test]
fn sizes_here_of_a_file_and_a_tree() {
    let mut host = MemoryRoot::new();
    host.file("/etc/passwd", "root:x:0:0::/:/bin/sh\n")
        .file("/usr/share/zoneinfo/UTC", vec![0u8; 100])
        .file("/usr/share/zoneinfo/Asia/Shanghai", vec![0u8; 561])
        .symlink("/usr/share/zoneinfo/posix", ".");
    let calls = glibc_imports(&["getpwuid", "localtime", "getgrgid"]);
    let mut needs = of_program(
        "/prog",
        &program(&["libc.so.6"]),
        &calls,
        RunsWith::default(),
    );
    super::add_sizes_here(&mut needs, &mut host).unwrap();
    let here: Vec<_> = needs
        .iter()
        .map(|n| n.here.map(|s| (s.files, s.bytes)))
        .collect();
    assert_eq!(here, [Some((1, 22)), None, Some((2, 661))]);
}

#[test]
fn text_and_json_say_the_same() {
    let calls = glibc_imports(&["getpwuid", "tzset"]);
    let needs = of_program(
        "/usr/bin/x",
        &program(&["libc.so.6"]),
        &calls,
        RunsWith::default(),
    );
    let mut text = String::new();
    super::text(&mut text, &needs, "  ", "needs:");
    assert!(
        text.starts_with(
            "  needs:\n    /etc/passwd (user names), for getpwuid\n      without it: "
        ),
        "{text}"
    );
    assert!(
        text.contains("/usr/share/zoneinfo (time zones), for tzset, when TZ names a time zone\n"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&super::json(&needs)).unwrap();
    assert_eq!(json[0]["need"], "/etc/passwd (user names)");
    assert_eq!(json[0]["because"][0], "getpwuid");
    assert_eq!(json[1]["when"], "TZ names a time zone");
    assert_eq!(json[0]["here"], serde_json::Value::Null);
    let mut empty = String::new();
    super::text(&mut empty, &[], "", "needs:");
    assert_eq!(empty, "");
}

#[test]
fn a_file_without_section_headers_is_unread_when_dynamic_and_unsaid_when_static() {
    let dynamic = Elf::program(&["libc.so.6"]).bytes();
    let calls = super::read_calls(&dynamic, &parse(&dynamic).unwrap()).unwrap();
    assert_eq!(calls.unread.as_deref(), Some("it has no section headers"));
    let bare = Elf::executable(object::elf::EM_X86_64).bytes();
    let calls = super::read_calls(&bare, &parse(&bare).unwrap()).unwrap();
    assert_eq!(calls, Calls::default());
}

#[test]
fn a_file_here_that_cannot_be_read_is_an_error_not_a_size() {
    let calls = glibc_imports(&["getpwuid"]);
    let needs = || {
        of_program(
            "/prog",
            &program(&["libc.so.6"]),
            &calls,
            RunsWith::default(),
        )
    };
    for (error, shown) in [
        (FileError::Open(Errno::EIO), "EIO: Input/output error"),
        (FileError::Open(Errno::EACCES), "EACCES: Permission denied"),
        (
            FileError::Read(Errno::ENOENT),
            "ENOENT: No such file or directory",
        ),
    ] {
        let mut root = MemoryRoot::new();
        root.file("/etc/passwd", "root:x:0:0::/:/bin/sh\n");
        let mut host = Failing {
            root,
            read: Some(("/etc/passwd", error)),
            cwd: None,
        };
        let mut needs = needs();
        assert_eq!(
            super::add_sizes_here(&mut needs, &mut host),
            Err(format!("cannot read /etc/passwd on this machine: {shown}"))
        );
    }
    // Not there at all: no size, and no error.
    let mut needs = needs();
    assert_eq!(
        super::add_sizes_here(&mut needs, &mut MemoryRoot::new()),
        Ok(())
    );
    assert_eq!(needs[0].here, None);
}

#[test]
fn a_tree_too_deep_to_count_says_so_rather_than_not_here() {
    let mut host = MemoryRoot::new();
    let deep: String = (0..40).map(|i| format!("/d{i}")).collect();
    host.file("/etc/passwd", "root:x:0:0::/:/bin/sh\n")
        .file(&format!("/usr/share/zoneinfo{deep}/UTC"), vec![0u8; 100]);
    let calls = glibc_imports(&["localtime"]);
    let mut needs = of_program(
        "/prog",
        &program(&["libc.so.6"]),
        &calls,
        RunsWith::default(),
    );
    super::add_sizes_here(&mut needs, &mut host).unwrap();
    let here = needs[0].here.expect("a size");
    assert!(!here.complete, "{here:?}");
    let mut text = String::new();
    super::text(&mut text, &needs, "", "needs:");
    assert!(
        text.contains("(on this machine: /usr/share/zoneinfo, more than 0 files and 0 bytes: too many to count)"),
        "{text}"
    );
}
