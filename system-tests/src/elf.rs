//! The fields of an ELF file's header that the tests and `cargo xtask measure-arch` compare: its
//! class, machine and flags, and how many bytes its headers take; and the check every small
//! program of the workspace passes, [`check_static_executable`]. Read with `object`, the
//! workspace's ELF reader.

use object::elf::{self, FileHeader32, FileHeader64};
use object::read::elf::{FileHeader, ProgramHeader};
use object::{Endianness, FileKind};

/// What an ELF header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The class in bits: 32 (`ELFCLASS32`) or 64.
    pub bits: u8,
    /// `e_machine`.
    pub machine: u16,
    /// `e_flags` (for arm, the EABI version and the float ABI).
    pub flags: u32,
    /// The bytes of the ELF header and the program headers: `e_ehsize + e_phnum × e_phentsize`.
    pub headers: usize,
}

/// Reads the header of `data`; `Err` names what is wrong with it.
pub fn header(data: &[u8]) -> Result<Header, String> {
    fn read<H: FileHeader<Endian = Endianness>>(data: &[u8], bits: u8) -> Result<Header, String> {
        let h = H::parse(data).map_err(|e| e.to_string())?;
        let e = h.endian().map_err(|e| e.to_string())?;
        Ok(Header {
            bits,
            machine: h.e_machine(e),
            flags: h.e_flags(e),
            headers: usize::from(h.e_ehsize(e))
                + usize::from(h.e_phnum(e)) * usize::from(h.e_phentsize(e)),
        })
    }
    match FileKind::parse(data) {
        Ok(FileKind::Elf32) => read::<FileHeader32<Endianness>>(data, 32),
        Ok(FileKind::Elf64) => read::<FileHeader64<Endianness>>(data, 64),
        _ => Err("not an ELF file".into()),
    }
}

/// Whether `data` is what every small program of the workspace must be: a fixed-address
/// executable (`ET_EXEC`, no relocation at start-up) with no `PT_INTERP` (no ELF interpreter to
/// find in the image) and no `PT_DYNAMIC` (no libraries), no segment both writable and
/// executable, and a `PT_GNU_STACK` without `PF_X` (without one the stack may be executable).
/// `Err` names the first thing wrong.
pub fn check_static_executable(data: &[u8]) -> Result<(), String> {
    fn check<H: FileHeader<Endian = Endianness>>(data: &[u8]) -> Result<(), String> {
        let h = H::parse(data).map_err(|e| e.to_string())?;
        let e = h.endian().map_err(|e| e.to_string())?;
        if h.e_type(e) != elf::ET_EXEC {
            return Err(format!("e_type {}, not ET_EXEC", h.e_type(e)));
        }
        let mut stack = None;
        for p in h.program_headers(e, data).map_err(|e| e.to_string())? {
            let (t, f) = (p.p_type(e), p.p_flags(e));
            if t == elf::PT_INTERP || t == elf::PT_DYNAMIC {
                return Err(format!("not static: a program header of type {t:#x}"));
            }
            if f & elf::PF_W != 0 && f & elf::PF_X != 0 {
                return Err(format!("a segment both writable and executable: {f:#x}"));
            }
            if t == elf::PT_GNU_STACK {
                stack = Some(f);
            }
        }
        match stack {
            None => Err("no PT_GNU_STACK: the stack may be executable".into()),
            Some(f) if f & elf::PF_X != 0 => Err("an executable stack".into()),
            Some(_) => Ok(()),
        }
    }
    match FileKind::parse(data) {
        Ok(FileKind::Elf32) => check::<FileHeader32<Endianness>>(data),
        Ok(FileKind::Elf64) => check::<FileHeader64<Endianness>>(data),
        _ => Err("not an ELF file".into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_that_is_not_elf_is_an_error() {
        assert!(super::header(b"#!/bin/sh\n").is_err());
        assert!(super::header(b"\x7fELF").is_err());
        assert!(super::check_static_executable(b"#!/bin/sh\n").is_err());
    }

    #[test]
    fn a_dynamic_program_fails_the_static_check() {
        // The test binary itself: position-independent, with an interpreter and libraries.
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        assert!(super::check_static_executable(&me).is_err());
    }
}
