//! [`ElfFacts`]: what an ELF file says about how it is run, read with the `object` crate.
//!
//! Only the program headers matter to the kernel and the dynamic loader, so the facts come from
//! them: `PT_INTERP` for the interpreter, `PT_DYNAMIC` for `DT_NEEDED`, `DT_RPATH`,
//! `DT_RUNPATH`, `DT_SONAME` and `DT_FLAGS_1`, with the dynamic string table found through
//! `DT_STRTAB` in the `PT_LOAD` segments, as the loader finds it (see `elf(5)`). Every offset,
//! count and size is checked by `object`; a bad one is an [`ElfError`], never a panic.
//!
//! [`parse`] reads through `object`'s [`ReadRef`]: over bytes in memory, or over an open file
//! through a [`FileReader`], which reads only the ranges the parser asks for (the ELF header,
//! the program headers, `PT_INTERP`, `PT_DYNAMIC` and each string used) with `pread(2)`, so that
//! the memory the doctor needs does not grow with the file's size.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::cell::{Cell, OnceCell};
use core::fmt;
use core::ops::Range;

use object::Endianness;
use object::elf::{self, FileHeader32, FileHeader64};
use object::read::elf::{Dyn, FileHeader, ProgramHeader};
use object::read::{ReadRef, StringTable};
use syscall_kit::Errno;

use crate::root_view::FileAt;

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
    parse_from(data)
}

/// [`parse`] through any [`ReadRef`]: a byte slice, or a [`FileReader`] over an open file.
pub fn parse_from<'data, R: ReadRef<'data>>(data: R) -> Result<ElfFacts, ElfError> {
    let len = data.len().map_err(|()| err("the file's size is unknown"))?;
    let ident = data
        .read_bytes_at(0, len.min(5))
        .map_err(|()| err("truncated: no ELF class byte"))?;
    // EI_CLASS: the fifth byte.
    let class = match ident.get(4) {
        Some(&elf::ELFCLASS32) => Class::Elf32,
        Some(&elf::ELFCLASS64) => Class::Elf64,
        Some(other) => return Err(ElfError(format!("unknown ELF class {other}"))),
        None => return Err(err("truncated: no ELF class byte")),
    };
    let header_size = match class {
        Class::Elf32 => size_of::<FileHeader32<Endianness>>(),
        Class::Elf64 => size_of::<FileHeader64<Endianness>>(),
    };
    if len < header_size as u64 {
        return Err(ElfError(format!(
            "truncated: {len} bytes, fewer than the {header_size}-byte ELF header"
        )));
    }
    match class {
        Class::Elf32 => parse_with::<FileHeader32<Endianness>, R>(data, class),
        Class::Elf64 => parse_with::<FileHeader64<Endianness>, R>(data, class),
    }
}

fn parse_with<'data, H: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    data: R,
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
        read_dynamic::<H, R>(&mut facts, entries, phdrs, endian, data)?;
    }
    facts.kind = kind(&facts);
    Ok(facts)
}

/// The entries of the dynamic section up to `DT_NULL`: the strings and `DT_FLAGS_1`.
fn read_dynamic<'data, H: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    facts: &mut ElfFacts,
    entries: &[H::Dyn],
    phdrs: &[H::ProgramHeader],
    endian: Endianness,
    data: R,
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
    let strings = string_table::<H, R>(strtab, strsz, phdrs, endian, data)?;
    for d in entries {
        let slot = match d.tag32(endian) {
            Some(elf::DT_NEEDED) => None,
            Some(elf::DT_RPATH) => Some(&mut facts.rpath),
            Some(elf::DT_RUNPATH) => Some(&mut facts.runpath),
            Some(elf::DT_SONAME) => Some(&mut facts.soname),
            _ => continue,
        };
        // `Dyn::string` over a table of any `ReadRef` (it takes only a slice's).
        let name = u32::try_from(d.d_val(endian).into())
            .ok()
            .and_then(|offset| strings.get(offset).ok())
            .ok_or_else(|| err("a dynamic entry's string lies outside the string table"))?;
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
fn string_table<'data, H: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    strtab: u64,
    strsz: Option<u64>,
    phdrs: &[H::ProgramHeader],
    endian: Endianness,
    data: R,
) -> Result<StringTable<'data, R>, ElfError> {
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
    if end > data.len().unwrap_or(0) {
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

/// The most [`FileReader`] reads at once: more than any ELF header, program header table,
/// `PT_INTERP` or `PT_DYNAMIC` of a real file needs. A larger range (a file that claims a
/// gigabyte of program headers) is refused as `object` refuses a range past the end of the
/// file, so the memory the reader takes is bounded whatever the file says.
pub const MAX_READ: u64 = 16 << 20;

/// The first read of a string of the dynamic string table, which grows sixteenfold until the
/// string's terminating NUL is read.
const STRING_READ: u64 = 1024;

/// One range of the file, read.
struct Chunk {
    offset: u64,
    bytes: Box<[u8]>,
    /// The range read after this one.
    next: OnceCell<Box<Chunk>>,
}

impl Chunk {
    /// The part `offset..offset + size` of the file, if this chunk holds it.
    fn get(&self, offset: u64, size: u64) -> Option<&[u8]> {
        let start = usize::try_from(offset.checked_sub(self.offset)?).ok()?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        self.bytes.get(start..end)
    }

    /// What this chunk holds of the file from `offset` on, at most `limit` bytes.
    fn tail(&self, offset: u64, limit: u64) -> Option<&[u8]> {
        let start = usize::try_from(offset.checked_sub(self.offset)?).ok()?;
        let rest = self.bytes.get(start..)?;
        Some(rest.get(..usize::try_from(limit).ok()?).unwrap_or(rest))
    }
}

/// An open file read as `object` asks for it: each range it asks for is read once with
/// [`FileAt::read_at`] (`pread(2)`) and kept until the reader is dropped, so that the slices
/// lent to the parser stay valid; what it costs is the ranges read, not the file's size.
///
/// A failed read is the parser's error (`object` has no room for an I/O error in its
/// [`ReadRef`]), and its `errno` is kept: [`io_error`](FileReader::io_error) tells, after the
/// parse, that the file could not be read rather than that it is malformed.
pub struct FileReader<'f> {
    file: &'f dyn FileAt,
    size: u64,
    /// The ranges read, newest last: a list each of whose links is set once (a `OnceCell`), so
    /// that a new range is added through `&self` without moving those already lent.
    first: OnceCell<Box<Chunk>>,
    error: Cell<Option<Errno>>,
}

impl<'f> FileReader<'f> {
    /// A reader of `file`, which has read nothing yet.
    pub fn new(file: &'f dyn FileAt) -> FileReader<'f> {
        FileReader {
            file,
            size: file.size(),
            first: OnceCell::new(),
            error: Cell::new(None),
        }
    }

    /// The first error of [`FileAt::read_at`], if a read failed.
    pub fn io_error(&self) -> Option<Errno> {
        self.error.get()
    }

    fn chunks(&self) -> impl Iterator<Item = &Chunk> {
        core::iter::successors(self.first.get().map(|c| &**c), |c| {
            c.next.get().map(|c| &**c)
        })
    }

    /// The part `offset..offset + size` of the file: from a range already read, or read now.
    fn range(&self, offset: u64, size: u64) -> Result<&[u8], ()> {
        let end = offset.checked_add(size).ok_or(())?;
        if end > self.size || size > MAX_READ {
            return Err(());
        }
        if let Some(bytes) = self.chunks().find_map(|c| c.get(offset, size)) {
            return Ok(bytes);
        }
        let mut bytes = vec![0u8; usize::try_from(size).map_err(|_| ())?].into_boxed_slice();
        let mut done = 0;
        while done < bytes.len() {
            let at = offset + done as u64;
            match self
                .file
                .read_at(at, bytes.get_mut(done..).unwrap_or_default())
            {
                // The file is shorter than it was (truncated since it was opened).
                Ok(0) => return Err(()),
                Ok(n) => done += n,
                Err(Errno::EINTR) => {}
                Err(e) => {
                    if self.error.get().is_none() {
                        self.error.set(Some(e));
                    }
                    return Err(());
                }
            }
        }
        let chunk = Box::new(Chunk {
            offset,
            bytes,
            next: OnceCell::new(),
        });
        let last = match self.chunks().last() {
            Some(last) => &last.next,
            None => &self.first,
        };
        // `last` is the empty link at the end of the list: setting it cannot fail.
        let _ = last.set(chunk);
        let added = self.chunks().last().ok_or(())?;
        added.get(offset, size).ok_or(())
    }
}

impl<'a> ReadRef<'a> for &'a FileReader<'_> {
    fn len(self) -> Result<u64, ()> {
        Ok(self.size)
    }

    fn read_bytes_at(self, offset: u64, size: u64) -> Result<&'a [u8], ()> {
        self.range(offset, size)
    }

    fn read_bytes_at_until(self, range: Range<u64>, delimiter: u8) -> Result<&'a [u8], ()> {
        let limit = range.end.checked_sub(range.start).ok_or(())?;
        let found = |bytes: &'a [u8]| {
            let at = bytes.iter().position(|&b| b == delimiter)?;
            bytes.get(..at)
        };
        // Strings lie close together: one read often holds the next string too.
        if let Some(s) = self
            .chunks()
            .find_map(|c| c.tail(range.start, limit).and_then(found))
        {
            return Ok(s);
        }
        let mut size = STRING_READ.min(limit);
        loop {
            if let Some(s) = found(self.range(range.start, size)?) {
                return Ok(s);
            }
            if size == limit {
                return Err(());
            }
            size = size.saturating_mul(16).min(limit);
        }
    }
}

#[cfg(test)]
mod tests;
