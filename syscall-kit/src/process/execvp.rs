//! [`execvp`]: `execve(2)` of a program found through `PATH`, as `execvp(3)` finds it.

use core::ffi::CStr;

use super::{StrTable, execve, execve_table};
use crate::{Errno, PATH_MAX};

/// The search path when the environment has no `PATH` (musl's; glibc's is `/bin:/usr/bin`).
pub const DEFAULT_PATH: &[u8] = b"/usr/local/bin:/bin:/usr/bin";

/// The value of `PATH` in `envp`, or [`DEFAULT_PATH`].
fn search_path<'a>(envp: impl IntoIterator<Item = &'a CStr>) -> &'a [u8] {
    for entry in envp {
        // `get`, not `strip_prefix`: that one keeps a panic path in optimised code.
        let bytes = entry.to_bytes();
        if bytes.get(..5) == Some(b"PATH=") {
            return bytes.get(5..).unwrap_or(&[]);
        }
    }
    DEFAULT_PATH
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
pub fn execvp(file: &CStr, argv: &[&CStr], envp: &[&CStr]) -> Errno {
    search(file, search_path(envp.iter().copied()), |path| {
        execve(path, argv, envp)
    })
}

/// [`execvp`] with the tables as they are, as [`execve_table`] takes them: no copy and no
/// limit on the number of strings but the kernel's. The search is [`execvp`]'s.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/exec.3.html
pub fn execvp_table(file: &CStr, argv: StrTable, envp: StrTable) -> Errno {
    let mut i = 0;
    let entries = core::iter::from_fn(|| {
        let e = envp.get(i);
        i += 1;
        e
    });
    search(file, search_path(entries), |path| {
        execve_table(path, argv, envp)
    })
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
