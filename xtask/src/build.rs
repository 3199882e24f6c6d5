//! The no_std builds: the rustup target added when it is missing, then `cargo build --release
//! --target TRIPLE` with the linker and rustflags of the table (`syscall_kit_build::Arch`).

use std::path::{Path, PathBuf};
use std::process::Command;

use syscall_kit_build::Arch;

use crate::programs;

pub use system_tests::workspace_root as root;

/// `target/TRIPLE/release/NAME`, relative to the workspace root.
pub fn release_bin(arch: Arch, name: &str) -> PathBuf {
    Path::new("target")
        .join(arch.triple())
        .join("release")
        .join(name)
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `cmd`; `Err` unless it exits with status 0.
fn status(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

/// Adds the rustup targets of `arches` that are missing: the one place that does; for a row
/// whose core is built from source ([`Arch::core_from_source`]), the `rust-src` component
/// instead. Without rustup it says so and goes on (a toolchain installed otherwise may have
/// them).
pub fn add_targets(arches: &[Arch]) -> Result<(), String> {
    let Ok(out) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    else {
        for a in arches {
            eprintln!(
                "note: rustup not found: install {} with your toolchain's own means",
                if a.core_from_source() {
                    "the Rust source (rust-src)".to_string()
                } else {
                    format!("the Rust target {}", a.triple())
                }
            );
        }
        return Ok(());
    };
    let installed = String::from_utf8_lossy(&out.stdout);
    for a in arches.iter().filter(|a| !a.core_from_source()) {
        if !installed.lines().any(|l| l.trim() == a.triple()) {
            status(Command::new("rustup").args(["target", "add", a.triple()]))?;
        }
    }
    if arches.iter().any(|a| a.core_from_source()) {
        // Quick when it is installed already.
        status(Command::new("rustup").args(["component", "add", "rust-src"]))?;
    }
    Ok(())
}

/// Builds for each of `arches` the packages `args` names (`-p NAME`…), or when it names none
/// the no_std programs of that architecture ([`programs::for_arch`]); `args` goes to
/// `cargo build` as it is.
pub fn build(arches: &[Arch], args: &[String]) -> Result<(), String> {
    add_targets(arches)?;
    let names_packages = args
        .iter()
        .any(|a| a.starts_with("-p") || a.starts_with("--package"));
    for &arch in arches {
        let mut cmd = cargo();
        cmd.args(["build", "--release", "--target", arch.triple()]);
        for config in arch.cargo_config() {
            cmd.arg("--config").arg(config);
        }
        let (env, build_std) = arch.build_std_args();
        if let Some((name, value)) = env {
            cmd.env(name, value);
        }
        cmd.args(build_std);
        if !names_packages {
            for name in programs::for_arch(arch) {
                cmd.args(["-p", name]);
            }
        }
        status(cmd.args(args).current_dir(root()))?;
    }
    Ok(())
}

/// [`build`] of every no_std program for `arches`, then the path and size of each hello.
pub fn build_arch(arches: &[Arch]) -> Result<(), String> {
    for &arch in arches {
        build(&[arch], &[])?;
        for hello in programs::HELLOS {
            let bin = release_bin(arch, hello);
            let bytes = std::fs::metadata(root().join(&bin))
                .map_err(|e| format!("{}: {e}", bin.display()))?
                .len();
            println!("{}: {}: {bytes} bytes", arch.name(), bin.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Arch, release_bin, root};

    /// The files that cannot read the table name the host's row themselves: they must agree.
    #[test]
    fn the_files_that_name_the_host_target_name_the_tables() {
        let hello = release_bin(Arch::X86_64, "hello-nostd");
        let hello = hello.to_str().unwrap();
        for (file, expected) in [
            (
                "Makefile.toml",
                format!("NOSTD_TARGET = \"{}\"", Arch::X86_64.triple()),
            ),
            ("Dockerfile", format!("ARG HELLO_BIN={hello}")),
            ("scripts/image.sh", format!("/{hello}")),
            ("scripts/scratch-run.sh", format!("/{hello}")),
        ] {
            let text = std::fs::read_to_string(root().join(file)).unwrap();
            assert!(text.contains(&expected), "{file} does not say {expected}");
        }
    }
}
