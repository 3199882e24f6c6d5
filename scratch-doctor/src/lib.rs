//! # scratch-doctor
//!
//! Tells whether a program runs in a `FROM scratch` container image (an empty file system
//! with the program as its only file), says why not in plain words, and finds what a dynamic
//! program needs in such an image: its ELF interpreter and every library, searched the way the
//! dynamic loader searches (see `ld.so(8)`).
//!
//! This library is the analysis, over bytes and through the [`RootView`] trait (a read-only
//! view of a root file system), so that it is `#![no_std]`, does no I/O, and is tested against
//! a root held in memory ([`MemoryRoot`]); the `scratch-doctor` program (`src/main.rs` and
//! `src/cli/`) does the I/O with syscall-kit and nothing else. Two modules are the exception:
//! [`check`] runs a program in an empty root, and [`trace`] runs one under `ptrace(2)`, which is
//! system calls (through syscall-kit) from end to end; they are here so that the doctor, its
//! tests and scratch-pack can call them; and [`host_root`] reads this machine's files, so that
//! scratch-pack resolves a closure as the doctor does.
//!
//! | module | what it holds |
//! |---|---|
//! | [`program`] | [`inspect`]: an ELF file's facts ([`elf`]) or a `#!` script's line ([`script`]) |
//! | [`machine`] | machine names (`e_machine`) and the machine this was built for |
//! | [`verdict`](mod@verdict) | whether it runs in scratch, and the reason |
//! | [`binfmt`] | `binfmt_misc`: whether this host runs a foreign program through an interpreter |
//! | [`closure`] | the interpreter and libraries, resolved like the loader ([`search`]) |
//! | [`ld_so_conf`] | `/etc/ld.so.conf` with its includes |
//! | [`ld_so_cache`] | `/etc/ld.so.cache`, ldconfig's table from library names to paths |
//! | [`paths`] | path arithmetic and symbolic-link resolution over a [`RootView`] |
//! | [`root_view`] | [`RootView`]: how the analysis reads a root file system |
//! | [`memory_root`] | [`MemoryRoot`]: a root file system held in memory |
//! | [`needs`] | what a program will look for once it runs: from its imports, Go function names, interpreter name |
//! | [`file_report`] | a file's report: its facts, verdict and closure, as text or JSON ([`json`]) |
//! | [`image`](mod@image) | `--image`: a saved container image read, and why it does (not) start |
//! | [`host_root`] | [`host_root::HostRoot`]: this machine's root file system through system calls (shared with scratch-pack) |
//! | [`check`] | a command run in an empty root made of a directory, as runc makes a `FROM scratch` container, and two runs compared |
//! | [`trace`] | `--trace`: a command run under `ptrace(2)`, every path it looks up, and what it needs |

#![no_std]
#![deny(unsafe_code)]

extern crate alloc;

pub mod binfmt;
pub mod check;
pub mod closure;
pub mod elf;
pub mod file_report;
pub mod host_root;
pub mod image;
pub mod json;
pub mod ld_so_cache;
pub mod ld_so_conf;
pub mod machine;
pub mod memory_root;
pub mod needs;
pub mod paths;
pub mod program;
pub mod root_view;
pub mod script;
pub mod search;
pub mod trace;
pub mod verdict;

#[cfg(test)]
mod test_files;

pub use closure::{Closure, resolve_closure};
pub use memory_root::MemoryRoot;
pub use program::{InputError, Program, inspect, inspect_from};
pub use root_view::RootView;
pub use verdict::{Verdict, verdict};
