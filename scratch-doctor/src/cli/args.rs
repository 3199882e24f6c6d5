//! The command line: `scratch-doctor [--json] [--closure] [--copy-closure DIR [--force]] FILE...`,
//! or `scratch-doctor [--json] [--platform OS/ARCH] --image PATH`, or
//! `scratch-doctor --run-in DIR [--timeout DURATION] -- COMMAND [ARG...]`, or
//! `scratch-doctor --trace [--timeout DURATION] [--one-cpu] [--copy-closure DIR [--force]
//! [--check]] [--json] [--] COMMAND [ARGS...]`.

use core::ffi::CStr;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

/// The usage text of `--help`.
pub const USAGE: &str = "\
usage: scratch-doctor [--json] [--closure] [--copy-closure DIR [--force]] [--] FILE...
       scratch-doctor [--json] [--platform OS/ARCH] --image PATH
       scratch-doctor --run-in DIR [--timeout DURATION] -- COMMAND [ARG...]
       scratch-doctor --trace [--timeout DURATION] [--one-cpu] [--copy-closure DIR
                      [--force] [--check]] [--json] [--] COMMAND [ARGS...]

Tells whether each FILE runs in a FROM scratch container image (nothing in it but
the file), and why not.

  --closure            also list what a dynamic program needs in such an image: its
                       ELF interpreter and every library, found the way the dynamic
                       loader finds them, each with its path here and in the image
  --copy-closure DIR   copy each FILE and its closure into DIR at those paths, for
                       `COPY DIR /` in a FROM scratch image (implies --closure).
                       Nothing is written outside DIR: a symbolic link on the way
                       (DIR/lib -> ...), a FIFO, device, socket, directory or link at
                       a destination, or a file with other hard links is refused, one
                       line each (exit status 2); an identical file is left alone, a
                       different one refused. Files are copied inside the
                       kernel and keep their holes; nothing is written under
                       DIR/proc, DIR/sys or DIR/dev, which the container runtime
                       mounts over (a library found only there is missing)
  --force              with --copy-closure: replace a different file (or one with
                       other hard links) by a new file; what else is refused stays so
  --image PATH         instead of FILEs: a saved container image (an OCI image
                       layout directory, an OCI archive, or a docker save archive,
                       as `podman save` and `docker save` write them): whether its
                       command starts in a container, and if not the error the
                       runtime will print and the fix. Exit status 0 it starts,
                       1 it does not, 2 usage or input error
  --platform OS/ARCH   with --image: the image of that platform in a multi-platform
                       index (default: this machine's, when there are several)
  --run-in DIR         instead of FILEs: run COMMAND with ARGs and this environment
                       in an empty root made of DIR alone, as runc makes the root of
                       a FROM scratch container (COPY DIR /), with no engine: new
                       mount, PID, network, IPC and UTS namespaces (and a user
                       namespace when not root), /proc, /dev and /sys as runc mounts
                       them, the host name scratch-doctor, the working directory /.
                       DIR is never changed: what COMMAND writes goes to a tmpfs.
                       Prints COMMAND's output and error, then its status on
                       standard error. Exit status 0 COMMAND exited with 0, 1 it
                       exited otherwise, was killed, did not start or timed out,
                       2 usage error or the root could not be made (one line why)
  --trace              instead of FILEs: run COMMAND here (with this environment and
                       current directory, found through PATH) under ptrace(2), and
                       report every path it and its children looked up: the closure
                       of each program it executed (PT_INTERP, DT_NEEDED, #!), the
                       files it opened (configuration, modules, data), what it
                       searched and did not find (and what it used instead), the
                       symbolic links on the way, and what is the runtime's (/proc,
                       /sys, /dev) or its own output. Only the calls that name a path
                       stop it (a seccomp filter); the rest run at full speed.
                       COMMAND's output comes first, the report after it. What is
                       not followed is a warning: io_uring opens, set-user-ID
                       programs (they run without their privilege), a command that
                       fails. With --copy-closure DIR: what it found, each file at
                       its path here with the links on the way, the directories with
                       their modes, /tmp (1777) when it used it; nothing under /proc,
                       /sys, /dev, nothing it wrote. Exit status 0 COMMAND exited 0
                       and every closure is complete (and with --check it works in
                       the copy), 1 it did not (or a library is missing, or
                       --timeout), 2 the tracer could not trace it
  --check              with --trace and --copy-closure DIR: prove the copy. COMMAND
                       runs traced with standard input from /dev/null and its output
                       and error captured (then shown), and again as --run-in DIR
                       runs it (in this working directory); the report ends with
                       `works in FROM scratch: yes` when both runs gave the same exit
                       status, output and error, or `no:` and the first difference
  --timeout DURATION   with --trace or --run-in: kill COMMAND (and all it started)
                       after DURATION (30, 30s, 500ms, 2m); --trace reports what
                       was seen until then. Default: none for --trace, 60s for
                       --run-in (and for the second run of --check)
  --one-cpu            with --trace: run COMMAND (and all it starts) and the tracer
                       on one CPU, the first this process may use. A stop is then a
                       switch on that CPU rather than the wake-up of another, most
                       of its cost on a virtual machine (there, a Python run of
                       many lookups took 1.2 times its untraced time, not 2.2: see
                       docs/performance.md). COMMAND sees one CPU (nproc prints 1):
                       one that sizes its work by the CPUs does less at once, and
                       --check, whose second run has every CPU, may then differ
  --json               one JSON object per FILE (or for the image, or the trace),
                       one per line
  -h, --help           this text

Each report also names the files the program will look for once it runs that a
FROM scratch image of its closure (or, with --image, the image) lacks: \"needs at
run time\", from what its file says (the C library's calls it imports, a Go
program's functions, an interpreter's name), each with the error it will meet and
the fix. A need does not change the exit status, which is about starting.

Exit status: 0 every FILE runs in scratch (with its closure, under --closure or
--copy-closure), 1 some would not or a library is missing, 2 usage or input error,
or output that cannot be written.
";

/// What the command line asks for.
pub struct Options {
    /// `--json`.
    pub json: bool,
    /// `--closure` (or `--copy-closure`).
    pub closure: bool,
    /// `--copy-closure DIR`.
    pub copy_to: Option<&'static CStr>,
    /// `--force`: `--copy-closure` replaces a different file at a destination.
    pub force: bool,
    /// The files, in order.
    pub files: Vec<&'static CStr>,
    /// `--image PATH`.
    pub image: Option<&'static CStr>,
    /// `--platform OS/ARCH`.
    pub platform: Option<&'static CStr>,
    /// `--run-in DIR`: the files are the command and its arguments.
    pub run_in: Option<&'static CStr>,
    /// `--trace`.
    pub trace: bool,
    /// `--check` (with `--trace` and `--copy-closure`).
    pub check: bool,
    /// `--timeout DURATION`.
    pub timeout: Option<Duration>,
    /// `--one-cpu` (with `--trace`).
    pub one_cpu: bool,
    /// With `--trace`: where COMMAND is in the program's arguments (0 is the program's name).
    pub command_at: usize,
    /// With `--trace`: COMMAND and its arguments.
    pub command: Vec<&'static CStr>,
}

/// The command line after the program name, or `Ok(None)` for `--help`.
pub fn parse(mut args: impl Iterator<Item = &'static CStr>) -> Result<Option<Options>, String> {
    let mut o = Options {
        json: false,
        closure: false,
        copy_to: None,
        force: false,
        files: Vec::new(),
        image: None,
        platform: None,
        run_in: None,
        trace: false,
        check: false,
        timeout: None,
        one_cpu: false,
        command_at: 0,
        command: Vec::new(),
    };
    let mut options_done = false;
    // The position of `arg` in the program's arguments (the program's name is 0).
    let mut at = 0;
    // An option given twice is refused: which one counts would be a guess.
    let once = |set: bool, name: &str| -> Result<(), String> {
        if set {
            Err(format!("{name} given twice (see --help)"))
        } else {
            Ok(())
        }
    };
    while let Some(arg) = args.next() {
        at += 1;
        let bytes = arg.to_bytes();
        if options_done || !bytes.starts_with(b"-") || bytes == b"-" {
            if o.trace {
                // COMMAND: this and everything after it, options included, are its own.
                o.command_at = at;
                o.command.push(arg);
                o.command.extend(args.by_ref());
                break;
            }
            o.files.push(arg);
            continue;
        }
        match bytes {
            b"--" => options_done = true,
            b"-h" | b"--help" => return Ok(None),
            b"--json" => o.json = true,
            b"--closure" => o.closure = true,
            b"--copy-closure" => {
                once(o.copy_to.is_some(), "--copy-closure")?;
                let dir = args
                    .next()
                    .ok_or("--copy-closure needs a directory: --copy-closure DIR")?;
                at += 1;
                o.copy_to = Some(dir);
                o.closure = true;
            }
            b"--force" => o.force = true,
            b"--trace" => {
                if !o.files.is_empty() {
                    return Err(
                        "--trace takes no FILE: COMMAND follows the options (see --help)".into(),
                    );
                }
                o.trace = true;
            }
            b"--timeout" => {
                once(o.timeout.is_some(), "--timeout")?;
                let value = args
                    .next()
                    .ok_or("--timeout needs a duration: --timeout DURATION")?;
                at += 1;
                o.timeout = Some(timeout(value.to_bytes()).ok_or_else(|| {
                    format!(
                        "--timeout: not a duration: {} (say 30s, 500ms, 2m)",
                        value.to_string_lossy()
                    )
                })?);
            }
            b"--image" => {
                once(o.image.is_some(), "--image")?;
                o.image = Some(args.next().ok_or("--image needs a path: --image PATH")?);
                at += 1;
            }
            b"--platform" => {
                once(o.platform.is_some(), "--platform")?;
                o.platform = Some(
                    args.next()
                        .ok_or("--platform needs a platform: --platform OS/ARCH")?,
                );
                at += 1;
            }
            b"--run-in" => {
                once(o.run_in.is_some(), "--run-in")?;
                o.run_in = Some(
                    args.next()
                        .ok_or("--run-in needs a directory: --run-in DIR")?,
                );
                at += 1;
            }
            b"--check" => o.check = true,
            b"--one-cpu" => o.one_cpu = true,
            _ => {
                return Err(format!(
                    "unknown option {} (see --help)",
                    arg.to_string_lossy()
                ));
            }
        }
    }
    if o.one_cpu && !o.trace {
        return Err("--one-cpu needs --trace (see --help)".into());
    }
    if o.timeout.is_some() && !o.trace && o.run_in.is_none() {
        return Err("--timeout needs --trace or --run-in DIR (see --help)".into());
    }
    if o.run_in.is_some() {
        if o.json
            || o.closure
            || o.force
            || o.check
            || o.trace
            || o.image.is_some()
            || o.platform.is_some()
        {
            return Err("--run-in takes no other option but --timeout (see --help)".into());
        }
        if o.files.is_empty() {
            return Err("--run-in needs a command: --run-in DIR -- COMMAND [ARG...]".into());
        }
        return Ok(Some(o));
    }
    if o.force && o.copy_to.is_none() {
        return Err("--force needs --copy-closure DIR (see --help)".into());
    }
    if o.check && !(o.trace && o.copy_to.is_some()) {
        return Err(
            "--check needs --trace and --copy-closure DIR: it runs the command again in DIR \
             (see --help)"
                .into(),
        );
    }
    if o.trace {
        if o.image.is_some() || o.platform.is_some() || (o.closure && o.copy_to.is_none()) {
            return Err(
                "--trace takes no --image, --platform or --closure (its report has the closures) \
                 (see --help)"
                    .into(),
            );
        }
        if o.command.is_empty() {
            return Err("--trace needs a COMMAND to run (see --help)".into());
        }
        return Ok(Some(o));
    }
    if o.image.is_some() {
        if !o.files.is_empty() || o.closure || o.force {
            return Err(
                "--image takes no FILE and no --closure, --copy-closure or --force (see --help)"
                    .into(),
            );
        }
        return Ok(Some(o));
    }
    if o.platform.is_some() {
        return Err("--platform needs --image PATH (see --help)".into());
    }
    if o.files.is_empty() {
        return Err("no FILE given (see --help)".into());
    }
    Ok(Some(o))
}

/// A duration of `--timeout`, as the kit reads one (`syscall_kit::text::parse_duration`:
/// `500ms`, `30s`, `2m`, or seconds without a unit), and more than zero.
fn timeout(text: &[u8]) -> Option<Duration> {
    syscall_kit::text::parse_duration(text).filter(|d| !d.is_zero())
}
