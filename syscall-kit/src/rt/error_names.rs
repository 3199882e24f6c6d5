//! [`ErrorNames`]: the names of a chosen few errors, for a program that must stay small.
//!
//! [`report_error`](crate::rt::stdio::report_error) names any error of the kit's table, and
//! that table (every name and text of Linux's errors) becomes part of every program that calls
//! it. A program that can fail in only a few ways keeps just those names instead:
//!
//! ```ignore
//! // The errors write(2) documents; any other number is "unknown error".
//! const WRITE_ERRORS: ErrorNames = syscall_kit::error_names!(EAGAIN, EBADF, EIO, ENOSPC, EPIPE);
//! WRITE_ERRORS.report(b"hello-nostd: stdout: ", e); // hello-nostd: stdout: ENOSPC
//! ```
//!
//! The table is built when the program is compiled, from the kit's own constants (a name that
//! is not an [`Errno`] constant does not compile): for each error one byte of its number, its
//! name and a newline, then a zero byte and `unknown error` and a newline. Looking a number up
//! is one pass over it, with no bounds check left to panic.

use crate::Errno;
use crate::io::write_all;

/// The names of a few errors, built by [`error_names!`](crate::error_names); see the
/// [module](self).
#[derive(Clone, Copy)]
pub struct ErrorNames {
    /// Entries `[number, name…, b'\n']`, then `[0, b"unknown error", b'\n']`.
    table: &'static [u8],
}

/// What a number not in the table prints as.
#[doc(hidden)]
pub const UNKNOWN: &[u8] = b"unknown error";

impl ErrorNames {
    /// The table `error_names!` built.
    ///
    /// # Safety
    /// `table` is a sequence of entries `[number, name…, b'\n']` with numbers 1 to 255 and names
    /// without a newline, ending with the entry `[0, b"unknown error", b'\n']`, as the macro
    /// builds it: [`ErrorNames::line`] relies on the final entry to stop.
    #[doc(hidden)]
    pub const unsafe fn from_table(table: &'static [u8]) -> ErrorNames {
        ErrorNames { table }
    }

    /// The name of `e` followed by a newline (`b"ENOSPC\n"`), or `b"unknown error\n"` when `e`
    /// is not in the table.
    pub fn line(self, e: Errno) -> &'static [u8] {
        let mut entry = self.table.as_ptr();
        loop {
            // SAFETY: `entry` points at the first byte of an entry of the table (the first
            // entry, or the byte after the newline that ends the previous one). Every entry
            // ends with a newline and the last one has number 0, where the loop stops: an
            // errno is never 0, so the scan never passes the end of the table (see
            // `from_table`).
            unsafe {
                let number = *entry;
                let name = entry.add(1);
                let mut end = name;
                while *end != b'\n' {
                    end = end.add(1);
                }
                end = end.add(1);
                if number == 0 || i32::from(number) == e.raw() {
                    let len = end.offset_from(name) as usize;
                    return core::slice::from_raw_parts(name, len);
                }
                entry = end;
            }
        }
    }

    /// Writes `prefix` and the name of `e` with a newline to standard error: one line such as
    /// `hello-nostd: stdout: ENOSPC`. As [`report_error`](crate::rt::stdio::report_error),
    /// write errors are ignored: with standard error gone, the exit status is all that is left.
    pub fn report(self, prefix: &[u8], e: Errno) {
        let err = crate::stderr();
        let _ = write_all(err, prefix);
        let _ = write_all(err, self.line(e));
    }
}

/// Builds the [`ErrorNames`] of the listed [`Errno`] constants, at compile time:
/// `error_names!(EAGAIN, EBADF, EIO)`. See [`rt::error_names`](crate::rt::error_names).
#[macro_export]
macro_rules! error_names {
    ($($name:ident),+ $(,)?) => {{
        const LEN: usize = 0 $(+ 2 + stringify!($name).len())+ + 2 + $crate::rt::error_names::UNKNOWN.len();
        const TABLE: [u8; LEN] = {
            let mut table = [0u8; LEN];
            let mut i = 0;
            $({
                let number = $crate::Errno::$name.raw();
                assert!(number > 0 && number < 256, "error_names!: number out of 1..=255");
                table[i] = number as u8;
                i += 1;
                i = $crate::rt::error_names::copy(&mut table, i, stringify!($name).as_bytes());
            })+
            table[i] = 0;
            i = $crate::rt::error_names::copy(&mut table, i + 1, $crate::rt::error_names::UNKNOWN);
            assert!(i == LEN);
            table
        };
        // SAFETY: `TABLE` is built above in the layout `from_table` requires: one entry per
        // name (a number 1..=255, checked; the name, an identifier, so no newline; a newline
        // added by `copy`), then the final entry of number 0.
        unsafe { $crate::rt::error_names::ErrorNames::from_table(&TABLE) }
    }};
}

/// Copies `name` and a newline into `table` at `at`; returns the index after them. For
/// [`error_names!`](crate::error_names), at compile time.
#[doc(hidden)]
pub const fn copy<const N: usize>(table: &mut [u8; N], at: usize, name: &[u8]) -> usize {
    let mut i = 0;
    while i < name.len() {
        table[at + i] = name[i];
        i += 1;
    }
    table[at + i] = b'\n';
    at + i + 1
}
