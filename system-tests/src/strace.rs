//! The system calls a program makes, as `strace -f` logs them on this machine or
//! `qemu-ARCH -strace` under emulation: one runner and one reader of the logs, for the system
//! tests, the lab and `cargo xtask measure`.

use std::path::Path;
use std::process::{Command, Output};

use crate::require::require_tool;
use crate::temp::TempDir;

/// `strace -f -qq -o LOG`: a command that traces what is appended to it (the program and its
/// arguments), children included, into `log`, without strace's own attach and exit messages.
pub fn command(log: &Path) -> Command {
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-o"]).arg(log);
    cmd
}

/// Runs `cmd` (from [`command`]) and returns its output and the log it wrote at `log`, which is
/// removed. `Err` names what failed: strace could not be run, or wrote no log.
pub fn run(cmd: &mut Command, log: &Path) -> Result<(Output, String), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let text = std::fs::read_to_string(log).map_err(|e| {
        format!(
            "strace wrote no log {} ({e}; strace {}): {}",
            log.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })?;
    let _ = std::fs::remove_file(log);
    Ok((out, text))
}

/// The calls in a `strace -f -qq` log that the process executing `program` makes after its
/// `execve` of it, one line each with runs of spaces folded (`write(1, "x\n", 2) = 2`): not its
/// parent's, nor strace's `<... resumed>`, `---` (signal) and `+++` (exit) lines. `Err` when that
/// `execve` failed (the program never started; the text names the error) or is not in the log.
pub fn calls_after_execve(log: &str, program: &str) -> Result<Vec<String>, String> {
    let mut lines = log.lines().map(split_pid);
    let marker = format!("execve(\"{program}\"");
    let Some((pid, execve)) = lines.by_ref().find(|(_, call)| call.starts_with(&marker)) else {
        return Err(format!("n/a (no execve of {program} in the strace log)"));
    };
    if let Some((_, result)) = execve.rsplit_once(" = ")
        && result.starts_with("-1")
    {
        let errno = result.split_whitespace().nth(1).unwrap_or("an error");
        return Err(format!("none (execve fails: {errno})"));
    }
    Ok(lines
        .filter(|(p, call)| {
            *p == pid
                && !call.starts_with("<...")
                && !call.starts_with("---")
                && !call.starts_with("+++")
        })
        .map(|(_, call)| call.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect())
}

/// The calls in what `qemu-ARCH -strace` writes on standard error (`PID name(args) = ret`), one
/// line each without the process id.
pub fn qemu_calls(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(|l| split_pid(l).1.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The system call's name in a call line: `write` in `write(1, "x", 1) = 1`.
pub fn name(call: &str) -> &str {
    call.split_once('(').map_or(call, |(name, _)| name)
}

/// `PID rest` as strace -f and qemu write each line (strace leaves the PID out while only one
/// process is traced): the PID (0 when missing) and the rest, trimmed at the start.
fn split_pid(line: &str) -> (u32, &str) {
    let line = line.trim_start();
    match line.split_once(' ') {
        Some((pid, rest)) if pid.parse::<u32>().is_ok() => {
            (pid.parse().unwrap_or(0), rest.trim_start())
        }
        _ => (0, line),
    }
}

/// Runs `program args` under `strace -f` and returns its output and the system calls it made
/// after its `execve` ([`calls_after_execve`]). `None` when strace is missing outside CI (the
/// test is skipped; see [`require_tool`]).
pub fn strace(program: &Path, args: &[&str]) -> Option<(Output, Vec<String>)> {
    if !require_tool("strace", "strace") {
        return None;
    }
    let dir = TempDir::new("strace");
    let log = dir.path().join("log");
    let (out, text) = run(command(&log).arg(program).args(args), &log).unwrap();
    let calls = calls_after_execve(&text, &program.to_string_lossy())
        .unwrap_or_else(|e| panic!("{e}:\n{text}"));
    Some((out, calls))
}

#[cfg(test)]
mod tests {
    use super::{calls_after_execve, name, qemu_calls};

    const ROOT_LOG: &str = r#"100 execve("/usr/bin/unshare", ["unshare"], 0x7ffd /* 20 vars */) = 0
100 brk(NULL) = 0x5555
100 clone(child_stack=NULL, flags=SIGCHLD) = 101
100 wait4(-1,  <unfinished ...>
101 execve("/hello", ["/hello"], 0x7ffd /* 20 vars */) = 0
101 write(1, "Hello, world!\n", 14 <unfinished ...>
100 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 101
101 <... write resumed>) = 14
101 exit_group(0)     = ?
100 --- SIGCHLD {si_signo=SIGCHLD} ---
100 exit_group(0) = ?
"#;

    #[test]
    fn only_the_program_after_its_execve_with_spaces_folded() {
        let calls = calls_after_execve(ROOT_LOG, "/hello").unwrap();
        assert_eq!(
            calls,
            [
                r#"write(1, "Hello, world!\n", 14 <unfinished ...>"#,
                "exit_group(0) = ?"
            ]
        );
        assert_eq!(
            calls.iter().map(|c| name(c)).collect::<Vec<_>>(),
            ["write", "exit_group"]
        );
    }

    #[test]
    fn a_failed_execve_means_the_program_never_started() {
        let log = "7 execve(\"/hello\", [\"/hello\"], 0x1 /* 1 var */) = -1 ENOENT (No such file or directory)\n7 exit_group(127) = ?\n";
        assert_eq!(
            calls_after_execve(log, "/hello"),
            Err("none (execve fails: ENOENT)".to_string())
        );
    }

    #[test]
    fn a_log_without_pids_is_one_process() {
        let log = "execve(\"/b\", [\"/b\"], 0x1 /* 1 var */) = 0\nwrite(1, \"x\", 1) = 1\nexit_group(0) = ?\n";
        assert_eq!(
            calls_after_execve(log, "/b").unwrap(),
            ["write(1, \"x\", 1) = 1", "exit_group(0) = ?"]
        );
        assert!(calls_after_execve(log, "/other").is_err());
    }

    #[test]
    fn qemu_lines_lose_their_pid() {
        let stderr = "4242 write(1,0x10078,14) = 14\n4242 exit_group(0)\n";
        assert_eq!(
            qemu_calls(stderr),
            ["write(1,0x10078,14) = 14", "exit_group(0)"]
        );
    }
}
