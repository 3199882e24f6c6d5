//! The no_std self-test program of syscall-kit, run as built.

use std::process::Command;

use system_tests::{nostd_bin, strace};

#[test]
fn every_self_test_passes() {
    let out = Command::new(nostd_bin("kit-selftest")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    let (passed, failed) = last
        .split_once(" passed, ")
        .and_then(|(p, f)| {
            Some((
                p.parse::<u32>().ok()?,
                f.strip_suffix(" failed")?.parse::<u32>().ok()?,
            ))
        })
        .unwrap_or_else(|| panic!("last line is not `N passed, N failed`: {last:?}"));
    assert_eq!(failed, 0, "{stdout}");
    assert!(passed >= 15, "only {passed} self-tests ran");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_short_println_is_one_write_and_no_heap_call() {
    let Some((out, calls)) = strace(&nostd_bin("kit-selftest"), &["--println"]) else {
        return;
    };
    assert_eq!(String::from_utf8_lossy(&out.stdout), "short line 42\n");
    assert_eq!(
        calls,
        [
            r#"write(1, "short line 42\n", 14) = 14"#,
            "exit_group(0) = ?"
        ]
    );
}
