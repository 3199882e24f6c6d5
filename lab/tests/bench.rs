//! `cargo make bench` (the binary `bench`) with its tools missing: one line for each, naming its
//! Debian package, and nothing measured.

use std::process::Command;

use system_tests::TempDir;

#[test]
fn each_missing_tool_is_one_line_naming_its_package() {
    let empty = TempDir::new("bench-no-tools");
    let out = Command::new(env!("CARGO_BIN_EXE_bench"))
        .env("PATH", empty.path())
        .output()
        .expect("run the bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "no table without the tools");
    let expected: Vec<String> = [
        ("hyperfine", "hyperfine"),
        ("valgrind", "valgrind"),
        ("strace", "strace"),
        ("gcc", "gcc"),
        ("musl-gcc", "musl-tools"),
        ("as", "binutils"),
        ("ld", "binutils"),
        ("ldd", "libc-bin"),
        ("time", "time"),
        ("tar", "tar"),
        ("python3", "python3"),
        ("wrk", "wrk"),
        ("nginx", "nginx-light"),
    ]
    .iter()
    .map(|(tool, package)| {
        format!("bench: {tool} not found (Debian/Ubuntu: apt-get install {package})")
    })
    .collect();
    assert_eq!(stderr.lines().collect::<Vec<_>>(), expected, "{stderr}");
}

#[test]
fn the_rows_of_scratch_serve_alone_need_wrk_and_nginx_only() {
    let empty = TempDir::new("bench-serve-no-tools");
    let out = Command::new(env!("CARGO_BIN_EXE_bench"))
        .arg("serve")
        .env("PATH", empty.path())
        .output()
        .expect("run the bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "no table without the tools");
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            "bench: wrk not found (Debian/Ubuntu: apt-get install wrk)",
            "bench: nginx not found (Debian/Ubuntu: apt-get install nginx-light)",
        ],
        "{stderr}"
    );
}

#[test]
fn an_unknown_section_is_refused_with_the_sections_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_bench"))
        .arg("nonsense")
        .output()
        .expect("run the bench");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(
            "bench: no section nonsense: the sections are criterion, per-call, hellos, cat, doctor, doctor-image, trace, pack, serve\n"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn arguments_are_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_bench"))
        .arg("--nonsense")
        .output()
        .expect("run the bench");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("usage: bench"));
}
