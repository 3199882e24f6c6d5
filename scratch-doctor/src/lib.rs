//! # scratch-doctor
//!
//! Tells whether a program runs in a `FROM scratch` container image (an empty file system
//! with the program as its only file), says why not in plain words, and finds what a dynamic
//! program needs in such an image: its ELF interpreter and every library, searched the way the
//! dynamic loader searches (see `ld.so(8)`).
//!
//! This library is the analysis, over bytes and through the [`Filesystem`] trait, so that it is
//! `#![no_std]` and testable without touching the disk; the `scratch-doctor` program
//! (`src/main.rs`) does the I/O with syscall-kit and nothing else.
//!
//! | module | what it holds |
//! |---|---|
//! | [`program`] | [`inspect`]: an ELF file's facts ([`elf`]) or a `#!` script's line ([`script`]) |
//! | [`machine`] | machine names (`e_machine`) and the machine this was built for |
//! | [`verdict`](mod@verdict) | whether it runs in scratch, and the reason |
//! | [`closure`] | the interpreter and libraries, resolved like the loader ([`search`]) |
//! | [`ldconfig`] | `/etc/ld.so.conf` with its includes, and `/etc/ld.so.cache` |
//! | [`paths`] | path arithmetic and symbolic-link resolution over a [`Filesystem`] |
//! | [`report`] | the text and JSON output ([`json`]) |

#![no_std]
#![deny(unsafe_code)]

extern crate alloc;

pub mod closure;
pub mod elf;
pub mod fs;
pub mod json;
pub mod ldconfig;
pub mod machine;
pub mod paths;
pub mod program;
pub mod report;
pub mod script;
pub mod search;
pub mod verdict;

pub use closure::{Closure, resolve_closure};
pub use fs::Filesystem;
pub use program::{InputError, Program, inspect};
pub use verdict::{Verdict, verdict};
