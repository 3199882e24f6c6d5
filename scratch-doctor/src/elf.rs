//! [`ElfFacts`]: what an ELF file says about how it is run, read with the `object` crate.
//!
//! Only the program headers matter to the kernel and the dynamic loader, so the facts come from
//! them: `PT_INTERP` for the interpreter, `PT_DYNAMIC` for `DT_NEEDED`, `DT_RPATH`,
//! `DT_RUNPATH`, `DT_SONAME` and `DT_FLAGS_1`, with the dynamic string table found through
//! `DT_STRTAB` in the `PT_LOAD` segments, as the loader finds it (see `elf(5)`). Every offset,
//! count and size is checked by `object`; a bad one is an [`ElfError`], never a panic.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use object::Endianness;
use object::elf::{self, FileHeader32, FileHeader64};
use object::read::StringTable;
use object::read::elf::{Dyn, FileHeader, ProgramHeader};

/// ELF class (`EI_CLASS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// `ELFCLASS32`.
    Elf32,
    /// `ELFCLASS64`.
    Elf64,
}

impl Class {
    /// 32 or 64.
    pub fn bits(self) -> u32 {
        match self {
            Class::Elf32 => 32,
            Class::Elf64 => 64,
        }
    }
}

/// Byte order (`EI_DATA`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    /// `ELFDATA2LSB`.
    Little,
    /// `ELFDATA2MSB`.
    Big,
}

impl ByteOrder {
    /// `little-endian` or `big-endian`.
    pub fn name(self) -> &'static str {
        match self {
            ByteOrder::Little => "little-endian",
            ByteOrder::Big => "big-endian",
        }
    }
}

/// What kind of ELF file it is, as far as running it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfKind {
    /// `ET_EXEC`: an executable at a fixed address (static or dynamic).
    Executable,
    /// `ET_DYN` with an interpreter and `DF_1_PIE` (or no `DT_SONAME`): a position-independent
    /// executable, started by its interpreter.
    Pie,
    /// `ET_DYN` without interpreter, with `DF_1_PIE` (or with a dynamic section, an entry point
    /// and no `DT_SONAME`): a static PIE, which relocates itself and needs no loader.
    StaticPie,
    /// `ET_DYN` that is neither: a shared library. Some can also be run (`libc.so.6` prints its
    /// version, `ld.so` runs programs), but they are meant to be loaded, so they count as
    /// libraries.
    SharedLibrary,
    /// `ET_REL`: an object file, input to the linker.
    Relocatable,
    /// `ET_CORE`: a core dump.
    Core,
    /// Any other `e_type`.
    Other(u16),
}

impl ElfKind {
    /// The name used in the report: `executable`, `PIE`, `static-pie`, `shared library`, …
    pub fn name(self) -> String {
        match self {
            ElfKind::Executable => "executable".into(),
            ElfKind::Pie => "PIE".into(),
            ElfKind::StaticPie => "static-pie".into(),
            ElfKind::SharedLibrary => "shared library".into(),
            ElfKind::Relocatable => "relocatable".into(),
            ElfKind::Core => "core dump".into(),
            ElfKind::Other(t) => format!("e_type {t:#x}"),
        }
    }
}

/// The facts of an ELF file that decide whether and how it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElfFacts {
    /// 32 or 64 bits.
    pub class: Class,
    /// Byte order.
    pub byte_order: ByteOrder,
    /// `e_machine`.
    pub machine: u16,
    /// `e_type`.
    pub e_type: u16,
    /// The kind, from `e_type`, the interpreter and the dynamic section.
    pub kind: ElfKind,
    /// `e_entry`.
    pub entry: u64,
    /// The path in `PT_INTERP`, if any.
    pub interpreter: Option<String>,
    /// Whether it has a `PT_DYNAMIC` segment.
    pub has_dynamic: bool,
    /// `DT_NEEDED` names, in order.
    pub needed: Vec<String>,
    /// `DT_RPATH` (colon-separated directories), if any.
    pub rpath: Option<String>,
    /// `DT_RUNPATH`, if any.
    pub runpath: Option<String>,
    /// `DT_SONAME`, if any.
    pub soname: Option<String>,
    /// `DT_FLAGS_1` has `DF_1_PIE`.
    pub pie_flag: bool,
}

impl ElfFacts {
    /// Whether it is linked statically: no interpreter and no library to load.
    pub fn is_static(&self) -> bool {
        self.interpreter.is_none() && self.needed.is_empty()
    }

    /// The machine's name (`x86_64`), or `machine 0x1234` for one [`machine_name`] does not know.
    ///
    /// [`machine_name`]: crate::machine::machine_name
    pub fn machine_name(&self) -> String {
        crate::machine::machine_name(self.machine, self.class, self.byte_order).map_or_else(
            || format!("machine {:#x}", self.machine),
            ToString::to_string,
        )
    }
}

/// Why an ELF file could not be read: a one-line description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElfError(pub String);

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<object::read::Error> for ElfError {
    fn from(e: object::read::Error) -> ElfError {
        // object's messages start with a capital ("Invalid ELF program header size…").
        let text = e.to_string();
        let mut chars = text.chars();
        ElfError(match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect(),
            None => text,
        })
    }
}

fn err(text: &str) -> ElfError {
    ElfError(text.into())
}

/// Reads the facts of the ELF file `data` (which starts with `\x7fELF`).
pub fn parse(data: &[u8]) -> Result<ElfFacts, ElfError> {
    // EI_CLASS: the fifth byte.
    let class = match data.get(4) {
        Some(&elf::ELFCLASS32) => Class::Elf32,
        Some(&elf::ELFCLASS64) => Class::Elf64,
        Some(other) => return Err(ElfError(format!("unknown ELF class {other}"))),
        None => return Err(err("truncated: no ELF class byte")),
    };
    let header_size = match class {
        Class::Elf32 => size_of::<FileHeader32<Endianness>>(),
        Class::Elf64 => size_of::<FileHeader64<Endianness>>(),
    };
    if data.len() < header_size {
        return Err(ElfError(format!(
            "truncated: {} bytes, fewer than the {header_size}-byte ELF header",
            data.len()
        )));
    }
    match class {
        Class::Elf32 => parse_with::<FileHeader32<Endianness>>(data, class),
        Class::Elf64 => parse_with::<FileHeader64<Endianness>>(data, class),
    }
}

fn parse_with<H: FileHeader<Endian = Endianness>>(
    data: &[u8],
    class: Class,
) -> Result<ElfFacts, ElfError> {
    let header = H::parse(data)?;
    let endian = header.endian()?;
    let byte_order = match endian {
        Endianness::Little => ByteOrder::Little,
        Endianness::Big => ByteOrder::Big,
    };
    let phdrs = header.program_headers(endian, data)?;
    let mut interpreter = None;
    let mut dynamic = None;
    for ph in phdrs {
        if interpreter.is_none()
            && let Some(path) = ph.interpreter(endian, data)?
        {
            interpreter = Some(crate::paths::from_bytes(path));
        }
        if dynamic.is_none()
            && let Some(entries) = ph.dynamic(endian, data)?
        {
            dynamic = Some(entries);
        }
    }
    let e_type = header.e_type(endian);
    let mut facts = ElfFacts {
        class,
        byte_order,
        machine: header.e_machine(endian),
        e_type,
        kind: ElfKind::Other(e_type),
        entry: header.e_entry(endian).into(),
        interpreter,
        has_dynamic: dynamic.is_some(),
        needed: Vec::new(),
        rpath: None,
        runpath: None,
        soname: None,
        pie_flag: false,
    };
    if let Some(entries) = dynamic {
        read_dynamic::<H>(&mut facts, entries, phdrs, endian, data)?;
    }
    facts.kind = kind(&facts);
    Ok(facts)
}

/// The entries of the dynamic section up to `DT_NULL`: the strings and `DT_FLAGS_1`.
fn read_dynamic<H: FileHeader<Endian = Endianness>>(
    facts: &mut ElfFacts,
    entries: &[H::Dyn],
    phdrs: &[H::ProgramHeader],
    endian: Endianness,
    data: &[u8],
) -> Result<(), ElfError> {
    let entries = entries
        .iter()
        .take_while(|d| d.d_tag(endian).into() != u64::from(elf::DT_NULL));
    let (mut strtab, mut strsz) = (None, None);
    for d in entries.clone() {
        match d.tag32(endian) {
            Some(elf::DT_STRTAB) => strtab = Some(d.d_val(endian).into()),
            Some(elf::DT_STRSZ) => strsz = Some(d.d_val(endian).into()),
            Some(elf::DT_FLAGS_1) => {
                facts.pie_flag = d.d_val(endian).into() & u64::from(elf::DF_1_PIE) != 0;
            }
            _ => {}
        }
    }
    if !entries.clone().any(|d| d.is_string(endian)) {
        return Ok(());
    }
    let strtab = strtab.ok_or_else(|| err("dynamic section has strings but no DT_STRTAB"))?;
    let strings = string_table::<H>(strtab, strsz, phdrs, endian, data)?;
    for d in entries {
        let slot = match d.tag32(endian) {
            Some(elf::DT_NEEDED) => None,
            Some(elf::DT_RPATH) => Some(&mut facts.rpath),
            Some(elf::DT_RUNPATH) => Some(&mut facts.runpath),
            Some(elf::DT_SONAME) => Some(&mut facts.soname),
            _ => continue,
        };
        let name = d
            .string(endian, strings)
            .map_err(|_| err("a dynamic entry's string lies outside the string table"))?;
        let name = crate::paths::from_bytes(name);
        match slot {
            None => facts.needed.push(name),
            // The first of each, as the loader uses it.
            Some(slot) => {
                slot.get_or_insert(name);
            }
        }
    }
    Ok(())
}

/// The dynamic string table at the address `strtab`: its file offset is found through the
/// `PT_LOAD` segment that maps the address.
fn string_table<'data, H: FileHeader<Endian = Endianness>>(
    strtab: u64,
    strsz: Option<u64>,
    phdrs: &[H::ProgramHeader],
    endian: Endianness,
    data: &'data [u8],
) -> Result<StringTable<'data>, ElfError> {
    let (start, file_end) = phdrs
        .iter()
        .filter(|ph| ph.p_type(endian) == elf::PT_LOAD)
        .find_map(|ph| {
            let vaddr: u64 = ph.p_vaddr(endian).into();
            let offset: u64 = ph.p_offset(endian).into();
            let filesz: u64 = ph.p_filesz(endian).into();
            let within = strtab.checked_sub(vaddr).filter(|&d| d < filesz)?;
            Some((offset.checked_add(within)?, offset.checked_add(filesz)?))
        })
        .ok_or_else(|| err("DT_STRTAB points into no loadable segment"))?;
    let end = match strsz {
        Some(size) => start
            .checked_add(size)
            .ok_or_else(|| err("DT_STRSZ overflows"))?,
        None => file_end,
    };
    if end > data.len() as u64 {
        return Err(err(
            "the dynamic string table extends past the end of the file",
        ));
    }
    Ok(StringTable::new(data, start, end))
}

/// The kind of a file, from its type, interpreter and dynamic section.
fn kind(f: &ElfFacts) -> ElfKind {
    match f.e_type {
        elf::ET_EXEC => ElfKind::Executable,
        elf::ET_REL => ElfKind::Relocatable,
        elf::ET_CORE => ElfKind::Core,
        elf::ET_DYN => {
            let runs_alone = f.entry != 0 && f.has_dynamic;
            match (f.interpreter.is_some(), f.pie_flag) {
                (true, true) => ElfKind::Pie,
                (false, true) => ElfKind::StaticPie,
                // Linkers older than DF_1_PIE: a library has a DT_SONAME, a program has not.
                (true, false) if f.soname.is_none() => ElfKind::Pie,
                (false, false) if f.soname.is_none() && runs_alone => ElfKind::StaticPie,
                _ => ElfKind::SharedLibrary,
            }
        }
        other => ElfKind::Other(other),
    }
}
