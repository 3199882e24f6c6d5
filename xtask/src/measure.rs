//! The figures the README shows of hello-nostd: its size and the system calls it makes after
//! `execve`, on this machine under strace and on the other architectures under
//! `qemu-ARCH -strace`. The binaries must be built first (`cargo make measure`,
//! `cargo make measure-arch` do).

use std::path::Path;
use std::process::Command;

use syscall_kit_build::Arch;
use system_tests::{TempDir, strace};

use crate::build::{release_bin, root};

/// Fails with the Debian package of `tool` when it is not on `PATH`.
fn need(tool: &str, package: &str) -> Result<(), String> {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        Ok(())
    } else {
        Err(format!(
            "{tool} not found (Debian/Ubuntu: apt-get install {package})"
        ))
    }
}

/// Runs `bin` under strace: its standard output and its calls after `execve`.
fn strace_calls(bin: &Path) -> Result<(Vec<u8>, Vec<String>), String> {
    need("strace", "strace")?;
    let bin = std::fs::canonicalize(bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let dir = TempDir::try_new("xtask-strace")?;
    let log = dir.path().join("log");
    let (out, text) = strace::run(strace::command(&log).arg(&bin), &log)?;
    let calls = strace::calls_after_execve(&text, &bin.to_string_lossy())?;
    Ok((out.stdout, calls))
}

/// Where hello-nostd's bytes go: its headers (the ELF header and the program headers), its
/// code, and its constants (the line, the error prefix and the table of error names, which the
/// compiler places in that order after the code; on powerpc64le the table of contents after
/// them, on s390x a byte that aligns the table).
pub fn split(data: &[u8]) -> Result<(usize, usize, usize), String> {
    let headers = system_tests::elf::header(data)?.headers;
    let find = |needle: &[u8]| {
        data.windows(needle.len())
            .position(|w| w == needle)
            .ok_or_else(|| format!("no {:?} in the binary", String::from_utf8_lossy(needle)))
    };
    // The table's first entry is the number of EAGAIN, then its name.
    let constants = find(b"Hello, world!\n")?
        .min(find(b"hello-nostd: stdout: ")?)
        .min(find(b"EAGAIN\n")? - 1);
    if constants < headers {
        return Err("the constants start inside the headers".into());
    }
    Ok((headers, constants - headers, data.len() - constants))
}

fn size(bin: &Path) -> Result<u64, String> {
    Ok(std::fs::metadata(bin)
        .map_err(|e| format!("{}: {e}", bin.display()))?
        .len())
}

/// `cargo make measure`: the binary's path, its size in bytes and its system calls after
/// `execve`, one a line.
pub fn measure(bin: &Path) -> Result<(), String> {
    if !bin.is_file() {
        return Err(format!(
            "{}: not found or not executable (run: cargo make build)",
            bin.display()
        ));
    }
    let (_, calls) = strace_calls(bin)?;
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let shown = std::fs::canonicalize(bin)
        .ok()
        .and_then(|b| b.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| bin.to_path_buf());
    println!("binary: {}", shown.display());
    println!("bytes: {}", size(bin)?);
    println!("system calls after execve: {}", calls.len());
    for call in calls {
        println!("  {call}");
    }
    Ok(())
}

/// `cargo make measure-arch`: the README's table of hello-nostd per architecture.
pub fn measure_arch() -> Result<(), String> {
    println!(
        "| platform | architecture | rustup target | bytes | headers + code + constants | system calls | output |"
    );
    println!("|---|---|---|---|---|---|---|");
    for arch in Arch::ALL {
        let bin = root().join(release_bin(arch, "hello-nostd"));
        let (stdout, calls) = match arch.qemu() {
            None => strace_calls(&bin)?,
            Some(qemu) => {
                need(qemu, "qemu-user")?;
                let out = Command::new(qemu)
                    .args(arch.qemu_args())
                    .arg("-strace")
                    .arg(&bin)
                    .output()
                    .map_err(|e| format!("cannot run {qemu}: {e}"))?;
                (
                    out.stdout,
                    strace::qemu_calls(&String::from_utf8_lossy(&out.stderr)),
                )
            }
        };
        let names: Vec<&str> = calls.iter().map(|c| strace::name(c)).collect();
        let data = std::fs::read(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
        let (headers, code, constants) = split(&data)?;
        println!(
            "| {} | {} | `{}`{} | {} | {headers} + {code} + {constants} | {} ({}) | {} |",
            arch.platform(),
            arch.name(),
            arch.triple(),
            if arch.core_from_source() {
                " (core from source)"
            } else {
                ""
            },
            data.len(),
            names.len(),
            names.join(", "),
            String::from_utf8_lossy(&stdout).trim_end_matches('\n')
        );
    }
    Ok(())
}
