//! A library that exists only under `glibc-hwcaps/x86-64-v2` of a `DT_RUNPATH` directory:
//! glibc's loader finds it on a CPU with that level, and so must the doctor (it was reported
//! missing). Checked against glibc: the program runs, and `ldd` names the same file.

mod common;

use std::path::Path;
use std::process::Command;

use common::{TempDir, gcc, run_doctor, status, texts};
use system_tests::{require_tool, skip_or_fail};

#[test]
fn a_library_only_under_glibc_hwcaps_is_found_like_the_loader_finds_it() {
    let supported = system_tests::loader_searches_x86_64_v2();
    if !supported {
        skip_or_fail(
            "glibc's loader here does not search glibc-hwcaps/x86-64-v2 (glibc < 2.33, or a CPU below x86-64-v2)",
        );
        return;
    }
    let dir = TempDir::new("doctor-hwcaps");
    let v2 = dir.path().join("lib/glibc-hwcaps/x86-64-v2");
    std::fs::create_dir_all(&v2).unwrap();
    std::fs::create_dir_all(dir.path().join("bin")).unwrap();
    let Some(lib) = gcc(
        &v2,
        "lib.c",
        "libdoctor.so",
        &["-shared", "-fPIC", "-Wl,-soname,libdoctor.so"],
    ) else {
        return;
    };
    let program = gcc(
        &dir.path().join("bin"),
        "needs_lib.c",
        "needs-lib",
        &[
            &format!("-L{}", v2.display()),
            "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib",
            "-Wl,--no-as-needed",
            "-ldoctor",
        ],
    )
    .unwrap();
    let ran = Command::new(&program).output().unwrap();
    assert!(
        ran.status.success(),
        "glibc finds it: {}",
        String::from_utf8_lossy(&ran.stderr)
    );

    let out = run_doctor(&[Path::new("--closure"), &program]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 0, "{stdout}{stderr}");
    let expected = dir
        .path()
        .join("bin/../lib/glibc-hwcaps/x86-64-v2/libdoctor.so");
    assert!(
        stdout.contains(&format!("    {} -> ", expected.display())),
        "{stdout}"
    );
    if require_tool("ldd", "libc-bin") {
        let ldd = Command::new("ldd").arg(&program).output().unwrap();
        let ldd = String::from_utf8_lossy(&ldd.stdout);
        let line = ldd.lines().find(|l| l.contains("libdoctor.so =>")).unwrap();
        let path = line.split_whitespace().nth(2).unwrap();
        assert_eq!(
            std::fs::canonicalize(path).unwrap(),
            std::fs::canonicalize(&lib).unwrap(),
            "{ldd}"
        );
    }
}
