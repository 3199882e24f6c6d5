//! The workspace's tasks: `cargo xtask COMMAND` (an alias in `.cargo/config.toml`); the
//! `cargo make` tasks and `cargo build-nostd` call it.
//!
//! ```text
//! cargo xtask build [ARCH|all] [CARGO BUILD ARGS…]   the no_std programs, release
//! cargo xtask build-arch [ARCH|all]                   the same, then the hellos' sizes
//! cargo xtask measure [BINARY]                        bytes and system calls of a hello
//! cargo xtask measure-init                            scratch-init's size and segments, and tini's
//! cargo xtask measure-arch [--write]                  the table of hello-nostd per architecture
//!                                                     (--write: into README.md too)
//! cargo xtask figures [--check]                       every generated figure of README.md and
//!                                                     docs/, written (--check: compared)
//! cargo xtask add-targets [ARCH|all]                  rustup targets that are missing
//! cargo xtask arches                                  NAME TRIPLE PLATFORM QEMU BINFMT, a line each
//! cargo xtask targets                                 the rustup targets, a line each
//! cargo xtask template-config                         templates/program/.cargo/config.toml,
//!                                                     written from the x86_64 row
//! ```
//!
//! ARCH is a name of the table (`syscall_kit_build::Arch::ALL`): x86_64, aarch64, riscv64, i686
//! … (`cargo xtask arches` lists them). QEMU is the qemu-user program that runs its binaries
//! (`-` for the host's), BINFMT the one the kernel needs a `binfmt_misc` entry for (`-` where
//! it runs them itself: x86_64, i686).

mod build;
mod figures;
mod measure;
mod programs;
mod text;

use std::path::Path;
use std::process::ExitCode;

use syscall_kit_build::Arch;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // cargo-make passes on the `--` of `cargo make TASK -- ARGS`.
    if args.get(1).is_some_and(|a| a == "--") {
        args.remove(1);
    }
    let result = match args.first().map(String::as_str) {
        Some("build") => {
            let (arches, rest) = arches_and_rest(&args[1..], "all");
            arches.and_then(|arches| build::build(&arches, rest))
        }
        Some("build-arch") => {
            let default = std::env::var("ARCH").ok().filter(|a| !a.is_empty());
            let (arches, rest) = arches_and_rest(&args[1..], default.as_deref().unwrap_or("all"));
            no_more(rest)
                .and(arches)
                .and_then(|a| build::build_arch(&a))
        }
        Some("add-targets") => {
            let (arches, rest) = arches_and_rest(&args[1..], "all");
            no_more(rest)
                .and(arches)
                .and_then(|a| build::add_targets(&a))
        }
        Some("measure") => match &args[1..] {
            [] => measure_hello(&build::release_bin(Arch::X86_64, "hello-nostd")),
            [bin] => measure_hello(bin.as_ref()),
            _ => Err("measure takes one binary at most".into()),
        },
        Some("measure-init") => no_more(&args[1..]).and_then(|()| measure_init()),
        Some("measure-arch") => match &args[1..] {
            [] => measure::arch::measure_arch(false),
            [w] if w == "--write" => measure::arch::measure_arch(true),
            rest => no_more(rest),
        },
        Some("figures") => match &args[1..] {
            [] => figures::write(),
            [c] if c == "--check" => figures::check(),
            rest => no_more(rest),
        },
        Some("arches") => no_more(&args[1..]).map(|()| {
            for a in Arch::ALL {
                let qemu = a.qemu().unwrap_or("-");
                let binfmt = if a.native() { "-" } else { qemu };
                println!(
                    "{} {} {} {qemu} {binfmt}",
                    a.name(),
                    a.triple(),
                    a.platform()
                );
            }
        }),
        Some("template-config") => no_more(&args[1..]).and_then(|()| template_config()),
        Some("targets") => no_more(&args[1..]).map(|()| {
            for a in Arch::ALL {
                println!("{}", a.triple());
            }
        }),
        other => Err(format!(
            "{}usage: cargo xtask build|build-arch|measure|measure-init|measure-arch|figures|add-targets|arches|targets|template-config …\n(see xtask/src/main.rs)",
            other.map_or(String::new(), |o| format!("unknown command '{o}'\n"))
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask measure [BINARY]`: what `cargo make measure` prints of a hello, its path shown
/// relative to the current directory.
fn measure_hello(bin: &Path) -> Result<(), String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let shown = std::fs::canonicalize(bin)
        .ok()
        .and_then(|b| b.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| bin.to_path_buf());
    let hello = measure::hello::measure(bin, &shown.to_string_lossy())?;
    print!("{}", hello.printed().render());
    Ok(())
}

/// `cargo xtask measure-init`: scratch-init's figures as docs/pid1.md shows them (tini's too
/// when it is installed).
fn measure_init() -> Result<(), String> {
    let bin = build::root().join(build::release_bin(Arch::X86_64, "scratch-init"));
    let init = measure::init::measure(&bin)?;
    if init.tini.is_none() {
        eprintln!(
            "note: tini or tini-static not found (Debian/Ubuntu: apt-get install tini): their sizes are left out"
        );
    }
    print!(
        "{}",
        init.text(&measure::version(text::Tool::Rustc)?).render()
    );
    Ok(())
}

/// `cargo xtask template-config`: the program template's `.cargo/config.toml` is the x86_64 row
/// of the table as `Arch::config_toml` writes it (`system-tests/tests/template.rs` compares).
fn template_config() -> Result<(), String> {
    let path = system_tests::template_cargo_config();
    std::fs::write(&path, Arch::X86_64.config_toml())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}

/// The architectures named by the first argument (an architecture or `all`), else by `default`,
/// and the arguments after it.
fn arches_and_rest<'a>(
    args: &'a [String],
    default: &str,
) -> (Result<Vec<Arch>, String>, &'a [String]) {
    match args.first() {
        Some(a) if !a.starts_with('-') => (Arch::parse_list(a), &args[1..]),
        _ => (Arch::parse_list(default), args),
    }
}

/// `Err` when there are arguments left.
fn no_more(args: &[String]) -> Result<(), String> {
    match args {
        [] => Ok(()),
        _ => Err(format!("unexpected arguments {args:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::{Arch, arches_and_rest};

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_first_argument_names_the_architectures_and_the_rest_goes_to_cargo() {
        let a = args(&["aarch64", "-p", "hello-nostd"]);
        let (arches, rest) = arches_and_rest(&a, "all");
        assert_eq!(arches, Ok(vec![Arch::AARCH64]));
        assert_eq!(rest, &a[1..]);
        let a = args(&["-p", "hello-nostd"]);
        let (arches, rest) = arches_and_rest(&a, "x86_64");
        assert_eq!(arches, Ok(vec![Arch::X86_64]));
        assert_eq!(rest, &a[..]);
        let (arches, _) = arches_and_rest(&[], "all");
        assert_eq!(arches, Ok(Arch::ALL.to_vec()));
        assert!(arches_and_rest(&args(&["mips"]), "all").0.is_err());
    }
}
