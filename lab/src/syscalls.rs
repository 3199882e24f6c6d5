//! The system calls a program makes from its start (its `execve`) to its exit, as `strace -f`
//! logs them: on this machine, or in its root by tracing the `unshare` that starts it there.
//! The runner and the log's reader are system-tests' (`system_tests::strace`), shared with the
//! tests and `cargo xtask measure`.

use std::path::Path;
use std::process::{Command, Stdio};

use system_tests::strace;

use crate::report::Figure;
use crate::tools::namespaces;
use crate::workspace::clean_env;

/// Traces `program` run directly on this machine.
pub fn on_host(program: &Path, work: &Path) -> Result<Figure<Vec<String>>, String> {
    let log = work.join("strace-host.log");
    let mut cmd = strace::command(&log);
    clean_env(&mut cmd).arg(program);
    trace(cmd, &log, &program.to_string_lossy())
}

/// Traces `/hello` run in `root` (`unshare … --root=ROOT /hello`); only the calls of the process
/// that executes `/hello`, after that `execve`, are counted, not those of `unshare`.
pub fn in_root(root: &Path, work: &Path) -> Result<Figure<Vec<String>>, String> {
    let log = work.join("strace-root.log");
    let mut cmd = strace::command(&log);
    clean_env(&mut cmd)
        .arg("unshare")
        .args(namespaces())
        .arg(format!("--root={}", root.display()))
        .arg("/hello");
    trace(cmd, &log, "/hello")
}

/// Runs the strace command `cmd` and reads the calls of `program` from `log`.
fn trace(mut cmd: Command, log: &Path, program: &str) -> Result<Figure<Vec<String>>, String> {
    let (_, text) = strace::run(cmd.stdin(Stdio::null()), log)?;
    Ok(calls_after_execve(&text, program))
}

/// The names of the system calls in a `strace -f -qq` log that the process executing `program`
/// makes after its `execve` of it (the reader is system-tests' [`strace::calls_after_execve`]).
/// `Err` when that `execve` failed (the program never started; the text names the error) or is
/// not in the log.
pub fn calls_after_execve(log: &str, program: &str) -> Figure<Vec<String>> {
    strace::calls_after_execve(log, program)
        .map(|calls| calls.iter().map(|c| strace::name(c).to_string()).collect())
}

/// `count: name, name×3, …` for short lists (up to `max_listed` calls), else the count alone.
pub fn summary(calls: &[String], max_listed: usize) -> String {
    if calls.len() > max_listed || calls.is_empty() {
        return calls.len().to_string();
    }
    let mut runs: Vec<(String, usize)> = Vec::new();
    for c in calls {
        match runs.last_mut() {
            Some((name, n)) if name == c => *n += 1,
            _ => runs.push((c.clone(), 1)),
        }
    }
    let list: Vec<String> = runs
        .into_iter()
        .map(|(name, n)| {
            if n == 1 {
                format!("`{name}`")
            } else {
                format!("`{name}`×{n}")
            }
        })
        .collect();
    format!("{}: {}", calls.len(), list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::{calls_after_execve, summary};

    // The reading of the log (which process, after which execve) is tested with system-tests'
    // strace module; here, that the lab keeps the names, and the reader's errors.
    #[test]
    fn the_calls_of_the_program_by_name() {
        let log = "9 execve(\"/sbin/unshare\", [\"unshare\"], 0x1 /* 1 var */) = 0\n\
                   10 execve(\"/hello\", [\"/hello\"], 0x1 /* 1 var */) = 0\n\
                   10 write(1, \"Hello, world!\\n\", 14) = 14\n\
                   10 exit_group(0) = ?\n";
        assert_eq!(
            calls_after_execve(log, "/hello").unwrap(),
            ["write", "exit_group"]
        );
        assert_eq!(
            calls_after_execve(log, "/other"),
            Err("n/a (no execve of /other in the strace log)".to_string())
        );
    }

    #[test]
    fn summary_lists_short_runs_and_counts_long_ones() {
        let calls: Vec<String> = ["brk", "brk", "write", "exit_group"]
            .map(String::from)
            .to_vec();
        assert_eq!(summary(&calls, 4), "4: `brk`×2, `write`, `exit_group`");
        assert_eq!(summary(&calls, 3), "4");
    }
}
