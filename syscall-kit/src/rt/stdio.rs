//! `print!`, `println!`, `eprint!`, `eprintln!` over `core::fmt`, and [`FdWriter`] under them;
//! [`report_error`], a program's one-line error report without `core::fmt`.
//!
//! Each macro call formats into a buffer on the stack ([`LINE_BUFFER`] bytes) and writes it out
//! before it returns: a short line is one `write(2)`, and nothing is ever left unwritten at
//! exit. Longer output goes out in buffer-sized `write(2)` calls.

use core::fmt;

use crate::fd::{AsFd, BorrowedFd, stderr, stdout};
use crate::io::write_all;
use crate::{Errno, Result};

/// Size of the stack buffer of one `print!` call.
pub const LINE_BUFFER: usize = 1024;

/// A `core::fmt::Write` sink that collects up to `N` bytes on the stack, then writes them to a
/// descriptor with [`write_all`]. Call [`FdWriter::flush`] at the end: dropping it does not
/// write.
pub struct FdWriter<'fd, const N: usize> {
    fd: BorrowedFd<'fd>,
    buf: [u8; N],
    len: usize,
    error: Option<Errno>,
}

impl<'fd, const N: usize> FdWriter<'fd, N> {
    /// An empty buffer for `fd`.
    pub fn new(fd: BorrowedFd<'fd>) -> Self {
        FdWriter {
            fd,
            buf: [0; N],
            len: 0,
            error: None,
        }
    }

    /// Writes out what is buffered; returns the first error of any write so far.
    pub fn flush(&mut self) -> Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let pending = &self.buf[..self.len];
        self.len = 0;
        write_all(self.fd, pending).inspect_err(|&e| self.error = Some(e))
    }

    /// The first write error, if any (what made a `write!` return `fmt::Error`).
    pub fn error(&self) -> Option<Errno> {
        self.error
    }
}

impl<const N: usize> fmt::Write for FdWriter<'_, N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let bytes = s.as_bytes();
        if self.len + bytes.len() > N {
            self.flush().map_err(|_| fmt::Error)?;
        }
        if bytes.len() > N {
            return write_all(self.fd, bytes).map_err(|e| {
                self.error = Some(e);
                fmt::Error
            });
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        Ok(())
    }
}

/// Formats `args` and writes the result to `fd`, in one `write(2)` when it fits in
/// [`LINE_BUFFER`] bytes.
///
/// # Panics
/// When a `Display` or `Debug` implementation returns an error of its own (not a write error),
/// as `std`'s `write!` to a `Write` does.
pub fn write_fmt(fd: impl AsFd, args: fmt::Arguments<'_>) -> Result<()> {
    let mut w = FdWriter::<LINE_BUFFER>::new(fd.as_fd());
    let formatted = fmt::write(&mut w, args);
    match (formatted, w.error()) {
        (_, Some(e)) => Err(e),
        (Err(_), None) => panic!("a formatting trait implementation returned an error"),
        (Ok(()), None) => w.flush(),
    }
}

/// Writes `prefix`, the name of `e` and a newline to standard error, for a program's one-line
/// error report: `report_error(b"hello-nostd: stdout: ", Errno::ENOSPC)` writes
/// `hello-nostd: stdout: ENOSPC`. A number with no name is written as `unknown error`.
///
/// Three [`write_all`] calls, with no `core::fmt`: the formatting machinery would multiply the
/// size of a program as small as hello-nostd. Write errors are ignored: with standard error
/// gone, the exit status is all that is left.
pub fn report_error(prefix: &[u8], e: Errno) {
    let err = stderr();
    let _ = write_all(err, prefix);
    let _ = write_all(err, e.name().unwrap_or("unknown error").as_bytes());
    let _ = write_all(err, b"\n");
}

#[doc(hidden)]
pub fn _print(args: fmt::Arguments<'_>) {
    if let Err(e) = write_fmt(stdout(), args) {
        panic!("failed printing to stdout: {e}");
    }
}

#[doc(hidden)]
pub fn _eprint(args: fmt::Arguments<'_>) {
    if let Err(e) = write_fmt(stderr(), args) {
        panic!("failed printing to stderr: {e}");
    }
}

/// Prints to standard output, like `std::print!`.
///
/// # Panics
/// When writing to standard output fails, as `std::print!` does.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::rt::stdio::_print(::core::format_args!($($arg)*)) };
}

/// Prints to standard output with a newline, like `std::println!`; a short line is one
/// `write(2)`.
///
/// # Panics
/// When writing to standard output fails, as `std::println!` does.
#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => { $crate::print!("{}\n", ::core::format_args!($($arg)*)) };
}

/// Prints to standard error, like `std::eprint!`.
///
/// # Panics
/// When writing to standard error fails, as `std::eprint!` does.
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::rt::stdio::_eprint(::core::format_args!($($arg)*)) };
}

/// Prints to standard error with a newline, like `std::eprintln!`.
///
/// # Panics
/// When writing to standard error fails, as `std::eprintln!` does.
#[macro_export]
macro_rules! eprintln {
    () => { $crate::eprint!("\n") };
    ($($arg:tt)*) => { $crate::eprint!("{}\n", ::core::format_args!($($arg)*)) };
}
