//! Unit tests of [`start`](super): the steps over images built in memory, from a program that
//! starts to the runtime's error for each usual cause.

use alloc::vec;
use alloc::vec::Vec;

use crate::image::test_images::{T, doctor, one_layer, static_elf};

#[test]
fn a_static_program_starts_and_its_facts_are_shown() {
    let elf = static_elf();
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"]}",
        &[("hello", b'0', &elf, 0o755)],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.platform, "linux/amd64");
    assert_eq!(r.program.as_deref(), Some("/hello"));
    assert!(r.text().contains("starts: yes\n"), "{}", r.text());
}

#[test]
fn the_runtime_errors_of_the_usual_causes() {
    let elf = static_elf();
    let cases: Vec<(&str, Vec<T<'_>>, &str)> = vec![
        (
            "{\"Entrypoint\":[\"/hello\"]}",
            vec![],
            "exec: \"/hello\": stat /hello: no such file or directory",
        ),
        (
            "{\"Entrypoint\":[\"/hello\"]}",
            vec![("hello", b'0', &elf, 0o644)],
            "exec: \"/hello\": permission denied",
        ),
        (
            "{\"Cmd\":[\"/bin/sh\",\"-c\",\"/hello\"]}",
            vec![("hello", b'0', &elf, 0o755)],
            "exec: \"/bin/sh\": stat /bin/sh: no such file or directory",
        ),
        (
            "{\"Entrypoint\":[\"/hello\"],\"User\":\"nobody\"}",
            vec![("hello", b'0', &elf, 0o755)],
            "unable to find user nobody: no matching entries in passwd file",
        ),
        (
            "{\"Entrypoint\":[\"hello\"]}",
            vec![("hello", b'0', &elf, 0o755)],
            "exec: \"hello\": executable file not found in $PATH",
        ),
        (
            "{\"Entrypoint\":[\"/run.sh\"]}",
            vec![("run.sh", b'0', b"#!/bin/sh\necho hi\n", 0o755)],
            "exec /run.sh: no such file or directory",
        ),
        (
            "{\"Entrypoint\":[\"/run.sh\"]}",
            vec![
                ("bin/sh", b'0', &elf, 0o755),
                ("run.sh", b'0', b"#!/bin/sh\r\necho hi\r\n", 0o755),
            ],
            "exec /run.sh: no such file or directory",
        ),
        (
            "{\"Entrypoint\":[\"/data\"]}",
            vec![("data", b'0', b"hello", 0o755)],
            "exec /data: exec format error",
        ),
    ];
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"]}",
        &[("hello", b'0', &elf, 0o644)],
    ))
    .unwrap();
    assert_eq!(r.program.as_deref(), Some("/hello"));
    assert!(
        r.file_format
            .as_deref()
            .is_some_and(|f| f.starts_with("ELF 64-bit"))
    );
    for (run, entries, error) in cases {
        let r = doctor(one_layer(run, &entries)).unwrap();
        let f = r
            .failure
            .as_ref()
            .unwrap_or_else(|| panic!("{run}: starts?\n{}", r.text()));
        assert_eq!(f.error, error, "{run}:\n{}", r.text());
        assert_eq!(
            r.text()
                .lines()
                .filter(|l| l.starts_with("starts:"))
                .count(),
            1
        );
    }
}

#[test]
fn path_lookup_symlinks_and_users_that_work() {
    let elf = static_elf();
    let passwd = b"root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/sbin/nologin\n";
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"hello\"],\"User\":\"nobody\",\"Env\":[\"PATH=/opt/bin\"]}",
        &[
            ("opt/bin/hello", b'2', b"../../usr/real", 0o777),
            ("usr/real", b'0', &elf, 0o755),
            ("etc/passwd", b'0', passwd, 0o644),
        ],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.program.as_deref(), Some("/usr/real"));
    assert!(r.user.contains("uid 65534"), "{}", r.user);
}
