#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use core::ffi::CStr;

use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::rt::heap::KernelHeap;
use syscall_kit::{eprintln, io, println};

// The allocator behind `alloc` (`Vec`, `String`, `Box`): memory from the kernel (`brk(2)`),
// asked for at the first allocation. Without this line nothing can allocate.
#[global_allocator]
static HEAP: KernelHeap = KernelHeap::new();

// Defines `_start` and the panic handler; `main`'s return value is the exit status.
syscall_kit::main!(main);

/// Prints the lines and bytes of each file named (`/etc/hostname` when none is), as `wc -lc`
/// does, or the error by its name (`my-program: /nope: ENOENT: No such file or directory`);
/// exits with 1 when a file could not be read.
fn main() -> i32 {
    let mut paths: Vec<&CStr> = syscall_kit::rt::args().skip(1).collect();
    if paths.is_empty() {
        paths.push(c"/etc/hostname");
    }
    let mut status = 0;
    for path in paths {
        match read_to_end(path) {
            Ok(data) => {
                let lines = data.iter().filter(|&&b| b == b'\n').count();
                println!("{lines} {} {}", data.len(), path.to_string_lossy());
            }
            Err(e) => {
                eprintln!("my-program: {}: {e}", path.to_string_lossy());
                status = 1;
            }
        }
    }
    status
}

/// The whole file, in a `Vec` on the heap. The descriptor is closed when `fd` goes out of
/// scope, on every path.
fn read_to_end(path: &CStr) -> syscall_kit::Result<Vec<u8>> {
    let fd = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match io::read(&fd, &mut buf)? {
            0 => return Ok(data),
            n => data.extend_from_slice(&buf[..n]),
        }
    }
}
