//! [`read_calls`]: what an ELF program's file says it calls, for the [needs](super).
//!
//! - A dynamic program: the functions it imports, the undefined symbols of its `.dynsym`, each
//!   with its version (`getpwuid@GLIBC_2.2.5`), which tells glibc from musl (whose symbols
//!   have no versions).
//! - A static program: the functions its `.symtab` defines (a stripped one has none left); its
//!   C library is glibc when it has glibc's `.note.ABI-tag` section.
//! - A Go program, static or not: the names of its functions, from the function-name table of
//!   `.gopclntab` (`.data.rel.ro.gopclntab` in a PIE), which every Go program has, stripped or
//!   not, and which names every function linked in, inlined ones too.
//!
//! Only the names the tables ask about are kept. The section headers and the symbol tables are
//! read through a [`FileReader`] (the parts asked for, with `pread(2)`); the Go name table,
//! which can be tens of megabytes, is read in windows of [`WINDOW`] bytes, so that the memory
//! it takes does not grow with it. A file without section headers, or with tables that cannot
//! be read, is [`Calls::unread`]: said, not guessed. A static program that shows no glibc
//! (no `.note.ABI-tag` section) and has no symbol table, or no section headers at all, is the
//! exception: a program of musl or of no C library (hello-nostd), which would carry the line on
//! every report, while the tables it could match are few; nothing is said of it.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use object::Endianness;
use object::elf::{self, FileHeader32, FileHeader64};
use object::read::SymbolIndex;
use object::read::elf::{FileHeader, SectionHeader, Sym};
use syscall_kit::Errno;

use super::{glibc, go, openssl};
use crate::elf::{ElfFacts, FileReader};
use crate::root_view::FileAt;

/// What a program's file says it calls: only the names the tables of the needs ask about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calls {
    /// A dynamic program's imports, each with its symbol version (`GLIBC_2.34`) when it has one.
    pub imports: Vec<(String, Option<String>)>,
    /// A static program's functions (from `.symtab`).
    pub defined: Vec<String>,
    /// The C library is glibc: an import has a `GLIBC_` version, or a static program has
    /// glibc's `.note.ABI-tag`.
    pub glibc: bool,
    /// A Go program: the names of Go's table that it has (`None`: not a Go program).
    pub go: Option<Vec<&'static str>>,
    /// What could not be read, in a few words (`it has no section headers`).
    pub unread: Option<String>,
}

impl Calls {
    /// Whether it calls `name`: imports it, or (static) defines it.
    pub fn calls(&self, name: &str) -> bool {
        self.imports.iter().any(|(n, _)| n == name) || self.defined.iter().any(|n| n == name)
    }
}

/// The bytes of the Go name table read at once.
pub const WINDOW: usize = 64 << 10;

/// The longest Go function name looked at: a longer one is no name of the table.
const NAME_MAX: usize = 1024;

/// What the ELF program `elf`, the open file `file`, says it calls. `Err` is an error reading
/// the file; a table that is malformed is [`Calls::unread`].
pub fn read_calls(file: &dyn FileAt, elf: &ElfFacts) -> Result<Calls, Errno> {
    let reader = FileReader::new(file);
    let read = match elf.class {
        crate::elf::Class::Elf64 => read_tables::<FileHeader64<Endianness>>(&reader, elf),
        crate::elf::Class::Elf32 => read_tables::<FileHeader32<Endianness>>(&reader, elf),
    };
    if let Some(e) = reader.io_error() {
        return Err(e);
    }
    drop(reader);
    let (mut calls, go_table) = read.unwrap_or_else(|why| {
        (
            Calls {
                unread: Some(why.into()),
                ..Calls::default()
            },
            None,
        )
    });
    if let Some((offset, size, little)) = go_table {
        calls.go = Some(go_names(file, offset, size, little)?);
    }
    Ok(calls)
}

/// The symbol tables, and where Go's name table is (offset, size, little-endian).
type Tables = (Calls, Option<(u64, u64, bool)>);

fn read_tables<H: FileHeader<Endian = Endianness>>(
    data: &FileReader<'_>,
    facts: &ElfFacts,
) -> Result<Tables, &'static str> {
    let bad = "its section headers cannot be read";
    let header = H::parse(data).map_err(|_| bad)?;
    let endian = header.endian().map_err(|_| bad)?;
    let sections = header.sections(endian, data).map_err(|_| bad)?;
    if sections.is_empty() {
        // A static program without them (hello-nostd, sstrip's output) does not show its C
        // library either: left unsaid, as a stripped one of another C library than glibc.
        if facts.is_static() {
            return Ok((Calls::default(), None));
        }
        return Err("it has no section headers");
    }
    let mut calls = Calls::default();
    let go_table = [&b".gopclntab"[..], b".data.rel.ro.gopclntab"]
        .iter()
        .find_map(|name| sections.section_by_name(endian, name))
        .filter(|(_, s)| s.sh_type(endian) == elf::SHT_PROGBITS)
        .map(|(_, s)| {
            (
                s.sh_offset(endian).into(),
                s.sh_size(endian).into(),
                endian == Endianness::Little,
            )
        });
    if facts.is_static() {
        let has_abi_tag = sections.section_by_name(endian, b".note.ABI-tag").is_some();
        if go_table.is_none() {
            let symtab = sections
                .symbols(endian, data, elf::SHT_SYMTAB)
                .map_err(|_| "its symbol table (.symtab) cannot be read")?;
            // Stripped: said of a glibc program, whose lookups through NSS matter; a static
            // program of another C library (musl), or of none, is left unsaid.
            if symtab.is_empty() && has_abi_tag {
                calls.unread = Some("it is stripped: its symbol table (.symtab) is gone".into());
            }
            for sym in symtab.iter() {
                let function = matches!(sym.st_type(), elf::STT_FUNC | elf::STT_GNU_IFUNC);
                if !function || sym.is_undefined(endian) {
                    continue;
                }
                if let Ok(name) = symtab.symbol_name(endian, sym)
                    && let Some(name) = wanted(name)
                {
                    calls.defined.push(name);
                }
            }
            calls.glibc = has_abi_tag;
        }
    } else {
        let dynsym = sections
            .symbols(endian, data, elf::SHT_DYNSYM)
            .map_err(|_| "its dynamic symbols (.dynsym) cannot be read")?;
        let versions = sections.versions(endian, data).ok().flatten();
        for (i, sym) in dynsym.iter().enumerate() {
            if !sym.is_undefined(endian) {
                continue;
            }
            let Ok(name) = dynsym.symbol_name(endian, sym) else {
                continue;
            };
            let version = versions.as_ref().and_then(|v| {
                let index = v.version_index(endian, SymbolIndex(i));
                let version = v.version(index).ok().flatten()?;
                Some(crate::paths::from_bytes(version.name()))
            });
            if version.as_deref().is_some_and(|v| v.starts_with("GLIBC_")) {
                calls.glibc = true;
            }
            if let Some(name) = wanted(name) {
                calls.imports.push((name, version));
            }
        }
    }
    Ok((calls, go_table))
}

/// `name` if a table of the C library's or OpenSSL's calls names it.
fn wanted(name: &[u8]) -> Option<String> {
    glibc::names()
        .chain(openssl::names())
        .find(|n| n.as_bytes() == name)
        .map(String::from)
}

/// The names of Go's table ([`go::patterns`]) that the function-name table of the Go program
/// `file` has, its `.gopclntab` being `size` bytes at `offset`.
fn go_names(
    file: &dyn FileAt,
    offset: u64,
    size: u64,
    little: bool,
) -> Result<Vec<&'static str>, Errno> {
    let end = offset.saturating_add(size).min(file.size());
    // The function-name table of the formats of Go 1.16 and later, else the whole section
    // (whose names are NUL-terminated strings too, among other data).
    let mut head = [0u8; 8 + 5 * 8];
    let got = read_at_most(file, offset, &mut head)?;
    let (start, stop) = name_table(head.get(..got).unwrap_or_default(), little)
        .and_then(|(from, to)| {
            let start = offset.checked_add(from)?;
            let stop = offset.checked_add(to)?;
            (start <= stop && stop <= end).then_some((start, stop))
        })
        .unwrap_or((offset, end));
    let mut found = Vec::new();
    let mut name: Vec<u8> = Vec::new();
    let mut too_long = false;
    let mut buf = vec![0u8; WINDOW];
    let mut at = start;
    while at < stop {
        let want = usize::try_from(stop - at).unwrap_or(WINDOW).min(WINDOW);
        let n = read_at_most(file, at, &mut buf[..want])?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            if b != 0 {
                if name.len() < NAME_MAX {
                    name.push(b);
                } else {
                    too_long = true;
                }
                continue;
            }
            if !too_long {
                for p in go::patterns() {
                    if !found.contains(&p) && go::matches(p, &name) {
                        found.push(p);
                    }
                }
            }
            name.clear();
            too_long = false;
        }
        at += n as u64;
    }
    Ok(found)
}

/// Reads `buf.len()` bytes at `offset`, fewer only at the end of the file.
fn read_at_most(file: &dyn FileAt, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(offset + done as u64, &mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// The function-name table's range in a `.gopclntab` whose first bytes are `head`: the
/// `pcHeader` of Go 1.16 (magic `0xfffffffa`) and of Go 1.18 and later (`0xfffffff0`,
/// `0xfffffff1`): magic, two zero bytes, the instruction size, the pointer size, then
/// pointer-sized words, of which `funcnameOffset` and `cuOffset` bound the names (Go's
/// `runtime/symtab.go`). `None` for another format.
pub(super) fn name_table(head: &[u8], little: bool) -> Option<(u64, u64)> {
    let word = |at: usize, size: usize| -> Option<u64> {
        let bytes = head.get(at..at + size)?;
        let mut v = 0u64;
        for i in 0..size {
            let b = if little {
                bytes[size - 1 - i]
            } else {
                bytes[i]
            };
            v = v << 8 | u64::from(b);
        }
        Some(v)
    };
    let magic = word(0, 4)?;
    let ptr = usize::from(*head.get(7)?);
    if ptr != 4 && ptr != 8 {
        return None;
    }
    let field = |i: usize| word(8 + i * ptr, ptr);
    match magic {
        0xffff_fffa => Some((field(2)?, field(3)?)),
        0xffff_fff0 | 0xffff_fff1 => Some((field(3)?, field(4)?)),
        _ => None,
    }
}
