//! hello-nostd's figures: its size, the system calls it makes after `execve` (strace), and where
//! its bytes go (headers, code, constants).

use std::path::Path;

use crate::measure::{size, strace_calls};
use crate::text::{Text, Tool, grouped, in_words};

/// The line hello-nostd prints.
const LINE: &[u8] = b"Hello, world!\n";
/// What it prints before the name of an error.
const PREFIX: &[u8] = b"hello-nostd: stdout: ";
/// The first name of its table of errors, with the newline that ends it.
const FIRST_NAME: &[u8] = b"EAGAIN\n";
/// The last entry of the table: number 0, then what an error not in the table prints as.
const UNKNOWN_ENTRY: &[u8] = b"\0unknown error\n";

/// The position of `needle` in `data`.
fn find(data: &[u8], needle: &[u8]) -> Result<usize, String> {
    data.windows(needle.len())
        .position(|w| w == needle)
        .ok_or_else(|| format!("no {:?} in the binary", String::from_utf8_lossy(needle)))
}

/// Where hello-nostd's bytes go: its headers (the ELF header and the program headers), its
/// code, and its constants (the line, the error prefix and the table of error names, which the
/// compiler places in that order after the code; on powerpc64le the table of contents after
/// them, on s390x a byte that aligns the table).
pub fn split(data: &[u8]) -> Result<(usize, usize, usize), String> {
    let headers = system_tests::elf::header(data)?.headers;
    // The table's first entry is the number of EAGAIN, then its name.
    let constants = find(data, LINE)?
        .min(find(data, PREFIX)?)
        .min(find(data, FIRST_NAME)? - 1);
    if constants < headers {
        return Err("the constants start inside the headers".into());
    }
    Ok((headers, constants - headers, data.len() - constants))
}

/// The parts of hello-nostd's file, byte by byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts {
    /// The bytes of the ELF header.
    pub elf_header: usize,
    /// How many program headers there are, and the bytes of each.
    pub program_headers: (usize, usize),
    /// The bytes of the code.
    pub code: usize,
    /// How many entries of number, name and newline the table of errors has, and their bytes.
    pub names: (usize, usize),
    /// The constants' bytes that are none of the line, the prefix and the table (alignment, a
    /// table of contents); 0 on x86_64.
    pub other: usize,
    /// The file's bytes.
    pub total: usize,
}

/// The parts of the hello-nostd file `data`.
pub fn parts(data: &[u8]) -> Result<Parts, String> {
    let h = system_tests::elf::header(data)?;
    let (_, code, constants) = split(data)?;
    let table = find(data, FIRST_NAME)? - 1;
    let unknown = table + find(&data[table..], UNKNOWN_ENTRY)?;
    // Each entry: a byte of the number, the name, a newline.
    let (mut at, mut count) = (table, 0);
    while at < unknown {
        at += 1 + find(&data[at + 1..unknown], b"\n")? + 1;
        count += 1;
    }
    let named = LINE.len() + PREFIX.len() + (unknown - table) + UNKNOWN_ENTRY.len();
    let other = constants
        .checked_sub(named)
        .ok_or("the line, the prefix and the table overlap")?;
    Ok(Parts {
        elf_header: h.ehsize,
        program_headers: (h.phnum, h.phentsize),
        code,
        names: (count, unknown - table),
        other,
        total: data.len(),
    })
}

/// hello-nostd's size and system calls, measured.
pub struct Hello {
    /// The path shown for it.
    pub shown: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its system calls after `execve`, one a line (`write(1, "Hello, world!\n", 14) = 14`).
    pub calls: Vec<String>,
    /// Where its bytes go.
    pub parts: Parts,
}

/// Measures the hello-nostd at `bin`, shown as `shown`.
pub fn measure(bin: &Path, shown: &str) -> Result<Hello, String> {
    if !bin.is_file() {
        return Err(format!(
            "{}: not found or not executable (run: cargo make build)",
            bin.display()
        ));
    }
    let (_, calls) = strace_calls(bin)?;
    let data = std::fs::read(bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    Ok(Hello {
        shown: shown.to_string(),
        bytes: size(bin)?,
        calls,
        parts: parts(&data)?,
    })
}

impl Hello {
    /// What `cargo make measure` prints: the binary's path, its size in bytes and its system
    /// calls after `execve`, one a line.
    pub fn printed(&self) -> Text {
        let mut t = Text::new();
        t.words(format!("binary: {}\nbytes: ", self.shown))
            .figure(Tool::Rustc, self.bytes)
            .words(format!(
                "\nsystem calls after execve: {}\n",
                self.calls.len()
            ));
        for call in &self.calls {
            t.words(format!("  {call}\n"));
        }
        t
    }

    /// The front door's words: `**534 bytes**, exactly **two system calls**`.
    pub fn summary(&self) -> Text {
        let mut t = Text::new();
        t.words("**").figure(Tool::Rustc, self.bytes).words(format!(
            " bytes**, exactly **{} system calls**",
            in_words(self.calls.len())
        ));
        t
    }

    /// The table of where the bytes go.
    pub fn parts_table(&self) -> Text {
        let p = &self.parts;
        let (count, each) = p.program_headers;
        let line = String::from_utf8_lossy(LINE).replace('\n', "\\n");
        let prefix = String::from_utf8_lossy(PREFIX);
        let unknown = String::from_utf8_lossy(&UNKNOWN_ENTRY[1..UNKNOWN_ENTRY.len() - 1]);
        let mut t = Text::new();
        t.words("| part | bytes |\n|---|---:|\n")
            .words(format!("| the ELF header | {} |\n", p.elf_header))
            .words(format!(
                "| {} program headers of {each} bytes | {} |\n",
                in_words(count),
                count * each
            ))
            .words("| code: the entry, `write_all` with its retry loop, the lookup of a name | ")
            .figure(Tool::Rustc, p.code)
            .words(format!(" |\n| the line `{line}` | {} |\n", LINE.len()))
            .words(format!("| the prefix `{prefix}` | {} |\n", PREFIX.len()))
            .words(format!(
                "| {} error names, each a byte of its number, the name and a newline | {} |\n",
                in_words(p.names.0),
                p.names.1
            ))
            .words(format!(
                "| the last entry, number 0 and `{unknown}` | {} |\n",
                UNKNOWN_ENTRY.len()
            ));
        if p.other > 0 {
            t.words("| other constants (alignment) | ")
                .figure(Tool::Rustc, p.other)
                .words(" |\n");
        }
        t.words("| the whole file | ")
            .figure(Tool::Rustc, grouped(p.total as u64))
            .words(" |\n");
        t
    }
}
