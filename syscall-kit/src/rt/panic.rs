//! The panic handler that [`main!`](crate::main) installs: the message to standard error, then
//! exit status 101, as Rust's `std` does.

use core::fmt::Write;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::fd::stderr;
use crate::process::exit;

use super::stdio::{FdWriter, LINE_BUFFER};

/// The exit status of a panicking program (the same as `std`'s).
pub const PANIC_EXIT_STATUS: i32 = 101;

static PANICKING: AtomicBool = AtomicBool::new(false);

/// Writes `panicked at FILE:LINE:COL:` and the message on the next line to standard error, then
/// exits with status 101. A panic while formatting that message exits at once.
///
/// Write errors are ignored: with standard error gone, the exit status is all that is left.
pub fn report(info: &PanicInfo<'_>) -> ! {
    if PANICKING.swap(true, Ordering::Relaxed) {
        let _ = crate::io::write_all(stderr(), b"panicked while processing a panic\n");
        exit(PANIC_EXIT_STATUS);
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
