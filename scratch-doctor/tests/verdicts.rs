//! Verdicts on programs these tests build: hello-nostd, C hellos dynamic, static and
//! static-pie, a `-nostartfiles` program, an aarch64 program, a `#!` script, and scratch-doctor
//! itself. Each text verdict is checked against the program's real behaviour where this machine
//! can show it.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixtures, run_doctor, status, texts};

/// The `runs in FROM scratch:` line of the text report on `file`, and the exit status.
fn verdict(file: &Path) -> (String, i32) {
    let out = run_doctor(&[file]);
    let (stdout, stderr) = texts(&out);
    assert!(stderr.is_empty(), "stderr: {stderr}");
    let line = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("runs in FROM scratch: "))
        .unwrap_or_else(|| panic!("no verdict in:\n{stdout}"))
        .to_owned();
    (line, status(&out))
}

/// The `format:` line.
fn format_line(file: &Path) -> String {
    let (stdout, _) = texts(&run_doctor(&[file]));
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("format: "))
        .unwrap()
        .to_owned()
}

#[test]
fn hello_nostd_runs_in_scratch() {
    let hello = system_tests::nostd_bin("hello-nostd");
    assert_eq!(
        verdict(&hello),
        ("yes (static, x86_64 like this machine)".into(), 0)
    );
}

#[test]
fn scratch_doctor_passes_its_own_check() {
    let me = common::doctor();
    assert_eq!(
        verdict(&me),
        ("yes (static, x86_64 like this machine)".into(), 0)
    );
    assert_eq!(
        format_line(&me),
        "ELF 64-bit, little-endian, x86_64, executable"
    );
}

#[test]
fn dynamic_c_hello_needs_its_interpreter() {
    let Some(f) = fixtures() else { return };
    let (line, code) = verdict(&f.dynamic);
    assert_eq!(
        line,
        "no: the kernel cannot find its ELF interpreter /lib64/ld-linux-x86-64.so.2 in an empty image, so exec fails with ENOENT (\"no such file or directory\")"
    );
    assert_eq!(code, 1);
    assert_eq!(
        format_line(&f.dynamic),
        "ELF 64-bit, little-endian, x86_64, PIE"
    );
}

#[test]
fn static_c_hello_runs() {
    let Some(f) = fixtures() else { return };
    assert_eq!(
        verdict(&f.static_),
        ("yes (static, x86_64 like this machine)".into(), 0)
    );
}

#[test]
fn static_pie_runs_without_a_loader() {
    let Some(f) = fixtures() else { return };
    let (line, code) = verdict(&f.static_pie);
    assert_eq!(
        line,
        "yes (static-pie, x86_64 like this machine: it relocates itself, no loader needed)"
    );
    assert_eq!(code, 0);
    assert_eq!(
        format_line(&f.static_pie),
        "ELF 64-bit, little-endian, x86_64, static-pie"
    );
}

/// `ldd` calls this program "statically linked" (it needs no library), but it has a
/// PT_INTERP, so the kernel needs the loader all the same: the verdict is no.
#[test]
fn nostartfiles_program_with_an_interpreter_and_no_libraries_is_no() {
    let Some(f) = fixtures() else { return };
    let out = Command::new(&f.nostartfiles).output().unwrap();
    assert_eq!(out.stdout, b"no start files\n", "it runs on the host");
    if common::require_tool("ldd", "libc-bin") {
        let ldd = Command::new("ldd").arg(&f.nostartfiles).output().unwrap();
        let ldd = String::from_utf8_lossy(&ldd.stdout);
        assert!(ldd.contains("statically linked"), "ldd: {ldd}");
    }
    let (line, code) = verdict(&f.nostartfiles);
    assert!(
        line.starts_with(
            "no: the kernel cannot find its ELF interpreter /lib64/ld-linux-x86-64.so.2"
        ),
        "{line}"
    );
    assert_eq!(code, 1);
    let (stdout, _) = texts(&run_doctor(&[&f.nostartfiles]));
    assert!(stdout.contains("  needed: none\n"), "{stdout}");
}

#[test]
fn aarch64_program_does_not_run_on_x86_64() {
    let Some(f) = fixtures() else { return };
    let (line, code) = verdict(&f.aarch64);
    assert_eq!(
        line,
        "no: aarch64 binary on an x86_64 host: exec format error unless the host has qemu binfmt"
    );
    assert_eq!(code, 1);
    // The kernel agrees, unless a qemu binfmt handler takes aarch64 programs.
    let binfmt = Path::new("/proc/sys/fs/binfmt_misc/qemu-aarch64").exists();
    if !binfmt {
        let err = Command::new(&f.aarch64).output().unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc_enoexec()), "{err}");
    }
}

/// ENOEXEC, "Exec format error".
fn libc_enoexec() -> i32 {
    syscall_kit::Errno::ENOEXEC.raw()
}

#[test]
fn shebang_script_needs_its_interpreter() {
    let Some(f) = fixtures() else { return };
    assert_eq!(
        verdict(&f.script),
        (
            "no: script with \"#!/bin/sh\", and a scratch image has no /bin/sh".into(),
            1
        )
    );
}

#[test]
fn a_shared_library_is_not_an_executable() {
    let libc = Path::new("/lib/x86_64-linux-gnu/libc.so.6");
    if !libc.exists() {
        return system_tests::skip_or_fail("no /lib/x86_64-linux-gnu/libc.so.6");
    }
    assert_eq!(
        verdict(libc),
        ("no: not an executable (shared library)".into(), 1)
    );
}

#[test]
fn exit_status_is_1_when_any_file_would_not_run() {
    let Some(f) = fixtures() else { return };
    assert_eq!(status(&run_doctor(&[&f.static_, &f.static_pie])), 0);
    assert_eq!(status(&run_doctor(&[&f.static_, &f.dynamic])), 1);
    assert_eq!(status(&run_doctor(&[&f.static_, &f.script])), 1);
}

#[test]
fn json_gives_the_same_facts_and_verdict() {
    let Some(f) = fixtures() else { return };
    let out = run_doctor(&[
        Path::new("--json"),
        &f.dynamic,
        &f.static_,
        &f.script,
        &f.aarch64,
    ]);
    let (stdout, _) = texts(&out);
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(objects.len(), 4, "one object per file:\n{stdout}");
    let dynamic = &objects[0];
    assert_eq!(dynamic["file"], f.dynamic.to_str().unwrap());
    assert_eq!(dynamic["format"]["class"], 64);
    assert_eq!(dynamic["format"]["byte_order"], "little-endian");
    assert_eq!(dynamic["format"]["machine"], "x86_64");
    assert_eq!(dynamic["format"]["type"], "PIE");
    assert_eq!(dynamic["interpreter"], "/lib64/ld-linux-x86-64.so.2");
    assert_eq!(dynamic["needed"], serde_json::json!(["libc.so.6"]));
    assert_eq!(dynamic["runs_in_scratch"], false);
    let text = texts(&run_doctor(&[&f.dynamic])).0;
    let verdict = dynamic["verdict"].as_str().unwrap();
    assert!(text.contains(&format!("runs in FROM scratch: {verdict}\n")));
    assert_eq!(objects[1]["runs_in_scratch"], true);
    assert_eq!(objects[1]["static"], true);
    assert_eq!(objects[2]["format"]["kind"], "script");
    assert_eq!(objects[2]["format"]["interpreter"], "/bin/sh");
    assert_eq!(objects[3]["format"]["machine"], "aarch64");
    assert_eq!(status(&out), 1);
}

#[test]
fn help_and_usage_errors() {
    let out = run_doctor(&["--help"]);
    assert_eq!(status(&out), 0);
    assert!(texts(&out).0.starts_with("usage: scratch-doctor"));
    let none: [&str; 0] = [];
    for args in [&none[..], &["--bogus", "/bin/ls"], &["--copy-closure"]] {
        let out = run_doctor(args);
        assert_eq!(status(&out), 2, "{args:?}");
        let (stdout, stderr) = texts(&out);
        assert!(stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("scratch-doctor: "), "{stderr}");
    }
    // An option given twice is refused, not the last one taken.
    for (args, option) in [
        (&["--image", "a", "--image", "b"][..], "--image"),
        (
            &[
                "--image",
                "a",
                "--platform",
                "linux/amd64",
                "--platform",
                "linux/arm64",
            ],
            "--platform",
        ),
        (
            &["--copy-closure", "d", "--copy-closure", "e", "/bin/ls"],
            "--copy-closure",
        ),
    ] {
        let out = run_doctor(args);
        assert_eq!(status(&out), 2, "{args:?}");
        assert_eq!(
            texts(&out).1,
            format!("scratch-doctor: {option} given twice (see --help)\n")
        );
    }
}
