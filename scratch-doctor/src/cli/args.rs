//! The command line: `scratch-doctor [--json] [--closure] [--copy-closure DIR [--force]] FILE...`,
//! or `scratch-doctor [--json] [--platform OS/ARCH] --image PATH`, or
//! `scratch-doctor --run-in DIR [--timeout SECONDS] -- COMMAND [ARG...]`.

use core::ffi::CStr;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The usage text of `--help`.
pub const USAGE: &str = "\
usage: scratch-doctor [--json] [--closure] [--copy-closure DIR [--force]] [--] FILE...
       scratch-doctor [--json] [--platform OS/ARCH] --image PATH
       scratch-doctor --run-in DIR [--timeout SECONDS] -- COMMAND [ARG...]

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
  --timeout SECONDS    with --run-in: kill COMMAND (and all it started) after this
                       many seconds (default 60)
  --json               one JSON object per FILE (or for the image), one per line
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
    /// `--timeout SECONDS`.
    pub timeout: Option<u64>,
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
        timeout: None,
    };
    let mut options_done = false;
    // An option given twice is refused: which one counts would be a guess.
    let once = |set: bool, name: &str| -> Result<(), String> {
        if set {
            Err(format!("{name} given twice (see --help)"))
        } else {
            Ok(())
        }
    };
    while let Some(arg) = args.next() {
        let bytes = arg.to_bytes();
        if options_done || !bytes.starts_with(b"-") || bytes == b"-" {
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
                o.copy_to = Some(dir);
                o.closure = true;
            }
            b"--force" => o.force = true,
            b"--image" => {
                once(o.image.is_some(), "--image")?;
                o.image = Some(args.next().ok_or("--image needs a path: --image PATH")?);
            }
            b"--platform" => {
                once(o.platform.is_some(), "--platform")?;
                o.platform = Some(
                    args.next()
                        .ok_or("--platform needs a platform: --platform OS/ARCH")?,
                );
            }
            b"--run-in" => {
                once(o.run_in.is_some(), "--run-in")?;
                o.run_in = Some(
                    args.next()
                        .ok_or("--run-in needs a directory: --run-in DIR")?,
                );
            }
            b"--timeout" => {
                once(o.timeout.is_some(), "--timeout")?;
                let given = args.next().ok_or("--timeout needs a number of seconds")?;
                let seconds = given.to_str().ok().and_then(|s| s.parse::<u64>().ok());
                o.timeout = Some(seconds.filter(|&s| s > 0).ok_or_else(|| {
                    format!(
                        "--timeout takes a whole number of seconds, 1 or more, not {}",
                        given.to_string_lossy()
                    )
                })?);
            }
            _ => {
                return Err(format!(
                    "unknown option {} (see --help)",
                    arg.to_string_lossy()
                ));
            }
        }
    }
    if o.run_in.is_some() {
        if o.json || o.closure || o.force || o.image.is_some() || o.platform.is_some() {
            return Err("--run-in takes no other option but --timeout (see --help)".into());
        }
        if o.files.is_empty() {
            return Err("--run-in needs a command: --run-in DIR -- COMMAND [ARG...]".into());
        }
        return Ok(Some(o));
    }
    if o.timeout.is_some() {
        return Err("--timeout needs --run-in DIR (see --help)".into());
    }
    if o.force && o.copy_to.is_none() {
        return Err("--force needs --copy-closure DIR (see --help)".into());
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
