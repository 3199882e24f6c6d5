//! The self-test of syscall-kit's runtime: a `#![no_std]`, `#![no_main]` program on the kit
//! itself (not the std test harness), exercising entry, arguments, environment, auxiliary
//! vector, stdio, the memory functions, the heap, panics and the seccomp filter's program.
//!
//! Run without arguments it runs every test of [`tests::ALL`], prints `ok NAME`,
//! `FAIL NAME: why` or, for a test that cannot run on this system, `skip NAME: why` for each,
//! and ends with `N passed, N failed` (`N passed, N skipped, N failed` when one was skipped);
//! the exit status is 0 only when nothing failed. `--list` prints the name of every test, one a line, and runs none: the
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

/// A test: `Ok`, or why it did not pass.
type TestResult = Result<(), NotPassed>;

/// Why a test did not pass.
pub enum NotPassed {
    /// It failed: what went wrong (`FAIL NAME: why`).
    Failed(alloc::string::String),
    /// It could not run on this system, and why (`skip NAME: why`): a user namespace under
    /// qemu-user, say. Never for a failure.
    Skipped(alloc::string::String),
}

impl From<alloc::string::String> for NotPassed {
    fn from(why: alloc::string::String) -> NotPassed {
        NotPassed::Failed(why)
    }
}

impl From<&str> for NotPassed {
    fn from(why: &str) -> NotPassed {
        NotPassed::Failed(why.into())
    }
}

/// What a test returns when it cannot run here: skipped, with `why`.
pub fn skip(why: alloc::string::String) -> TestResult {
    Err(NotPassed::Skipped(why))
}

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
    let (mut passed, mut skipped, mut failed) = (0, 0, 0);
    for (name, test) in tests::ALL {
        match test() {
            Ok(()) => {
                passed += 1;
                try_println!("ok {name}")?;
            }
            Err(NotPassed::Skipped(why)) => {
                skipped += 1;
                try_println!("skip {name}: {why}")?;
            }
            Err(NotPassed::Failed(why)) => {
                failed += 1;
                try_println!("FAIL {name}: {why}")?;
            }
        }
    }
    let (used, size) = HEAP.usage();
    try_println!("heap: {used} of {size} bytes in use at the end")?;
    if skipped == 0 {
        try_println!("{passed} passed, {failed} failed")?;
    } else {
        try_println!("{passed} passed, {skipped} skipped, {failed} failed")?;
    }
    Ok(i32::from(failed != 0))
}
