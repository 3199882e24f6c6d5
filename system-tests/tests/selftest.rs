//! The no_std self-test program of syscall-kit, run as built.

use std::process::Command;

use system_tests::{nostd_bin, strace};

mod kit_selftest;
use kit_selftest::assert_every_listed_test_passes;

/// Every test of kit-selftest's registry (as `kit-selftest --list` prints it) passes, and no other;
/// none is skipped on the machine's own architecture.
#[test]
fn every_self_test_passes() {
    let bin = nostd_bin("kit-selftest");
    assert_every_listed_test_passes("x86_64", &[], || Command::new(&bin));
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

/// When standard output cannot be written the self-test says so in one line and exits 2 (the
/// kit's policy for tools), with no panic.
#[test]
fn a_failed_standard_output_is_one_line_and_status_2() {
    let bin = nostd_bin("kit-selftest");
    for (redirect, line) in [
        (
            "> /dev/full",
            "kit-selftest: write error: ENOSPC: No space left on device\n",
        ),
        (
            ">&-",
            "kit-selftest: write error: EBADF: Bad file descriptor\n",
        ),
    ] {
        for args in ["--list", "--println", ""] {
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!(r#""$0" {args} {redirect}"#))
                .arg(&bin)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{args} {redirect}");
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                line,
                "{args} {redirect}"
            );
        }
    }
}
