//! `--trace [--timeout DURATION] [--copy-closure DIR [--force] [--check]] [--json] -- COMMAND
//! [ARGS...]`: the command run under the tracer of the library (`scratch_doctor::trace`); with
//! `--copy-closure` what it found copied ([`super::copy::copy_plan`]); with `--check` the
//! command run again in an empty root made of the copy (`scratch_doctor::check::run_in`) and
//! the two runs compared. The report comes after the command's own output.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use scratch_doctor::check::{self, Captured, Outcome, Status};
use scratch_doctor::file_report::error_json;
use scratch_doctor::paths;
use scratch_doctor::trace::report::{TraceReport, Works};
use scratch_doctor::trace::{self, End, Stdio, plan};
use syscall_kit::fs::{self, MemfdFlags, Mode, OFlags};
use syscall_kit::io::{self, write_all};
use syscall_kit::{AsFd, Errno, OwnedFd, rt};
use syscall_kit::{try_eprintln, try_print, try_println};

use super::args::Options;
use super::copy;
use super::host_root::HostRoot;
use super::run_in::DEFAULT_TIMEOUT;

/// Exit statuses, as the program's: 0 the command exited 0 with every closure complete (and,
/// with `--check`, did the same in the copy), 1 it did not, 2 the tracer could not trace it (or
/// a copy, or the second run of `--check`, failed).
const ALL_GOOD: i32 = 0;
const NOT_GOOD: i32 = 1;
const FAILED: i32 = 2;

/// One line on standard error, `scratch-doctor: …` (its own write error ignored: the status
/// tells).
fn warn(line: &str) {
    let _ = try_eprintln!("scratch-doctor: {line}");
}

/// Runs `--trace`; `Err` only when standard output cannot be written.
pub fn main(options: &Options) -> Result<i32, Errno> {
    let argv = rt::arg_table().skip(options.command_at);
    let Some(file) = argv.get(0) else {
        warn("--trace needs a COMMAND to run (see --help)");
        return Ok(FAILED);
    };
    let command: Vec<String> = options
        .command
        .iter()
        .map(|c| paths::from_bytes(c.to_bytes()))
        .collect();
    let shown = command.join(" ");
    let capture = if options.check {
        match Capture::new() {
            Ok(c) => Some(c),
            Err(e) => {
                warn(&format!(
                    "{shown}: cannot capture its output for --check: {e}"
                ));
                return Ok(FAILED);
            }
        }
    } else {
        None
    };
    let run = trace::run(
        file,
        argv,
        rt::env_table(),
        &trace::Options {
            timeout: options.timeout,
            stdio: capture.as_ref().map(Capture::stdio),
            one_cpu: options.one_cpu,
        },
    );
    // What the command wrote, shown as it would have been without --check.
    let streams = capture.as_ref().map(Capture::show).transpose()?;
    let traced = match run {
        Ok(t) => t,
        Err(e) => {
            warn(&format!("{shown}: {e}"));
            if options.json {
                try_println!("{}", error_json(&shown, &e.0))?;
            }
            return Ok(FAILED);
        }
    };
    if let End::Interrupted(sig) = traced.end {
        warn(&format!(
            "{shown}: stopped by signal {sig}: every traced process was killed"
        ));
        if options.json {
            try_println!(
                "{}",
                error_json(&shown, &format!("stopped by signal {sig}"))
            )?;
        }
        return Ok(FAILED);
    }
    if traced.end == End::TimedOut
        && let Some(t) = options.timeout
    {
        warn(&format!(
            "{shown}: still running after {}: every traced process was killed (--timeout); \
             the report has what it did until then",
            duration_text(t)
        ));
    }
    let mut report = match TraceReport::new(&mut HostRoot, command, &traced) {
        Ok(r) => r,
        Err(e) => {
            let problem = format!("cannot read what it used: {e}");
            warn(&format!("{shown}: {problem}"));
            if options.json {
                try_println!("{}", error_json(&shown, &problem))?;
            }
            return Ok(FAILED);
        }
    };
    let mut failed = false;
    if let Some(dir) = options.copy_to {
        let plan = match plan::plan(&mut HostRoot, &traced, &report.executed) {
            Ok(plan) => plan,
            Err(e) => {
                warn(&format!("{shown}: cannot copy what it used: {e}"));
                return Ok(FAILED);
            }
        };
        let shown_dir = paths::from_bytes(dir.to_bytes());
        for line in &plan.gone {
            warn(&format!("{line}: not copied"));
        }
        match copy::copy_plan(&plan, dir, options.force) {
            Ok((made, notes)) => {
                for note in &notes {
                    warn(note);
                }
                warn(&format!(
                    "{shown}: made {} files, directories and links in {shown_dir}",
                    made.len()
                ));
            }
            Err(problems) => {
                for p in &problems {
                    warn(p);
                }
                failed = true;
            }
        }
        if let Some((stdout, stderr)) = streams
            && !failed
        {
            let here = Outcome {
                status: status_of(traced.end, options.timeout),
                stdout,
                stderr,
            };
            match run_again(dir, options, options.timeout.unwrap_or(DEFAULT_TIMEOUT)) {
                Ok(there) => {
                    let works = match check::first_difference(&here, &there) {
                        None => Works::Yes,
                        Some(d) => Works::No(d),
                    };
                    report.works = Some(works);
                }
                Err(e) => {
                    warn(&format!(
                        "{shown}: cannot run it again in the empty root of {shown_dir}: {e}"
                    ));
                    failed = true;
                }
            }
        }
    }
    if options.json {
        try_println!("{}", report.json())?;
    } else {
        try_print!("{}", report.text())?;
    }
    Ok(if failed {
        FAILED
    } else if report.all_good() {
        ALL_GOOD
    } else {
        NOT_GOOD
    })
}

/// The traced run's end as [`check::Status`] (an interrupted run has no outcome: it is an
/// error before this).
fn status_of(end: End, timeout: Option<Duration>) -> Status {
    match end {
        End::Exited(code) => Status::Exited(code),
        End::Killed(sig) | End::Interrupted(sig) => Status::Killed(sig),
        End::TimedOut => Status::TimedOut(timeout.unwrap_or_default()),
    }
}

/// The command again, with the same arguments and environment, in the empty root made of
/// `dir`, in this working directory (made there when the copy has none), with `timeout`.
fn run_again(
    dir: &core::ffi::CStr,
    options: &Options,
    timeout: Duration,
) -> Result<Outcome, String> {
    let mut buf = [0u8; syscall_kit::PATH_MAX];
    let cwd =
        fs::getcwd(&mut buf).map_err(|e| format!("cannot read the current directory: {e}"))?;
    let how = check::Options {
        cwd,
        hostname: check::DEFAULT_HOSTNAME,
        timeout: Some(timeout),
    };
    let argv = rt::arg_table().skip(options.command_at);
    check::run_in(dir, argv, rt::env_table(), &how).map_err(|e| e.0)
}

/// `--check`'s capture of the traced run: standard input from `/dev/null` (as in the empty
/// root), standard output and error into files in memory (`memfd_create(2)`), which the tracer
/// need not drain while it waits.
struct Capture {
    null: OwnedFd,
    stdout: OwnedFd,
    stderr: OwnedFd,
}

impl Capture {
    fn new() -> Result<Capture, Errno> {
        Ok(Capture {
            null: fs::open(
                c"/dev/null",
                OFlags::RDONLY | OFlags::CLOEXEC,
                Mode::empty(),
            )?,
            stdout: fs::memfd_create(c"stdout", MemfdFlags::CLOEXEC)?,
            stderr: fs::memfd_create(c"stderr", MemfdFlags::CLOEXEC)?,
        })
    }

    /// The descriptors the command gets.
    fn stdio(&self) -> Stdio<'_> {
        Stdio {
            stdin: self.null.as_fd(),
            stdout: self.stdout.as_fd(),
            stderr: self.stderr.as_fd(),
        }
    }

    /// Writes what the command wrote to this process's standard output and error, all of it,
    /// and returns the first [`check::OUTPUT_LIMIT`] bytes of each with their totals. `Err` is
    /// a failed write (or read of the capture: an output error all the same).
    fn show(&self) -> Result<(Captured, Captured), Errno> {
        Ok((
            replay(&self.stdout, syscall_kit::stdout())?,
            replay(&self.stderr, syscall_kit::stderr())?,
        ))
    }
}

/// Copies the file `from` (from its start) to `to`, keeping its first
/// [`check::OUTPUT_LIMIT`] bytes.
fn replay(from: &OwnedFd, to: impl AsFd + Copy) -> Result<Captured, Errno> {
    let mut captured = Captured::default();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match io::pread(from, &mut buf, captured.total) {
            Ok(0) => return Ok(captured),
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        };
        let got = buf.get(..n).unwrap_or_default();
        write_all(to, got)?;
        let room = check::OUTPUT_LIMIT.saturating_sub(captured.bytes.len());
        captured
            .bytes
            .extend_from_slice(got.get(..room.min(n)).unwrap_or_default());
        captured.total += n as u64;
    }
}

/// `t` as `--timeout` takes it: `500ms`, `30s`.
fn duration_text(t: Duration) -> String {
    if t.subsec_millis() != 0 {
        format!("{}ms", t.as_millis())
    } else {
        format!("{}s", t.as_secs())
    }
}
