//! A foreign program: the verdict for scratch stays that of a host without binfmt_misc, and the
//! `on this host` line says what this kernel does with it, checked against the kernel itself
//! (`execve` fails with `ENOEXEC` exactly when no entry takes the file).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::{TempDir, doctor, run_doctor, status, texts};

/// The doctor's own static x86_64 file with `e_machine` set to `machine`: a well-formed ELF
/// file for that machine as far as the kernel's and binfmt_misc's checks go.
fn foreign(dir: &TempDir, name: &str, machine: u16) -> std::path::PathBuf {
    let mut bytes = std::fs::read(doctor()).unwrap();
    bytes[18..20].copy_from_slice(&machine.to_le_bytes());
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// The enabled entry of `/proc/sys/fs/binfmt_misc` named `name`, as `(interpreter, flags)`.
fn entry(name: &str) -> Option<(String, String)> {
    let status = std::fs::read_to_string("/proc/sys/fs/binfmt_misc/status").ok()?;
    let text = std::fs::read_to_string(format!("/proc/sys/fs/binfmt_misc/{name}")).ok()?;
    if status.trim() != "enabled" || !text.starts_with("enabled") {
        return None;
    }
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_default()
            .to_string()
    };
    Some((field("interpreter "), field("flags: ")))
}

#[test]
fn a_foreign_program_is_said_to_run_here_exactly_when_the_kernel_runs_it() {
    let dir = TempDir::new("doctor-binfmt");
    // aarch64 and riscv64 (qemu entries in CI); s390x, for which no host here registers one.
    for (name, machine, qemu) in [
        ("aarch64", 183u16, "qemu-aarch64"),
        ("riscv64", 243, "qemu-riscv64"),
        ("s390x", 22, "qemu-s390x"),
    ] {
        let file = foreign(&dir, name, machine);
        let out = run_doctor(&[&file]);
        let (stdout, stderr) = texts(&out);
        assert_eq!(status(&out), 1, "{stdout}{stderr}");
        assert!(
            stdout.contains(&format!(
                "  runs in FROM scratch: no: {name} binary on an x86_64 host: exec format error unless the host has qemu binfmt\n"
            )),
            "{stdout}"
        );
        let here = stdout
            .lines()
            .find_map(|l| l.strip_prefix("  on this host: "))
            .unwrap_or_else(|| panic!("no `on this host` line: {stdout}"));
        let expected = match entry(qemu) {
            Some((interpreter, flags)) => format!(
                "runs through {interpreter} (binfmt_misc entry {qemu}, flags {flags}: {}",
                if flags.contains('F') {
                    "with F"
                } else {
                    "without F"
                }
            ),
            None => "exec format error: no enabled binfmt_misc entry takes it".into(),
        };
        assert!(here.starts_with(&expected), "{here}\nexpected: {expected}");
        // The kernel's answer: ENOEXEC from execve when nothing takes the file. (When an
        // interpreter does, the patched file does not run well under it, but exec succeeds.)
        let exec = Command::new(&file).output();
        let noexec =
            matches!(&exec, Err(e) if e.raw_os_error() == Some(syscall_kit::Errno::ENOEXEC.raw()));
        assert_eq!(
            noexec,
            here.starts_with("exec format error"),
            "{name}: {here}; exec: {exec:?}"
        );
    }
    // --json carries the same words.
    let out = run_doctor(&[std::path::Path::new("--json"), &foreign(&dir, "a", 183)]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["on_this_host"].is_string(), "{v}");
}
