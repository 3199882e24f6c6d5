//! Helpers of scratch-doctor's tests: the built program, the C fixtures, a std `RootView`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scratch_doctor::RootView;
use scratch_doctor::root_view::FileError;
use syscall_kit::Errno;
pub use system_tests::{TempDir, require_tool};

/// The static scratch-doctor program, built with `cargo build-nostd`.
pub fn doctor() -> PathBuf {
    system_tests::nostd_bin("scratch-doctor")
}

/// Runs scratch-doctor with `args`.
pub fn run_doctor<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(doctor())
        .args(args)
        .output()
        .expect("run scratch-doctor")
}

/// stdout and stderr as text.
pub fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The exit status, which must be a normal exit (not a signal).
pub fn status(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {:?}", out.status))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Compiles `fixtures/SOURCE` with gcc and `flags` into `dir/OUT`; `None` when gcc is missing
/// outside CI (the test is skipped).
pub fn gcc(dir: &Path, source: &str, out: &str, flags: &[&str]) -> Option<PathBuf> {
    if !require_tool("gcc", "gcc") {
        return None;
    }
    let target = dir.join(out);
    let result = Command::new("gcc")
        .args(flags)
        .arg("-o")
        .arg(&target)
        .arg(fixture(source))
        .output()
        .expect("run gcc");
    assert!(
        result.status.success(),
        "gcc {flags:?} {source} failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    Some(target)
}

/// The fixtures of the verdict tests, built into one directory.
pub struct Fixtures {
    pub dir: TempDir,
    pub dynamic: PathBuf,
    pub static_: PathBuf,
    pub static_pie: PathBuf,
    pub nostartfiles: PathBuf,
    pub aarch64: PathBuf,
    pub script: PathBuf,
}

/// Builds every fixture; `None` when gcc is missing outside CI.
pub fn fixtures() -> Option<Fixtures> {
    let dir = TempDir::new("scratch-doctor-fixtures");
    let d = dir.path();
    let dynamic = gcc(d, "hello.c", "hello-dynamic", &[])?;
    let static_ = gcc(d, "hello.c", "hello-static", &["-static"])?;
    let static_pie = gcc(d, "hello.c", "hello-static-pie", &["-static-pie"])?;
    let nostartfiles = gcc(
        d,
        "nostartfiles.c",
        "nostartfiles",
        &["-nostartfiles", "-nostdlib", "-pie", "-fPIE"],
    )?;
    // An aarch64 program: the static hello with e_machine (offset 18, little-endian) set to
    // EM_AARCH64 (183). A well-formed ELF file for that machine as far as the kernel's and
    // the doctor's checks go; no aarch64 toolchain is needed.
    let mut bytes = std::fs::read(&static_).unwrap();
    bytes[18..20].copy_from_slice(&183u16.to_le_bytes());
    let aarch64 = d.join("hello-aarch64");
    std::fs::write(&aarch64, bytes).unwrap();
    make_executable(&aarch64);
    let script = d.join("script.sh");
    std::fs::write(&script, "#!/bin/sh\necho hello\n").unwrap();
    make_executable(&script);
    Some(Fixtures {
        dir,
        dynamic,
        static_,
        static_pie,
        nostartfiles,
        aarch64,
        script,
    })
}

pub fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The real file system through std, for calling the library directly.
pub struct StdFs;

fn errno(e: std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(Errno::EIO.raw()))
}

impl RootView for StdFs {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, FileError> {
        if Path::new(path).is_dir() {
            return Err(FileError::Read(Errno::EISDIR));
        }
        std::fs::read(path).map_err(|e| FileError::Open(errno(e)))
    }

    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno> {
        match std::fs::read_link(path) {
            Ok(t) => Ok(Some(t.to_string_lossy().into_owned())),
            Err(e) if e.raw_os_error() == Some(Errno::EINVAL.raw()) => Ok(None),
            Err(e) => Err(errno(e)),
        }
    }

    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno> {
        std::fs::read_dir(path)
            .map_err(errno)?
            .map(|e| {
                e.map(|e| e.file_name().to_string_lossy().into_owned())
                    .map_err(errno)
            })
            .collect()
    }

    fn current_dir(&mut self) -> Result<String, Errno> {
        Ok(std::env::current_dir()
            .map_err(errno)?
            .to_string_lossy()
            .into_owned())
    }
}
