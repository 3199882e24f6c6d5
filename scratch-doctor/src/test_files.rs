//! Small files for the unit tests, built in memory: ELF files ([`Elf`]) and `ld.so.cache` files
//! ([`ld_so_cache`]). Nothing is read from the disk of the machine running the tests.

use alloc::string::String;
use alloc::vec::Vec;

use object::elf;
use syscall_kit::Errno;

use crate::memory_root::MemoryRoot;
use crate::root_view::{FileError, RootView};

/// What goes into a small little-endian ELF file, 64-bit or 32-bit: the program headers
/// `PT_LOAD` (the whole file, at address 0), `PT_DYNAMIC` and, with an interpreter,
/// `PT_INTERP`; no section headers.
#[derive(Clone, Copy)]
pub struct Elf<'a> {
    /// `ELFCLASS64` or `ELFCLASS32`.
    pub class: u8,
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
            class: elf::ELFCLASS64,
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

    /// A static 64-bit executable (`ET_EXEC`, no interpreter, no library) for `machine`.
    pub fn executable(machine: u16) -> Elf<'a> {
        Elf {
            e_type: elf::ET_EXEC,
            machine,
            ..Elf::library(&[])
        }
    }

    /// The file.
    pub fn bytes(&self) -> Vec<u8> {
        let wide = match self.class {
            elf::ELFCLASS64 => true,
            elf::ELFCLASS32 => false,
            other => panic!("ELF class {other}"),
        };
        // The sizes of the ELF header, a program header, a word and a dynamic entry.
        let (ehdr, phdr, word) = if wide { (64, 56, 8) } else { (52, 32, 4) };
        let phnum = if self.interpreter.is_some() { 3 } else { 2 };
        let interp_at = ehdr + phnum * phdr;
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
        let dynamic_len = dynamic.len() * 2 * word;
        let len = dynamic_at + dynamic_len;

        let mut out = Vec::with_capacity(len);
        // A word: 8 bytes in a 64-bit file, 4 in a 32-bit one.
        let put_word = |out: &mut Vec<u8>, v: u64| {
            if wide {
                out.extend_from_slice(&v.to_le_bytes());
            } else {
                out.extend_from_slice(&(v as u32).to_le_bytes());
            }
        };
        out.extend_from_slice(b"\x7fELF");
        out.extend_from_slice(&[self.class, elf::ELFDATA2LSB, elf::EV_CURRENT]);
        out.resize(16, 0);
        out.extend_from_slice(&self.e_type.to_le_bytes());
        out.extend_from_slice(&self.machine.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes()); // e_version
        let entry: u64 = if self.interpreter.is_some() {
            0x1000
        } else {
            0
        };
        put_word(&mut out, entry);
        put_word(&mut out, ehdr as u64); // e_phoff
        put_word(&mut out, 0); // e_shoff
        out.extend_from_slice(&0u32.to_le_bytes()); // e_flags
        let shdr = if wide { 64 } else { 40 }; // e_shentsize (of no section header)
        for half in [ehdr, phdr, phnum, shdr, 0, 0] {
            out.extend_from_slice(&(half as u16).to_le_bytes());
        }
        let mut program_header = |p_type: u32, offset: usize, size: usize| {
            let (offset, size) = (offset as u64, size as u64);
            out.extend_from_slice(&p_type.to_le_bytes());
            if wide {
                out.extend_from_slice(&elf::PF_R.to_le_bytes());
            }
            for field in [offset, offset, offset, size, size] {
                put_word(&mut out, field);
            }
            if !wide {
                out.extend_from_slice(&elf::PF_R.to_le_bytes());
            }
            put_word(&mut out, 8); // p_align
        };
        program_header(elf::PT_LOAD, 0, len);
        program_header(elf::PT_DYNAMIC, dynamic_at, dynamic_len);
        if self.interpreter.is_some() {
            program_header(elf::PT_INTERP, interp_at, interp.len());
        }
        out.extend_from_slice(&interp);
        out.extend_from_slice(&strtab);
        out.resize(dynamic_at, 0);
        for (tag, value) in dynamic {
            put_word(&mut out, u64::from(tag));
            put_word(&mut out, value);
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

/// A [`MemoryRoot`] in which reading one path, or asking for the current directory, fails.
pub struct Failing {
    /// The files.
    pub root: MemoryRoot,
    /// The path whose reading fails, and how.
    pub read: Option<(&'static str, FileError)>,
    /// How asking for the current directory fails.
    pub cwd: Option<Errno>,
}

impl RootView for Failing {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, FileError> {
        match self.read {
            Some((p, e)) if p == path => Err(e),
            _ => self.root.read(path),
        }
    }
    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno> {
        self.root.read_link(path)
    }
    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno> {
        self.root.list_dir(path)
    }
    fn current_dir(&mut self) -> Result<String, Errno> {
        match self.cwd {
            Some(e) => Err(e),
            None => self.root.current_dir(),
        }
    }
}
