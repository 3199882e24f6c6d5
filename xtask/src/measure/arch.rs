//! The README's table of hello-nostd per architecture (`cargo make measure-arch`): bytes, where
//! they go, and the system calls, by strace on this machine and `qemu-ARCH -strace` on the
//! others.

use std::process::Command;

use syscall_kit_build::Arch;
use system_tests::doc_section::MEASURE_ARCH;
use system_tests::strace;

use crate::build::{release_bin, root};
use crate::measure::hello::split;
use crate::measure::{need, strace_calls};

/// The table, as Markdown.
pub fn table() -> Result<String, String> {
    let mut out = String::from(
        "| platform | architecture | rustup target | bytes | headers + code + constants | system calls | output |\n\
         |---|---|---|---|---|---|---|\n",
    );
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
        out.push_str(&format!(
            "| {} | {} | `{}`{} | {} | {headers} + {code} + {constants} | {} ({}) | {} |\n",
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
        ));
    }
    Ok(out)
}

/// `cargo xtask measure-arch [--write]`: prints the table; with `--write`, also puts it in
/// README.md between its markers.
pub fn measure_arch(write: bool) -> Result<(), String> {
    let table = table()?;
    print!("{table}");
    if write {
        let path = root().join(MEASURE_ARCH.path);
        let doc = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let new = MEASURE_ARCH.replace(&doc, &table)?;
        if new != doc {
            std::fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        eprintln!("wrote the table into {}", MEASURE_ARCH.path);
    }
    Ok(())
}
