//! The sizes of built programs that the documents show on their own: scratch-probe's
//! (docs/probe.md) and hello-locked's beside hello-nostd's on every architecture
//! (docs/least-privilege.md).

use syscall_kit_build::Arch;

use crate::build::{release_bin, root};
use crate::measure::size;
use crate::text::{Text, Tool, grouped};

/// The size of the no_std program `name` built for `arch`.
fn program_size(arch: Arch, name: &str) -> Result<u64, String> {
    size(&root().join(release_bin(arch, name)))
}

/// docs/probe.md's size: the command that shows it, and what it prints.
pub fn probe(rustc: &str) -> Result<Text, String> {
    let bin = release_bin(Arch::X86_64, "scratch-probe");
    let mut t = Text::new();
    t.words("With rustc ")
        .version(Tool::Rustc, rustc)
        .words(format!(
            ":\n\n```console\n$ cargo build-nostd -p scratch-probe && stat -c %s {}\n",
            bin.display()
        ))
        .figure(Tool::Rustc, program_size(Arch::X86_64, "scratch-probe")?)
        .words("\n```\n");
    Ok(t)
}

/// hello-locked's size beside hello-nostd's, on every architecture of the table.
pub fn locked(rustc: &str) -> Result<Text, String> {
    let mut t = Text::new();
    t.words("With rustc ").version(Tool::Rustc, rustc).words(
        " (`cargo make build-arch` prints the same sizes):\n\n\
             | architecture | hello-locked bytes | hello-nostd bytes |\n|---|---:|---:|\n",
    );
    for arch in Arch::ALL {
        t.words(format!("| {} | ", arch.name()))
            .figure(Tool::Rustc, grouped(program_size(arch, "hello-locked")?))
            .words(" | ")
            .figure(Tool::Rustc, grouped(program_size(arch, "hello-nostd")?))
            .words(" |\n");
    }
    Ok(t)
}
