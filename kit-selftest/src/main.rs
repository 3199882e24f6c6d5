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

#![no_std]
#![no_main]

extern crate alloc;

mod bpf;
mod child;
mod tests;

use syscall_kit::println;
use syscall_kit::rt;
use syscall_kit::rt::heap::KernelHeap;

#[global_allocator]
static HEAP: KernelHeap = KernelHeap::new();

syscall_kit::main!(main);

/// A test: `Ok` or what went wrong.
type TestResult = Result<(), alloc::string::String>;

fn main() -> i32 {
    if let Some(status) = child::mode() {
        return status;
    }
    if rt::args().nth(1).is_some_and(|a| a.to_bytes() == b"--list") {
        for (name, _) in tests::ALL {
            println!("{name}");
        }
        return 0;
    }
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in tests::ALL {
        match test() {
            Ok(()) => {
                passed += 1;
                println!("ok {name}");
            }
            Err(why) => {
                failed += 1;
                println!("FAIL {name}: {why}");
            }
        }
    }
    let (used, size) = HEAP.usage();
    println!("heap: {used} of {size} bytes in use at the end");
    println!("{passed} passed, {failed} failed");
    i32::from(failed != 0)
}
