//! Small files for the unit tests, built in memory: ELF files ([`Elf`]) and `ld.so.cache` files
//! ([`ld_so_cache`]). Nothing is read from the disk of the machine running the tests.

use alloc::vec::Vec;

use object::elf;

/// What goes into a small 64-bit little-endian ELF file: the program headers `PT_LOAD` (the
/// whole file, at address 0), `PT_DYNAMIC` and, with an interpreter, `PT_INTERP`.
#[derive(Clone, Copy)]
pub struct Elf<'a> {
    pub e_type: u16,
    pub machine: u16,
    pub interpreter: Option<&'a str>,
    pub needed: &'a [&'a str],
    pub rpath: Option<&'a str>,
    pub runpath: Option<&'a str>,
    pub soname: Option<&'a str>,
}

/// glibc's loader of x86-64, the interpreter of [`Elf::program`].
pub const GLIBC_LOADER: &str = "/lib64/ld-linux-x86-64.so.2";

impl<'a> Elf<'a> {
    /// An x86-64 PIE started by glibc's loader, needing `needed`.
    pub fn program(needed: &'a [&'a str]) -> Elf<'a> {
        Elf {
            e_type: elf::ET_DYN,
            machine: elf::EM_X86_64,
            interpreter: Some(GLIBC_LOADER),
            needed,
            rpath: None,
            runpath: None,
            soname: None,
        }
    }

    /// An x86-64 shared library needing `needed`.
    pub fn library(needed: &'a [&'a str]) -> Elf<'a> {
        Elf {
            interpreter: None,
            ..Elf::program(needed)
        }
    }

    /// The file.
    pub fn bytes(&self) -> Vec<u8> {
        const EHDR: usize = 64;
        const PHDR: usize = 56;
        let phnum = if self.interpreter.is_some() { 3 } else { 2 };
        let interp_at = EHDR + phnum * PHDR;
        let interp: Vec<u8> = self
            .interpreter
            .map(|i| [i.as_bytes(), b"\0"].concat())
            .unwrap_or_default();
        let strtab_at = interp_at + interp.len();
        let mut strtab = alloc::vec![0u8];
        let mut dynamic: Vec<(u32, u64)> = Vec::new();
        let mut string = |tag: u32, s: &str, dynamic: &mut Vec<(u32, u64)>| {
            dynamic.push((tag, strtab.len() as u64));
            strtab.extend_from_slice(s.as_bytes());
            strtab.push(0);
        };
        for n in self.needed {
            string(elf::DT_NEEDED, n, &mut dynamic);
        }
        for (tag, value) in [
            (elf::DT_RPATH, self.rpath),
            (elf::DT_RUNPATH, self.runpath),
            (elf::DT_SONAME, self.soname),
        ] {
            if let Some(v) = value {
                string(tag, v, &mut dynamic);
            }
        }
        let dynamic_at = (strtab_at + strtab.len()).next_multiple_of(8);
        dynamic.push((elf::DT_STRTAB, strtab_at as u64));
        dynamic.push((elf::DT_STRSZ, strtab.len() as u64));
        if self.interpreter.is_some() {
            dynamic.push((elf::DT_FLAGS_1, u64::from(elf::DF_1_PIE)));
        }
        dynamic.push((elf::DT_NULL, 0));
        let dynamic_len = dynamic.len() * 16;
        let len = dynamic_at + dynamic_len;

        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
        out.extend_from_slice(&self.e_type.to_le_bytes());
        out.extend_from_slice(&self.machine.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes()); // e_version
        let entry: u64 = if self.interpreter.is_some() {
            0x1000
        } else {
            0
        };
        out.extend_from_slice(&entry.to_le_bytes());
        out.extend_from_slice(&(EHDR as u64).to_le_bytes()); // e_phoff
        out.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
        out.extend_from_slice(&0u32.to_le_bytes()); // e_flags
        for half in [EHDR, PHDR, phnum, 64, 0, 0] {
            out.extend_from_slice(&(half as u16).to_le_bytes());
        }
        let mut phdr = |p_type: u32, offset: usize, size: usize| {
            out.extend_from_slice(&p_type.to_le_bytes());
            out.extend_from_slice(&4u32.to_le_bytes()); // PF_R
            for field in [offset, offset, offset, size, size, 8] {
                out.extend_from_slice(&(field as u64).to_le_bytes());
            }
        };
        phdr(elf::PT_LOAD, 0, len);
        phdr(elf::PT_DYNAMIC, dynamic_at, dynamic_len);
        if self.interpreter.is_some() {
            phdr(elf::PT_INTERP, interp_at, interp.len());
        }
        out.extend_from_slice(&interp);
        out.extend_from_slice(&strtab);
        out.resize(dynamic_at, 0);
        for (tag, value) in dynamic {
            out.extend_from_slice(&u64::from(tag).to_le_bytes());
            out.extend_from_slice(&value.to_le_bytes());
        }
        out
    }
}

/// The flags of an x86-64 glibc library in the cache (`FLAG_ELF_LIBC6 | FLAG_X8664_LIB64`).
pub const X86_64_LIBC6: i32 = 0x0303;

/// A little-endian `glibc-ld.so.cache1.1` file of `(flags, name, path, hwcap)` entries.
pub fn ld_so_cache(entries: &[(i32, &str, &str, u64)]) -> Vec<u8> {
    const HEADER: usize = 48;
    const ENTRY: usize = 24;
    let mut strings = Vec::new();
    let strings_at = HEADER + entries.len() * ENTRY;
    let mut string = |s: &str| {
        let at = strings_at + strings.len();
        strings.extend_from_slice(s.as_bytes());
        strings.push(0);
        at as u32
    };
    let mut table = Vec::new();
    for &(flags, name, path, hwcap) in entries {
        table.extend_from_slice(&flags.to_le_bytes());
        table.extend_from_slice(&string(name).to_le_bytes());
        table.extend_from_slice(&string(path).to_le_bytes());
        table.extend_from_slice(&0u32.to_le_bytes()); // osversion
        table.extend_from_slice(&hwcap.to_le_bytes());
    }
    let mut out = Vec::from(&b"glibc-ld.so.cache1.1"[..]);
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    out.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    out.push(2); // little-endian
    out.resize(HEADER, 0);
    out.extend_from_slice(&table);
    out.extend_from_slice(&strings);
    out
}
