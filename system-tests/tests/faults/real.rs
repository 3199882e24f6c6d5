//! Real faults beside the injected ones: what a user's machine does to a program, each with the
//! behaviour expected of it. Each is one shell line, run in a fresh directory with `$BIN` the
//! programs' directory; the line is also the command that reproduces it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use system_tests::{TempDir, is_root, require_root};

use crate::cases::quote;
use crate::run::{Ended, run_until};

/// The time a real fault may take before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(120);

/// What a real fault must end in.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// A clean error: a non-zero status (this one, if given; never a panic's 101), one line on
    /// standard error, `PROGRAM: …`, that contains `names` (or no line at all when standard
    /// error is what fails: `silent`), and on standard output nothing that contains `forbid`.
    CleanError {
        /// The exit status, when the program documents one for the case.
        status: Option<i32>,
        /// Text the message contains (`""`: any).
        names: &'static str,
        /// Standard error itself is broken: no message is expected.
        silent: bool,
        /// Text standard output must not contain (`""`: nothing forbidden).
        forbid: &'static str,
    },
    /// The same status, output and messages as the shell line `reference` (the program without
    /// the fault).
    Same(&'static str),
    /// The same status and output as the shell line `reference`, whatever is on standard error
    /// (it is what fails).
    SameOutput(&'static str),
    /// Killed by this signal: the kernel's default action, as for any program.
    Signal(i32),
}

/// One real fault.
pub struct RealFault {
    /// The program that must cope (its messages start with `PROGRAM: `).
    pub program: &'static str,
    /// What is wrong.
    pub fault: &'static str,
    /// The shell line.
    pub script: &'static str,
    /// Needs root (a private mount namespace).
    pub root: bool,
    /// The script leaves the program's exit status in `./status` and its standard error in
    /// `./err` (a pipeline, whose status the shell does not return).
    pub via_files: bool,
    /// What it must end in.
    pub expect: Expect,
}

const fn error(names: &'static str) -> Expect {
    Expect::CleanError {
        status: None,
        names,
        silent: false,
        forbid: "",
    }
}

const fn error_status(status: i32, names: &'static str) -> Expect {
    Expect::CleanError {
        status: Some(status),
        names,
        silent: false,
        forbid: "",
    }
}

const fn silent(status: Option<i32>) -> Expect {
    Expect::CleanError {
        status,
        names: "",
        silent: true,
        forbid: "",
    }
}

const fn fault(
    program: &'static str,
    fault: &'static str,
    script: &'static str,
    expect: Expect,
) -> RealFault {
    RealFault {
        program,
        fault,
        script,
        root: false,
        via_files: false,
        expect,
    }
}

/// Makes `in.txt`, 300000 bytes.
macro_rules! input {
    ($rest:literal) => {
        concat!(
            "yes 'a line of the input file, 32 B' | head -c 300000 > in.txt && ",
            $rest
        )
    };
}

/// Every real fault, in the order of the report.
pub static FAULTS: &[RealFault] = &[
    // Standard output is /dev/full.
    fault(
        "hello-nostd",
        "stdout is /dev/full",
        "exec \"$BIN/hello-nostd\" > /dev/full",
        error_status(1, "ENOSPC"),
    ),
    fault(
        "hello-locked",
        "stdout is /dev/full",
        "exec \"$BIN/hello-locked\" > /dev/full",
        error_status(1, "ENOSPC"),
    ),
    fault(
        "kit-selftest",
        "stdout is /dev/full",
        "exec \"$BIN/kit-selftest\" --println > /dev/full",
        error("ENOSPC"),
    ),
    fault(
        "cat-nostd",
        "stdout is /dev/full",
        input!("exec \"$BIN/cat-nostd\" in.txt > /dev/full"),
        error_status(1, "ENOSPC"),
    ),
    fault(
        "scratch-doctor",
        "stdout is /dev/full",
        "exec \"$BIN/scratch-doctor\" /bin/ls > /dev/full",
        error("ENOSPC"),
    ),
    fault(
        "scratch-doctor",
        "stdout is /dev/full",
        "exec \"$BIN/scratch-doctor\" --json /bin/ls > /dev/full",
        error("ENOSPC"),
    ),
    fault(
        "scratch-doctor",
        "stdout is /dev/full",
        "mkdir root && cp \"$BIN/hello-nostd\" root/hello && exec \"$BIN/scratch-doctor\" --run-in root -- /hello > /dev/full",
        error("ENOSPC"),
    ),
    // Standard error is /dev/full: nothing can be said, the status must still tell.
    fault(
        "scratch-doctor",
        "stderr is /dev/full",
        "exec \"$BIN/scratch-doctor\" /nonexistent 2> /dev/full",
        silent(Some(2)),
    ),
    // The copy is complete, only its note cannot be written: the status of the copy.
    fault(
        "scratch-doctor",
        "stderr is /dev/full",
        "mkdir out && exec \"$BIN/scratch-doctor\" --copy-closure out /bin/ls 2> /dev/full",
        Expect::SameOutput("mkdir out && exec \"$BIN/scratch-doctor\" --copy-closure out /bin/ls"),
    ),
    fault(
        "cat-nostd",
        "stderr is /dev/full",
        "exec \"$BIN/cat-nostd\" missing 2> /dev/full",
        silent(Some(1)),
    ),
    // Closed descriptors: the first file a program opens gets the number.
    fault(
        "hello-nostd",
        "stdout closed",
        "exec \"$BIN/hello-nostd\" >&-",
        error_status(1, "EBADF"),
    ),
    fault(
        "hello-locked",
        "stdout closed",
        "exec \"$BIN/hello-locked\" >&-",
        error_status(1, "EBADF"),
    ),
    fault(
        "kit-selftest",
        "stdout closed",
        "exec \"$BIN/kit-selftest\" --println >&-",
        error("EBADF"),
    ),
    fault(
        "cat-nostd",
        "stdout closed",
        input!("exec \"$BIN/cat-nostd\" in.txt >&-"),
        error_status(1, ""),
    ),
    fault(
        "cat-nostd",
        "stdin closed",
        "exec \"$BIN/cat-nostd\" <&-",
        error_status(1, "EBADF"),
    ),
    fault(
        "scratch-doctor",
        "stdout closed",
        "exec \"$BIN/scratch-doctor\" /bin/ls >&-",
        error("EBADF"),
    ),
    fault(
        "scratch-doctor",
        "stderr closed",
        "exec \"$BIN/scratch-doctor\" /nonexistent 2>&-",
        silent(Some(2)),
    ),
    // A pipe whose reader is gone, SIGPIPE ignored: EPIPE, quietly or in one line. (The output
    // is larger than a pipe's buffer, so the writer meets the closed end whatever the timing;
    // hello-nostd's one line is in least_privilege.rs.)
    RealFault {
        via_files: true,
        ..fault(
            "scratch-doctor",
            "stdout a closed pipe, SIGPIPE ignored",
            "trap '' PIPE; { \"$BIN/scratch-doctor\" --json $(yes /bin/ls | head -n 400) 2> err; echo $? > status; } | head -c1 > /dev/null",
            Expect::CleanError {
                status: None,
                names: "EPIPE",
                silent: true,
                forbid: "",
            },
        )
    },
    RealFault {
        via_files: true,
        ..fault(
            "cat-nostd",
            "stdout a closed pipe, SIGPIPE ignored",
            input!(
                "trap '' PIPE; { \"$BIN/cat-nostd\" in.txt 2> err; echo $? > status; } | head -c1 > /dev/null"
            ),
            error_status(1, "EPIPE"),
        )
    },
    // A full filesystem: a 128 KiB tmpfs in a private mount namespace.
    RealFault {
        root: true,
        ..fault(
            "cat-nostd",
            "full filesystem",
            input!(
                "mkdir m && exec unshare --mount --propagation private sh -c 'mount -t tmpfs -o size=128k tmpfs m && exec \"$BIN/cat-nostd\" in.txt > m/out'"
            ),
            error_status(1, "ENOSPC"),
        )
    },
    RealFault {
        root: true,
        ..fault(
            "scratch-doctor",
            "full filesystem",
            "mkdir m && exec unshare --mount --propagation private sh -c 'mount -t tmpfs -o size=128k tmpfs m && mkdir m/out && exec \"$BIN/scratch-doctor\" --copy-closure m/out /bin/ls'",
            error("ENOSPC"),
        )
    },
    // The file-size limit (ulimit -f): SIGXFSZ ends the program, as any; ignored, EFBIG.
    fault(
        "cat-nostd",
        "file-size limit",
        input!("exec prlimit --fsize=65536 \"$BIN/cat-nostd\" in.txt > out"),
        Expect::Signal(25),
    ),
    fault(
        "cat-nostd",
        "file-size limit, SIGXFSZ ignored",
        input!("trap '' XFSZ; exec prlimit --fsize=65536 \"$BIN/cat-nostd\" in.txt > out"),
        error_status(1, "EFBIG"),
    ),
    fault(
        "scratch-doctor",
        "file-size limit, SIGXFSZ ignored",
        "mkdir out && trap '' XFSZ; exec prlimit --fsize=65536 \"$BIN/scratch-doctor\" --copy-closure out /bin/ls",
        error("EFBIG"),
    ),
    // The address-space limit (ulimit -v).
    fault(
        "kit-selftest",
        "address-space limit",
        "exec prlimit --as=16777216 \"$BIN/kit-selftest\" --alloc-mib 64",
        // The kit's out-of-memory status is a panic's, documented in syscall_kit::rt::panic.
        error_status(101, "out of memory"),
    ),
    fault(
        "scratch-doctor",
        "address-space limit, a 64 MiB file",
        // The closure names the program by its absolute path, in a directory of its own for
        // each run: the report is shown with that directory as `.`, the status kept.
        "cp /bin/ls big && truncate -s 64M big && prlimit --as=16777216 \"$BIN/scratch-doctor\" --closure big > out; s=$?; sed \"s#$PWD#.#g\" out; exit $s",
        // The doctor reads only the headers, the dynamic section and the strings it uses
        // (pread), so a 16 MiB address space answers for a 64 MiB file as without the limit.
        Expect::Same(
            "cp /bin/ls big && truncate -s 64M big && \"$BIN/scratch-doctor\" --closure big > out; s=$?; sed \"s#$PWD#.#g\" out; exit $s",
        ),
    ),
    // A deleted working directory.
    fault(
        "scratch-doctor",
        "deleted working directory",
        "cp /bin/ls myls && mkdir gone && cd gone && rmdir ../gone && exec \"$BIN/scratch-doctor\" --closure ../myls",
        Expect::CleanError {
            status: Some(2),
            names: "",
            silent: false,
            forbid: "-> /myls",
        },
    ),
    fault(
        "cat-nostd",
        "deleted working directory",
        input!("mkdir gone && cd gone && rmdir ../gone && exec \"$BIN/cat-nostd\" ../in.txt"),
        Expect::Same(input!("exec \"$BIN/cat-nostd\" in.txt")),
    ),
    fault(
        "hello-nostd",
        "deleted working directory",
        "mkdir gone && cd gone && rmdir ../gone && exec \"$BIN/hello-nostd\"",
        Expect::Same("exec \"$BIN/hello-nostd\""),
    ),
    // An unreadable /etc/ld.so.cache (mode 000, bind-mounted over it), run as nobody.
    RealFault {
        root: true,
        ..fault(
            "scratch-doctor",
            "unreadable /etc/ld.so.cache",
            "cp /etc/ld.so.cache cache && chmod 000 cache && exec unshare --mount --propagation private sh -c 'mount --bind cache /etc/ld.so.cache && exec setpriv --reuid=65534 --regid=65534 --clear-groups \"$BIN/scratch-doctor\" --closure /bin/ls'",
            Expect::CleanError {
                status: Some(2),
                names: "ld.so.cache",
                silent: false,
                forbid: "via /etc/ld.so.conf",
            },
        )
    },
];

/// How one real fault ended.
pub struct Result {
    /// The fault.
    pub fault: &'static RealFault,
    /// Whether it ended as expected.
    pub passed: bool,
    /// What happened, when not.
    pub why: String,
    /// The command that reproduces it.
    pub reproduce: String,
}

/// What a shell line did: status, stdout, stderr.
fn run_script(bin: &Path, script: &str, via_files: bool) -> (Ended, Vec<u8>, String) {
    let dir = TempDir::new("real-fault");
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script])
        .env("BIN", bin)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let (mut ended, stdout, mut stderr) = run_until(cmd, DEADLINE);
    if via_files && ended != Ended::Hang {
        let status = std::fs::read_to_string(dir.path().join("status")).unwrap_or_default();
        let status: i32 = status.trim().parse().unwrap_or(-1);
        // The shell reports a death by signal N as 128 + N.
        ended = if status > 128 {
            Ended::Signal(status - 128)
        } else {
            Ended::Exit(status)
        };
        stderr = std::fs::read_to_string(dir.path().join("err")).unwrap_or_default();
    }
    (ended, stdout, stderr)
}

/// Whether `line` names `what`: the text itself, or the error `what` by its name or its
/// description (`EFBIG` or `File too large`).
fn names_it(line: &str, what: &str) -> bool {
    let description = match what {
        "ENOSPC" => "No space left on device",
        "EBADF" => "Bad file descriptor",
        "EPIPE" => "Broken pipe",
        "EFBIG" => "File too large",
        "EACCES" => "Permission denied",
        _ => what,
    };
    line.contains(what) || line.contains(description)
}

/// Whether `got` is what `f` expects; `Err(why)` when not.
fn check(
    bin: &Path,
    f: &RealFault,
    got: &(Ended, Vec<u8>, String),
) -> std::result::Result<(), String> {
    let (ended, stdout, stderr) = got;
    let said = || {
        format!(
            "{ended}, stdout {:?}, stderr {:?}",
            String::from_utf8_lossy(&stdout[..stdout.len().min(200)]),
            stderr.trim_end()
        )
    };
    match f.expect {
        Expect::Signal(sig) => {
            if *ended == Ended::Signal(sig) {
                return Ok(());
            }
            Err(format!("expected killed by signal {sig}, got {}", said()))
        }
        Expect::Same(reference) => {
            let want = run_script(bin, reference, false);
            if want == *got {
                return Ok(());
            }
            Err(format!(
                "expected what `{reference}` does ({}, {} bytes of stdout, stderr {:?}), got {}",
                want.0,
                want.1.len(),
                want.2.trim_end(),
                said()
            ))
        }
        Expect::SameOutput(reference) => {
            let want = run_script(bin, reference, false);
            if (&want.0, &want.1) == (&got.0, &got.1) {
                return Ok(());
            }
            Err(format!(
                "expected the status and output of `{reference}` ({}, {} bytes of stdout), got {}",
                want.0,
                want.1.len(),
                said()
            ))
        }
        Expect::CleanError {
            status,
            names,
            silent,
            forbid,
        } => {
            let code = match ended {
                Ended::Exit(c) => *c,
                _ => return Err(format!("expected a clean error, got {}", said())),
            };
            let lines: Vec<&str> = stderr.lines().collect();
            let prefix = format!("{}: ", f.program);
            let message_ok = match lines.as_slice() {
                [] => silent,
                [line] => line.starts_with(&prefix) && names_it(line, names),
                _ => false,
            };
            // 101 is a panic's status, and only where documented (out of memory) an error's.
            let status_ok = code != 0 && status.map_or(code != 101, |s| s == code);
            let stdout_ok = forbid.is_empty() || !String::from_utf8_lossy(stdout).contains(forbid);
            if message_ok && status_ok && stdout_ok && !stderr.contains("panicked at") {
                return Ok(());
            }
            let status = status.map_or("non-zero, not 101".into(), |s| s.to_string());
            Err(format!(
                "expected status {status} and {}{}, got {}",
                if silent { "at most " } else { "" },
                if names.is_empty() {
                    format!("one line `{prefix}…`")
                } else {
                    format!("one line `{prefix}…{names}…`")
                },
                said()
            ))
        }
    }
}

/// Runs every real fault (those that need root only as root; outside CI they are skipped
/// otherwise). `None`: none could run.
pub fn run_all(bin: &Path) -> Option<Vec<Result>> {
    let root = is_root() || require_root("a private mount namespace (unshare --mount)");
    let faults: Vec<&'static RealFault> = FAULTS.iter().filter(|f| root || !f.root).collect();
    let results = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(f) = faults.get(n) else { break };
                    let got = run_script(bin, f.script, f.via_files);
                    let verdict = check(bin, f, &got);
                    let reproduce = format!(
                        "cd \"$(mktemp -d)\" && BIN={} && {}",
                        quote(&bin.display().to_string()),
                        f.script
                    );
                    results.lock().unwrap().push((
                        n,
                        Result {
                            fault: f,
                            passed: verdict.is_ok(),
                            why: verdict.err().unwrap_or_default(),
                            reproduce,
                        },
                    ));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(n, _)| *n);
    Some(results.into_iter().map(|(_, r)| r).collect())
}

/// What [`Expect`] says, for the report and the table.
pub fn expected(e: &Expect) -> String {
    match e {
        Expect::Signal(sig) => format!("killed by signal {sig} (the kernel's default action)"),
        Expect::Same(_) => "the same as without the fault".into(),
        Expect::SameOutput(_) => "the same status and output as without the fault".into(),
        Expect::CleanError {
            status,
            names,
            silent,
            forbid,
        } => {
            let mut s = match status {
                Some(s) => format!("exit {s}"),
                None => "non-zero exit".into(),
            };
            s += &match (silent, names.is_empty()) {
                (true, true) => ", nothing on stderr (it is what fails)".to_string(),
                (true, false) => format!(", nothing or one line naming {names}"),
                (false, true) => ", one line on stderr".to_string(),
                (false, false) => format!(", one line naming {names}"),
            };
            if !forbid.is_empty() {
                s += &format!("; never `{forbid}` on stdout");
            }
            s
        }
    }
}

/// The report printed by the test.
pub fn text(results: &[Result]) -> String {
    let mut s = String::new();
    for r in results {
        let f = r.fault;
        s += &format!(
            "{} {}: {}: {}\n",
            if r.passed { "ok  " } else { "FAIL" },
            f.program,
            f.fault,
            expected(&f.expect)
        );
        if !r.passed {
            s += &format!("  {}\n  reproduce: {}\n", r.why, r.reproduce);
        }
    }
    let failed = results.iter().filter(|r| !r.passed).count();
    s += &format!(
        "real faults: {} passed, {failed} failed\n",
        results.len() - failed
    );
    s
}
