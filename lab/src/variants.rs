//! The nine rows of the lab: how each binary is built, what its root holds besides it, and what
//! `docs/lab.md` documents it to do in an empty root.

/// How a row's binary is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    /// `cargo build-nostd -p hello-nostd` (Rust, no libc, on syscall-kit).
    HelloNostd,
    /// `gcc -Os -s lab/hello.c` (dynamic, glibc).
    GccDynamic,
    /// `gcc -static -Os -s lab/hello.c` (static, glibc).
    GccStatic,
    /// `musl-gcc -static -Os -s lab/hello.c` (static, musl).
    MuslGccStatic,
    /// `cargo build --release -p hello-std` for the host target (dynamic, glibc).
    RustStdHost,
    /// `cargo build --release -p hello-std --target x86_64-unknown-linux-musl` (static).
    RustStdMusl,
}

/// What a row's root holds besides the binary at `/hello`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adds {
    /// Nothing: the binary alone.
    Nothing,
    /// From the closure that `scratch-doctor --copy-closure` copies, only the file named
    /// `libc.so.6`.
    OnlyLibc,
    /// From that closure, only the ELF interpreter (the path in `PT_INTERP`).
    OnlyInterpreter,
    /// The whole closure: interpreter and every needed library, at the paths the loader looks up.
    Closure,
}

/// What the row is documented to do in an empty root (and a scratch image).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Prints `Hello, world!` and exits 0.
    Runs,
    /// The kernel's `execve` fails with `ENOENT`: the ELF interpreter is missing.
    InterpreterMissing,
    /// The interpreter starts and stops: it cannot find `libc.so.6`.
    LibcMissing,
}

impl Expect {
    /// A piece of the error text this failure is documented to print in an empty root (by
    /// `unshare`, or by the dynamic loader) and in a scratch image (by the container runtime,
    /// which words it in lower case), compared case-insensitively; `None` for [`Expect::Runs`].
    pub fn error_text(self) -> Option<&'static str> {
        match self {
            Expect::Runs => None,
            Expect::InterpreterMissing => Some("no such file or directory"),
            Expect::LibcMissing => Some(
                "error while loading shared libraries: libc.so.6: cannot open shared object file",
            ),
        }
    }
}

/// One row of the lab.
#[derive(Clone, Copy, Debug)]
pub struct Variant {
    /// Its number in the table, from 1.
    pub number: usize,
    /// What it is, as the table names it.
    pub name: &'static str,
    /// A short name for the chart's axis.
    pub short: &'static str,
    /// How its binary is built.
    pub build: Build,
    /// What its root holds besides the binary.
    pub adds: Adds,
    /// What it is documented to do.
    pub expect: Expect,
}

/// The rows, in the order of the table.
pub const VARIANTS: [Variant; 9] = [
    Variant {
        number: 1,
        name: "hello-nostd (Rust, no libc)",
        short: "1 nostd",
        build: Build::HelloNostd,
        adds: Adds::Nothing,
        expect: Expect::Runs,
    },
    Variant {
        number: 2,
        name: "C, glibc, dynamic (`gcc`)",
        short: "2 C dyn",
        build: Build::GccDynamic,
        adds: Adds::Nothing,
        expect: Expect::InterpreterMissing,
    },
    Variant {
        number: 3,
        name: "C, glibc, static (`gcc -static`)",
        short: "3 C glibc st",
        build: Build::GccStatic,
        adds: Adds::Nothing,
        expect: Expect::Runs,
    },
    Variant {
        number: 4,
        name: "C, musl, static (`musl-gcc -static`)",
        short: "4 C musl st",
        build: Build::MuslGccStatic,
        adds: Adds::Nothing,
        expect: Expect::Runs,
    },
    Variant {
        number: 5,
        name: "Rust std, dynamic (`x86_64-unknown-linux-gnu`)",
        short: "5 Rust dyn",
        build: Build::RustStdHost,
        adds: Adds::Nothing,
        expect: Expect::InterpreterMissing,
    },
    Variant {
        number: 6,
        name: "Rust std, static (`x86_64-unknown-linux-musl`)",
        short: "6 Rust musl",
        build: Build::RustStdMusl,
        adds: Adds::Nothing,
        expect: Expect::Runs,
    },
    Variant {
        number: 7,
        name: "row 2 + `libc.so.6` only",
        short: "7 +libc",
        build: Build::GccDynamic,
        adds: Adds::OnlyLibc,
        expect: Expect::InterpreterMissing,
    },
    Variant {
        number: 8,
        name: "row 2 + ELF interpreter only",
        short: "8 +ld.so",
        build: Build::GccDynamic,
        adds: Adds::OnlyInterpreter,
        expect: Expect::LibcMissing,
    },
    Variant {
        number: 9,
        name: "row 2 + its closure (`scratch-doctor --copy-closure`)",
        short: "9 +closure",
        build: Build::GccDynamic,
        adds: Adds::Closure,
        expect: Expect::Runs,
    },
];
