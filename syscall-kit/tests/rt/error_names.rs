//! `rt::error_names`: the compile-time table and its lookup.

use syscall_kit::Errno;
use syscall_kit::rt::error_names::ErrorNames;

const NAMES: ErrorNames = syscall_kit::error_names!(EAGAIN, ECHILD, EDESTADDRREQ, EDQUOT, EPERM);

#[test]
fn each_listed_error_is_its_name_and_a_newline() {
    for (e, line) in [
        (Errno::EAGAIN, "EAGAIN\n"),
        (Errno::EDESTADDRREQ, "EDESTADDRREQ\n"),
        (Errno::EDQUOT, "EDQUOT\n"),
        (Errno::EPERM, "EPERM\n"),
    ] {
        assert_eq!(NAMES.line(e), line.as_bytes(), "errno {}", e.raw());
    }
}

/// ECHILD is 10, the byte of a newline: the number is never taken for the end of an entry.
#[test]
fn an_error_numbered_like_a_newline_is_found() {
    assert_eq!(Errno::ECHILD.raw(), i32::from(b'\n'));
    assert_eq!(NAMES.line(Errno::ECHILD), b"ECHILD\n");
}

#[test]
fn any_other_number_is_unknown_error() {
    for raw in [2, 5, 11 + 256, 255, 4095, -1, i32::MAX] {
        assert_eq!(
            NAMES.line(Errno::from_raw(raw)),
            b"unknown error\n",
            "errno {raw}"
        );
    }
}

#[test]
fn a_table_of_one_works() {
    let one = syscall_kit::error_names!(EIO);
    assert_eq!(one.line(Errno::EIO), b"EIO\n");
    assert_eq!(one.line(Errno::ENOSPC), b"unknown error\n");
}
