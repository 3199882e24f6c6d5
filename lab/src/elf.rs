//! What a binary asks of the system before it runs: its ELF interpreter (`PT_INTERP`) and the
//! libraries it needs (`DT_NEEDED`), read with the `object` crate.

use object::elf;
use object::read::elf::{Dyn, FileHeader, ProgramHeader};

/// The ELF facts the table shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElfFacts {
    /// The path in `PT_INTERP`, if any.
    pub interpreter: Option<String>,
    /// The `DT_NEEDED` names, in order.
    pub needed: Vec<String>,
}

/// Reads the facts of a 64-bit little- or big-endian ELF file.
pub fn read(data: &[u8]) -> Result<ElfFacts, String> {
    let header = elf::FileHeader64::<object::Endianness>::parse(data).map_err(|e| e.to_string())?;
    let endian = header.endian().map_err(|e| e.to_string())?;
    let mut facts = ElfFacts::default();
    for ph in header
        .program_headers(endian, data)
        .map_err(|e| e.to_string())?
    {
        if let Some(interp) = ph.interpreter(endian, data).map_err(|e| e.to_string())? {
            facts.interpreter = Some(String::from_utf8_lossy(interp).into_owned());
        }
    }
    let sections = header.sections(endian, data).map_err(|e| e.to_string())?;
    if let Some((entries, link)) = sections.dynamic(endian, data).map_err(|e| e.to_string())? {
        let strings = sections
            .strings(endian, data, link)
            .map_err(|e| e.to_string())?;
        for d in entries {
            if d.tag32(endian) == Some(elf::DT_NEEDED) {
                let name = d.string(endian, strings).map_err(|e| e.to_string())?;
                facts
                    .needed
                    .push(String::from_utf8_lossy(name).into_owned());
            }
        }
    }
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn refuses_what_is_not_elf() {
        assert!(read(b"#!/bin/sh\necho hello\n").is_err());
    }
}
