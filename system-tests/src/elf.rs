//! The fields of an ELF file's header that the tests and `cargo xtask measure-arch` compare: its
//! class, machine and flags, and how many bytes its headers take. Read with `object`, the
//! workspace's ELF reader.

use object::elf::{FileHeader32, FileHeader64};
use object::read::elf::FileHeader;
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_that_is_not_elf_is_an_error() {
        assert!(super::header(b"#!/bin/sh\n").is_err());
        assert!(super::header(b"\x7fELF").is_err());
    }
}
