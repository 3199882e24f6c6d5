//! Machines (`e_machine` of `elf(5)`) by name, and the machine this program was built for.

use object::elf;

use crate::elf::{ByteOrder, Class};

/// The usual name of `machine` for a file of `class` and `byte_order`: `x86_64`, `aarch64`,
/// `riscv64`, `i386`, `arm`, …; `None` for a number this table does not know.
pub fn machine_name(machine: u16, class: Class, byte_order: ByteOrder) -> Option<&'static str> {
    let is64 = class == Class::Elf64;
    let little = byte_order == ByteOrder::Little;
    Some(match machine {
        elf::EM_X86_64 if is64 => "x86_64",
        elf::EM_X86_64 => "x32",
        elf::EM_386 => "i386",
        elf::EM_AARCH64 => "aarch64",
        elf::EM_ARM => "arm",
        elf::EM_RISCV if is64 => "riscv64",
        elf::EM_RISCV => "riscv32",
        elf::EM_PPC64 if little => "ppc64le",
        elf::EM_PPC64 => "ppc64",
        elf::EM_PPC => "powerpc",
        elf::EM_S390 if is64 => "s390x",
        elf::EM_S390 => "s390",
        elf::EM_MIPS if is64 => "mips64",
        elf::EM_MIPS => "mips",
        elf::EM_LOONGARCH => "loongarch64",
        elf::EM_SPARCV9 => "sparc64",
        elf::EM_SPARC => "sparc",
        elf::EM_IA_64 => "ia64",
        elf::EM_68K => "m68k",
        elf::EM_SH => "sh",
        elf::EM_ALPHA => "alpha",
        elf::EM_PARISC => "hppa",
        elf::EM_BPF => "bpf",
        elf::EM_NONE => "none",
        _ => return None,
    })
}

/// The machine a program must be built for to run on this one without emulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Host {
    /// `e_machine`.
    pub machine: u16,
    /// ELF class.
    pub class: Class,
    /// Byte order.
    pub byte_order: ByteOrder,
}

impl Host {
    /// The machine this library was compiled for (the doctor runs where it was built).
    pub const fn this() -> Host {
        #[cfg(target_arch = "x86_64")]
        let machine = elf::EM_X86_64;
        #[cfg(target_arch = "aarch64")]
        let machine = elf::EM_AARCH64;
        #[cfg(target_arch = "riscv64")]
        let machine = elf::EM_RISCV;
        #[cfg(not(any(
            target_arch = "x86_64",
            target_arch = "aarch64",
            target_arch = "riscv64"
        )))]
        let machine = elf::EM_NONE;
        let class = if cfg!(target_pointer_width = "64") {
            Class::Elf64
        } else {
            Class::Elf32
        };
        let byte_order = if cfg!(target_endian = "little") {
            ByteOrder::Little
        } else {
            ByteOrder::Big
        };
        Host {
            machine,
            class,
            byte_order,
        }
    }

    /// Its name, as [`machine_name`] gives it.
    pub fn name(self) -> &'static str {
        machine_name(self.machine, self.class, self.byte_order).unwrap_or("unknown")
    }

    /// Whether the kernel of this machine runs programs of `machine`, `class` and `byte_order`
    /// natively: the same machine, or i386 programs on x86_64 (its 32-bit compatibility mode).
    pub fn runs(self, machine: u16, class: Class, byte_order: ByteOrder) -> bool {
        let same = machine == self.machine && class == self.class && byte_order == self.byte_order;
        let ia32_on_x86_64 = self.machine == elf::EM_X86_64
            && machine == elf::EM_386
            && class == Class::Elf32
            && byte_order == ByteOrder::Little;
        same || ia32_on_x86_64
    }

    /// The Debian multiarch name of `machine` (`x86_64-linux-gnu`), which names the library
    /// directories of glibc on Debian and Ubuntu.
    pub fn multiarch(machine: u16, class: Class, byte_order: ByteOrder) -> Option<&'static str> {
        Some(match machine_name(machine, class, byte_order)? {
            "x86_64" => "x86_64-linux-gnu",
            "x32" => "x86_64-linux-gnux32",
            "i386" => "i386-linux-gnu",
            "aarch64" => "aarch64-linux-gnu",
            "arm" => "arm-linux-gnueabihf",
            "riscv64" => "riscv64-linux-gnu",
            "ppc64le" => "powerpc64le-linux-gnu",
            "s390x" => "s390x-linux-gnu",
            "mips64" => "mips64el-linux-gnuabi64",
            "loongarch64" => "loongarch64-linux-gnu",
            _ => return None,
        })
    }
}
