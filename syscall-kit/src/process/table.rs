//! [`StrTable`]: the null-terminated string tables `execve(2)` takes, as the initial stack holds
//! them.

use core::ffi::{CStr, c_char};

/// A null-terminated array of pointers to NUL-terminated strings that live, unchanged, for the
/// rest of the process: the initial stack's `argv` or `envp` (`rt::arg_table`, `rt::env_table`) or
/// a tail of one ([`StrTable::skip`]). It is what `execve(2)` takes, as it is: no copy, no
/// allocation, no limit on the number of strings (see [`ExecStrings`](super::ExecStrings)).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/execve.2.html
#[derive(Clone, Copy, Debug)]
pub struct StrTable {
    ptr: *const *const c_char,
    len: usize,
}

/// The table of [`StrTable::EMPTY`]: only the null.
const EMPTY_TABLE: &[*const c_char; 1] = &[core::ptr::null()];

impl StrTable {
    /// A table of no strings.
    pub const EMPTY: StrTable = StrTable {
        ptr: EMPTY_TABLE.as_ptr(),
        len: 0,
    };

    /// The table that starts at `ptr` and ends at its first null pointer.
    ///
    /// # Safety
    /// `ptr` points at an array of pointers that ends with a null one; each pointer before it
    /// points at a NUL-terminated string; the array and the strings live, unchanged, for the
    /// rest of the process.
    pub unsafe fn from_ptr(ptr: *const *const c_char) -> StrTable {
        StrTable {
            ptr,
            len: {
                let mut n = 0;
                // SAFETY: the array is null-terminated (the caller's promise), so every read up
                // to the null is in bounds.
                while !unsafe { *ptr.add(n) }.is_null() {
                    n += 1;
                }
                n
            },
        }
    }

    /// The table of the `len` pointers at `ptr`, which the null pointer ends.
    ///
    /// # Safety
    /// As for [`StrTable::from_ptr`], and the null is at `ptr + len`.
    pub unsafe fn from_raw_parts(ptr: *const *const c_char, len: usize) -> StrTable {
        StrTable { ptr, len }
    }

    /// The number of strings (the null at the end not counted).
    pub fn len(self) -> usize {
        self.len
    }

    /// Whether the table holds no string.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The string at `index`, if there is one.
    pub fn get(self, index: usize) -> Option<&'static CStr> {
        if index >= self.len {
            return None;
        }
        // SAFETY: `index` is before the null that ends the array, and each pointer there is a
        // NUL-terminated string that lives for the rest of the process (see `from_ptr`).
        Some(unsafe { CStr::from_ptr(*self.ptr.add(index)) })
    }

    /// The table without its first `n` strings (empty when it has no more than `n`): still
    /// null-terminated, by the same null.
    pub fn skip(self, n: usize) -> StrTable {
        let n = if n < self.len { n } else { self.len };
        StrTable {
            // SAFETY: `n` is at most `len`, so the result points into the array or at its null.
            ptr: unsafe { self.ptr.add(n) },
            len: self.len - n,
        }
    }

    /// The address of the first pointer: a null-terminated array, as `execve(2)` takes it.
    pub fn as_ptr(self) -> *const *const c_char {
        self.ptr
    }
}
