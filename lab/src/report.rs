//! The lab's results: one [`Row`] per variant, in a [`Report`].

use crate::elf::ElfFacts;
use crate::variants::Variant;

/// A measured figure, or why there is none, worded as the table shows it (`n/a (no strace)`).
pub type Figure<T> = Result<T, String>;

/// What happened when a row's program was started (in an empty root, or in a scratch image).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It printed exactly `Hello, world!` and exited 0 (an engine's warnings on standard error
    /// do not count).
    Runs,
    /// Anything else: the error it printed (standard error, trimmed), or its status and output
    /// when it printed no error.
    Fails(String),
    /// It was not started: why, as the table shows it (`n/a (no engine)`).
    NotRun(String),
}

/// The output every variant prints when it runs.
pub const HELLO: &str = "Hello, world!\n";

impl Outcome {
    /// Classifies a finished program by its status and output.
    pub fn of(output: &std::process::Output) -> Outcome {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.success() && stdout == HELLO {
            return Outcome::Runs;
        }
        let error = stderr
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        if error.is_empty() {
            Outcome::Fails(format!("{} with output {stdout:?}", output.status))
        } else {
            Outcome::Fails(error)
        }
    }

    /// `runs`, `fails` or `n/a`: what the freshness check of `docs/lab.md` compares.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Runs => "runs",
            Outcome::Fails(_) => "fails",
            Outcome::NotRun(_) => "n/a",
        }
    }
}

/// The results of one variant.
#[derive(Clone, Debug)]
pub struct Row {
    /// Which variant.
    pub variant: Variant,
    /// Bytes of the binary.
    pub binary_bytes: Figure<u64>,
    /// Bytes of every file its root (and image) holds, the binary included.
    pub image_bytes: Figure<u64>,
    /// Its ELF interpreter and needed libraries.
    pub elf: Figure<ElfFacts>,
    /// Run as `/hello` in its root directory, with `unshare --root`.
    pub empty_root: Outcome,
    /// Run in a `FROM scratch` image holding that root.
    pub image: Outcome,
    /// The names of its system calls after its `execve`, in order.
    pub syscalls: Figure<Vec<String>>,
    /// Its user-space instructions (callgrind's `Ir`).
    pub instructions: Figure<u64>,
    /// Whether the system calls and instructions were measured in its root (rows 7 to 9, which
    /// are defined by what the root holds) rather than on this machine.
    pub measured_in_root: bool,
}

/// Everything the lab measured.
#[derive(Clone, Debug)]
pub struct Report {
    /// One row per variant, in order.
    pub rows: Vec<Row>,
    /// The engine that ran the images, if any.
    pub engine: Option<String>,
    /// The versions of the kernel and the tools, one `name version` each.
    pub versions: Vec<String>,
}
