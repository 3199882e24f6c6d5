//! The matrix: for each case, the system calls its fault-free run makes (strace), then each
//! plausible error injected into each of them at the 1st, 2nd and 3rd call and at every call,
//! each run classified against the fault-free one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use system_tests::TempDir;

use crate::cases::{CASES, Case};
use crate::classify::{Class, classify};
use crate::errnos;
use crate::run::{Ended, Outcome, files_digest, run_until};

/// The time a run may take before it counts as a hang (and is killed). Runs take 5 ms to half a
/// second under strace; this only bounds a run that never ends.
const DEADLINE: Duration = Duration::from_secs(10);
/// The same for a run an exception expects to hang.
const EXCEPTED_HANG_DEADLINE: Duration = Duration::from_secs(3);

/// Calls that are listed but not injected, and why.
pub const NOT_INJECTED: &[(&str, &str)] = &[
    (
        "exit_group",
        "exit_group(2) cannot fail: it does not return. Injected, strace makes it return an error \
         and the program, which has nothing left to do, runs into the kit's `ud2` (SIGILL)",
    ),
    ("exit", "the same as exit_group, for one thread"),
    (
        "getpid",
        "getpid(2) cannot fail: the kernel's call has no error return, and the kit's wrapper, \
         as C's, gives its value as the id. Injected, a program gets an error number as its own \
         id",
    ),
    (
        "rt_sigreturn",
        "rt_sigreturn(2) cannot fail: it returns to the interrupted code, not to its caller. \
         Injected, the kit's signal trampoline (syscall-kit/src/arch) returns into its `ud2` \
         (SIGILL)",
    ),
];

/// Which calls of a case a fault is injected into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// The Nth call only (`when=N`).
    Nth(usize),
    /// Every call (`when=1+`).
    Every,
}

/// One fault: an error returned by a system call in place of its work.
#[derive(Clone, Debug)]
pub struct Injection {
    /// The call.
    pub syscall: String,
    /// The error, by name.
    pub errno: &'static str,
    /// Which of its calls.
    pub when: When,
}

impl Injection {
    /// strace's `-e inject=` argument.
    pub fn spec(&self) -> String {
        let when = match self.when {
            When::Nth(n) => n.to_string(),
            When::Every => "1+".into(),
        };
        format!("{}:error={}:when={when}", self.syscall, self.errno)
    }
}

/// A documented exception: runs it matches may end in `allows`, by design.
pub struct Exception {
    /// The program (`None`: any).
    pub program: Option<&'static str>,
    /// The call (`None`: any).
    pub syscall: Option<&'static str>,
    /// The errors (empty: any).
    pub errnos: &'static [&'static str],
    /// Which calls (`None`: any).
    pub when: Option<When>,
    /// The class it allows, by name ([`Class::name`]).
    pub allows: &'static str,
    /// Why.
    pub reason: &'static str,
}

/// The known, documented exceptions.
pub const EXCEPTIONS: &[Exception] = &[
    Exception {
        program: None,
        syscall: None,
        errnos: &["EINTR"],
        when: Some(When::Every),
        allows: "hang",
        reason: "a call interrupted by a signal (EINTR) is repeated, as GNU tools do; injected \
                 into every call, it never completes",
    },
    Exception {
        program: Some("cat-nostd"),
        syscall: None,
        errnos: &["EAGAIN"],
        when: Some(When::Every),
        allows: "hang",
        reason: "EAGAIN from a non-blocking descriptor means: poll(2) until it is ready, then \
                 repeat; injected into every call, the call never succeeds",
    },
    Exception {
        program: None,
        syscall: Some("close"),
        errnos: &[],
        when: None,
        allows: "hang",
        reason: "strace injects an error into close(2) by skipping the call, so the descriptor \
                 stays open; a real close never leaves it so (Linux releases the descriptor even \
                 when close reports an error, see close(2)). A program that closes the write end \
                 of a pipe and then reads it to its end (the self-test capturing a child's \
                 output) then waits forever",
    },
    Exception {
        program: Some("hello-locked"),
        syscall: Some("write"),
        errnos: &[],
        when: None,
        allows: "crash by signal",
        reason: "hello-locked writes under its own seccomp filter (write and exit_group only, kill \
                 for the rest); strace injects an error by replacing the call's number with -1, \
                 which the filter, checked again after the tracer's stop, answers with SIGSYS. A \
                 real write error is tried instead (real faults: /dev/full, closed stdout)",
    },
    Exception {
        program: Some("scratch-doctor"),
        syscall: Some("openat"),
        errnos: &["ENOENT", "ENOTDIR"],
        when: Some(When::Nth(2)),
        allows: "wrong success",
        reason: "the second file the closure cases open is /etc/ld.so.cache: ENOENT (or ENOTDIR, \
                 /etc not a directory) is a machine without one, which the loader, and the \
                 doctor, answer through ld.so.conf (`via /etc/ld.so.conf`): a different answer, \
                 and the right one for that machine",
    },
    Exception {
        program: Some("scratch-doctor"),
        syscall: Some("openat"),
        errnos: &["ENOENT", "ENOTDIR"],
        when: None,
        allows: "unclean error",
        reason: "an interpreter or library that is not there (ENOENT, ENOTDIR: the loader too \
                 goes on to the next directory on these) is the verdict's `missing: …` on \
                 standard output and status 1, not an error",
    },
    Exception {
        program: Some("scratch-doctor"),
        syscall: Some("readlinkat"),
        errnos: &["EINVAL"],
        when: Some(When::Every),
        allows: "unclean error",
        reason: "readlink(2) answers EINVAL for a file that is not a symbolic link: injected into \
                 every call, no file of the machine is a link (/bin is a directory, zoneinfo's \
                 posix -> . a directory loop, too deep to count), a different machine that the \
                 verdict describes rightly, with the status of the fault-free run",
    },
    Exception {
        program: Some("scratch-doctor"),
        syscall: Some("readlinkat"),
        errnos: &["EINVAL"],
        when: None,
        allows: "wrong success",
        reason: "EINVAL from readlinkat is the kernel's answer for a file that is not a symbolic \
                 link: injected for a link (/lib64 on the way to the ELF interpreter), --trace's \
                 report lists it as a file, not as a link, and into every call (--closure \
                 /bin/ls) no file of the machine is a link; no error tells it from a real answer",
    },
    Exception {
        program: Some("scratch-doctor"),
        syscall: Some("write"),
        errnos: &[],
        when: Some(When::Nth(2)),
        allows: "wrong success",
        reason: "the second and third writes of --copy-closure are its notes on standard error \
                 (`copied N files into DIR`, the dlopen warning), after its report and the copy; \
                 a failed write of standard error changes nothing but what is seen (the kit's \
                 policy for tools, checked by the real fault `stderr is /dev/full`), so the run \
                 is the same success without the note. The files are copied inside the kernel \
                 (copy_file_range), so no write of theirs comes first",
    },
    Exception {
        program: Some("scratch-doctor"),
        syscall: Some("write"),
        errnos: &[],
        when: Some(When::Nth(3)),
        allows: "wrong success",
        reason: "the same for the third write, the note after the first",
    },
    Exception {
        program: Some("scratch-doctor"),
        syscall: Some("renameat2"),
        errnos: &["EEXIST"],
        when: Some(When::Every),
        allows: "unclean error",
        reason: "--copy-closure refuses each file it cannot put in place with one line: EEXIST \
                 from every rename is one refusal per file of the closure",
    },
];

impl Exception {
    fn matches(&self, case: &Case, inj: &Injection) -> bool {
        self.program.is_none_or(|p| p == case.program)
            && self.syscall.is_none_or(|s| s == inj.syscall)
            && (self.errnos.is_empty() || self.errnos.contains(&inj.errno))
            && self.when.is_none_or(|w| w == inj.when)
    }
}

/// One run of the matrix.
pub struct RunRecord {
    /// The fault.
    pub injection: Injection,
    /// Its class.
    pub class: Class,
    /// The exception that allows it, if its class is the one an exception allows.
    pub excepted: Option<usize>,
    /// The first lines of its standard error (for the report of a defect).
    pub stderr: String,
}

/// The runs of one case.
pub struct CaseReport {
    /// The case.
    pub case: &'static Case,
    /// The calls of the fault-free run and how often each process made each (the most).
    pub calls: Vec<(String, usize)>,
    /// Runs in the full matrix of this case, before sampling.
    pub planned: usize,
    /// The runs made.
    pub runs: Vec<RunRecord>,
}

impl CaseReport {
    /// Runs of a class: recoveries, clean errors, excepted, defects.
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for r in &self.runs {
            let i = match (&r.class, r.excepted) {
                (Class::Recovery, _) => 0,
                (Class::CleanError, _) => 1,
                (_, Some(_)) => 2,
                _ => 3,
            };
            c[i] += 1;
        }
        c
    }
}

/// The whole matrix.
pub struct Report {
    /// Where the programs are.
    pub bin: PathBuf,
    /// Per case.
    pub cases: Vec<CaseReport>,
    /// Wall-clock time it took.
    pub elapsed: Duration,
    /// Threads it ran on.
    pub jobs: usize,
}

/// The calls strace logged, per process, in the order first seen, with the most times one
/// process made each; the program's own `execve` (the log's first line) is left out.
fn calls_of_log(log: &str) -> Vec<(String, usize)> {
    let mut order: Vec<String> = Vec::new();
    let mut per_pid: HashMap<&str, HashMap<String, usize>> = HashMap::new();
    for (i, line) in log.lines().enumerate() {
        // `PID call(…)` under -f; `call(…)` without it (one process).
        let (pid, rest) = match line.split_once(' ') {
            Some((pid, rest)) if pid.bytes().all(|b| b.is_ascii_digit()) => (pid, rest),
            _ => ("", line),
        };
        let rest = rest.trim_start();
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() || !rest[name.len()..].starts_with('(') || (i == 0 && name == "execve") {
            continue; // `<... resumed>`, `--- SIGCHLD …`, `+++ exited …`
        }
        if !order.contains(&name) {
            order.push(name.clone());
        }
        *per_pid.entry(pid).or_default().entry(name).or_default() += 1;
    }
    order
        .into_iter()
        .map(|n| {
            let most = per_pid.values().filter_map(|m| m.get(&n)).max().copied();
            (n, most.unwrap_or(0))
        })
        .collect()
}

/// Runs `case` once in a fresh directory, injecting `inject` if given; `log` is strace's `-o`.
fn run_case(
    case: &Case,
    bin: &Path,
    inject: Option<&str>,
    log: &str,
    deadline: Duration,
) -> Outcome {
    let dir = TempDir::new("fault");
    case.prepare(bin, dir.path());
    let cmd = case.command(bin, dir.path(), log, inject);
    let (ended, piped, stderr) = run_until(cmd, deadline);
    let stdout = match case.stdout_file() {
        Some(f) => std::fs::read(dir.path().join(f)).unwrap_or_default(),
        None => piped,
    };
    let skip: Vec<&str> = case.stdout_file().into_iter().collect();
    // The run's directory differs from run to run: named `$DIR` in what is compared.
    let here = dir.path().display().to_string();
    let stdout = String::from_utf8(stdout).map_or_else(
        |e| e.into_bytes(),
        |s| s.replace(&here, "$DIR").into_bytes(),
    );
    Outcome {
        ended,
        stdout,
        stderr: stderr.replace(&here, "$DIR"),
        files: files_digest(dir.path(), &skip),
    }
}

/// The fault-free run of `case` under strace, and the calls it made.
fn trace(case: &Case, bin: &Path) -> (Outcome, Vec<(String, usize)>) {
    let logs = TempDir::new("fault-log");
    let log = logs.path().join("log");
    let outcome = run_case(case, bin, None, &log.display().to_string(), DEADLINE);
    let text = std::fs::read_to_string(&log).expect("strace log");
    (outcome, calls_of_log(&text))
}

/// Every fault of a case's matrix, in a fixed order: call (as first made), error, then
/// `when=1`, `2`, `3` (as many as the call was made) and `1+`.
fn plan(calls: &[(String, usize)]) -> Vec<Injection> {
    let mut all = Vec::new();
    for (syscall, count) in calls {
        if NOT_INJECTED.iter().any(|(n, _)| n == syscall) {
            continue;
        }
        for errno in errnos::for_call(syscall) {
            let whens = (1..=(*count).min(3)).map(When::Nth).chain([When::Every]);
            for when in whens {
                all.push(Injection {
                    syscall: syscall.clone(),
                    errno,
                    when,
                });
            }
        }
    }
    all
}

/// The number of threads: `FAULTS_JOBS`, or the machine's cores up to 4.
fn jobs() -> usize {
    std::env::var("FAULTS_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(2)
                .min(4)
        })
        .max(1)
}

/// Runs the whole matrix of the programs in `bin`.
pub fn run_matrix(bin: &Path) -> Report {
    let start = Instant::now();
    let jobs = jobs();
    let mut cases = Vec::new();
    let mut work: Vec<(usize, Injection)> = Vec::new();
    let mut baselines = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let (base, calls) = trace(case, bin);
        assert!(
            !matches!(base.ended, Ended::Hang | Ended::Signal(_)),
            "the fault-free run of `{}` ended with {}: {}",
            case.title(),
            base.ended,
            base.stderr
        );
        let all = plan(&calls);
        let planned = all.len();
        work.extend(
            all.into_iter()
                .enumerate()
                .filter(|(n, _)| n % case.stride == 0)
                .map(|(_, inj)| (i, inj)),
        );
        cases.push(CaseReport {
            case,
            calls,
            planned,
            runs: Vec::new(),
        });
        baselines.push(base);
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, RunRecord)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some((i, inj)) = work.get(n) else { break };
                    let case = &CASES[*i];
                    let matching: Vec<usize> = (0..EXCEPTIONS.len())
                        .filter(|&e| EXCEPTIONS[e].matches(case, inj))
                        .collect();
                    let deadline = if matching.iter().any(|&e| EXCEPTIONS[e].allows == "hang") {
                        EXCEPTED_HANG_DEADLINE
                    } else {
                        DEADLINE
                    };
                    let run = run_case(case, bin, Some(&inj.spec()), "/dev/null", deadline);
                    let class = classify(case, &inj.syscall, &baselines[*i], &run);
                    let excepted = matching
                        .into_iter()
                        .find(|&e| class.is_defect() && EXCEPTIONS[e].allows == class.name());
                    let record = RunRecord {
                        injection: inj.clone(),
                        class,
                        excepted,
                        stderr: run.stderr.lines().take(3).collect::<Vec<_>>().join("\n"),
                    };
                    done.lock().unwrap().push((n, record));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap();
    done.sort_by_key(|(n, _)| *n);
    for (n, record) in done {
        cases[work[n].0].runs.push(record);
    }
    Report {
        bin: bin.to_path_buf(),
        cases,
        elapsed: start.elapsed(),
        jobs,
    }
}

impl Report {
    /// Runs, recoveries, clean errors, excepted, defects over all cases.
    pub fn totals(&self) -> [usize; 5] {
        let mut t = [0; 5];
        for c in &self.cases {
            let k = c.counts();
            t[0] += c.runs.len();
            for (i, n) in k.iter().enumerate() {
                t[i + 1] += n;
            }
        }
        t
    }

    /// The report printed by the test: what was sampled, one line per case, every defect with
    /// the command that reproduces it, the exceptions used, and the counts.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let planned: usize = self.cases.iter().map(|c| c.planned).sum();
        let [runs, rec, err, exc, def] = self.totals();
        s += &format!(
            "fault matrix: {planned} faults planned, {runs} run on {} threads in {:.1} s\n",
            self.jobs,
            self.elapsed.as_secs_f64()
        );
        for c in &self.cases {
            if c.case.stride > 1 {
                s += &format!(
                    "sampled: `{}`: every {}th of its {} faults (the 1st, {}th, …, in the order call, error, when), {} run\n",
                    c.case.title(),
                    c.case.stride,
                    c.planned,
                    c.case.stride + 1,
                    c.runs.len()
                );
            }
        }
        for c in &self.cases {
            let [r, e, x, d] = c.counts();
            s += &format!(
                "  {:<45} {:>4} runs: {r} recoveries, {e} clean errors, {x} excepted, {d} defects  [{}]\n",
                c.case.title(),
                c.runs.len(),
                c.calls
                    .iter()
                    .map(|(n, k)| format!("{n}×{k}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        for c in &self.cases {
            for r in c
                .runs
                .iter()
                .filter(|r| r.class.is_defect() && r.excepted.is_none())
            {
                s += &format!(
                    "DEFECT {}: `{}` with {}\n  reproduce: {}\n",
                    r.class,
                    c.case.title(),
                    r.injection.spec(),
                    c.case.reproduce(&self.bin, Some(&r.injection.spec()))
                );
                for l in r.stderr.lines() {
                    s += &format!("  stderr: {l}\n");
                }
            }
        }
        for (i, e) in EXCEPTIONS.iter().enumerate() {
            let used: usize = self
                .cases
                .iter()
                .flat_map(|c| &c.runs)
                .filter(|r| r.excepted == Some(i))
                .count();
            s += &format!("exception ({used} runs, {}): {}\n", e.allows, e.reason);
        }
        for (n, why) in NOT_INJECTED {
            s += &format!("not injected: {n}: {why}\n");
        }
        s += &format!(
            "runs {runs}, clean recoveries {rec}, clean errors {err}, excepted {exc}, defects {def}\n"
        );
        s += &format!("faults: {} passed, {def} failed\n", runs - def);
        s
    }
}
