//! The text of an `errno` value as runc prints it: runc is written in Go, whose
//! `syscall.Errno` has its own texts (`no such file or directory`), not the C library's
//! (`No such file or directory`).

use syscall_kit::Errno;

/// The text of `errno` as Go's `syscall.Errno` prints it (what runc shows); the errors a start
/// can meet, and `input/output error` for any other.
pub(super) fn go_errno(e: Errno) -> &'static str {
    match e {
        Errno::ENOENT => "no such file or directory",
        Errno::ENOTDIR => "not a directory",
        Errno::ELOOP => "too many levels of symbolic links",
        Errno::EACCES => "permission denied",
        Errno::ENOEXEC => "exec format error",
        Errno::EFBIG => "file too large",
        _ => "input/output error",
    }
}
