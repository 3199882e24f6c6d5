//! Tests of `syscall_kit::rt` that run in an ordinary test binary (the entry point and the
//! heap are exercised by the no_std programs and kit-selftest).

#![cfg(feature = "runtime")]

mod error_names;
