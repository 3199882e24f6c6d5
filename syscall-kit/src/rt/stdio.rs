//! `print!`, `println!`, `eprint!`, `eprintln!` over `core::fmt`, their fallible forms
//! `try_print!`, `try_println!`, `try_eprint!`, `try_eprintln!`, and [`FdWriter`] under them;
//! [`report_error`], a program's one-line error report without `core::fmt`; and
//! [`report_output_error`], the tools' policy for a failed write of their output.
//!
//! Each macro call formats into a buffer on the stack ([`LINE_BUFFER`] bytes) and writes it out
//! before it returns: a short line is one `write(2)`, and nothing is ever left unwritten at
//! exit. Longer output goes out in buffer-sized `write(2)` calls.
//!
//! # Output errors
//!
//! `print!` and its kin panic when the write fails, as `std`'s do: the program ends with a
//! `panicked at` message and status 101. That suits a program for which a failed write is a
//! bug. A tool whose output may go to a full disk, a closed descriptor or a pipe whose reader
//! has left writes with the `try_` macros, which return `Result<(), Errno>`, and on an error
//! stops and calls [`report_output_error`]:
//!
//! - one line on standard error, `PROGRAM: write error: ENOSPC: No space left on device`, and
//!   the tool's own error status (what it returns for any other failure);
//! - for `EPIPE` (the reader has gone, and `SIGPIPE` is ignored, or the program would already
//!   have been killed by it) nothing is written: the reader asked for no more, as GNU tools
//!   stay quiet there;
//! - a failed write of standard error itself changes nothing but what the user sees: the
//!   status stays the one the tool meant to return.
//!
//! ```ignore
//! if let Err(e) = syscall_kit::try_println!("{report}") {
//!     syscall_kit::rt::stdio::report_output_error(b"mytool", e);
//!     return 2;
//! }
//! ```

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

/// The one-line report of a failed write of a tool's output (see [Output errors](self#output-errors)):
/// `PROGRAM: write error: ` and the name and description of `e` on standard error, or nothing
/// when `e` is [`Errno::EPIPE`]. The caller then exits with its error status.
///
/// With no `core::fmt`, like [`report_error`]; write errors of standard error are ignored.
pub fn report_output_error(program: &[u8], e: Errno) {
    if e == Errno::EPIPE {
        return;
    }
    let err = stderr();
    let _ = write_all(err, program);
    let _ = write_all(err, b": write error: ");
    let _ = write_all(err, e.name().unwrap_or("unknown error").as_bytes());
    if let Some(text) = e.description() {
        let _ = write_all(err, b": ");
        let _ = write_all(err, text.as_bytes());
    }
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

/// Prints to standard output like [`print!`](crate::print), but returns the error of the write,
/// a `Result<(), Errno>`, instead of panicking.
///
/// # Panics
/// Only when a `Display` or `Debug` implementation returns an error of its own.
#[macro_export]
macro_rules! try_print {
    ($($arg:tt)*) => {
        $crate::rt::stdio::write_fmt($crate::fd::stdout(), ::core::format_args!($($arg)*))
    };
}

/// [`try_print!`](crate::try_print) with a newline: a `Result<(), Errno>`.
#[macro_export]
macro_rules! try_println {
    () => { $crate::try_print!("\n") };
    ($($arg:tt)*) => { $crate::try_print!("{}\n", ::core::format_args!($($arg)*)) };
}

/// Prints to standard error like [`eprint!`](crate::eprint), but returns the error of the
/// write, a `Result<(), Errno>`, instead of panicking.
#[macro_export]
macro_rules! try_eprint {
    ($($arg:tt)*) => {
        $crate::rt::stdio::write_fmt($crate::fd::stderr(), ::core::format_args!($($arg)*))
    };
}

/// [`try_eprint!`](crate::try_eprint) with a newline: a `Result<(), Errno>`.
#[macro_export]
macro_rules! try_eprintln {
    () => { $crate::try_eprint!("\n") };
    ($($arg:tt)*) => { $crate::try_eprint!("{}\n", ::core::format_args!($($arg)*)) };
}
