//! `--run-in DIR -- COMMAND [ARG...]`: COMMAND run in the empty root made of `DIR`
//! (`scratch_doctor::check::run_in`), with the doctor's environment, in `/`; its standard output
//! and error printed as they were, then its status on standard error, in a line of its own:
//! `scratch-doctor: in the empty root of DIR: exit status 0`.

use core::ffi::CStr;
use core::time::Duration;

use scratch_doctor::check::{self, Options, Status, status_text};
use syscall_kit::io::write_all;
use syscall_kit::{Errno, stderr, stdout};

use super::args;
use crate::{NAME, USAGE_OR_INPUT};

/// The time limit when `--timeout` is not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `--run-in DIR`; the doctor's exit status: 0 the command exited with 0, 1 it ended
/// otherwise (or did not start), 2 the root could not be made. `Err` is a failed write of
/// standard output or standard error, which both carry what was asked for.
pub fn main(dir: &'static CStr, o: &args::Options) -> Result<i32, Errno> {
    let shown = scratch_doctor::paths::from_bytes(dir.to_bytes());
    let options = Options {
        cwd: c"/",
        hostname: check::DEFAULT_HOSTNAME,
        timeout: Some(o.timeout.unwrap_or(DEFAULT_TIMEOUT)),
    };
    let outcome = match check::run_in(dir, &o.files[..], syscall_kit::rt::env_table(), &options) {
        Ok(outcome) => outcome,
        Err(e) => {
            let _ = syscall_kit::try_eprintln!("{NAME}: {e}");
            return Ok(USAGE_OR_INPUT);
        }
    };
    // Both streams and the status line are what --run-in was asked for: a failed write of
    // either is an output error (one line, status 2), as for the doctor's reports.
    write_all(stdout(), &outcome.stdout.bytes)?;
    let err = &outcome.stderr.bytes;
    write_all(stderr(), err)?;
    // The status on a line of its own: a command whose last line has no newline gets one.
    if !err.is_empty() && !err.ends_with(b"\n") {
        write_all(stderr(), b"\n")?;
    }
    for (what, c) in [
        ("standard output", &outcome.stdout),
        ("standard error", &outcome.stderr),
    ] {
        if c.total > c.bytes.len() as u64 {
            syscall_kit::try_eprintln!(
                "{NAME}: in the empty root of {shown}: its {what} held {} bytes: the first {} are shown",
                c.total,
                c.bytes.len()
            )?;
        }
    }
    syscall_kit::try_eprintln!(
        "{NAME}: in the empty root of {shown}: {}",
        status_text(&outcome.status)
    )?;
    Ok(match outcome.status {
        Status::Exited(0) => 0,
        _ => 1,
    })
}
