//! Unit tests that need whole files: the loader's search order over systems built in a
//! [`MemoryRoot`](crate::MemoryRoot), from the small ELF files and `ld.so.cache` files of
//! [`test_files`](crate::test_files). Nothing is read from the disk of the machine running the
//! tests.

mod file_reader;
#[cfg(target_arch = "x86_64")]
mod hwcaps;
mod search_order;
mod view_errors;
