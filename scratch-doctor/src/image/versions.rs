//! Symbol versions (see `ld.so(8)` and the GNU `symbol versioning` extension of `elf(5)`): the
//! versions an object needs of each library (`SHT_GNU_verneed`: `libc.so.6` → `GLIBC_2.34`)
//! and the versions a library defines (`SHT_GNU_verdef`). The loader refuses to start a
//! program when a library it loaded does not define a version an object needs of it, with
//! `version 'GLIBC_2.34' not found`: the usual failure when a program built on a newer
//! distribution is copied onto an older base image.
//!
//! Read from the section headers with the `object` crate (as the sections name them; a file
//! without section headers is taken to need and define nothing, so the check is only ever
//! missing a failure, never inventing one).

use alloc::string::String;
use alloc::vec::Vec;

use object::Endianness;
use object::elf::{FileHeader32, FileHeader64, VER_FLG_BASE, VER_FLG_WEAK};
use object::read::elf::FileHeader;

use crate::paths;

/// The versions of one ELF file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Versions {
    /// For each library (its `DT_NEEDED` name), the versions needed of it (weak ones left out:
    /// the loader only warns of those).
    pub needs: Vec<(String, Vec<String>)>,
    /// The versions it defines (its base entry, the soname, left out). Empty when it has no
    /// version definitions: the loader then checks nothing against it.
    pub defines: Vec<String>,
}

/// The versions of the ELF file `data`; an unreadable one needs and defines nothing.
pub fn versions(data: &[u8]) -> Versions {
    let parsed = match data.get(4) {
        Some(&object::elf::ELFCLASS64) => read::<FileHeader64<Endianness>>(data),
        Some(&object::elf::ELFCLASS32) => read::<FileHeader32<Endianness>>(data),
        _ => None,
    };
    parsed.unwrap_or_default()
}

fn read<H: FileHeader<Endian = Endianness>>(data: &[u8]) -> Option<Versions> {
    let header = H::parse(data).ok()?;
    let endian = header.endian().ok()?;
    let sections = header.sections(endian, data).ok()?;
    let mut out = Versions::default();
    if let Some((mut needs, link)) = sections.gnu_verneed(endian, data).ok()? {
        let strings = sections.strings(endian, data, link).ok()?;
        while let Some((need, mut auxs)) = needs.next().ok()? {
            let file = paths::from_bytes(need.file(endian, strings).ok()?);
            let mut names = Vec::new();
            while let Some(aux) = auxs.next().ok()? {
                if aux.vna_flags.get(endian) & VER_FLG_WEAK != 0 {
                    continue;
                }
                names.push(paths::from_bytes(aux.name(endian, strings).ok()?));
            }
            out.needs.push((file, names));
        }
    }
    if let Some((mut defs, link)) = sections.gnu_verdef(endian, data).ok()? {
        let strings = sections.strings(endian, data, link).ok()?;
        while let Some((def, mut auxs)) = defs.next().ok()? {
            if def.vd_flags.get(endian) & VER_FLG_BASE != 0 {
                continue;
            }
            if let Some(aux) = auxs.next().ok()? {
                out.defines
                    .push(paths::from_bytes(aux.name(endian, strings).ok()?));
            }
        }
    }
    Some(out)
}
