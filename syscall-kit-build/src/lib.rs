#![doc = include_str!("../README.md")]

use std::path::{Path, PathBuf};

pub mod arch;
mod rustflags;

pub use arch::Arch;
pub use rustflags::{links_with_lld, missing_rustflags};

/// The directory of this crate's linker scripts: `flat.ld` ([`StaticExecutable::flat_image`]),
/// and in `64/` and `32/` the ELF header and program headers of each word size
/// (`elf-header.ld`, `phdr-rw.ld`) that it and `hello-nostd/hello.ld` include.
pub const LD_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ld");

/// The file name, in [`LD_DIR`], of the flat-image linker script of
/// [`StaticExecutable::flat_image`].
pub const FLAT_SCRIPT: &str = "flat.ld";

/// What a no_std program's build script asks of the linker; see [`static_executable`].
#[derive(Debug, Clone)]
pub struct StaticExecutable {
    script: Option<PathBuf>,
    release_only: bool,
}

/// A static executable with no C start files and no C library.
pub fn static_executable() -> StaticExecutable {
    StaticExecutable {
        script: None,
        release_only: false,
    }
}

/// The ELF header fields of the architecture of a target (see [`Arch::for_target`]), for
/// linker scripts that write the header themselves: `(e_machine, e_flags, page size)`, from the
/// table in [`arch`].
///
/// `e_flags` matters on riscv64, where it records the float ABI and compressed instructions of
/// the `riscv64gc` targets, and on arm (EABI version, float ABI); the page size is the largest
/// the architecture's kernels use (64 KiB on aarch64), so a segment placed at a page boundary
/// works on all of them.
pub fn elf_machine(triple: &str, target_arch: &str) -> Option<(u16, u32, u32)> {
    Arch::for_target(triple, target_arch).map(|a| (a.e_machine(), a.e_flags(), a.page_size()))
}

impl StaticExecutable {
    /// Also link with the linker script `path` (relative to the package's directory), and pass
    /// it the symbols `ELF_MACHINE`, `ELF_FLAGS` and `ELF_PAGE` of [`elf_machine`] and
    /// `ELF_DATA` (`EI_DATA`: 1 little-endian, 2 big-endian). With `release_only`, only release
    /// builds use the script (a script that relies on what LTO removes would fail a debug
    /// build).
    pub fn linker_script(mut self, path: impl AsRef<Path>, release_only: bool) -> Self {
        self.script = Some(package_path(path));
        self.release_only = release_only;
        self
    }

    /// Link release builds with the workspace's flat-image script, [`FLAT_SCRIPT`]: the linker
    /// writes the whole file, ELF and program headers included, and nothing the kernel does
    /// not read (no section headers, symbols, unwind tables or padding); a program with
    /// writable statics gets a second, read-write `PT_LOAD` of its own, never one that is both
    /// writable and executable. (Debug builds are linked as usual.)
    pub fn flat_image(mut self) -> Self {
        self.script = Some(Path::new(LD_DIR).join(FLAT_SCRIPT));
        self.release_only = true;
        self
    }

    /// The linker arguments, for the target cargo is building for.
    pub fn args(&self) -> Vec<String> {
        let lld = links_with_lld(&std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default());
        let release = std::env::var("PROFILE").as_deref() == Ok("release");
        let target_arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
        let triple = std::env::var("TARGET").unwrap_or_default();
        let arch = Arch::for_target(&triple, &target_arch);
        let mut ld = vec![
            // A fixed-address executable: no relocation at start-up, no dynamic section.
            "-static".to_string(),
            "--no-dynamic-linker".to_string(),
            // Nothing reads a build id or an .eh_frame_hdr in these programs.
            "--build-id=none".to_string(),
            "--no-eh-frame-hdr".to_string(),
            "-z".to_string(),
            "norelro".to_string(),
        ];
        if let Some(script) = self
            .script
            .as_ref()
            .filter(|_| release || !self.release_only)
        {
            let arch = arch.unwrap_or_else(|| panic!("unsupported architecture {triple}"));
            ld.push(format!("--defsym=ELF_MACHINE={}", arch.e_machine()));
            ld.push(format!("--defsym=ELF_FLAGS={}", arch.e_flags()));
            ld.push(format!("--defsym=ELF_PAGE={}", arch.page_size()));
            ld.push(format!(
                "--defsym=ELF_DATA={}",
                if arch.big_endian() { 2 } else { 1 }
            ));
            // Where a script's `INCLUDE elf-header.ld` (and `phdr-rw.ld`) is found: the
            // headers of the architecture's word size.
            let class_dir = Path::new(LD_DIR).join(arch.bits().to_string());
            ld.push(format!("-L{}", class_dir.display()));
            println!("cargo:rerun-if-changed={LD_DIR}");
            ld.push("-T".to_string());
            ld.push(script.display().to_string());
            println!("cargo:rerun-if-changed={}", script.display());
        }
        if lld {
            // rust-lld called directly: plain linker flags. `--no-pie` after rustc's `-pie`.
            let mut args = vec!["--no-pie".to_string()];
            args.extend(ld);
            args
        } else {
            // A C compiler driver: no start files, no C library, and `-Wl,` for the linker.
            let mut args: Vec<String> = ["-nostartfiles", "-nostdlib", "-static", "-no-pie"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let mut i = 0;
            while i < ld.len() {
                match ld[i].as_str() {
                    "-static" => {}
                    "-z" | "-T" => {
                        args.push(format!("-Wl,{},{}", ld[i], ld[i + 1]));
                        i += 1;
                    }
                    other => args.push(format!("-Wl,{other}")),
                }
                i += 1;
            }
            args
        }
    }

    /// Prints the `cargo:` lines that hand [`StaticExecutable::args`] to the linker; or, when
    /// the target's rustflags lack what the link needs ([`missing_rustflags`]: `-C
    /// link-self-contained=no` for a musl target), a `cargo::error=` line that says what to
    /// add and where, which stops the build before the linker runs.
    pub fn emit(&self) {
        println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
        let triple = std::env::var("TARGET").unwrap_or_default();
        let rustflags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
        if let Some(fix) = missing_rustflags(&triple, &rustflags) {
            // `cargo::error` (cargo 1.84): one `error:` line, and the build stops.
            println!("cargo::error={fix}");
            return;
        }
        for arg in self.args() {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}

/// `path` relative to the directory of the package whose build script runs.
fn package_path(path: impl AsRef<Path>) -> PathBuf {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    Path::new(&dir).join(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_architecture_has_elf_fields() {
        let host = elf_machine("x86_64-unknown-linux-gnu", "x86_64");
        assert_eq!(host, Some((62, 0, 4096)));
        for a in Arch::ALL {
            let fields = elf_machine(a.triple(), a.target_arch());
            assert_eq!(fields.map(|m| m.0), Some(a.e_machine()));
        }
        assert_eq!(elf_machine("mips-unknown-linux-gnu", "mips"), None);
    }
}
