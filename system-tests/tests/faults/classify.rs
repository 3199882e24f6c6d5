//! How a run with a fault compares with the fault-free run of the same case.

use crate::cases::{Case, Style};
use crate::run::{Ended, Outcome};

/// The class of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Class {
    /// The same status, output, messages and files as without the fault.
    Recovery,
    /// A non-zero status (not a panic's 101), one new line on standard error naming the
    /// problem (`PROGRAM: …`), and on standard output nothing the fault-free run did not print.
    CleanError,
    /// Exit 0, but not what the fault-free run did: a silent wrong answer.
    WrongSuccess(String),
    /// A non-zero status without a clean message, or with output the fault-free run did not
    /// print.
    UncleanError(String),
    /// A panic: exit 101 or `panicked at` on standard error.
    Panic,
    /// Killed by a signal.
    Crash(i32),
    /// Still running at the deadline.
    Hang,
}

impl Class {
    /// Whether it is a defect.
    pub fn is_defect(&self) -> bool {
        !matches!(self, Class::Recovery | Class::CleanError)
    }

    /// The class's name in the report.
    pub fn name(&self) -> &'static str {
        match self {
            Class::Recovery => "clean recovery",
            Class::CleanError => "clean error",
            Class::WrongSuccess(_) => "wrong success",
            Class::UncleanError(_) => "unclean error",
            Class::Panic => "panic",
            Class::Crash(_) => "crash by signal",
            Class::Hang => "hang",
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Class::WrongSuccess(why) | Class::UncleanError(why) => {
                write!(f, "{}: {why}", self.name())
            }
            Class::Crash(sig) => write!(f, "crash by signal {sig}"),
            _ => f.write_str(self.name()),
        }
    }
}

/// The calls that write standard error themselves: a fault injected into one may leave no
/// message at all, which is then not a defect.
const WRITES: [&str; 3] = ["write", "writev", "pwrite64"];

/// The lines of standard output that are compared: for the self-test, without the `heap: …`
/// line, which varies from run to run.
pub fn compared_stdout(case: &Case, stdout: &[u8]) -> Vec<u8> {
    match case.style {
        Style::Tool | Style::Json => stdout.to_vec(),
        Style::SelfTest => String::from_utf8_lossy(stdout)
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("heap: "))
            .collect::<String>()
            .into_bytes(),
    }
}

/// The lines of `run` not in `base`, each line of `base` matching at most once.
fn new_lines<'a>(base: &str, run: &'a str) -> Vec<&'a str> {
    let mut left: Vec<&str> = base.lines().collect();
    run.lines()
        .filter(|l| match left.iter().position(|b| b == l) {
            Some(i) => {
                left.remove(i);
                false
            }
            None => true,
        })
        .collect()
}

/// The class of `run`, made with a fault injected into `syscall`, against `base`, the
/// fault-free run of `case`.
pub fn classify(case: &Case, syscall: &str, base: &Outcome, run: &Outcome) -> Class {
    let code = match run.ended {
        Ended::Hang => return Class::Hang,
        Ended::Signal(sig) => return Class::Crash(sig),
        Ended::Exit(code) => code,
    };
    // The kit's documented report of an allocation the kernel refused: one line, status 101.
    if code == OUT_OF_MEMORY_STATUS
        && base_prefix_ok(case, base, run)
        && is_out_of_memory_line(case, &new_lines(&base.stderr, &run.stderr))
    {
        return Class::CleanError;
    }
    // The self-test's children panic on purpose, and their messages reach its standard error
    // when the fault is in the plumbing that captures them; its own status tells.
    if code == 101 || (case.style == Style::Tool && run.stderr.contains("panicked at")) {
        return Class::Panic;
    }
    let (out, base_out) = (
        compared_stdout(case, &run.stdout),
        compared_stdout(case, &base.stdout),
    );
    let same = out == base_out && run.files == base.files;
    if Ended::Exit(code) == base.ended && same && run.stderr == base.stderr {
        return Class::Recovery;
    }
    if code == 0 {
        return Class::WrongSuccess(if out != base_out {
            "different output".into()
        } else if run.files != base.files {
            "different files".into()
        } else if base.ended != Ended::Exit(0) {
            format!("the fault-free run ended with {}", base.ended)
        } else {
            format!("a message on standard error: {}", run.stderr.trim_end())
        });
    }
    let new = new_lines(&base.stderr, &run.stderr);
    // A message of the fault-free run may be replaced by one naming the new error (the same
    // input, failing differently): one new line, plus one for each that is gone.
    let gone = new_lines(&run.stderr, &base.stderr).len();
    let prefix = format!("{}: ", case.program);
    // A fault in write(2) may hit the message itself: none, or a part of it, is then written.
    let writes = WRITES.contains(&syscall);
    let message_ok = match new.len() {
        0 => writes,
        n => n <= 1 + gone && (writes || new.iter().all(|l| l.starts_with(&prefix))),
    };
    let output_ok = base_out.starts_with(&out)
        || (case.style == Style::Json && json_errors_only(&base_out, &out));
    let self_test_report = case.style == Style::SelfTest && code == 1 && self_test_failed(&out);
    if self_test_report || (message_ok && output_ok) {
        return Class::CleanError;
    }
    Class::UncleanError(if !message_ok {
        match new.len() {
            0 => "no message on standard error".into(),
            n if n <= 1 + gone => format!("a message without `{prefix}`: {}", new.join(" / ")),
            n => format!("{n} new lines on standard error: {}", new.join(" / ")),
        }
    } else {
        "standard output holds what the fault-free run did not print".into()
    })
}

/// The status of a program of the kit that ran out of memory (`syscall_kit::rt::panic::
/// OUT_OF_MEMORY_EXIT_STATUS`: that of a panic, documented there).
const OUT_OF_MEMORY_STATUS: i32 = 101;

/// Whether `new` is the one line `PROGRAM: out of memory (N bytes)`.
fn is_out_of_memory_line(case: &Case, new: &[&str]) -> bool {
    let Some(rest) = new
        .first()
        .filter(|_| new.len() == 1)
        .and_then(|l| l.strip_prefix(case.program))
        .and_then(|l| l.strip_prefix(": out of memory ("))
        .and_then(|l| l.strip_suffix(" bytes)"))
    else {
        return false;
    };
    rest.parse::<u64>().is_ok()
}

/// Whether the standard output of `run` holds nothing the fault-free run did not print.
fn base_prefix_ok(case: &Case, base: &Outcome, run: &Outcome) -> bool {
    compared_stdout(case, &base.stdout).starts_with(&compared_stdout(case, &run.stdout))
}

/// Whether every line of `out` that `base` does not have is a JSON object with an `"error"`
/// member (the `--json` report of a file that could not be read).
fn json_errors_only(base: &[u8], out: &[u8]) -> bool {
    let (base, out) = (String::from_utf8_lossy(base), String::from_utf8_lossy(out));
    new_lines(&base, &out)
        .iter()
        .all(|l| l.starts_with('{') && l.ends_with('}') && l.contains("\"error\":"))
}

/// Whether `stdout` is the self-test's report of a failure: `FAIL …` lines and a summary
/// `N passed, M failed` with `M` > 0.
fn self_test_failed(stdout: &[u8]) -> bool {
    let text = String::from_utf8_lossy(stdout);
    let summary = text.lines().last().and_then(|l| l.strip_suffix(" failed"));
    let failed = summary
        .and_then(|s| s.rsplit_once(", "))
        .and_then(|(_, m)| m.parse::<u32>().ok());
    text.lines().any(|l| l.starts_with("FAIL ")) && failed.is_some_and(|m| m > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::CASES;

    fn outcome(ended: Ended, stdout: &str, stderr: &str) -> Outcome {
        Outcome {
            ended,
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.into(),
            files: String::new(),
        }
    }

    fn hello() -> &'static Case {
        &CASES[0]
    }

    #[test]
    fn each_class_is_told_apart() {
        let base = outcome(Ended::Exit(0), "Hello, world!\n", "");
        let cases = [
            (
                outcome(Ended::Exit(0), "Hello, world!\n", ""),
                "write",
                Class::Recovery,
            ),
            (
                outcome(Ended::Exit(1), "", "hello-nostd: stdout: EIO\n"),
                "write",
                Class::CleanError,
            ),
            (outcome(Ended::Exit(1), "", ""), "write", Class::CleanError),
            (
                outcome(Ended::Exit(1), "", ""),
                "brk",
                Class::UncleanError("no message on standard error".into()),
            ),
            (
                outcome(Ended::Exit(0), "Hello\n", ""),
                "write",
                Class::WrongSuccess("different output".into()),
            ),
            (
                outcome(Ended::Exit(2), "other\n", "hello-nostd: x\n"),
                "write",
                Class::UncleanError(
                    "standard output holds what the fault-free run did not print".into(),
                ),
            ),
            (
                outcome(Ended::Exit(1), "", "a\nb\n"),
                "write",
                Class::UncleanError("2 new lines on standard error: a / b".into()),
            ),
            (
                outcome(Ended::Exit(101), "", "boom\n"),
                "write",
                Class::Panic,
            ),
            (
                outcome(Ended::Exit(2), "", "panicked at x.rs:1:1:\n"),
                "write",
                Class::Panic,
            ),
            (
                outcome(Ended::Signal(11), "", ""),
                "write",
                Class::Crash(11),
            ),
            (outcome(Ended::Hang, "", ""), "write", Class::Hang),
        ];
        for (run, call, want) in cases {
            assert_eq!(classify(hello(), call, &base, &run), want, "{run:?}");
        }
    }

    #[test]
    fn a_fault_free_error_repeated_is_a_recovery_and_a_new_one_beside_it_a_clean_error() {
        let case = CASES
            .iter()
            .find(|c| c.args == ["in.txt", "missing"])
            .unwrap();
        let base = outcome(Ended::Exit(1), "data", "cat-nostd: missing: ENOENT\n");
        let same = outcome(Ended::Exit(1), "data", "cat-nostd: missing: ENOENT\n");
        assert_eq!(classify(case, "read", &base, &same), Class::Recovery);
        let more = outcome(
            Ended::Exit(1),
            "da",
            "cat-nostd: in.txt: EIO\ncat-nostd: missing: ENOENT\n",
        );
        assert_eq!(classify(case, "read", &base, &more), Class::CleanError);
        let zero = outcome(Ended::Exit(0), "data", "");
        assert!(matches!(
            classify(case, "read", &base, &zero),
            Class::WrongSuccess(_)
        ));
    }

    #[test]
    fn the_self_test_reports_a_failure_on_standard_output() {
        let case = CASES.iter().find(|c| c.style == Style::SelfTest).unwrap();
        let base = outcome(
            Ended::Exit(0),
            "ok a\nok b\nheap: 1 of 2 bytes in use at the end\n2 passed, 0 failed\n",
            "",
        );
        let varied = outcome(
            Ended::Exit(0),
            "ok a\nok b\nheap: 3 of 4 bytes in use at the end\n2 passed, 0 failed\n",
            "",
        );
        assert_eq!(classify(case, "brk", &base, &varied), Class::Recovery);
        let failed = outcome(
            Ended::Exit(1),
            "ok a\nFAIL b: EIO\nheap: 3 of 4 bytes in use at the end\n1 passed, 1 failed\n",
            "",
        );
        assert_eq!(classify(case, "read", &base, &failed), Class::CleanError);
        let silent = outcome(Ended::Exit(1), "ok a\nok b\n", "");
        assert!(matches!(
            classify(case, "read", &base, &silent),
            Class::UncleanError(_)
        ));
    }
}
