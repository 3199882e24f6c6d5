//! [`first_difference`] and [`verdict`]: two [`Outcome`]s of one command, on this machine and in
//! the empty root, compared as a user would: the exit status, then standard output, then
//! standard error, each line by line; the first difference is one line.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Captured, Outcome, Status};

/// How many characters of a line a difference shows.
const SHOWN: usize = 80;

/// `status` in words: `exit status 3`, `killed by signal 11 (SIGSEGV)`, `not started
/// (execve: ENOENT: …)`, `still running after 10 s (killed)`.
pub fn status_text(status: &Status) -> String {
    match status {
        Status::Exited(code) => format!("exit status {code}"),
        Status::Killed(sig) => match signal_name(*sig) {
            Some(name) => format!("killed by signal {sig} ({name})"),
            None => format!("killed by signal {sig}"),
        },
        Status::NotStarted(e) => format!("not started (execve: {e})"),
        Status::TimedOut(limit) => format!(
            "still running after {} s (killed at the time limit)",
            limit.as_secs_f64()
        ),
    }
}

/// The usual name of signal `sig`.
fn signal_name(sig: i32) -> Option<&'static str> {
    const NAMES: [&str; 31] = [
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    usize::try_from(sig)
        .ok()
        .and_then(|s| s.checked_sub(1))
        .and_then(|i| NAMES.get(i).copied())
}

/// A line as a difference shows it: escaped like a Rust string (`\t`, `\u{1b}`, bytes that
/// are not UTF-8 as the replacement character), cut at [`SHOWN`] characters.
fn shown(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let mut out: String = text
        .chars()
        .take(SHOWN)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().count() > SHOWN {
        out.push('…');
    }
    format!("`{out}`")
}

/// The lines of `bytes`, each with its newline (the last may have none).
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// Where a stream of `lines` lines ends, in words.
fn ends(lines: usize) -> String {
    match lines {
        0 => "it is empty".into(),
        1 => "it ends after 1 line".into(),
        n => format!("it ends after {n} lines"),
    }
}

/// The first difference of two captures of the stream `what`, or `None`.
fn stream_difference(what: &str, here: &Captured, there: &Captured) -> Option<String> {
    if here == there {
        return None;
    }
    let (a, b) = (lines(&here.bytes), lines(&there.bytes));
    let text = |line: &[u8]| shown(line.strip_suffix(b"\n").unwrap_or(line));
    let same = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let n = same + 1;
    Some(match (a.get(same), b.get(same)) {
        (Some(x), Some(y)) if text(x) == text(y) => {
            let (with, without) = if x.ends_with(b"\n") {
                ("on this machine", "in the empty root")
            } else {
                ("in the empty root", "on this machine")
            };
            format!(
                "{what}, line {n}: {} ends with a newline {with}, not {without}",
                text(x)
            )
        }
        (Some(x), Some(y)) => format!(
            "{what}, line {n}: {} on this machine, {} in the empty root",
            text(x),
            text(y)
        ),
        (Some(x), None) => format!(
            "{what}, line {n}: {} on this machine, nothing in the empty root ({})",
            text(x),
            ends(same)
        ),
        (None, Some(y)) => format!(
            "{what}, line {n}: nothing on this machine ({}), {} in the empty root",
            ends(same),
            text(y)
        ),
        // The bytes kept are the same: only what was dropped past the limit differs.
        (None, None) => format!(
            "{what}: {} bytes on this machine, {} in the empty root",
            here.total, there.total
        ),
    })
}

/// The first difference between `here` (the command on this machine) and `there` (the same
/// command in the empty root), in one line: the exit status, then standard output, then
/// standard error, the first line that differs shown from both; `None` when they are the same.
pub fn first_difference(here: &Outcome, there: &Outcome) -> Option<String> {
    if here.status != there.status {
        return Some(format!(
            "{} on this machine, {} in the empty root",
            status_text(&here.status),
            status_text(&there.status)
        ));
    }
    stream_difference("standard output", &here.stdout, &there.stdout)
        .or_else(|| stream_difference("standard error", &here.stderr, &there.stderr))
}

/// The verdict line: `works in FROM scratch: yes` when the two outcomes are the same, else
/// `works in FROM scratch: no: ` and the first difference.
pub fn verdict(here: &Outcome, there: &Outcome) -> String {
    verdict_line(first_difference(here, there).as_deref())
}

/// The verdict line of [`verdict`] for a first `difference` already found (`None`: the same).
pub fn verdict_line(difference: Option<&str>) -> String {
    match difference {
        None => "works in FROM scratch: yes".into(),
        Some(d) => format!("works in FROM scratch: no: {d}"),
    }
}
