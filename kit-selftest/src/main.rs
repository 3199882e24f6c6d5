//! The self-test of syscall-kit's runtime: a `#![no_std]`, `#![no_main]` program on the kit
//! itself (not the std test harness), exercising entry, arguments, environment, auxiliary
//! vector, stdio, the memory functions, the heap, panics and the seccomp filter's program.
//!
//! Run without arguments it runs every test of [`tests::ALL`], prints `ok NAME` or
//! `FAIL NAME: why` for each, and ends with `N passed, N failed`; the exit status is 0 only when
//! nothing failed. `--list` prints the name of every test, one a line, and runs none: the
//! system tests compare a run with it, so the number of tests is written in one place (the
//! registry). The other modes are for the tests that re-execute this program (see
//! [`child::mode`]).
//!
//! When standard output cannot be written it prints one line on standard error
//! (`kit-selftest: write error: ENOSPC: …`, nothing for a closed pipe) and exits with
//! [`OUTPUT_ERROR`] (2), as the kit's policy for tools says.

#![no_std]
#![no_main]

extern crate alloc;

mod bpf;
mod child;
mod tests;

use syscall_kit::Errno;
use syscall_kit::rt;
use syscall_kit::rt::heap::KernelHeap;
use syscall_kit::rt::stdio::report_output_error;
use syscall_kit::try_println;

#[global_allocator]
static HEAP: KernelHeap = KernelHeap::new();

syscall_kit::main!(main);

/// A test: `Ok` or what went wrong.
type TestResult = Result<(), alloc::string::String>;

/// The exit status when standard output cannot be written (after one line on standard error,
/// none for a closed pipe: the kit's policy for tools, `syscall_kit::rt::stdio`).
pub const OUTPUT_ERROR: i32 = 2;

/// The status of a run whose output failed with `e`, after its one line.
pub fn output_error(e: Errno) -> i32 {
    report_output_error(b"kit-selftest", e);
    OUTPUT_ERROR
}

fn main() -> i32 {
    if let Some(status) = child::mode() {
        return status;
    }
    run().unwrap_or_else(output_error)
}

/// Lists or runs the tests; `Err` when standard output fails.
fn run() -> Result<i32, Errno> {
    if rt::args().nth(1).is_some_and(|a| a.to_bytes() == b"--list") {
        for (name, _) in tests::ALL {
            try_println!("{name}")?;
        }
        return Ok(0);
    }
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in tests::ALL {
        match test() {
            Ok(()) => {
                passed += 1;
                try_println!("ok {name}")?;
            }
            Err(why) => {
                failed += 1;
                try_println!("FAIL {name}: {why}")?;
            }
        }
    }
    let (used, size) = HEAP.usage();
    try_println!("heap: {used} of {size} bytes in use at the end")?;
    try_println!("{passed} passed, {failed} failed")?;
    Ok(i32::from(failed != 0))
}
