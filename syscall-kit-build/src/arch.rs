//! The architectures the no_std programs are built for: one row each in [`Arch::ALL`], read by
//! every build script (through [`elf_machine`](crate::elf_machine)), by the workspace's task
//! binary (`cargo xtask build`, which adds the rustup target and passes the rustflags) and by the
//! system tests. Adding an architecture is adding a row.

/// An architecture the no_std programs are built for, and how to build, run and package them.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Arch {
    name: &'static str,
    target_arch: &'static str,
    triple: &'static str,
    rustflags: &'static [&'static str],
    qemu: Option<&'static str>,
    qemu_args: &'static [&'static str],
    native: bool,
    platform: &'static str,
    e_machine: u16,
    e_flags: u32,
    page_size: u32,
    bits: u8,
    big_endian: bool,
    core_from_source: bool,
}

/// The rustflags of every no_std build, before the architecture's own ([`Arch::rustflags`]).
///
/// - `link-self-contained=no`: for musl targets rustc links its own copy of musl's start files
///   (crt1.o …) into every executable; crt1.o defines `_start`, which syscall-kit's runtime
///   defines too. The flag would break ordinary std programs built for the same target (they
///   need those start files and musl's libc.a), so in this workspace, which has both, it is not
///   set for the target as a whole: only builds of no_std programs get it. A project of no_std
///   programs only sets it for the target, in its `.cargo/config.toml` ([`Arch::config_toml`]);
///   a build script cannot pass it, but syscall-kit-build's stops a build that lacks it
///   ([`missing_rustflags`](crate::missing_rustflags)).
/// - `linker-flavor=ld.lld` (with `linker = "rust-lld"`, see [`Arch::cargo_config`]): link with
///   the LLVM linker that ships with Rust, called directly, so no C toolchain is needed, for any
///   of the architectures.
/// - `relocation-model=static`: fixed-address code, no GOT: nothing to relocate at start-up.
/// - `force-unwind-tables=no`: these programs abort on panic and never unwind.
pub const COMMON_RUSTFLAGS: [&str; 8] = [
    "-C",
    "link-self-contained=no",
    "-C",
    "linker-flavor=ld.lld",
    "-C",
    "relocation-model=static",
    "-C",
    "force-unwind-tables=no",
];

impl Arch {
    /// Every architecture, the host of this project (x86_64) first: the table.
    pub const ALL: [Arch; 10] = [
        Arch {
            name: "x86_64",
            target_arch: "x86_64",
            triple: "x86_64-unknown-linux-musl",
            rustflags: &[],
            qemu: None,
            qemu_args: &[],
            native: true,
            platform: "linux/amd64",
            e_machine: 62,
            e_flags: 0,
            page_size: 0x1000,
            bits: 64,
            big_endian: false,
            core_from_source: false,
        },
        Arch {
            name: "aarch64",
            target_arch: "aarch64",
            triple: "aarch64-unknown-linux-musl",
            // Data reached with one instruction instead of two; the program must stay under
            // 1 MiB, as the kit's programs do.
            rustflags: &["-C", "code-model=tiny"],
            qemu: Some("qemu-aarch64"),
            qemu_args: &[],
            native: false,
            platform: "linux/arm64/v8",
            e_machine: 183,
            e_flags: 0,
            // The largest page size of aarch64 kernels.
            page_size: 0x10000,
            bits: 64,
            big_endian: false,
            core_from_source: false,
        },
        Arch {
            name: "riscv64",
            target_arch: "riscv64",
            triple: "riscv64gc-unknown-linux-gnu",
            rustflags: &[],
            qemu: Some("qemu-riscv64"),
            qemu_args: &[],
            native: false,
            platform: "linux/riscv64",
            e_machine: 243,
            // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE: the riscv64gc targets' compressed
            // instructions and float ABI.
            e_flags: 0x5,
            page_size: 0x1000,
            bits: 64,
            big_endian: false,
            core_from_source: false,
        },
        Arch {
            name: "i686",
            target_arch: "x86",
            triple: "i686-unknown-linux-musl",
            rustflags: &[],
            qemu: Some("qemu-i386"),
            qemu_args: &[],
            // An x86_64 kernel runs i386 binaries itself (IA-32 emulation): no binfmt entry.
            native: true,
            platform: "linux/386",
            e_machine: 3,
            e_flags: 0,
            page_size: 0x1000,
            bits: 32,
            big_endian: false,
            core_from_source: false,
        },
        Arch {
            name: "armv7",
            target_arch: "arm",
            // The -gnueabihf target: rustup serves no armv7-unknown-linux-musleabihf here; the
            // programs use neither C library.
            triple: "armv7-unknown-linux-gnueabihf",
            rustflags: &[],
            qemu: Some("qemu-arm"),
            qemu_args: &[],
            native: false,
            platform: "linux/arm/v7",
            e_machine: 40,
            // EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_HARD: EABI 5, floats in VFP registers.
            e_flags: 0x0500_0400,
            page_size: 0x1000,
            bits: 32,
            big_endian: false,
            core_from_source: false,
        },
        Arch {
            name: "s390x",
            target_arch: "s390x",
            // rustup serves s390x for glibc only; the programs use neither C library.
            triple: "s390x-unknown-linux-gnu",
            rustflags: &[],
            qemu: Some("qemu-s390x"),
            qemu_args: &[],
            native: false,
            platform: "linux/s390x",
            e_machine: 22,
            e_flags: 0,
            page_size: 0x1000,
            bits: 64,
            big_endian: true,
            core_from_source: false,
        },
        Arch {
            name: "powerpc64le",
            target_arch: "powerpc64",
            // rustup serves no powerpc64le-unknown-linux-musl here (404); the programs use
            // neither C library.
            triple: "powerpc64le-unknown-linux-gnu",
            rustflags: &[],
            qemu: Some("qemu-ppc64le"),
            qemu_args: &[],
            native: false,
            platform: "linux/ppc64le",
            e_machine: 21,
            // The ELFv2 ABI (EF_PPC64_ABI = 2).
            e_flags: 2,
            // The largest page size of powerpc64 kernels (the usual one of ppc64le).
            page_size: 0x10000,
            bits: 64,
            big_endian: false,
            core_from_source: false,
        },
        Arch {
            name: "armv6",
            target_arch: "arm",
            // rustup serves no rust-std for it on this project's machines (404, -gnueabihf too):
            // core and alloc are built from source (see `core_from_source`).
            triple: "arm-unknown-linux-musleabihf",
            rustflags: &[],
            qemu: Some("qemu-arm"),
            // The Raspberry Pi 1's ARM1176: ARMv6 with VFPv2, and no ARMv7 instruction.
            qemu_args: &["-cpu", "arm1176"],
            native: false,
            platform: "linux/arm/v6",
            e_machine: 40,
            // EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_HARD, as armv7.
            e_flags: 0x0500_0400,
            page_size: 0x1000,
            bits: 32,
            big_endian: false,
            core_from_source: true,
        },
        Arch {
            name: "armv5",
            target_arch: "arm",
            // The same as armv6: no rust-std from rustup here, core built from source.
            triple: "armv5te-unknown-linux-musleabi",
            rustflags: &[],
            qemu: Some("qemu-arm"),
            // ARM926EJ-S: ARMv5TEJ, no floating-point unit.
            qemu_args: &["-cpu", "arm926"],
            native: false,
            platform: "linux/arm/v5",
            e_machine: 40,
            // EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_SOFT: floats in integer registers.
            e_flags: 0x0500_0200,
            page_size: 0x1000,
            bits: 32,
            big_endian: false,
            core_from_source: true,
        },
        Arch {
            name: "loongarch64",
            target_arch: "loongarch64",
            // As armv6: no rust-std from rustup here (404, -gnu too), core built from source.
            triple: "loongarch64-unknown-linux-musl",
            // Rust's loongarch64 Linux targets use the 128-bit vector extension LSX, which
            // qemu-loongarch64 7.2 does not emulate (qemu 8.1 does): without it the programs
            // run on every LoongArch64 CPU and under this qemu. The calling convention is the
            // same (LP64D passes no vector).
            rustflags: &["-C", "target-feature=-lsx"],
            qemu: Some("qemu-loongarch64"),
            qemu_args: &[],
            native: false,
            platform: "linux/loong64",
            e_machine: 258,
            // EF_LOONGARCH_ABI_DOUBLE_FLOAT | EF_LOONGARCH_OBJABI_V1: LP64D, object ABI v1.
            e_flags: 0x43,
            // The largest page size of loongarch64 kernels (16 KiB is their default).
            page_size: 0x10000,
            bits: 64,
            big_endian: false,
            core_from_source: true,
        },
    ];

    /// x86_64, the host of this project's machines and tests.
    pub const X86_64: Arch = Arch::ALL[0];
    /// aarch64 (arm64).
    pub const AARCH64: Arch = Arch::ALL[1];
    /// riscv64.
    pub const RISCV64: Arch = Arch::ALL[2];
    /// i686 (i386, `linux/386`).
    pub const I686: Arch = Arch::ALL[3];
    /// armv7 (32-bit arm, hard float, `linux/arm/v7`).
    pub const ARMV7: Arch = Arch::ALL[4];
    /// s390x (64-bit IBM Z, big-endian).
    pub const S390X: Arch = Arch::ALL[5];
    /// powerpc64le (64-bit POWER, little-endian, ELFv2).
    pub const POWERPC64LE: Arch = Arch::ALL[6];
    /// armv6 (32-bit arm, hard float, `linux/arm/v6`).
    pub const ARMV6: Arch = Arch::ALL[7];
    /// armv5 (32-bit arm, armv5te, soft float, `linux/arm/v5`).
    pub const ARMV5: Arch = Arch::ALL[8];
    /// loongarch64 (LP64D, `linux/loong64`).
    pub const LOONGARCH64: Arch = Arch::ALL[9];

    /// The architecture called `name` in the table (`x86_64`, `aarch64`, `i686` …).
    pub fn named(name: &str) -> Option<Arch> {
        Arch::ALL.into_iter().find(|a| a.name == name)
    }

    /// The architecture a build script builds for: the row of the target `triple` (cargo's
    /// `TARGET`), else the first row of Rust's `target_arch` (`CARGO_CFG_TARGET_ARCH`) with the
    /// same float ABI: a plain host build, `x86_64-unknown-linux-gnu`, is the x86_64 row, and
    /// `armv5te-unknown-linux-gnueabi` (soft float, no `hf`) the armv5 row, not armv7's.
    pub fn for_target(triple: &str, target_arch: &str) -> Option<Arch> {
        let hard_float = |t: &str| t.ends_with("hf");
        Arch::ALL
            .into_iter()
            .find(|a| a.triple == triple)
            .or_else(|| {
                Arch::ALL.into_iter().find(|a| {
                    a.target_arch == target_arch && hard_float(a.triple) == hard_float(triple)
                })
            })
    }

    /// The architectures an argument names: one by its name, or `all` (every one).
    pub fn parse_list(arg: &str) -> Result<Vec<Arch>, String> {
        if arg == "all" {
            return Ok(Arch::ALL.to_vec());
        }
        Arch::named(arg).map(|a| vec![a]).ok_or_else(|| {
            let names: Vec<&str> = Arch::ALL.iter().map(|a| a.name).collect();
            format!(
                "unknown architecture '{arg}': use {} or all",
                names.join(", ")
            )
        })
    }

    /// Its name, as task arguments and tables use it (`x86_64`, `i686` …).
    pub const fn name(self) -> &'static str {
        self.name
    }

    /// Rust's `target_arch` of it (`x86_64`, `x86` …); several rows may share one.
    pub const fn target_arch(self) -> &'static str {
        self.target_arch
    }

    /// The rustup target the no_std programs are built for.
    pub const fn triple(self) -> &'static str {
        self.triple
    }

    /// The rustflags of its no_std builds after [`COMMON_RUSTFLAGS`].
    pub const fn rustflags(self) -> &'static [&'static str] {
        self.rustflags
    }

    /// The qemu-user program that runs its binaries on an x86_64 host; `None` for x86_64.
    pub const fn qemu(self) -> Option<&'static str> {
        self.qemu
    }

    /// The arguments qemu-user takes before the program for it (`-cpu …`), none for most.
    pub const fn qemu_args(self) -> &'static [&'static str] {
        self.qemu_args
    }

    /// The CPU its [`qemu_args`](Arch::qemu_args) choose (`-cpu NAME`), if they choose one: as
    /// the environment variable `QEMU_CPU`, it makes the qemu that binfmt_misc starts for a
    /// re-executed program or a container emulate the same CPU.
    pub fn qemu_cpu(self) -> Option<&'static str> {
        let i = self.qemu_args.iter().position(|&a| a == "-cpu")?;
        self.qemu_args.get(i + 1).copied()
    }

    /// Whether an x86_64 kernel runs its binaries by itself (x86_64, and i686 through IA-32
    /// emulation); the others need a qemu-user `binfmt_misc` entry.
    pub const fn native(self) -> bool {
        self.native
    }

    /// The OCI platform of its images: `linux/amd64`, `linux/arm64`, `linux/386` …
    pub const fn platform(self) -> &'static str {
        self.platform
    }

    /// The ELF `e_machine` of its binaries.
    pub const fn e_machine(self) -> u16 {
        self.e_machine
    }

    /// The ELF `e_flags` of its binaries.
    pub const fn e_flags(self) -> u32 {
        self.e_flags
    }

    /// Its word size in bits, and so its ELF class: 32 (`ELFCLASS32`) or 64.
    pub const fn bits(self) -> u8 {
        self.bits
    }

    /// Whether it is big-endian (`ELFDATA2MSB`).
    pub const fn big_endian(self) -> bool {
        self.big_endian
    }

    /// Whether its `core` and `alloc` are built from the `rust-src` component instead of
    /// rustup's prebuilt `rust-std`, which rustup does not serve for it on this project's
    /// machines (`rustup target add` answers 404). cargo's `-Z build-std=core,alloc` does it,
    /// allowed on a stable toolchain by `RUSTC_BOOTSTRAP=1` for that build only (see
    /// [`Arch::build_std_args`]); the compiler is the same stable one.
    pub const fn core_from_source(self) -> bool {
        self.core_from_source
    }

    /// What a `cargo build` for it needs beyond [`cargo_config`](Arch::cargo_config): for a row
    /// whose core is built from source, the environment variable and the arguments that do it;
    /// nothing for the others.
    pub fn build_std_args(
        self,
    ) -> (
        Option<(&'static str, &'static str)>,
        &'static [&'static str],
    ) {
        if self.core_from_source {
            (
                Some(("RUSTC_BOOTSTRAP", "1")),
                &["-Z", "build-std=core,alloc"],
            )
        } else {
            (None, &[])
        }
    }

    /// The largest page size its kernels use: a segment placed at such a boundary works on all.
    pub const fn page_size(self) -> u32 {
        self.page_size
    }

    /// The `--config` values of a `cargo build` of no_std programs for it: rust-lld as the
    /// linker, [`COMMON_RUSTFLAGS`] and its own [`rustflags`](Arch::rustflags). They are TOML
    /// lines too: [`config_toml`](Arch::config_toml) writes them into a `.cargo/config.toml`.
    pub fn cargo_config(self) -> [String; 2] {
        let flags: Vec<String> = COMMON_RUSTFLAGS
            .iter()
            .chain(self.rustflags)
            .map(|f| format!("'{f}'"))
            .collect();
        [
            format!("target.{}.linker = 'rust-lld'", self.triple),
            format!("target.{}.rustflags = [{}]", self.triple, flags.join(", ")),
        ]
    }

    /// A project's `.cargo/config.toml` that makes a plain `cargo build` build its no_std
    /// programs for this architecture: `build.target` and the [`cargo_config`](Arch::cargo_config)
    /// lines, after a comment that says why. The program template of the syscall-kit
    /// repository, `templates/program/.cargo/config.toml`, is this file for x86_64 (`cargo
    /// xtask template-config` writes it, a test compares). A row whose core is built from
    /// source needs [`build_std_args`](Arch::build_std_args) as well, which a config file of a
    /// stable toolchain cannot hold.
    pub fn config_toml(self) -> String {
        let [linker, rustflags] = self.cargo_config();
        format!(
            "# The target of `cargo build` here, {triple}, and how its programs are linked:\n\
             # by rust-lld (it ships with Rust), with the rustflags of a no_std program on syscall-kit\n\
             # (`-C link-self-contained=no`: none of the target's own C start files, whose `_start`\n\
             # would clash with the kit's). These are the lines of syscall-kit-build's architecture\n\
             # table (`Arch::config_toml`), which explains each flag (`COMMON_RUSTFLAGS`).\n\
             build.target = '{triple}'\n\
             {linker}\n\
             {rustflags}\n",
            triple = self.triple
        )
    }
}

/// Only the name: the rows are in the source.
impl core::fmt::Debug for Arch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::Arch;

    #[test]
    fn names_are_unique_and_parse() {
        for a in Arch::ALL {
            assert_eq!(Arch::named(a.name()), Some(a));
            assert_eq!(Arch::parse_list(a.name()), Ok(vec![a]));
            assert_eq!(Arch::for_target(a.triple(), "none"), Some(a));
            assert!(matches!(a.bits(), 32 | 64));
        }
        assert_eq!(
            Arch::for_target("x86_64-unknown-linux-gnu", "x86_64"),
            Some(Arch::X86_64)
        );
        assert_eq!(Arch::parse_list("all").unwrap().len(), Arch::ALL.len());
        assert_eq!(Arch::ARMV5.qemu_cpu(), Some("arm926"));
        // A triple of no row: the first row of its target_arch and float ABI.
        assert_eq!(
            Arch::for_target("armv5te-unknown-linux-gnueabi", "arm"),
            Some(Arch::ARMV5)
        );
        assert_eq!(
            Arch::for_target("armv7-unknown-linux-musleabihf", "arm"),
            Some(Arch::ARMV7)
        );
        assert_eq!(Arch::ARMV7.qemu_cpu(), None);
        assert!(Arch::parse_list("mips").is_err());
    }

    #[test]
    fn the_config_passes_the_common_and_the_architectures_flags() {
        let [linker, flags] = Arch::AARCH64.cargo_config();
        assert_eq!(
            linker,
            "target.aarch64-unknown-linux-musl.linker = 'rust-lld'"
        );
        assert!(flags.starts_with(
            "target.aarch64-unknown-linux-musl.rustflags = ['-C', 'link-self-contained=no', "
        ));
        assert!(flags.ends_with("'-C', 'force-unwind-tables=no', '-C', 'code-model=tiny']"));
        let file = Arch::AARCH64.config_toml();
        let settings: Vec<&str> = file.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            settings,
            [
                "build.target = 'aarch64-unknown-linux-musl'",
                linker.as_str(),
                flags.as_str()
            ]
        );
    }
}
