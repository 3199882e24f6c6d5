//! The command lines of the matrix: each program of the workspace, run the ways a user runs it.
//! A case is run in a fresh directory of its own, prepared by a shell snippet (`setup`), so
//! that the command that reproduces a run is one shell line.

use std::fs::{File, OpenOptions};
use std::path::Path;
use std::process::{Command, Stdio};

/// The file-size limit of every run (`prlimit --fsize`): a defect that writes without end (as
/// `cat-nostd x >> x` once did) is stopped by `SIGXFSZ` instead of filling the disk.
pub const FSIZE_LIMIT: u64 = 16 << 20;

/// Where a case's standard output goes.
#[derive(Clone, Copy, Debug)]
pub enum Stdout {
    /// A pipe the test reads.
    Pipe,
    /// `> FILE`: a regular file, created empty.
    File(&'static str),
    /// `>> FILE`: a regular file opened with `O_APPEND`.
    Append(&'static str),
}

/// How a case reports a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A tool: a failure is one line on standard error, `PROGRAM: …`, and a non-zero status.
    Tool,
    /// A tool with `--json`: as [`Style::Tool`], and a file it cannot read is also reported on
    /// standard output, as a JSON object with an `"error"` member in place of its verdict.
    Json,
    /// kit-selftest's full run: a test that fails is a `FAIL NAME: why` line on standard output
    /// and the summary `N passed, M failed` with `M` > 0, exit 1 (or, for an output error, a
    /// tool's one line). The `heap: …` line varies from run to run and is not compared.
    SelfTest,
}

/// One command line of the matrix.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The program, a binary of `target/x86_64-unknown-linux-musl/release`.
    pub program: &'static str,
    /// Its arguments.
    pub args: &'static [&'static str],
    /// Shell commands run in the case's empty directory first (`$BIN` is the programs'
    /// directory); `""` for none.
    pub setup: &'static str,
    /// A file of that directory as standard input; `None`: `/dev/null`.
    pub stdin: Option<&'static str>,
    /// Where standard output goes.
    pub stdout: Stdout,
    /// How it reports a failure.
    pub style: Style,
    /// Every how-manyth run of its matrix is made (1: every run; the full self-test costs
    /// 20 times a tool's run under strace).
    pub stride: usize,
    /// Whether strace follows the program's children (`-f`). Not for `scratch-doctor --trace`:
    /// its child would then be strace's tracee, which it cannot trace in turn (`EPERM`); the
    /// doctor's own calls are what the matrix injects into.
    pub follow_forks: bool,
}

const INPUT: &str = "yes 'a line of the input file, 32 B' | head -c 300000 > in.txt";

/// An OCI image layout `image/` (one uncompressed layer holding hello-nostd as `/hello`, its
/// entrypoint) and its archive `image.tar`, as `podman save --format oci-dir` and
/// `--format oci-archive` write them, made with tar and sha256sum: the same bytes every time
/// (times, owners and order fixed), so that every run of a case sees the same files.
const IMAGE: &str = "set -e; mkdir -p image/blobs/sha256 root; cp \"$BIN/hello-nostd\" root/hello; \
    blob() { d=$(sha256sum \"$1\" | cut -d' ' -f1); mv \"$1\" image/blobs/sha256/$d; \
    echo $d; }; t() { tar --mtime=@0 --owner=0 --group=0 --numeric-owner --sort=name \"$@\"; }; \
    t -cf layer -C root hello; s=$(stat -c %s layer); l=$(blob layer); \
    printf '{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/hello\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}' $l > config; \
    cs=$(stat -c %s config); c=$(blob config); \
    printf '{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:%s\",\"size\":%s},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:%s\",\"size\":%s}]}' $c $cs $l $s > manifest; \
    ms=$(stat -c %s manifest); m=$(blob manifest); \
    printf '{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:%s\",\"size\":%s}]}' $m $ms > image/index.json; \
    echo '{\"imageLayoutVersion\":\"1.0.0\"}' > image/oci-layout; t -cf image.tar -C image .";

const fn tool(program: &'static str, args: &'static [&'static str]) -> Case {
    Case {
        program,
        args,
        setup: "",
        stdin: None,
        stdout: Stdout::Pipe,
        style: Style::Tool,
        stride: 1,
        follow_forks: true,
    }
}

/// Every case, in the order of the report.
pub static CASES: &[Case] = &[
    tool("hello-nostd", &[]),
    tool("hello-locked", &[]),
    tool("kit-selftest", &["--println"]),
    tool("kit-selftest", &["--alloc-mib", "8"]),
    Case {
        style: Style::SelfTest,
        stride: 4,
        ..tool("kit-selftest", &[])
    },
    // A pipe as output: splice(2).
    Case {
        setup: INPUT,
        ..tool("cat-nostd", &["in.txt"])
    },
    // Two regular files: copy_file_range(2).
    Case {
        setup: INPUT,
        stdout: Stdout::File("out.txt"),
        ..tool("cat-nostd", &["in.txt"])
    },
    // An O_APPEND output: copy_file_range refuses it (EBADF), read(2) and write(2) take over.
    Case {
        setup: "yes 'a line of the input file, 32 B' | head -c 300000 > in.txt; echo first > out.txt",
        stdout: Stdout::Append("out.txt"),
        ..tool("cat-nostd", &["in.txt"])
    },
    Case {
        setup: INPUT,
        stdin: Some("in.txt"),
        ..tool("cat-nostd", &[])
    },
    Case {
        setup: INPUT,
        ..tool("cat-nostd", &["in.txt", "missing"])
    },
    // The input is the output: refused, exit 1.
    Case {
        setup: "echo x > x",
        stdout: Stdout::Append("x"),
        ..tool("cat-nostd", &["x"])
    },
    // A static program: runs in scratch, exit 0.
    Case {
        setup: "cp \"$BIN/hello-nostd\" hello",
        ..tool("scratch-doctor", &["hello"])
    },
    // A dynamic one: does not, exit 1.
    tool("scratch-doctor", &["/bin/ls"]),
    Case {
        style: Style::Json,
        ..tool("scratch-doctor", &["--json", "/bin/true"])
    },
    tool("scratch-doctor", &["/nonexistent"]),
    tool("scratch-doctor", &["--closure", "/bin/ls"]),
    // A relative name: the closure's absolute paths need getcwd(2).
    Case {
        setup: "ln -s /bin/ls myls",
        ..tool("scratch-doctor", &["--closure", "myls"])
    },
    Case {
        setup: "mkdir out",
        ..tool("scratch-doctor", &["--copy-closure", "out", "/bin/ls"])
    },
    // hello-nostd alone in an empty root (namespaces, an overlay, the mounts of /proc, /dev and
    // /sys, pivot_root, execve; the directory must not change).
    Case {
        setup: "mkdir root && cp \"$BIN/hello-nostd\" root/hello",
        ..tool("scratch-doctor", &["--run-in", "root", "--", "/hello"])
    },
    // An image that starts, exit 0: an OCI archive (pread(2)) and a layout directory
    // (openat2(2) beneath it, read(2)).
    Case {
        setup: IMAGE,
        ..tool("scratch-doctor", &["--image", "image.tar"])
    },
    Case {
        setup: IMAGE,
        style: Style::Json,
        ..tool("scratch-doctor", &["--json", "--image", "image"])
    },
    // A dynamic program run under the tracer (ptrace, process_vm_readv, its wait loop), its
    // report, and the closure of what it executed.
    Case {
        follow_forks: false,
        ..tool("scratch-doctor", &["--trace", "--", "/bin/true"])
    },
];

/// `word` quoted for a POSIX shell when it needs it.
pub fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

impl Case {
    /// The command line as a user types it: `cat-nostd in.txt >> out.txt`.
    pub fn title(&self) -> String {
        let mut words = vec![self.program.to_string()];
        words.extend(self.args.iter().map(|a| quote(a)));
        words.extend(self.redirections());
        words.join(" ")
    }

    fn redirections(&self) -> Vec<String> {
        let mut words = Vec::new();
        if let Some(input) = self.stdin {
            words.push(format!("< {input}"));
        }
        match self.stdout {
            Stdout::Pipe => {}
            Stdout::File(f) => words.push(format!("> {f}")),
            Stdout::Append(f) => words.push(format!(">> {f}")),
        }
        words
    }

    /// The file that holds the output, when it is not a pipe.
    pub fn stdout_file(&self) -> Option<&'static str> {
        match self.stdout {
            Stdout::Pipe => None,
            Stdout::File(f) | Stdout::Append(f) => Some(f),
        }
    }

    /// Runs `setup` in `dir`.
    pub fn prepare(&self, bin: &Path, dir: &Path) {
        if self.setup.is_empty() {
            return;
        }
        let out = Command::new("sh")
            .args(["-c", self.setup])
            .env("BIN", bin)
            .current_dir(dir)
            .output()
            .expect("run sh");
        assert!(
            out.status.success(),
            "setup `{}`: {}",
            self.setup,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The strace arguments before the program: `[-f] -qq -o LOG [-e inject=SPEC]`.
    fn strace_args(&self, log: &str, inject: Option<&str>) -> Vec<String> {
        let mut args: Vec<String> = Vec::new();
        if self.follow_forks {
            args.push("-f".into());
        }
        args.extend(["-qq".into(), "-o".into(), log.to_string()]);
        if let Some(spec) = inject {
            args.extend(["-e".into(), format!("inject={spec}")]);
        }
        args
    }

    /// The command that runs the case in `dir` (prepared) under strace, writing strace's log to
    /// `log` and injecting `inject` (`SYSCALL:error=ERRNO:when=N`) if given.
    pub fn command(&self, bin: &Path, dir: &Path, log: &str, inject: Option<&str>) -> Command {
        let mut cmd = Command::new("prlimit");
        cmd.arg(format!("--fsize={FSIZE_LIMIT}"))
            .arg("strace")
            .args(self.strace_args(log, inject))
            .arg(bin.join(self.program))
            .args(self.args)
            .current_dir(dir);
        cmd.stdin(match self.stdin {
            Some(f) => Stdio::from(File::open(dir.join(f)).expect("stdin file")),
            None => Stdio::null(),
        });
        cmd.stdout(match self.stdout {
            Stdout::Pipe => Stdio::piped(),
            Stdout::File(f) => Stdio::from(File::create(dir.join(f)).expect("stdout file")),
            Stdout::Append(f) => Stdio::from(
                OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(dir.join(f))
                    .expect("stdout file"),
            ),
        });
        cmd
    }

    /// One shell line that reproduces a run: a fresh directory, the setup, the same command.
    pub fn reproduce(&self, bin: &Path, inject: Option<&str>) -> String {
        let mut line = format!(
            "cd \"$(mktemp -d)\" && BIN={} && ",
            quote(&bin.display().to_string())
        );
        if !self.setup.is_empty() {
            line += &format!("{{ {}; }} && ", self.setup);
        }
        line += &format!("prlimit --fsize={FSIZE_LIMIT} strace ");
        line += &self
            .strace_args("/dev/null", inject)
            .iter()
            .map(|a| quote(a))
            .collect::<Vec<_>>()
            .join(" ");
        line += &format!(" \"$BIN/{}\"", self.program);
        for a in self.args {
            line += " ";
            line += &quote(a);
        }
        if self.stdin.is_none() {
            line += " < /dev/null";
        }
        for r in self.redirections() {
            line += " ";
            line += &r;
        }
        line
    }
}
