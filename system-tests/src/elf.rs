//! The fields of an ELF file's header that the tests and `cargo xtask measure-arch` compare: its
//! class, machine and flags, and how many bytes its headers take; its program headers
//! (segments), which `cargo xtask measure-init` shows; and the check every small program of the
//! workspace passes, [`check_static_executable`]. Read with `object`, the workspace's ELF
//! reader.

use object::elf::{self, FileHeader32, FileHeader64};
use object::read::elf::{FileHeader, ProgramHeader};
use object::{Endianness, FileKind};

/// What an ELF header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The class in bits: 32 (`ELFCLASS32`) or 64.
    pub bits: u8,
    /// `e_type`: `ET_EXEC` (2) for a fixed-address executable, `ET_DYN` (3) for a
    /// position-independent one or a library.
    pub kind: u16,
    /// `e_machine`.
    pub machine: u16,
    /// `e_flags` (for arm, the EABI version and the float ABI).
    pub flags: u32,
    /// `e_ehsize`: the bytes of the ELF header itself.
    pub ehsize: usize,
    /// `e_phnum`: how many program headers there are.
    pub phnum: usize,
    /// `e_phentsize`: the bytes of one program header.
    pub phentsize: usize,
    /// The bytes of the ELF header and the program headers: `e_ehsize + e_phnum × e_phentsize`.
    pub headers: usize,
}

/// A program header: a segment of the file, as the kernel maps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// `p_type`: `PT_LOAD` (1), `PT_GNU_STACK` …
    pub kind: u32,
    /// `p_flags`: `PF_R`, `PF_W`, `PF_X`.
    pub flags: u32,
    /// `p_offset`: where the segment starts in the file.
    pub offset: u64,
    /// `p_filesz`: its bytes in the file.
    pub file_size: u64,
    /// `p_memsz`: its bytes in memory.
    pub memory_size: u64,
}

impl Segment {
    /// The name of its type (`PT_LOAD`, `PT_GNU_STACK` …), or the number in hexadecimal.
    pub fn kind_name(&self) -> String {
        use object::elf::*;
        match self.kind {
            PT_LOAD => "PT_LOAD".into(),
            PT_INTERP => "PT_INTERP".into(),
            PT_DYNAMIC => "PT_DYNAMIC".into(),
            PT_NOTE => "PT_NOTE".into(),
            PT_PHDR => "PT_PHDR".into(),
            PT_TLS => "PT_TLS".into(),
            PT_GNU_STACK => "PT_GNU_STACK".into(),
            PT_GNU_RELRO => "PT_GNU_RELRO".into(),
            PT_GNU_EH_FRAME => "PT_GNU_EH_FRAME".into(),
            PT_GNU_PROPERTY => "PT_GNU_PROPERTY".into(),
            other => format!("{other:#x}"),
        }
    }

    /// Its flags as `readelf -l` writes them: `R X`, `R W` ….
    pub fn flags_text(&self) -> String {
        use object::elf::{PF_R, PF_W, PF_X};
        [(PF_R, 'R'), (PF_W, 'W'), (PF_X, 'X')]
            .iter()
            .filter(|(bit, _)| self.flags & bit != 0)
            .map(|(_, c)| c.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Reads the header of `data`; `Err` names what is wrong with it.
pub fn header(data: &[u8]) -> Result<Header, String> {
    fn read<H: FileHeader<Endian = Endianness>>(data: &[u8], bits: u8) -> Result<Header, String> {
        let h = H::parse(data).map_err(|e| e.to_string())?;
        let e = h.endian().map_err(|e| e.to_string())?;
        let (ehsize, phnum, phentsize) = (
            usize::from(h.e_ehsize(e)),
            usize::from(h.e_phnum(e)),
            usize::from(h.e_phentsize(e)),
        );
        Ok(Header {
            bits,
            kind: h.e_type(e),
            machine: h.e_machine(e),
            flags: h.e_flags(e),
            ehsize,
            phnum,
            phentsize,
            headers: ehsize + phnum * phentsize,
        })
    }
    match FileKind::parse(data) {
        Ok(FileKind::Elf32) => read::<FileHeader32<Endianness>>(data, 32),
        Ok(FileKind::Elf64) => read::<FileHeader64<Endianness>>(data, 64),
        _ => Err("not an ELF file".into()),
    }
}

/// The program headers of `data`, in the file's order; `Err` names what is wrong with it.
pub fn segments(data: &[u8]) -> Result<Vec<Segment>, String> {
    fn read<H: FileHeader<Endian = Endianness>>(data: &[u8]) -> Result<Vec<Segment>, String> {
        let h = H::parse(data).map_err(|e| e.to_string())?;
        let e = h.endian().map_err(|e| e.to_string())?;
        let phdrs = h.program_headers(e, data).map_err(|e| e.to_string())?;
        Ok(phdrs
            .iter()
            .map(|p| Segment {
                kind: p.p_type(e),
                flags: p.p_flags(e),
                offset: p.p_offset(e).into(),
                file_size: p.p_filesz(e).into(),
                memory_size: p.p_memsz(e).into(),
            })
            .collect())
    }
    match FileKind::parse(data) {
        Ok(FileKind::Elf32) => read::<FileHeader32<Endianness>>(data),
        Ok(FileKind::Elf64) => read::<FileHeader64<Endianness>>(data),
        _ => Err("not an ELF file".into()),
    }
}

/// Whether `data` is what every small program of the workspace must be: a fixed-address
/// executable (`ET_EXEC`, no relocation at start-up) with no `PT_INTERP` (no ELF interpreter to
/// find in the image) and no `PT_DYNAMIC` (no libraries), no segment both writable and
/// executable, and a `PT_GNU_STACK` without `PF_X` (without one the stack may be executable).
/// `Err` names the first thing wrong.
pub fn check_static_executable(data: &[u8]) -> Result<(), String> {
    let kind = header(data)?.kind;
    if kind != elf::ET_EXEC {
        return Err(format!("e_type {kind}, not ET_EXEC"));
    }
    let segments = segments(data)?;
    for s in &segments {
        if s.kind == elf::PT_INTERP || s.kind == elf::PT_DYNAMIC {
            return Err(format!("not static: a {}", s.kind_name()));
        }
        if s.flags & elf::PF_W != 0 && s.flags & elf::PF_X != 0 {
            return Err(format!(
                "a segment both writable and executable: {}",
                s.flags_text()
            ));
        }
    }
    match segments.iter().find(|s| s.kind == elf::PT_GNU_STACK) {
        None => Err("no PT_GNU_STACK: the stack may be executable".into()),
        Some(s) if s.flags & elf::PF_X != 0 => Err("an executable stack".into()),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_that_is_not_elf_is_an_error() {
        assert!(super::header(b"#!/bin/sh\n").is_err());
        assert!(super::header(b"\x7fELF").is_err());
        assert!(super::segments(b"#!/bin/sh\n").is_err());
        assert!(super::check_static_executable(b"#!/bin/sh\n").is_err());
    }

    #[test]
    fn a_dynamic_program_fails_the_static_check() {
        // The test binary itself: position-independent, with an interpreter and libraries.
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        assert!(super::check_static_executable(&me).is_err());
    }

    #[test]
    fn the_segments_of_a_real_program_are_read_with_their_names_and_flags() {
        // The test binary itself: an ELF file of this machine, with a PT_LOAD that is R X.
        let data = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let h = super::header(&data).unwrap();
        assert_eq!(h.headers, h.ehsize + h.phnum * h.phentsize);
        let segments = super::segments(&data).unwrap();
        assert_eq!(segments.len(), h.phnum);
        assert!(
            segments
                .iter()
                .any(|s| s.kind_name() == "PT_LOAD" && s.flags_text() == "R X"),
            "{segments:?}"
        );
    }
}
