//! `Errno`'s `Display`: name and text, and an unknown number.

use alloc::format;

use syscall_kit::Errno;

use crate::TestResult;

pub fn display() -> TestResult {
    let s = format!("{}", Errno::ENOENT);
    check!(s == "ENOENT: No such file or directory", "got {s:?}");
    let s = format!("{}", Errno::EDQUOT);
    check!(s == "EDQUOT: Disk quota exceeded", "got {s:?}");
    let s = format!("{}", Errno::from_raw(999));
    check!(s == "errno 999", "got {s:?}");
    Ok(())
}
