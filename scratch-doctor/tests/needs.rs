//! The needs at run time of host files, on real programs built here: the section of the text
//! report, the same in the JSON, the linker's own warning for a static glibc program, a
//! stripped one said to be unknown, and the exit status, which stays about starting (a need
//! does not change it). What the programs then do in an image is checked in
//! `system-tests/tests/needs.rs`.

mod common;

use std::process::Command;

use common::{TempDir, run_doctor, status, texts};

/// The line of the passwd need of a program that calls getpwnam.
const PASSWD_LINE: &str = "\n    /etc/passwd (user names), for getpwnam\n";

#[test]
fn a_program_that_looks_users_up_needs_passwd_and_its_status_stays_about_starting() {
    let dir = TempDir::new("doctor-needs");
    let Some(prog) = common::gcc(dir.path(), "lookups.c", "lookups", &["-O2"]) else {
        return;
    };
    let out = run_doctor(&[&prog]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(
        status(&out),
        1,
        "no interpreter in scratch: {stdout}{stderr}"
    );
    assert!(
        stdout.contains("\n  needs at run time (files it will look for once it runs, which a FROM scratch image of its closure lacks; the verdict above is only about starting):\n")
            && stdout.contains(PASSWD_LINE),
        "{stdout}"
    );
    // With its closure it starts: status 0, the need said all the same.
    let out = run_doctor(&["--closure".as_ref(), prog.as_os_str()]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 0, "{stdout}{stderr}");
    assert!(stdout.contains("  runs in FROM scratch with this closure: yes\n"));
    assert!(stdout.contains(PASSWD_LINE), "{stdout}");
    let passwd = std::fs::metadata("/etc/passwd").map(|m| m.len());
    if let Ok(bytes) = passwd {
        assert!(
            stdout.contains(&format!("(on this machine: /etc/passwd, {bytes} bytes)\n")),
            "{stdout}"
        );
    }
    // The JSON says the same.
    let out = run_doctor(&["--json".as_ref(), "--closure".as_ref(), prog.as_os_str()]);
    let (stdout, _) = texts(&out);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(v["runs_with_closure"], true);
    assert_eq!(v["needs"][0]["need"], "/etc/passwd (user names)");
    assert_eq!(v["needs"][0]["because"][0], "getpwnam");
    assert_eq!(v["needs"][0]["files"][0], "/etc/passwd");
    assert_eq!(v["needs_unread"], serde_json::Value::Null);
}

#[test]
fn a_program_with_no_such_calls_has_no_section() {
    let dir = TempDir::new("doctor-needs-none");
    let Some(prog) = common::gcc(dir.path(), "hello.c", "hello", &["-O2"]) else {
        return;
    };
    let out = run_doctor(&["--closure".as_ref(), prog.as_os_str()]);
    let (stdout, _) = texts(&out);
    assert!(!stdout.contains("needs at run time"), "{stdout}");
    let out = run_doctor(&["--json".as_ref(), prog.as_os_str()]);
    let v: serde_json::Value = serde_json::from_str(texts(&out).0.trim()).unwrap();
    assert_eq!(v["needs"], serde_json::json!([]));
}

/// The linker warns of a static glibc program that calls getpwnam; the doctor quotes that
/// warning, word for word, and explains it. Stripped, the program's calls are unknown, and the
/// report says so.
#[test]
fn a_static_glibc_program_gets_the_warning_its_linker_gave() {
    if !common::require_tool("gcc", "gcc") || !common::require_tool("strip", "binutils") {
        return;
    }
    let dir = TempDir::new("doctor-needs-static");
    let prog = dir.path().join("lookups-static");
    let gcc = Command::new("gcc")
        .args(["-static", "-O2", "-o"])
        .arg(&prog)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/lookups.c"
        ))
        .output()
        .unwrap();
    assert!(
        gcc.status.success(),
        "{}",
        String::from_utf8_lossy(&gcc.stderr)
    );
    let warning = "Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking";
    assert!(
        String::from_utf8_lossy(&gcc.stderr).contains(warning),
        "the linker's warning: {}",
        String::from_utf8_lossy(&gcc.stderr)
    );
    let out = run_doctor(&[&prog]);
    let (stdout, _) = texts(&out);
    assert_eq!(status(&out), 0, "a static program starts: {stdout}");
    assert!(stdout.contains(&format!("`{warning}`")), "{stdout}");
    // A static program defines what it calls and what that calls (getpwnam_r).
    assert!(
        stdout.contains("\n    /etc/passwd (user names), for getpwnam, getpwnam_r\n"),
        "{stdout}"
    );
    let stripped = Command::new("strip").arg(&prog).output().unwrap();
    assert!(stripped.status.success());
    let out = run_doctor(&[&prog]);
    let (stdout, _) = texts(&out);
    assert!(
        stdout.contains(
            "\n  needs at run time: not known: it is stripped: its symbol table (.symtab) is gone\n"
        ),
        "{stdout}"
    );
}
