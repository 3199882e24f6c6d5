//! [`inspect`]: what a file is, as `execve(2)` would see it: an ELF file, a `#!` script, or
//! neither.

use core::fmt;

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
    if data.is_empty() {
        Err(InputError::Empty)
    } else if data.starts_with(b"\x7fELF") {
        elf::parse(data)
            .map(Program::Elf)
            .map_err(InputError::BadElf)
    } else if data.starts_with(b"#!") {
        Ok(Program::Script(script::parse(data)))
    } else {
        Err(InputError::NotAProgram)
    }
}
