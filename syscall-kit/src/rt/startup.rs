//! Arguments, environment and auxiliary vector, read from the initial process stack.
//!
//! The kernel leaves them on the stack of a new process (see `execve(2)` and the psABI):
//! `argc`, `argv[0..argc]`, null, `envp[..]`, null, then `(key, value)` pairs of the auxiliary
//! vector (`getauxval(3)`) up to `AT_NULL`. Nothing here makes a system call.

use core::ffi::{CStr, c_char};

use super::entry::INITIAL_STACK;
use crate::process::StrTable;
use crate::text::after;

/// `AT_NULL`: end of the auxiliary vector.
pub const AT_NULL: usize = 0;
/// `AT_PHDR`: address of the program headers.
pub const AT_PHDR: usize = 3;
/// `AT_PAGESZ`: the system page size.
pub const AT_PAGESZ: usize = 6;
/// `AT_ENTRY`: the program's entry point.
pub const AT_ENTRY: usize = 9;
/// `AT_UID`: the real user id.
pub const AT_UID: usize = 11;
/// `AT_SECURE`: non-zero for a set-user-id program.
pub const AT_SECURE: usize = 23;
/// `AT_RANDOM`: address of 16 random bytes.
pub const AT_RANDOM: usize = 25;
/// `AT_EXECFN`: the path given to `execve(2)`.
pub const AT_EXECFN: usize = 31;

/// `(argc, argv)`, or `(0, null)` before the runtime started.
fn stack() -> (usize, *const *const c_char) {
    let sp = INITIAL_STACK.get();
    if sp.is_null() {
        return (0, core::ptr::null());
    }
    // SAFETY: `sp` is the initial stack pointer, which points at argc, followed by argv.
    unsafe { (*sp, sp.add(1).cast()) }
}

/// A null-terminated array of C string pointers, iterated.
#[derive(Clone, Debug)]
pub struct CStrs {
    next: *const *const c_char,
    left: usize,
}

impl Iterator for CStrs {
    type Item = &'static CStr;

    fn next(&mut self) -> Option<&'static CStr> {
        if self.left == 0 {
            return None;
        }
        // SAFETY: `next` points into a null-terminated pointer array of the initial stack, and
        // `left` counts the entries before the null; each points at a NUL-terminated string
        // that lives, unchanged by this kit, for the whole process.
        unsafe {
            let s = CStr::from_ptr(*self.next);
            self.next = self.next.add(1);
            self.left -= 1;
            Some(s)
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for CStrs {}

/// Counts the pointers before the null that ends the array at `p`.
///
/// # Safety
/// `p` points at a null-terminated array of pointers.
unsafe fn count(p: *const *const c_char) -> usize {
    let mut n = 0;
    // SAFETY: the array is null-terminated, so every read up to the null is in bounds.
    while !unsafe { *p.add(n) }.is_null() {
        n += 1;
    }
    n
}

/// The program's arguments (`argv`), starting with its name as given to `execve(2)`.
pub fn args() -> CStrs {
    let (argc, argv) = stack();
    CStrs {
        next: argv,
        left: argc,
    }
}

/// The environment (`envp`): strings of the form `NAME=value`.
pub fn env() -> CStrs {
    let (argc, argv) = stack();
    if argv.is_null() {
        return CStrs {
            next: argv,
            left: 0,
        };
    }
    // SAFETY: envp starts after argv's argc pointers and their null.
    let envp = unsafe { argv.add(argc + 1) };
    CStrs {
        next: envp,
        // SAFETY: envp is null-terminated.
        left: unsafe { count(envp) },
    }
}

/// The program's arguments (`argv`) as the table on the initial stack; empty in a program
/// whose runtime did not start (no [`main!`](crate::main)).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/execve.2.html
pub fn arg_table() -> StrTable {
    let (argc, argv) = stack();
    if argv.is_null() {
        return StrTable::EMPTY;
    }
    // SAFETY: argv holds argc pointers, then a null; it lives, as its strings, for the whole
    // process (the kit never writes the initial stack).
    unsafe { StrTable::from_raw_parts(argv, argc) }
}

/// The environment (`envp`, strings `NAME=value`) as the table on the initial stack; empty in
/// a program whose runtime did not start.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/environ.7.html
pub fn env_table() -> StrTable {
    let (argc, argv) = stack();
    if argv.is_null() {
        return StrTable::EMPTY;
    }
    // SAFETY: envp starts after argv's argc pointers and their null; it is null-terminated and
    // lives, as its strings, for the whole process (the kit never writes the initial stack).
    unsafe { StrTable::from_ptr(argv.add(argc + 1)) }
}

/// The value of the environment variable `name` (see `getenv(3)`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/getenv.3.html
pub fn getenv(name: &str) -> Option<&'static CStr> {
    let env = env_table();
    let mut i = 0;
    // A loop over the table and `text::after`, not an iterator and `strip_prefix`: no panic
    // path, so that a small program may call it (see `crate::text`).
    while let Some(entry) = env.get(i) {
        i += 1;
        let value = after(entry.to_bytes_with_nul(), name.as_bytes()).and_then(|v| after(v, b"="));
        if let Some(value) = value {
            // SAFETY: `value` is a tail of a C string's bytes with its NUL: it ends with that
            // NUL and holds no other.
            return Some(unsafe { CStr::from_bytes_with_nul_unchecked(value) });
        }
    }
    None
}

/// The value of the auxiliary vector entry `key` (`AT_*`), as `getauxval(3)` gives it.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/getauxval.3.html
pub fn auxv(key: usize) -> Option<usize> {
    let (argc, argv) = stack();
    if argv.is_null() {
        return None;
    }
    // SAFETY: the auxiliary vector follows the null that ends envp; it is a list of
    // (key, value) words that ends with AT_NULL.
    unsafe {
        let envp = argv.add(argc + 1);
        let mut entry = envp.add(count(envp) + 1).cast::<usize>();
        loop {
            match *entry {
                AT_NULL => return None,
                k if k == key => return Some(*entry.add(1)),
                _ => entry = entry.add(2),
            }
        }
    }
}

/// The page size (`AT_PAGESZ`), or 4096 when the runtime did not start.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/getauxval.3.html
pub fn page_size() -> usize {
    auxv(AT_PAGESZ).unwrap_or(4096)
}

/// The 16 random bytes the kernel put on the initial stack (`AT_RANDOM`), good for a seed.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/getauxval.3.html
pub fn random_bytes() -> Option<&'static [u8; 16]> {
    // SAFETY: AT_RANDOM is the address of 16 bytes on the initial stack, which lives as long as
    // the process and is never written by this kit.
    auxv(AT_RANDOM).map(|p| unsafe { &*(p as *const [u8; 16]) })
}
