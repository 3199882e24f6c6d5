//! [`verdict`]: whether a program runs in a `FROM scratch` image, and why, in plain words.
//!
//! A scratch image holds only what is copied into it. The kernel itself starts two kinds of
//! programs (see `execve(2)`): an ELF file, which must be for this machine, and which needs its
//! ELF interpreter (`PT_INTERP`, the dynamic loader) to be present if it names one; and a `#!`
//! script, whose interpreter must be present. So only a static ELF executable for this machine
//! runs with nothing else in the image.

use alloc::format;
use alloc::string::String;
use core::fmt;

use crate::elf::{ElfFacts, ElfKind};
use crate::machine::Host;
use crate::program::Program;

/// Whether the program runs in an empty image, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// It runs.
    pub runs: bool,
    /// Why: `static, x86_64 like this machine`, or what fails.
    pub reason: String,
    /// It does not run alone only because its ELF interpreter (and libraries) are missing:
    /// with its closure in the image it runs.
    pub closure_fixes: bool,
}

impl fmt::Display for Verdict {
    /// `yes (static, x86_64 like this machine)` or `no: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.runs {
            write!(f, "yes ({})", self.reason)
        } else {
            write!(f, "no: {}", self.reason)
        }
    }
}

fn yes(reason: String) -> Verdict {
    Verdict {
        runs: true,
        reason,
        closure_fixes: false,
    }
}

fn no(reason: String) -> Verdict {
    Verdict {
        runs: false,
        reason,
        closure_fixes: false,
    }
}

/// The verdict on `program` for a container on the machine `host`.
pub fn verdict(program: &Program, host: Host) -> Verdict {
    match program {
        Program::Script(s) if s.interpreter.is_empty() => no(format!(
            "script with \"{}\", which names no interpreter: exec fails with ENOEXEC (\"exec format error\")",
            s.line
        )),
        Program::Script(s) => no(format!(
            "script with \"{}\", and a scratch image has no {}",
            s.line, s.interpreter
        )),
        Program::Elf(elf) => elf_verdict(elf, host),
    }
}

fn elf_verdict(elf: &ElfFacts, host: Host) -> Verdict {
    let machine = elf.machine_name();
    match elf.kind {
        ElfKind::Executable | ElfKind::Pie | ElfKind::StaticPie => {}
        ElfKind::SharedLibrary => return no("not an executable (shared library)".into()),
        ElfKind::Relocatable => {
            return no("not an executable (relocatable object file: input to the linker)".into());
        }
        ElfKind::Core => return no("not an executable (core dump)".into()),
        ElfKind::Other(t) => return no(format!("not an executable (ELF type {t:#x})")),
    }
    if !host.runs(elf.machine, elf.class, elf.byte_order) {
        return no(format!(
            "{machine} binary on an {} host: exec format error unless the host has qemu binfmt",
            host.name()
        ));
    }
    let like = if elf.machine == host.machine {
        format!("{machine} like this machine")
    } else {
        format!(
            "{machine}, which this {} kernel runs in its 32-bit compatibility mode",
            host.name()
        )
    };
    if let Some(interp) = &elf.interpreter {
        return Verdict {
            closure_fixes: true,
            ..no(format!(
                "the kernel cannot find its ELF interpreter {interp} in an empty image, so exec fails with ENOENT (\"no such file or directory\")"
            ))
        };
    }
    if !elf.needed.is_empty() {
        return no(format!(
            "it needs {} but has no ELF interpreter to load them",
            elf.needed.join(", ")
        ));
    }
    match elf.kind {
        ElfKind::StaticPie => yes(format!(
            "static-pie, {like}: it relocates itself, no loader needed"
        )),
        _ => yes(format!("static, {like}")),
    }
}
