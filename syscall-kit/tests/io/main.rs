//! The tests of `syscall_kit::io`, one file for each of its files (`src/io/*.rs`).

#[path = "../common/mod.rs"]
mod common;

mod copy;
mod fcntl;
mod poll;
mod read_write;
