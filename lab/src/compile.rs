//! Building each row's binary: the workspace's Rust programs with cargo, `lab/hello.c` with `gcc`
//! and `musl-gcc`. Every C build uses `-Os -s` (optimised for size, stripped), as the release
//! profile of the Rust programs does (`opt-level = "z"`, `strip = true`).

use std::path::{Path, PathBuf};

use crate::report::Figure;
use crate::tools::Tools;
use crate::variants::Build;
use crate::workspace::{cargo, checked, output, root, target_dir};

/// The target of the static Rust programs.
pub const MUSL_TARGET: &str = "x86_64-unknown-linux-musl";
/// The target of the dynamic Rust program: the default of an x86_64 Linux host.
pub const GNU_TARGET: &str = "x86_64-unknown-linux-gnu";

/// Builds the workspace's programs the lab uses (hello-nostd and scratch-doctor with the
/// `build-nostd` alias, hello-std for both targets with plain `cargo build`), once per lab run.
pub fn cargo_builds() -> Result<(), String> {
    checked(
        cargo()
            .args(["build-nostd", "-p", "hello-nostd", "-p", "scratch-doctor"])
            .current_dir(root()),
        "cargo build-nostd -p hello-nostd -p scratch-doctor",
    )?;
    for target in [GNU_TARGET, MUSL_TARGET] {
        checked(
            cargo()
                .args(["build", "--release", "-p", "hello-std", "--target", target])
                .current_dir(root()),
            &format!("cargo build --release -p hello-std --target {target}"),
        )?;
    }
    Ok(())
}

/// The path of `scratch-doctor` as [`cargo_builds`] builds it.
pub fn scratch_doctor() -> PathBuf {
    release_bin(MUSL_TARGET, "scratch-doctor")
}

/// `target/TARGET/release/NAME`.
fn release_bin(target: &str, name: &str) -> PathBuf {
    target_dir().join(target).join("release").join(name)
}

/// The binary of `build`, after [`cargo_builds`]: built into `out_dir` for the C rows. `Ok(Err)`
/// when the compiler is missing (the row says `n/a (no gcc)`); `Err` when a build fails.
pub fn binary(build: Build, tools: &Tools, out_dir: &Path) -> Result<Figure<PathBuf>, String> {
    if let Some(bin) = cargo_binary(build) {
        return Ok(Ok(bin));
    }
    let available = match build {
        Build::MuslGccStatic => &tools.musl_gcc,
        _ => &tools.gcc,
    };
    if let Err(why) = available {
        return Ok(Err(why.clone()));
    }
    c_binary(build, out_dir).map(Ok)
}

/// The path of a Rust row's binary as [`cargo_builds`] builds it; `None` for the C rows.
pub fn cargo_binary(build: Build) -> Option<PathBuf> {
    match build {
        Build::HelloNostd => Some(release_bin(MUSL_TARGET, "hello-nostd")),
        Build::RustStdHost => Some(release_bin(GNU_TARGET, "hello-std")),
        Build::RustStdMusl => Some(release_bin(MUSL_TARGET, "hello-std")),
        Build::GccDynamic | Build::GccStatic | Build::MuslGccStatic => None,
    }
}

/// Compiles `lab/hello.c` into `out_dir` as a C row is built (`-Os -s`, the compiler and flags of
/// `build`): the one recipe of every C hello of the lab and of `cargo make bench`. The compiler
/// must be on `PATH`; `Err` when a build fails or `build` is a Rust row.
pub fn c_binary(build: Build, out_dir: &Path) -> Result<PathBuf, String> {
    let source = root().join("lab/hello.c");
    let (compiler, flags, name): (&str, &[&str], &str) = match build {
        Build::GccDynamic => ("gcc", &[], "c-glibc-dynamic"),
        Build::GccStatic => ("gcc", &["-static"], "c-glibc-static"),
        Build::MuslGccStatic => ("musl-gcc", &["-static"], "c-musl-static"),
        Build::HelloNostd | Build::RustStdHost | Build::RustStdMusl => {
            return Err(format!(
                "{build:?} is built with cargo, not from lab/hello.c"
            ));
        }
    };
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let bin = out_dir.join(name);
    let mut cmd = std::process::Command::new(compiler);
    cmd.args(flags)
        .args(["-Os", "-s", "-o"])
        .arg(&bin)
        .arg(&source);
    let out = output(&mut cmd)?;
    if !out.status.success() {
        return Err(format!(
            "{compiler} {} -Os -s {} failed:\n{}",
            flags.join(" "),
            source.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(bin)
}
