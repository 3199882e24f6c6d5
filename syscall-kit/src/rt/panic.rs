//! The panic handler that [`main!`](crate::main) installs: the message to standard error, then
//! exit status 101, as Rust's `std` does; and the one-line report of running out of memory.
//!
//! # Out of memory
//!
//! When the global allocator returns null (the kit's [`KernelHeap`] does when the kernel refuses
//! to raise the break), Rust calls its allocation error handler. A `#![no_std]` program cannot
//! define its own on stable Rust (`#[alloc_error_handler]` is unstable): the default one panics
//! with the message `memory allocation of N bytes failed`, which `std` would print as two lines
//! with a path into the compiler's sources. [`report`] recognises that message and prints one
//! line instead,
//!
//! ```text
//! PROGRAM: out of memory (N bytes)
//! ```
//!
//! where `PROGRAM` is the name given to [`set_program_name`], else the last component of
//! `argv[0]`. The exit status is [`OUT_OF_MEMORY_EXIT_STATUS`], 101 like any other panic: the
//! program stopped at a point it did not choose, and a script that treats 101 as "the program
//! failed by itself, not on its input" stays right; the message tells the two apart.
//!
//! Recognising the message rather than reporting from inside the allocator keeps fallible
//! allocation (`Vec::try_reserve`) working: a null from the allocator is only fatal once the
//! handler has been called. It works with any global allocator, not just [`KernelHeap`]. A
//! program's own `panic!("memory allocation of 8 bytes failed")` is reported the same way.
//!
//! [`KernelHeap`]: https://docs.rs/syscall-kit/latest/syscall_kit/rt/heap/struct.KernelHeap.html

use core::fmt::Write;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

use crate::fd::stderr;
use crate::fmt_buf::FmtBuf;
use crate::io::write_all;
use crate::process::exit;

use super::stdio::{FdWriter, LINE_BUFFER};

/// The exit status of a panicking program (the same as `std`'s).
pub const PANIC_EXIT_STATUS: i32 = 101;

/// The exit status of a program that ran out of memory: that of a panic, which it is on stable
/// Rust (see [Out of memory](self#out-of-memory)).
pub const OUT_OF_MEMORY_EXIT_STATUS: i32 = PANIC_EXIT_STATUS;

static PANICKING: AtomicBool = AtomicBool::new(false);

/// The name [`set_program_name`] gave, as pointer and length (null: none).
static NAME_PTR: AtomicPtr<u8> = AtomicPtr::new(core::ptr::null_mut());
static NAME_LEN: AtomicUsize = AtomicUsize::new(0);

/// The name that starts the out-of-memory line, instead of the last component of `argv[0]`.
/// Call it once, at the start of `main`.
pub fn set_program_name(name: &'static str) {
    // The length first: a reader that sees the new pointer (Acquire) sees its length too.
    NAME_LEN.store(name.len(), Ordering::Relaxed);
    NAME_PTR.store(name.as_ptr().cast_mut(), Ordering::Release);
}

/// The program's name for the out-of-memory line.
fn program_name() -> &'static [u8] {
    let ptr = NAME_PTR.load(Ordering::Acquire);
    if !ptr.is_null() {
        let len = NAME_LEN.load(Ordering::Relaxed);
        // SAFETY: `ptr` and `len` are those of one `&'static str`: `set_program_name` stores the
        // length before the pointer (Release, paired with the Acquire above), and is called
        // once, so no other name's length can be mixed in.
        return unsafe { core::slice::from_raw_parts(ptr, len) };
    }
    let argv0 = super::args().next().map_or(&b""[..], |a| a.to_bytes());
    match argv0.rsplit(|&b| b == b'/').next() {
        Some(base) if !base.is_empty() => base,
        _ => b"program",
    }
}

/// Room for the message of a failed allocation, whose number has at most 20 digits.
type Small = FmtBuf<64>;

/// The `N` of the default allocation error handler's message `memory allocation of N bytes
/// failed`, as its digits, when `info` is that panic.
fn allocation_failure(info: &PanicInfo<'_>, out: &mut Small) -> bool {
    if write!(out, "{}", info.message()).is_err() {
        return false;
    }
    let text = &out.buf[..out.len];
    let digits = text
        .strip_prefix(b"memory allocation of ")
        .and_then(|rest| rest.strip_suffix(b" bytes failed"));
    match digits {
        Some(d) if !d.is_empty() && d.iter().all(u8::is_ascii_digit) => {
            let (start, len) = (text.len() - d.len() - b" bytes failed".len(), d.len());
            out.buf.copy_within(start..start + len, 0);
            out.len = len;
            true
        }
        _ => false,
    }
}

/// Writes `panicked at FILE:LINE:COL:` and the message on the next line to standard error, then
/// exits with status 101. A panic while formatting that message exits at once. The panic of a
/// failed allocation is reported in one line instead (see [Out of memory](self#out-of-memory)).
///
/// Write errors are ignored: with standard error gone, the exit status is all that is left.
pub fn report(info: &PanicInfo<'_>) -> ! {
    if PANICKING.swap(true, Ordering::Relaxed) {
        let _ = write_all(stderr(), b"panicked while processing a panic\n");
        exit(PANIC_EXIT_STATUS);
    }
    let mut size = Small::new();
    if allocation_failure(info, &mut size) {
        // One write(2), so that the line arrives whole: the name (cut to fit), then the size.
        let mut line = [0u8; 192];
        let name = program_name();
        let name = &name[..name.len().min(line.len() - 96)];
        let mut len = 0;
        for part in [
            name,
            b": out of memory (",
            &size.buf[..size.len],
            b" bytes)\n",
        ] {
            line[len..len + part.len()].copy_from_slice(part);
            len += part.len();
        }
        let _ = write_all(stderr(), &line[..len]);
        exit(OUT_OF_MEMORY_EXIT_STATUS);
    }
    let mut w = FdWriter::<LINE_BUFFER>::new(stderr());
    let _ = match info.location() {
        Some(at) => writeln!(
            w,
            "panicked at {}:{}:{}:\n{}",
            at.file(),
            at.line(),
            at.column(),
            info.message()
        ),
        None => writeln!(w, "panicked:\n{}", info.message()),
    };
    let _ = w.flush();
    exit(PANIC_EXIT_STATUS)
}
