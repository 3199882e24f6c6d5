//! The scratch lab: the same "Hello, world!" built nine ways (no libc, glibc and musl, dynamic and
//! static, C and Rust, and a dynamic binary with parts of its closure), each run in an empty root
//! directory and in a `FROM scratch` image, and measured: bytes of the binary and of everything
//! its image holds, ELF interpreter, needed libraries, whether it runs and the exact error when
//! not, system calls (`strace -f`) and user-space instructions (`valgrind --tool=callgrind`).
//!
//! [`lab::run`](run) does all of it and returns a [`Report`]; [`table`] and [`chart`] render it;
//! [`doc`] keeps the copy of the table in `docs/lab.md` current. The binary (`cargo make lab`) is a
//! thin command line over these.
//!
//! [`bench`](mod@bench) is `cargo make bench` (the binary `bench`): the kit against its peers,
//! reusing the lab's builds, counts and table lines.

pub mod bench;
pub mod chart;
pub mod compile;
pub mod doc;
pub mod elf;
pub mod image;
pub mod instructions;
pub mod report;
pub mod roots;
pub mod runner;
pub mod syscalls;
pub mod table;
pub mod tools;
pub mod variants;
pub mod workspace;

pub use report::{Figure, Outcome, Report, Row};
pub use runner::run;
