//! Running a program: [`execve`] (`execve(2)`), and [`execvp`], which first finds the program
//! through `PATH` as `execvp(3)` does. Both take their argument and environment strings as
//! [`ExecStrings`]: a slice of C strings, or a [`StrTable`] passed to the kernel as it is.

use core::ffi::{CStr, c_char};

use super::StrTable;
use crate::raw::{self, nr};
use crate::text::after;
use crate::{Errno, PATH_MAX};

/// How many strings a slice given to [`execve`] or [`execvp`] may hold: its pointer table is
/// built on the stack. A [`StrTable`] has no such limit.
pub const EXECVE_MAX_STRINGS: usize = 255;

/// The search path of [`execvp`] when the environment has no `PATH` (musl's; glibc's is
/// `/bin:/usr/bin`).
pub const DEFAULT_PATH: &[u8] = b"/usr/local/bin:/bin:/usr/bin";

/// The argument or environment strings of [`execve`] and [`execvp`], in one of two forms:
///
/// - a slice of C strings, `&[&CStr]` (or an array): its null-terminated pointer table is built
///   on the stack for the call, so it may hold at most [`EXECVE_MAX_STRINGS`] strings; more
///   make the call fail with [`Errno::E2BIG`] before any system call;
/// - a [`StrTable`] (the initial stack's `argv` or `envp`, or a tail of one): already the
///   table the kernel reads, passed without a copy and with no limit but the kernel's.
pub trait ExecStrings<'a>: Copy {
    /// The string at `index`, if there is one.
    fn get(self, index: usize) -> Option<&'a CStr>;

    /// Calls `exec` with the null-terminated table of pointers to the strings, or returns
    /// [`Errno::E2BIG`] when there are too many to make one.
    fn with_table(self, exec: impl FnOnce(*const *const c_char) -> Errno) -> Errno;
}

impl<'a> ExecStrings<'a> for &'a [&'a CStr] {
    fn get(self, index: usize) -> Option<&'a CStr> {
        <[&CStr]>::get(self, index).copied()
    }

    fn with_table(self, exec: impl FnOnce(*const *const c_char) -> Errno) -> Errno {
        let mut table = [core::ptr::null(); EXECVE_MAX_STRINGS + 1];
        if self.len() > EXECVE_MAX_STRINGS {
            return Errno::E2BIG;
        }
        // The entries after the strings stay null: the table ends with at least one.
        for (slot, s) in table.iter_mut().zip(self) {
            *slot = s.as_ptr();
        }
        exec(table.as_ptr())
    }
}

impl<'a, const N: usize> ExecStrings<'a> for &'a [&'a CStr; N] {
    fn get(self, index: usize) -> Option<&'a CStr> {
        self.as_slice().get(index).copied()
    }

    fn with_table(self, exec: impl FnOnce(*const *const c_char) -> Errno) -> Errno {
        self.as_slice().with_table(exec)
    }
}

impl ExecStrings<'static> for StrTable {
    fn get(self, index: usize) -> Option<&'static CStr> {
        StrTable::get(self, index)
    }

    fn with_table(self, exec: impl FnOnce(*const *const c_char) -> Errno) -> Errno {
        exec(self.as_ptr())
    }
}

/// `execve(2)`: replaces the program of this process with the file `path`, given the argument
/// strings `argv` and the environment strings `envp` (`NAME=value`), each a slice of C strings
/// or a [`StrTable`] (see [`ExecStrings`]). Returns only on failure, with the error.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/execve.2.html
pub fn execve<'a, 'e>(
    path: &CStr,
    argv: impl ExecStrings<'a>,
    envp: impl ExecStrings<'e>,
) -> Errno {
    argv.with_table(|argv| {
        envp.with_table(|envp| {
            // SAFETY: `path` and every string are NUL-terminated and outlive the call; both
            // tables are null-terminated arrays of pointers to them (`ExecStrings`).
            match unsafe {
                raw::syscall3(
                    nr::EXECVE,
                    path.as_ptr() as usize,
                    argv as usize,
                    envp as usize,
                )
            } {
                Err(e) => e,
                // execve does not return on success.
                Ok(_) => Errno::EINVAL,
            }
        })
    })
}

/// `execvp(3)` with an explicit environment (`execvpe`): runs `file` as [`execve`] does, with
/// `argv` and `envp`; a `file` without a `/` is looked for in each directory of the `PATH` of
/// `envp` (or [`DEFAULT_PATH`]) in order, an empty entry meaning the current directory. Returns
/// only on failure.
///
/// The search goes on past a directory where the file is missing (`ENOENT`, `ENOTDIR`) or may
/// not be executed (`EACCES`); when no directory had it, the result is [`Errno::EACCES`] if one
/// refused it, [`Errno::ENOENT`] otherwise. Any other error ends the search at once, with that
/// error. Unlike the C library's, a file the kernel cannot execute (`ENOEXEC`, a script with no
/// `#!`) is not handed to `/bin/sh`: there may be no shell. An empty `file` is `ENOENT`; a
/// candidate path of [`PATH_MAX`] bytes or more is skipped as `ENAMETOOLONG`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/exec.3.html
pub fn execvp<'a, 'e>(
    file: &CStr,
    argv: impl ExecStrings<'a>,
    envp: impl ExecStrings<'e>,
) -> Errno {
    search(file, search_path(envp), |path| execve(path, argv, envp))
}

/// The value of `PATH` in `envp`, or [`DEFAULT_PATH`].
fn search_path<'e>(envp: impl ExecStrings<'e>) -> &'e [u8] {
    let mut i = 0;
    while let Some(entry) = envp.get(i) {
        if let Some(value) = after(entry.to_bytes(), b"PATH=") {
            return value;
        }
        i += 1;
    }
    DEFAULT_PATH
}

/// The search of [`execvp`]: `exec` is called with `file` itself when it has a `/`, else with
/// each candidate in `search_path`.
fn search(file: &CStr, search_path: &[u8], mut exec: impl FnMut(&CStr) -> Errno) -> Errno {
    let name = file.to_bytes();
    if name.is_empty() {
        return Errno::ENOENT;
    }
    // A name with a `/` is run as it is: the one candidate, as an empty entry of `PATH` makes
    // (a loop, not `contains`: that one links core's word-at-a-time memchr, large for a name
    // of a few bytes).
    let mut direct = false;
    for &b in name {
        direct |= b == b'/';
    }
    let mut seen_eacces = false;
    let mut last = Errno::ENOENT;
    let mut buf = [0u8; PATH_MAX];
    // The entries of `search_path` one by one, without `split` (an iterator adapter costs more
    // code than this loop): `rest` is what follows the entry in hand.
    let mut rest = if direct { b"" } else { search_path };
    loop {
        // "dir/name\0"; an empty entry is the current directory: "name\0". Written without
        // indexing that could panic, so that a program using this has no panic path here; `len`
        // counts on past the end of `buf` when the path does not fit.
        let mut len = 0;
        let mut put = |b: u8| {
            if let Some(slot) = buf.get_mut(len) {
                *slot = b;
            }
            len += 1;
        };
        let mut dir_len = 0;
        while let Some(&b) = rest.get(dir_len) {
            if b == b':' {
                break;
            }
            put(b);
            dir_len += 1;
        }
        if dir_len > 0 {
            put(b'/');
        }
        for &b in file.to_bytes_with_nul() {
            put(b);
        }
        let next = rest.get(dir_len + 1..);
        let e = match buf.get(..len) {
            // SAFETY: `bytes` ends with the NUL of `file` and holds no other: the entry is part
            // of an environment string or of DEFAULT_PATH and `name` of a C string, none of
            // which has a NUL inside.
            Some(bytes) => exec(unsafe { CStr::from_bytes_with_nul_unchecked(bytes) }),
            None => Errno::ENAMETOOLONG,
        };
        if direct {
            return e;
        }
        match e {
            Errno::EACCES => seen_eacces = true,
            e @ (Errno::ENOENT | Errno::ENOTDIR | Errno::ENAMETOOLONG | Errno::ELOOP) => last = e,
            e => return e,
        }
        // No ':' after this entry: it was the last.
        let Some(next) = next else { break };
        rest = next;
    }
    if seen_eacces {
        Errno::EACCES
    } else {
        match last {
            Errno::ENOTDIR => Errno::ENOENT,
            e => e,
        }
    }
}
