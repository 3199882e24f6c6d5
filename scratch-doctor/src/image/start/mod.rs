//! What the runtime does when it starts a container of the image, step by step, and the
//! first step that fails, with the error the runtime prints (runc's wording, which Podman and
//! Docker pass on) and the fix:
//!
//! 1. the user (`User`): a name needs `/etc/passwd` (a group name `/etc/group`) in the image
//!    (the engine looks it up before the runtime starts);
//! 2. the command: `Entrypoint` + `Cmd`; a name without `/` looked up in the image's `PATH`
//!    as Go's `exec.LookPath` does in runc (a regular file with an execute bit); a relative
//!    path against `WorkingDir`;
//! 3. `execve(2)` of it as that user: an execute bit for the user;
//! 4. its format: an ELF file of the image's platform, or a `#!` script whose interpreter is
//!    in the image (checked the same way); anything else is `ENOEXEC`;
//! 5. a dynamic ELF file: its `PT_INTERP`, then every library found the way the loader finds
//!    it in the image ([`resolve_closure`] over the image's [`ImageRoot`]);
//! 6. a `HEALTHCHECK` in `CMD-SHELL` form needs `/bin/sh` (a hint: the container starts).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;

use syscall_kit::Errno;

mod foreign;
mod go_errno;
mod hints;
mod users;

use go_errno::go_errno;
use users::{User, user_of};

use super::config::Image;
use super::layers::{ImageRoot, NodeKind};
use super::report::{Failure, ImageReport};
use super::versions;
use crate::elf::{ElfFacts, ElfKind};
use crate::paths;
use crate::program::{InputError, Program, inspect};
use crate::root_view::RootView;
use crate::search::Search;
use crate::{Closure, resolve_closure};

/// The `PATH` the engines set when the image sets none (not the search path `execvp(3)`
/// uses without one, syscall-kit's `process::DEFAULT_PATH`).
pub const ENGINE_DEFAULT_PATH: &str =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// How many `#!` interpreters the kernel follows (`execve(2)`: a script's interpreter may be a
/// script, up to this depth; then `ELOOP`).
const MAX_SCRIPT_DEPTH: usize = 4;

/// Go's `exec.LookPath` check of one path (`findExecutable`): it exists (links followed), is
/// not a directory, and has an execute bit.
fn executable(root: &ImageRoot<'_>, path: &str) -> Result<(), Errno> {
    let (_, node) = root.stat(path, true)?;
    if node.kind != NodeKind::Dir && node.mode & 0o111 != 0 {
        Ok(())
    } else {
        Err(Errno::EACCES)
    }
}

/// The verdict on the image whose merged root is `root`.
pub fn diagnose(root: &mut ImageRoot<'_>, image: &Image, name: &str) -> ImageReport {
    let mut report = ImageReport {
        image: name.into(),
        format: image.format,
        platform: image.platform.to_string(),
        platforms: image.platforms.iter().map(ToString::to_string).collect(),
        reference: image.reference.clone(),
        layers: image.layers.len(),
        command: image
            .run
            .entrypoint
            .iter()
            .chain(&image.run.cmd)
            .cloned()
            .collect(),
        program: None,
        user: String::new(),
        file_format: None,
        failure: None,
        hints: Vec::new(),
    };
    report.failure = steps(root, image, &mut report).err();
    hints::add(root, image, &mut report);
    report
}

fn steps(root: &mut ImageRoot<'_>, image: &Image, report: &mut ImageReport) -> Result<(), Failure> {
    let (user, shown) = user_of(root, &image.run.user).inspect_err(|_| {
        report.user = image.run.user.clone();
    })?;
    report.user = shown;
    let argv = report.command.clone();
    let Some(arg0) = argv.first() else {
        return Err(Failure::new(
            "the image has neither Entrypoint nor Cmd".into(),
            "no command or entrypoint provided, and no CMD or ENTRYPOINT from image".into(),
            "add ENTRYPOINT [\"/prog\"] (exec form) to the Containerfile",
        ));
    };
    let shell_form = argv.len() >= 3 && argv[0] == "/bin/sh" && argv[1] == "-c";
    // Step 2: the command, found as runc's exec.LookPath finds it.
    let name = if arg0.contains('/') {
        if let Err(e) = executable(root, arg0) {
            let found = root.stat(arg0, true).map(|(p, n)| {
                (
                    p,
                    matches!(n.kind, NodeKind::File { .. }),
                    n.kind == NodeKind::Dir,
                )
            });
            if let Ok((path, true, _)) = &found {
                // A file without execute bit: still say what it is.
                report.program = Some(path.clone());
                report.file_format = root.read(path).ok().map(|d| match inspect(&d) {
                    Ok(Program::Elf(elf)) => elf_format(&elf),
                    Ok(Program::Script(s)) => format!("script, {}", s.line),
                    Err(_) => "neither an ELF file nor a #! script".into(),
                });
            }
            let is_dir = found.is_ok_and(|(_, _, dir)| dir);
            return Err(lookpath_failure(arg0, e, shell_form, is_dir, image));
        }
        arg0.clone()
    } else {
        let path = image
            .run
            .env
            .iter()
            .rev()
            .find_map(|e| e.strip_prefix("PATH="))
            .unwrap_or(ENGINE_DEFAULT_PATH)
            .to_string();
        let found = path.split(':').find_map(|dir| {
            let dir = if dir.is_empty() { "." } else { dir };
            let p = paths::join(dir, arg0);
            executable(root, &p).is_ok().then_some(p)
        });
        match found {
            Some(p) => p,
            None => {
                return Err(Failure::new(
                    format!(
                        "{arg0:?} is not an executable file in any directory of the image's PATH ({path})"
                    ),
                    format!("exec: \"{arg0}\": executable file not found in $PATH"),
                    format!(
                        "name the program by its absolute path in ENTRYPOINT/CMD, or put it in a directory of PATH ({path})"
                    ),
                ));
            }
        }
    };
    let in_image = root
        .stat(&name, true)
        .map(|(p, _)| p)
        .unwrap_or_else(|_| name.clone());
    report.program = Some(in_image.clone());
    check_exec(root, image, &user, &name, &in_image, arg0, 0, report)
}

fn lookpath_failure(
    arg0: &str,
    e: Errno,
    shell_form: bool,
    is_dir: bool,
    image: &Image,
) -> Failure {
    let error = match e {
        Errno::EACCES => format!("exec: \"{arg0}\": permission denied"),
        e => format!("exec: \"{arg0}\": stat {arg0}: {}", go_errno(e)),
    };
    if shell_form && e != Errno::EACCES {
        return Failure::new(
            "the command is in shell form (CMD or ENTRYPOINT without [...]), which runs /bin/sh -c, and the image has no /bin/sh".into(),
            error,
            "use the exec form: CMD [\"/prog\", \"arg\"] or ENTRYPOINT [\"/prog\"]",
        );
    }
    match e {
        Errno::EACCES if is_dir => Failure::new(
            format!("{arg0} is a directory"),
            error,
            "point ENTRYPOINT/CMD at the program inside it",
        ),
        Errno::EACCES => Failure::new(
            format!("{arg0} has no execute bit (runc runs only a file with one)"),
            error,
            "make it executable: COPY --chmod=0755, or chmod +x before it is copied",
        ),
        _ => {
            let relative = if arg0.starts_with('/') {
                String::new()
            } else {
                format!(
                    " (a relative path: from WorkingDir {})",
                    paths::normalize(&image.run.working_dir, "/")
                )
            };
            Failure::new(
                format!("{arg0} is not in the image{relative}"),
                error,
                "check the COPY destination and ENTRYPOINT path, and that no later layer deletes the file",
            )
        }
    }
}

/// Steps 3 to 5 for the file `name` (`in_image`: its path in the image, links resolved)
/// given to `execve(2)`; `argv0` for the loader's messages; `depth`: of `#!` interpreters.
#[allow(clippy::too_many_arguments)]
fn check_exec(
    root: &mut ImageRoot<'_>,
    image: &Image,
    user: &User,
    name: &str,
    in_image: &str,
    argv0: &str,
    depth: usize,
    report: &mut ImageReport,
) -> Result<(), Failure> {
    let exec_error = |e: Errno| format!("exec {name}: {}", go_errno(e));
    // Step 3: the execute permission of this user.
    let (_, node) = root.stat(name, true).map_err(|e| {
        Failure::new(
            format!("{name} is not in the image"),
            exec_error(e),
            "add it to the image",
        )
    })?;
    if !matches!(node.kind, NodeKind::File { .. }) {
        return Err(Failure::new(
            format!("{name} is not a regular file"),
            exec_error(Errno::EACCES),
            "point the command at a program file",
        ));
    }
    if !user.may_execute(node.mode, node.uid, node.gid) {
        return Err(Failure::new(
            format!(
                "{name} (mode {:04o}, owner {}:{}) has no execute bit for uid {}",
                node.mode, node.uid, node.gid, user.uid
            ),
            exec_error(Errno::EACCES),
            "make it executable: COPY --chmod=0755, or chmod +x before it is copied",
        ));
    }
    // Step 4: the format.
    let data = root.read(name).map_err(|e| {
        Failure::new(
            format!("{name} cannot be read from the image: {}", e.errno()),
            exec_error(e.errno()),
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
            if depth == 0 {
                report.file_format = Some(what.clone());
            }
            return Err(Failure::new(
                format!("{name} is {what}: the kernel runs neither"),
                exec_error(Errno::ENOEXEC),
                "make the command an ELF program for the image's platform, or a script starting with #!",
            ));
        }
    };
    match program {
        Program::Script(s) => {
            let crlf = s.line.len() < data.len() && data.get(s.line.len()) == Some(&b'\r');
            if depth == 0 {
                report.file_format = Some(format!(
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
                    exec_error(Errno::ENOEXEC),
                    "name the interpreter on the #! line",
                ));
            }
            if depth + 1 >= MAX_SCRIPT_DEPTH {
                return Err(Failure::new(
                    format!("{name}: #! interpreters nested too deep"),
                    exec_error(Errno::ELOOP),
                    "use an ELF interpreter",
                ));
            }
            // The kernel takes the line up to the newline: with CRLF the name ends in \r.
            let interp = if crlf {
                format!("{}\r", s.interpreter)
            } else {
                s.interpreter.clone()
            };
            if root.stat(&interp, true).is_err() {
                let (cause, fix) = if crlf {
                    (
                        format!(
                            "{name} has Windows line ends (CRLF): its #! line names \"{}\\r\", which is not in the image",
                            s.interpreter
                        ),
                        "convert the script to LF line ends (dos2unix, or sed -i 's/\\r$//')"
                            .to_string(),
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
                return Err(Failure::new(cause, exec_error(Errno::ENOENT), fix));
            }
            let interp_in_image = root
                .stat(&interp, true)
                .map(|(p, _)| p)
                .unwrap_or_else(|_| interp.clone());
            check_exec(
                root,
                image,
                user,
                &interp,
                &interp_in_image,
                &interp,
                depth + 1,
                report,
            )
            .map_err(|f| Failure {
                cause: format!("{name} is a script for {}, and: {}", s.interpreter, f.cause),
                // execve of the script fails with the interpreter's error: runc names the
                // script.
                error: f
                    .error
                    .replacen(&format!("exec {interp}:"), &format!("exec {name}:"), 1),
                fix: f.fix,
            })
        }
        Program::Elf(elf) => {
            if depth == 0 {
                report.file_format = Some(elf_format(&elf));
            }
            check_elf(root, image, name, in_image, argv0, &elf)
        }
    }
}

fn elf_format(elf: &ElfFacts) -> String {
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

#[allow(clippy::too_many_arguments)]
fn check_elf(
    root: &mut ImageRoot<'_>,
    image: &Image,
    name: &str,
    in_image: &str,
    argv0: &str,
    elf: &ElfFacts,
) -> Result<(), Failure> {
    let exec_error = |e: Errno| format!("exec {name}: {}", go_errno(e));
    if !matches!(
        elf.kind,
        ElfKind::Executable | ElfKind::Pie | ElfKind::StaticPie | ElfKind::SharedLibrary
    ) {
        return Err(Failure::new(
            format!("{name} is an ELF {}, not a program", elf.kind.name()),
            exec_error(Errno::ENOEXEC),
            "make the command an ELF executable",
        ));
    }
    let machine = elf.machine_name();
    let platform_machine = image.platform.machine();
    let compatible = match platform_machine {
        Some(m) => m == machine || (m == "x86_64" && machine == "i386"),
        None => true,
    };
    if !compatible {
        return Err(Failure::new(
            format!(
                "{name} is a {}-bit {machine} program in a {} image ({} programs)",
                elf.class.bits(),
                image.platform,
                platform_machine.unwrap_or("?")
            ),
            exec_error(Errno::ENOEXEC),
            format!(
                "build it for {} ({}), or build the image for the program's platform (--platform)",
                image.platform,
                platform_machine.unwrap_or("?")
            ),
        ));
    }
    // Step 5: the interpreter and libraries.
    if let Some(interp) = &elf.interpreter
        && root.stat(interp, true).is_err()
    {
        return Err(Failure::new(
            format!(
                "{name} is dynamically linked and its ELF interpreter {interp} is not in the image"
            ),
            exec_error(Errno::ENOENT),
            closure_fix(in_image),
        ));
    }
    if !elf.is_static() {
        let closure = Search::load(root, elf)
            .and_then(|search| resolve_closure(root, in_image, elf, &search));
        match closure {
            Ok(Closure { missing, objects }) => {
                if missing.is_empty() {
                    versions::check(root, &objects, argv0)?;
                }
                if let Some(m) = missing.into_iter().next() {
                    return Err(Failure::new(
                        format!(
                            "{} needs {}, which the loader does not find in the image ({})",
                            m.needed_by, m.name, m.reason
                        ),
                        format!(
                            "{argv0}: error while loading shared libraries: {}: cannot open shared object file: No such file or directory",
                            m.name
                        ),
                        closure_fix(in_image),
                    ));
                }
            }
            Err(e) => {
                return Err(Failure::new(
                    format!("its libraries cannot be resolved in the image: {e}"),
                    exec_error(e.errno),
                    "check the image",
                ));
            }
        }
    }
    Ok(())
}

fn closure_fix(program: &str) -> String {
    format!(
        "build it static, or copy its interpreter and libraries into the image: on a machine where it runs, `scratch-doctor --copy-closure DIR {program}`, then `COPY DIR /`"
    )
}
