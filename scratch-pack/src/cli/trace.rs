//! `--trace`: PROGRAM run here under scratch-doctor's tracer (`scratch_doctor::trace`, the
//! code of `scratch-doctor --trace`), and what it opened put in the image as
//! `scratch-doctor --trace --copy-closure` copies it: the plan of
//! `scratch_doctor::trace::plan` (the closure of every program it executed, every file it
//! found, each at its real path here, the symbolic links on the way as links, the
//! directories it opened, `/tmp` when it used it; nothing of `/proc`, `/sys`, `/dev`, nothing it
//! wrote), each entry an item of the program's layer.
//!
//! The run: PROGRAM ARGS with this environment and the `--env` values, standard input from
//! `/dev/null`, standard output and error on scratch-pack's standard error (its standard
//! output is the digest's), in the current directory. It must exit with status 0, or be ended
//! by `--timeout` (a server): a run that failed did not get to open what its work needs.

use alloc::ffi::CString;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use scratch_doctor::host_root::HostRoot;
use scratch_doctor::paths::{from_bytes, to_bytes};
use scratch_doctor::trace::plan::{self, Entry};
use scratch_doctor::trace::report::TraceReport;
use scratch_doctor::trace::{self, End, Stdio};
use scratch_pack::PackError;
use scratch_pack::options::Options;
use scratch_pack::tree::{Group, Item, LINK_MODE, What, dir_mode};
use syscall_kit::fs::{self, FileType, Mode, OFlags};
use syscall_kit::{AsFd, rt};

use super::walk::{file_item, special};

/// What is given as `from` for the trace's items (in the lines of a refusal).
const FROM: &str = "--trace";

/// Runs PROGRAM traced (`program` its absolute path here) and adds what it opened to `items`;
/// lines for standard error to `warnings`.
pub fn traced(
    o: &Options,
    program: &str,
    items: &mut Vec<Item>,
    warnings: &mut Vec<String>,
) -> Result<(), PackError> {
    let c = |bytes: Vec<u8>| {
        CString::new(bytes).map_err(|_| PackError("a NUL byte in an argument".into()))
    };
    let mut argv = alloc::vec![c(o.program.to_bytes().to_vec())?];
    for a in &o.args {
        argv.push(c(to_bytes(a))?);
    }
    let env = environment(o)?;
    let argv_refs: Vec<&core::ffi::CStr> = argv.iter().map(CString::as_c_str).collect();
    let env_refs: Vec<&core::ffi::CStr> = env.iter().map(CString::as_c_str).collect();
    let null = fs::open(
        c"/dev/null",
        OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| format!("--trace: cannot open /dev/null: {e}"))?;
    let shown = from_bytes(o.program.to_bytes());
    // The file found as the image will find it, by its absolute path (not through PATH).
    let file = c(to_bytes(program))?;
    let run = trace::run(
        &file,
        &argv_refs[..],
        &env_refs[..],
        &trace::Options {
            timeout: o.timeout,
            stdio: Some(Stdio {
                stdin: null.as_fd(),
                stdout: syscall_kit::stderr(),
                stderr: syscall_kit::stderr(),
            }),
            one_cpu: o.one_cpu,
        },
    )
    .map_err(|e| format!("--trace: {shown}: {e}"))?;
    match run.end {
        End::Exited(0) => {}
        End::TimedOut => warnings.push(format!(
            "--trace: {shown} was still running at --timeout and was ended: the image has \
             what it opened until then"
        )),
        end => {
            return Err(PackError(format!(
                "--trace: {shown} {end}: what it did not get to do is not in the trace (make \
                 the run succeed, or give --timeout for a program that does not exit)"
            )));
        }
    }
    for w in &run.warnings {
        warnings.push(format!("--trace: warning: {w}"));
    }
    let command: Vec<String> = argv.iter().map(|a| from_bytes(a.as_bytes())).collect();
    let report = TraceReport::new(&mut HostRoot, command, &run)
        .map_err(|e| format!("--trace: {shown}: cannot read what it used: {e}"))?;
    for e in &report.executed {
        if let Some(m) = e.closure.iter().flat_map(|c| &c.missing).next() {
            return Err(PackError(format!(
                "--trace: {}: its closure lacks {} (needed by {}: {}): the image would not \
                 start it",
                e.path, m.name, m.needed_by, m.reason
            )));
        }
    }
    if !report.executed.iter().any(|e| e.path == program) {
        warnings.push(format!(
            "--trace: {program} was not seen executed (it ran through another path): the \
             image's entrypoint names it there"
        ));
    }
    let plan = plan::plan(&mut HostRoot, &run, &report.executed)
        .map_err(|e| format!("--trace: {shown}: cannot read what it used: {e}"))?;
    for line in &plan.gone {
        warnings.push(format!("--trace: {line}: not in the image"));
    }
    for entry in &plan.entries {
        if let Some(item) = item_of(entry, warnings)? {
            items.push(item);
        }
    }
    Ok(())
}

/// This process's environment with the `--env` values in place of those of the same names.
fn environment(o: &Options) -> Result<Vec<CString>, PackError> {
    let name = |kv: &[u8]| kv.split(|&b| b == b'=').next().unwrap_or(kv).to_vec();
    let given: Vec<Vec<u8>> = o.env.iter().map(|kv| name(kv.as_bytes())).collect();
    let mut env = Vec::new();
    for kv in rt::env() {
        if !given.contains(&name(kv.to_bytes())) {
            env.push(CString::from(kv));
        }
    }
    for kv in &o.env {
        env.push(
            CString::new(kv.as_bytes()).map_err(|_| PackError("--env with a NUL byte".into()))?,
        );
    }
    Ok(env)
}

/// The item of one entry of the plan, or `None` (with a line) for what an image cannot hold.
fn item_of(entry: &Entry, warnings: &mut Vec<String>) -> Result<Option<Item>, PackError> {
    let item = |path: &str, what: What, mode: u32| Item {
        path: to_bytes(path),
        what,
        mode,
        group: Group::Program,
        from: FROM.into(),
    };
    Ok(Some(match entry {
        Entry::Copy(real) => {
            let here = to_bytes(real);
            let st = match fs::lstat(here.as_slice()) {
                Ok(st) => st,
                Err(e) => {
                    warnings.push(format!(
                        "--trace: {real}: there during the run, not now ({e}): not in the image"
                    ));
                    return Ok(None);
                }
            };
            match st.file_type {
                FileType::Regular => file_item(&here, &st, here.clone(), Group::Program, FROM),
                FileType::Directory => item(real, What::Dir, dir_mode(st.permissions)),
                t => {
                    warnings.push(format!(
                        "--trace: {real}: {}: an image holds no devices, FIFOs or sockets: not in the image",
                        special(t)
                    ));
                    return Ok(None);
                }
            }
        }
        Entry::Link { path, target } => item(path, What::Symlink(to_bytes(target)), LINK_MODE),
        Entry::Dir(path) => {
            let here = fs::stat(to_bytes(path).as_slice()).map_or(0o755, |st| st.permissions);
            item(path, What::Dir, dir_mode(here))
        }
    }))
}
