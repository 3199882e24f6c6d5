//! Steps 3 and 4 of a start, for a file given to `execve(2)` ([`Exec`]): the execute
//! permission of the user, then the file's format. An ELF file must be a program of the image's
//! platform (then step 5, `loader.rs`); a `#!` script's interpreter must be in the image and is
//! checked the same way, as the kernel follows it (up to [`MAX_SCRIPT_DEPTH`] of them);
//! anything else is `ENOEXEC`.

use alloc::format;
use alloc::string::{String, ToString};
use core::fmt::Write;

use syscall_kit::Errno;

use super::go_errno::go_errno;
use super::{Failure, Start, loader};
use crate::elf::{ElfFacts, ElfKind};
use crate::image::layers::NodeKind;
use crate::program::{InputError, Program, inspect};
use crate::root_view::RootView;
use crate::script::Script;

/// How many `#!` interpreters the kernel follows (`execve(2)`: a script's interpreter may be a
/// script, up to this depth; then `ELOOP`).
const MAX_SCRIPT_DEPTH: usize = 4;

/// A file given to `execve(2)`: the command, or the interpreter of a `#!` script.
pub(super) struct Exec<'a> {
    /// The path given, which runc's messages name.
    pub(super) name: &'a str,
    /// Its path in the image, links resolved.
    pub(super) in_image: &'a str,
    /// `argv[0]`: the name the loader's messages give the program.
    pub(super) argv0: &'a str,
    /// How many `#!` lines led to it: 0 for the command itself, whose format the report shows.
    pub(super) depth: usize,
}

impl Exec<'_> {
    /// What runc prints when `execve(2)` of this file fails with `e`.
    pub(super) fn error(&self, e: Errno) -> String {
        format!("exec {}: {}", self.name, go_errno(e))
    }
}

/// Steps 3 to 5 for `file`.
pub(super) fn check(start: &mut Start<'_, '_>, file: &Exec<'_>) -> Result<(), Failure> {
    let name = file.name;
    // Step 3: the execute permission of this user.
    let (_, node) = start.root.stat(name, true).map_err(|e| {
        Failure::new(
            format!("{name} is not in the image"),
            file.error(e),
            "add it to the image",
        )
    })?;
    if !matches!(node.kind, NodeKind::File { .. }) {
        return Err(Failure::new(
            format!("{name} is not a regular file"),
            file.error(Errno::EACCES),
            "point the command at a program file",
        ));
    }
    if !start.user.may_execute(node.mode, node.uid, node.gid) {
        return Err(Failure::new(
            format!(
                "{name} (mode {:04o}, owner {}:{}) has no execute bit for uid {}",
                node.mode, node.uid, node.gid, start.user.uid
            ),
            file.error(Errno::EACCES),
            "make it executable: COPY --chmod=0755, or chmod +x before it is copied",
        ));
    }
    // Step 4: the format.
    let data = start.root.read(name).map_err(|e| {
        Failure::new(
            format!("{name} cannot be read from the image: {}", e.errno()),
            file.error(e.errno()),
            "check the image",
        )
    })?;
    let program = match inspect(&data) {
        Ok(p) => p,
        Err(e) => {
            let what = match e {
                InputError::Empty => "an empty file".to_string(),
                InputError::NotAProgram => "neither an ELF file nor a #! script".to_string(),
                InputError::BadElf(e) => format!("a malformed ELF file ({e})"),
            };
            if file.depth == 0 {
                start.report.file_format = Some(what.clone());
            }
            return Err(Failure::new(
                format!("{name} is {what}: the kernel runs neither"),
                file.error(Errno::ENOEXEC),
                "make the command an ELF program for the image's platform, or a script starting with #!",
            ));
        }
    };
    match program {
        Program::Script(s) => check_script(start, file, &s, &data),
        Program::Elf(elf) => {
            if file.depth == 0 {
                start.report.file_format = Some(elf_format(&elf));
            }
            check_elf(start, file, &elf)
        }
    }
}

/// Step 4 for a `#!` script `s` (the file `data`): its interpreter, checked as a file given to
/// `execve(2)` (steps 3 to 5); its failure is the script's.
fn check_script(
    start: &mut Start<'_, '_>,
    file: &Exec<'_>,
    s: &Script,
    data: &[u8],
) -> Result<(), Failure> {
    let name = file.name;
    let crlf = s.line.len() < data.len() && data.get(s.line.len()) == Some(&b'\r');
    if file.depth == 0 {
        start.report.file_format = Some(format!(
            "script, {}{}",
            s.line,
            if crlf {
                " (the line ends in \\r: CRLF)"
            } else {
                ""
            }
        ));
    }
    if s.interpreter.is_empty() {
        return Err(Failure::new(
            format!("{name} starts with #! but names no interpreter"),
            file.error(Errno::ENOEXEC),
            "name the interpreter on the #! line",
        ));
    }
    if file.depth + 1 >= MAX_SCRIPT_DEPTH {
        return Err(Failure::new(
            format!("{name}: #! interpreters nested too deep"),
            file.error(Errno::ELOOP),
            "use an ELF interpreter",
        ));
    }
    // The kernel takes the line up to the newline: with CRLF the name ends in \r.
    let interp = if crlf {
        format!("{}\r", s.interpreter)
    } else {
        s.interpreter.clone()
    };
    if start.root.stat(&interp, true).is_err() {
        let (cause, fix) = if crlf {
            (
                format!(
                    "{name} has Windows line ends (CRLF): its #! line names \"{}\\r\", which is not in the image",
                    s.interpreter
                ),
                "convert the script to LF line ends (dos2unix, or sed -i 's/\\r$//')".to_string(),
            )
        } else {
            (
                format!(
                    "{name} is a script for {}, which is not in the image",
                    s.interpreter
                ),
                format!(
                    "add {} to the image (a base image that has it), or make the command an ELF program",
                    s.interpreter
                ),
            )
        };
        return Err(Failure::new(cause, file.error(Errno::ENOENT), fix));
    }
    let interp_in_image = start
        .root
        .stat(&interp, true)
        .map(|(p, _)| p)
        .unwrap_or_else(|_| interp.clone());
    let interpreter = Exec {
        name: &interp,
        in_image: &interp_in_image,
        argv0: &interp,
        depth: file.depth + 1,
    };
    check(start, &interpreter).map_err(|f| Failure {
        cause: format!("{name} is a script for {}, and: {}", s.interpreter, f.cause),
        // execve of the script fails with the interpreter's error: runc names the
        // script.
        error: f
            .error
            .replacen(&format!("exec {interp}:"), &format!("exec {name}:"), 1),
        fix: f.fix,
    })
}

/// Step 4 for an ELF file: a program (not a relocatable object or a core dump) of the image's
/// platform; then step 5.
fn check_elf(start: &mut Start<'_, '_>, file: &Exec<'_>, elf: &ElfFacts) -> Result<(), Failure> {
    let name = file.name;
    if !matches!(
        elf.kind,
        ElfKind::Executable | ElfKind::Pie | ElfKind::StaticPie | ElfKind::SharedLibrary
    ) {
        return Err(Failure::new(
            format!("{name} is an ELF {}, not a program", elf.kind.name()),
            file.error(Errno::ENOEXEC),
            "make the command an ELF executable",
        ));
    }
    let machine = elf.machine_name();
    let platform = &start.image.platform;
    let platform_machine = platform.machine();
    let compatible = match platform_machine {
        Some(m) => m == machine || (m == "x86_64" && machine == "i386"),
        None => true,
    };
    if !compatible {
        return Err(Failure::new(
            format!(
                "{name} is a {}-bit {machine} program in a {platform} image ({} programs)",
                elf.class.bits(),
                platform_machine.unwrap_or("?")
            ),
            file.error(Errno::ENOEXEC),
            format!(
                "build it for {platform} ({}), or build the image for the program's platform (--platform)",
                platform_machine.unwrap_or("?")
            ),
        ));
    }
    loader::check(start.root, file, elf)
}

/// The format of the ELF file `elf` as the report shows it: `ELF 64-bit little-endian x86_64
/// PIE, interpreter /lib64/ld-linux-x86-64.so.2, needs libc.so.6`.
pub(super) fn elf_format(elf: &ElfFacts) -> String {
    let mut f = format!(
        "ELF {}-bit {} {} {}",
        elf.class.bits(),
        elf.byte_order.name(),
        elf.machine_name(),
        elf.kind.name()
    );
    match &elf.interpreter {
        Some(i) => {
            let _ = write!(f, ", interpreter {i}");
        }
        None if elf.needed.is_empty() => f.push_str(", static"),
        None => {}
    }
    if !elf.needed.is_empty() {
        let _ = write!(f, ", needs {}", elf.needed.join(", "));
    }
    f
}

#[cfg(test)]
mod tests;
