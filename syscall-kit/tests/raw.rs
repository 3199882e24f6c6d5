//! `raw::check` (`src/raw.rs`): the kernel's return convention, a value in `-4095..=-1` for an
//! error and anything else for success, at its edges.

use syscall_kit::Errno;
use syscall_kit::raw::{self, check, nr};

/// `-n` as the kernel returns it: a word.
fn neg(n: isize) -> usize {
    (-n) as usize
}

#[test]
fn check_decodes_minus_1_to_minus_4095_as_errors_and_the_rest_as_values() {
    // The error range, both ends and one inside.
    assert_eq!(check(neg(1)), Err(Errno::EPERM));
    assert_eq!(check(neg(2)), Err(Errno::ENOENT));
    assert_eq!(check(neg(4095)), Err(Errno::from_raw(4095)));
    // Just outside it: -4096 is a value (`mmap` can return an address that high).
    assert_eq!(check(neg(4096)), Ok(usize::MAX - 4095));
    assert_eq!(check(neg(4097)), Ok(usize::MAX - 4096));
    // Zero and positive values, up to the largest word that is not an error.
    assert_eq!(check(0), Ok(0));
    assert_eq!(check(1), Ok(1));
    assert_eq!(check(isize::MAX as usize), Ok(isize::MAX as usize));
    assert_eq!(check(isize::MIN as usize), Ok(isize::MIN as usize));
}

#[test]
fn a_real_call_goes_through_check_both_ways() {
    // SAFETY: (test): `getpid` touches no memory.
    let pid = unsafe { raw::syscall0(nr::GETPID) };
    assert_eq!(pid, Ok(std::process::id() as usize));
    // SAFETY: (test): `close` of a number far above any open descriptor closes nothing.
    let closed = unsafe { raw::syscall1(nr::CLOSE, 1 << 20) };
    assert_eq!(closed, Err(Errno::EBADF));
}
