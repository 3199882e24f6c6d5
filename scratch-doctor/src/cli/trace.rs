//! `--trace [--timeout DURATION] [--copy-closure DIR [--force]] [--json] -- COMMAND [ARGS...]`:
//! the command run under the tracer of the library (`scratch_doctor::trace`), its report
//! printed after its own output, and with `--copy-closure` what it found copied
//! ([`super::copy::copy_plan`]).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use scratch_doctor::file_report::error_json;
use scratch_doctor::paths;
use scratch_doctor::trace::report::TraceReport;
use scratch_doctor::trace::{self, End, plan};
use syscall_kit::rt;
use syscall_kit::{Errno, try_eprintln, try_print, try_println};

use super::args::Options;
use super::copy;
use super::host_root::HostRoot;

/// Exit statuses, as the program's: 0 the command exited 0 with every closure complete, 1 it
/// did not, 2 the tracer could not trace it (or a copy failed).
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
    let run = trace::run(
        file,
        argv,
        rt::env_table(),
        &trace::Options {
            timeout: options.timeout,
        },
    );
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
    let report = match TraceReport::new(&mut HostRoot, command, &traced) {
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
    if options.json {
        try_println!("{}", report.json())?;
    } else {
        try_print!("{}", report.text())?;
    }
    let mut status = if report.all_good() {
        ALL_GOOD
    } else {
        NOT_GOOD
    };
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
                status = FAILED;
            }
        }
    }
    Ok(status)
}

/// `t` as `--timeout` takes it: `500ms`, `30s`.
fn duration_text(t: core::time::Duration) -> String {
    if t.subsec_millis() != 0 {
        format!("{}ms", t.as_millis())
    } else {
        format!("{}s", t.as_secs())
    }
}
