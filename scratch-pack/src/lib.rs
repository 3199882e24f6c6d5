//! # scratch-pack
//!
//! Writes a `FROM scratch` container image from a program, with no engine, no root and no
//! Dockerfile: the program and what it needs — its closure, found by scratch-doctor's library
//! (the code of `scratch-doctor --closure`) — and the files the options add, as an OCI archive
//! or layout that the same inputs always make byte for byte the same.
//!
//! This library is the image, over bytes: the file tree and its layers, the tar stream, the
//! compression, the JSON documents, the command line. It does no I/O; the `scratch-pack`
//! program (`src/main.rs` and `src/cli/`) reads the machine's files and writes the image with
//! syscall-kit, through the traits of [`stream`].
//!
//! | module | what it holds |
//! |---|---|
//! | [`options`] | the command line |
//! | [`tree`] | the inputs as one file tree; the entries of each layer, sorted, with their parents and hard links |
//! | [`tar`] | tar headers: ustar, with pax records only where a name, link or size needs one |
//! | [`stream`] | [`stream::TarStream`]: a layer's tar made as it is read |
//! | [`compress`] | a layer hashed, compressed (gzip, zstd, none), hashed again and counted in one pass |
//! | [`oci`] | the config, manifest and index JSON, and Docker's `manifest.json`, in canonical form |
//! | [`platform`] | the image's platform, from the program's ELF header |
//! | [`essentials`] | what `--essentials` adds, and `--user` looked up in the image |
//! | [`reproducible`] | the one timestamp: `SOURCE_DATE_EPOCH` or a fixed one |

#![no_std]
#![deny(unsafe_code)]

extern crate alloc;

pub mod compress;
pub mod essentials;
pub mod oci;
pub mod options;
pub mod platform;
pub mod reproducible;
pub mod stream;
pub mod tar;
pub mod tree;

use alloc::string::String;
use core::fmt;

/// A failure: one line, shown as it is (exit status 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError(pub String);

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for PackError {
    fn from(s: String) -> PackError {
        PackError(s)
    }
}

impl From<&str> for PackError {
    fn from(s: &str) -> PackError {
        PackError(s.into())
    }
}
