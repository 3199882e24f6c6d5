//! Formatted output: `write_fmt` into a pipe, and `FdWriter` with more than its buffer holds.

use alloc::string::{String, ToString};
use core::fmt::Write as _;

use syscall_kit::AsFd;
use syscall_kit::fs::OFlags;
use syscall_kit::io::pipe2;
use syscall_kit::rt::stdio::{FdWriter, write_fmt};

use super::support::read_all;
use crate::TestResult;

pub fn formats_into_a_pipe() -> TestResult {
    let (r, w) = pipe2(OFlags::CLOEXEC).map_err(|e| e.to_string())?;
    write_fmt(&w, format_args!("{} + {} = {:>4}|{:?}\n", 2, 2, 4, "q"))
        .map_err(|e| e.to_string())?;
    drop(w);
    let got = read_all(&r)?;
    check!(got == "2 + 2 =    4|\"q\"\n", "got {got:?}");
    Ok(())
}

pub fn long_output() -> TestResult {
    let (r, w) = pipe2(OFlags::CLOEXEC).map_err(|e| e.to_string())?;
    let mut out = FdWriter::<64>::new(w.as_fd());
    let mut expected = String::new();
    for i in 0..500 {
        write!(out, "line {i};").map_err(|_| "write! failed")?;
        write!(expected, "line {i};").unwrap();
    }
    out.write_str(&"x".repeat(200))
        .map_err(|_| "long str failed")?;
    expected.push_str(&"x".repeat(200));
    out.flush().map_err(|e| e.to_string())?;
    drop(w);
    let got = read_all(&r)?;
    check!(
        got == expected,
        "{} bytes arrived, {} expected",
        got.len(),
        expected.len()
    );
    Ok(())
}
