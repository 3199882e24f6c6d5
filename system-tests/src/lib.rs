//! Helpers shared by the system tests in `tests/`: where the built programs are, and whether the
//! tools a test needs are present.
//!
//! The no_std programs are built by the tests themselves through `cargo build-nostd`
//! (see [`nostd_bin`]).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("system-tests lives inside the workspace")
        .to_path_buf()
}

/// The rustup target the no_std programs are built for on x86_64, this project's host.
pub const NOSTD_TARGET: &str = "x86_64-unknown-linux-musl";

/// An architecture the no_std programs are built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    /// x86_64, the host of these tests.
    X86_64,
    /// aarch64 (arm64), run under qemu-user.
    Aarch64,
    /// riscv64, run under qemu-user.
    Riscv64,
}

impl Arch {
    /// Every architecture, host first.
    pub const ALL: [Arch; 3] = [Arch::X86_64, Arch::Aarch64, Arch::Riscv64];

    /// The name used in task arguments and tables: `x86_64`, `aarch64`, `riscv64`.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
            Arch::Riscv64 => "riscv64",
        }
    }

    /// The rustup target of the no_std programs.
    pub fn triple(self) -> &'static str {
        match self {
            Arch::X86_64 => NOSTD_TARGET,
            Arch::Aarch64 => "aarch64-unknown-linux-musl",
            Arch::Riscv64 => "riscv64gc-unknown-linux-gnu",
        }
    }

    /// The cargo alias that builds the no_std programs for it (`.cargo/config.toml`).
    pub fn alias(self) -> &'static str {
        match self {
            Arch::X86_64 => "build-nostd",
            Arch::Aarch64 => "build-nostd-aarch64",
            Arch::Riscv64 => "build-nostd-riscv64",
        }
    }

    /// The qemu-user program that runs its binaries on another host, if it is foreign here.
    pub fn qemu(self) -> Option<&'static str> {
        match self {
            Arch::X86_64 => None,
            Arch::Aarch64 => Some("qemu-aarch64"),
            Arch::Riscv64 => Some("qemu-riscv64"),
        }
    }

    /// The ELF `e_machine` of its binaries.
    pub fn e_machine(self) -> u16 {
        match self {
            Arch::X86_64 => 62,
            Arch::Aarch64 => 183,
            Arch::Riscv64 => 243,
        }
    }

    /// The OCI platform of its images: `linux/amd64`, `linux/arm64`, `linux/riscv64`.
    pub fn platform(self) -> &'static str {
        match self {
            Arch::X86_64 => "linux/amd64",
            Arch::Aarch64 => "linux/arm64",
            Arch::Riscv64 => "linux/riscv64",
        }
    }
}

/// Path of a no_std program of the workspace, built for x86_64 ([`NOSTD_TARGET`]) in release
/// mode; see [`nostd_bin_for`].
pub fn nostd_bin(name: &str) -> PathBuf {
    nostd_bin_for(Arch::X86_64, name)
}

/// Path of a no_std program of the workspace built for `arch` in release mode.
///
/// The first call for an architecture in a test process runs its `cargo build-nostd…` alias
/// (`.cargo/config.toml`) for the no_std programs (hello-nostd, hello-locked and kit-selftest
/// everywhere, scratch-doctor and cat-nostd on x86_64), so a test never runs a stale binary;
/// later calls reuse that build.
pub fn nostd_bin_for(arch: Arch, name: &str) -> PathBuf {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static BUILT: Mutex<Option<HashMap<Arch, Result<(), String>>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let result = built
        .get_or_insert_with(HashMap::new)
        .entry(arch)
        .or_insert_with(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut packages = vec![
                "-p",
                "hello-nostd",
                "-p",
                "hello-locked",
                "-p",
                "kit-selftest",
            ];
            if arch == Arch::X86_64 {
                packages.extend(["-p", "scratch-doctor", "-p", "cat-nostd"]);
            }
            let out = Command::new(cargo)
                .arg(arch.alias())
                .args(packages)
                .current_dir(workspace_root())
                .output()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&out.stderr).into_owned())
            }
        });
    if let Err(e) = result {
        panic!("`cargo {}` failed:\n{e}", arch.alias());
    }
    let path = workspace_root()
        .join("target")
        .join(arch.triple())
        .join("release")
        .join(name);
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

/// True when these tests run in CI (`CI=true`), where a missing tool is a failure, never a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Whether `tool` can be run (found on `PATH`). When it cannot: under CI this panics (a missing
/// tool fails the test); elsewhere it prints why the calling test is skipped and returns false.
pub fn require_tool(tool: &str, package: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        skip_or_fail(&format!("`{tool}` not found (Debian package {package})"));
    }
    found
}

/// Whether the tests run as root. When not: under CI this panics; elsewhere it prints why the
/// calling test is skipped and returns false.
pub fn require_root(why: &str) -> bool {
    let root = is_root();
    if !root {
        skip_or_fail(&format!("not root, which {why} needs"));
    }
    root
}

/// Whether a program can be run in an empty root directory here, as `cargo make scratch-run`
/// does: `unshare` is present, and the tests run as root or can make an unprivileged user
/// namespace. When not: under CI this panics; elsewhere it prints why the calling test is
/// skipped and returns false.
pub fn require_empty_root() -> bool {
    if !require_tool("unshare", "util-linux") {
        return false;
    }
    if is_root() {
        return true;
    }
    let userns = Command::new("unshare")
        .args(["--user", "--map-root-user", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !userns {
        skip_or_fail(
            "not root, and unprivileged user namespaces are disabled: an empty root needs one",
        );
    }
    userns
}

/// The effective user id is 0.
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

/// Under CI: panic with `reason`. Elsewhere: print that the test is skipped and why.
pub fn skip_or_fail(reason: &str) {
    if in_ci() {
        panic!("CI=true and {reason}: a missing requirement is a failure in CI");
    }
    eprintln!("SKIPPED: {reason}");
}

/// A fresh empty directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `$TMPDIR/<prefix>-<pid>-<n>`.
    pub fn new(prefix: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `cargo make` command (the tasks of `Makefile.toml`) to run in the workspace root.
///
/// cargo-make writes its own `[cargo-make] …` log lines to stdout; [`task_stdout`] removes them.
pub fn cargo_make() -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("make").current_dir(workspace_root());
    cmd
}

/// The stdout of a `cargo make` run without cargo-make's own `[cargo-make] …` log lines (written
/// `[cargo-make][1] …` when cargo-make runs inside another cargo-make task, as under
/// `cargo make test`): what the tasks themselves printed.
pub fn task_stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("[cargo-make]"))
        .collect()
}

/// A `PATH` on which none of `tools` is found, but every other program of the current `PATH` is:
/// a temporary directory of symbolic links to them (keep the returned [`TempDir`] alive while
/// the `PATH` is in use).
pub fn path_without(tools: &[&str]) -> (TempDir, std::ffi::OsString) {
    let dir = TempDir::new("path-without");
    let path = std::env::var_os("PATH").unwrap_or_default();
    for bin_dir in std::env::split_paths(&path) {
        let Ok(entries) = std::fs::read_dir(&bin_dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let link = dir.path().join(&name);
            if tools.iter().any(|t| name == *t) || link.symlink_metadata().is_ok() {
                continue; // left out, or an earlier PATH directory already has it
            }
            std::os::unix::fs::symlink(entry.path(), &link).expect("symlink into the PATH dir");
        }
    }
    let new_path = dir.path().as_os_str().to_owned();
    (dir, new_path)
}

/// Runs `program args` under `strace -f` and returns its output and the system calls it made
/// after its `execve`, one per entry, with the process id prefix dropped and runs of spaces
/// folded (`write(1, "x\n", 2) = 2`). `None` when strace is missing outside CI (the test is
/// skipped; see [`require_tool`]).
pub fn strace(program: &Path, args: &[&str]) -> Option<(std::process::Output, Vec<String>)> {
    if !require_tool("strace", "strace") {
        return None;
    }
    let dir = TempDir::new("strace");
    let log = dir.path().join("log");
    let out = Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(&log)
        .arg(program)
        .args(args)
        .output()
        .expect("run strace");
    let text = std::fs::read_to_string(&log).expect("strace log");
    let calls = text
        .lines()
        .map(|line| {
            let line = line.trim_start();
            // `-f` prefixes each line with the process id.
            let line = line
                .split_once(' ')
                .filter(|(pid, _)| pid.parse::<u32>().is_ok())
                .map_or(line, |(_, rest)| rest);
            line.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .filter(|l| !l.starts_with("execve("))
        .collect();
    Some((out, calls))
}

/// Whether the kernel runs `arch` binaries through qemu-user (a `binfmt_misc` entry
/// `qemu-<arch>`, enabled). When not: under CI this panics; elsewhere it prints why the calling
/// test is skipped and returns false. `.ci/setup-binfmt.sh` registers the entries.
pub fn require_binfmt(arch: Arch) -> bool {
    let entry = format!("/proc/sys/fs/binfmt_misc/qemu-{}", arch.name());
    let enabled = std::fs::read_to_string(&entry).is_ok_and(|s| s.starts_with("enabled"));
    if !enabled {
        skip_or_fail(&format!(
            "{entry} is not an enabled binfmt_misc entry (install qemu-user-static and run .ci/setup-binfmt.sh as root)"
        ));
    }
    enabled
}

/// Serialises the tests of a test process that use the container engine. Podman's image store
/// is not safe for concurrent builds and removals of images with the same layers: a build may
/// fail with `creating image "…": layer not known` when another test's `rmi` deletes a layer it
/// is reusing. Take it first in a test, so that it is released last, after the [`TestImages`]
/// guard has removed the images.
pub fn engine_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A name for an image of this test run: `hello-nostd-test-<pid>-<what>`.
pub fn test_image_name(what: &str) -> String {
    format!("hello-nostd-test-{}-{what}", std::process::id())
}

/// Images a test creates, removed when the guard is dropped, even by a failing test: the named
/// ones, and the untagged images that appeared in the store meanwhile (the intermediate images
/// of a build with the layer cache) unless an image still uses them. Tagged images that others
/// built meanwhile are left alone. Create it after taking [`engine_lock`].
pub struct TestImages {
    engine: &'static str,
    names: Vec<String>,
    before: Vec<String>,
}

impl TestImages {
    /// A guard for the images `names` of `engine` (`podman` or `docker`).
    pub fn new(engine: &'static str, names: &[&str]) -> TestImages {
        TestImages {
            engine,
            names: names.iter().map(|n| n.to_string()).collect(),
            before: untagged_image_ids(engine),
        }
    }

    /// The first name given to [`TestImages::new`].
    pub fn name(&self) -> &str {
        &self.names[0]
    }
}

/// The IDs of the untagged images in the store of `engine`, intermediate ones included.
fn untagged_image_ids(engine: &str) -> Vec<String> {
    Command::new(engine)
        .args([
            "images",
            "--all",
            "--quiet",
            "--no-trunc",
            "--filter",
            "dangling=true",
        ])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl Drop for TestImages {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = Command::new(self.engine)
                .args(["rmi", "--force", name])
                .output();
        }
        // Without --force, children before parents: a few rounds remove a chain of them.
        for _ in 0..8 {
            let new: Vec<String> = untagged_image_ids(self.engine)
                .into_iter()
                .filter(|id| !self.before.contains(id))
                .collect();
            if new.is_empty() {
                break;
            }
            for id in new {
                let _ = Command::new(self.engine).args(["rmi", &id]).output();
            }
        }
    }
}
