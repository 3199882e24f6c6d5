//! Step 2 of a start: the command (`Entrypoint` + `Cmd`), found as runc finds it with Go's
//! `exec.LookPath`. A name without `/` is the first file with an execute bit of that name in a
//! directory of the image's `PATH` ([`ENGINE_DEFAULT_PATH`] when the image sets none); a path
//! with `/` must be such a file itself, a relative one from `WorkingDir`.

use alloc::format;
use alloc::string::{String, ToString};

use syscall_kit::Errno;

use super::exec::elf_format;
use super::go_errno::go_errno;
use super::{Failure, Start};
use crate::image::layers::{ImageRoot, NodeKind};
use crate::paths;
use crate::program::{Program, inspect};
use crate::root_view::RootView;

/// The `PATH` the engines set when the image sets none (not the search path `execvp(3)`
/// uses without one, syscall-kit's `process::DEFAULT_PATH`).
pub const ENGINE_DEFAULT_PATH: &str =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Go's `exec.LookPath` check of one path (`findExecutable`): it exists (links followed), is
/// not a directory, and has an execute bit.
pub(super) fn executable(root: &ImageRoot<'_>, path: &str) -> Result<(), Errno> {
    let (_, node) = root.stat(path, true)?;
    if node.kind != NodeKind::Dir && node.mode & 0o111 != 0 {
        Ok(())
    } else {
        Err(Errno::EACCES)
    }
}

/// The path runc gives `execve(2)` for the command `arg0`, or its error.
pub(super) fn command(start: &mut Start<'_, '_>, arg0: &str) -> Result<String, Failure> {
    if arg0.contains('/') {
        by_path(start, arg0).map(|()| arg0.to_string())
    } else {
        in_path(start, arg0)
    }
}

/// A command with a `/`: it must be executable itself. Of a file without an execute bit the
/// report still says what it is.
fn by_path(start: &mut Start<'_, '_>, arg0: &str) -> Result<(), Failure> {
    let Err(e) = executable(start.root, arg0) else {
        return Ok(());
    };
    let found = start.root.stat(arg0, true).map(|(p, n)| {
        (
            p,
            matches!(n.kind, NodeKind::File { .. }),
            n.kind == NodeKind::Dir,
        )
    });
    if let Ok((path, true, _)) = &found {
        // A file without execute bit: still say what it is.
        start.report.program = Some(path.clone());
        start.report.file_format = start.root.read(path).ok().map(|d| match inspect(&d) {
            Ok(Program::Elf(elf)) => elf_format(&elf),
            Ok(Program::Script(s)) => format!("script, {}", s.line),
            Err(_) => "neither an ELF file nor a #! script".into(),
        });
    }
    let is_dir = found.is_ok_and(|(_, _, dir)| dir);
    Err(not_executable(start, arg0, e, is_dir))
}

/// A command without `/`: the first executable file of its name in a directory of `PATH`.
fn in_path(start: &Start<'_, '_>, arg0: &str) -> Result<String, Failure> {
    let path = start
        .image
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
        executable(start.root, &p).is_ok().then_some(p)
    });
    found.ok_or_else(|| {
        Failure::new(
            format!(
                "{arg0:?} is not an executable file in any directory of the image's PATH ({path})"
            ),
            format!("exec: \"{arg0}\": executable file not found in $PATH"),
            format!(
                "name the program by its absolute path in ENTRYPOINT/CMD, or put it in a directory of PATH ({path})"
            ),
        )
    })
}

/// Why the command `arg0` (a path) is not executable: `e` from [`executable`], `is_dir` when it
/// is a directory. A shell-form command (`/bin/sh -c …`) says so: the image lacks the shell.
fn not_executable(start: &Start<'_, '_>, arg0: &str, e: Errno, is_dir: bool) -> Failure {
    let argv = &start.report.command;
    let shell_form = argv.len() >= 3 && argv[0] == "/bin/sh" && argv[1] == "-c";
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
                    paths::normalize(&start.image.run.working_dir, "/")
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
