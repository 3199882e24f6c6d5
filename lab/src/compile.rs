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
    let source = root().join("lab/hello.c");
    let (compiler, available, flags, name): (&str, _, &[&str], &str) = match build {
        Build::HelloNostd => return Ok(Ok(release_bin(MUSL_TARGET, "hello-nostd"))),
        Build::RustStdHost => return Ok(Ok(release_bin(GNU_TARGET, "hello-std"))),
        Build::RustStdMusl => return Ok(Ok(release_bin(MUSL_TARGET, "hello-std"))),
        Build::GccDynamic => ("gcc", &tools.gcc, &[], "c-glibc-dynamic"),
        Build::GccStatic => ("gcc", &tools.gcc, &["-static"], "c-glibc-static"),
        Build::MuslGccStatic => ("musl-gcc", &tools.musl_gcc, &["-static"], "c-musl-static"),
    };
    if let Err(why) = available {
        return Ok(Err(why.clone()));
    }
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
    Ok(Ok(bin))
}
