//! [`inspect`]: what a file is, as `execve(2)` would see it: an ELF file, a `#!` script, or
//! neither.

use core::fmt;

use object::read::ReadRef;

use crate::elf::{self, ElfFacts};
use crate::script::{self, Script};

/// A file that `execve(2)` could be asked to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// An ELF file.
    Elf(ElfFacts),
    /// An interpreter script.
    Script(Script),
}

/// Why a file is not something the kernel runs, or could not be read as one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// The file is empty.
    Empty,
    /// Neither ELF magic nor `#!`: the kernel fails with `ENOEXEC`.
    NotAProgram,
    /// ELF magic, but a header, offset or count that does not fit the file.
    BadElf(elf::ElfError),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Empty => f.write_str("empty file"),
            InputError::NotAProgram => f.write_str(
                "neither an ELF file nor a #! script (the kernel would fail with ENOEXEC, \"exec format error\")",
            ),
            InputError::BadElf(e) => write!(f, "bad ELF file: {e}"),
        }
    }
}

/// What the bytes `data` of a file are.
pub fn inspect(data: &[u8]) -> Result<Program, InputError> {
    inspect_from(data)
}

/// What the file `data` is: its bytes, or an [`elf::FileReader`] of it, of which only the
/// first [`script::LINE_MAX`] bytes and an ELF file's headers and dynamic section are read.
pub fn inspect_from<'data, R: ReadRef<'data>>(data: R) -> Result<Program, InputError> {
    let head = head(data, script::LINE_MAX);
    if head.is_empty() {
        Err(InputError::Empty)
    } else if head.starts_with(b"\x7fELF") {
        elf::parse_from(data)
            .map(Program::Elf)
            .map_err(InputError::BadElf)
    } else if head.starts_with(b"#!") {
        Ok(Program::Script(script::parse(head)))
    } else {
        Err(InputError::NotAProgram)
    }
}

/// The first `n` bytes of `data`, or all of it if it is shorter (none if they cannot be read).
pub fn head<'data, R: ReadRef<'data>>(data: R, n: usize) -> &'data [u8] {
    let len = data.len().unwrap_or(0).min(n as u64);
    data.read_bytes_at(0, len).unwrap_or_default()
}
