//! Which errors are injected into which system call: the plausible ones for any call, and the
//! ones each call's man page lists (section ERRORS of `man 2 CALL`).

/// Injected into every call: interrupted, would block, I/O error, out of memory, no space,
/// bad descriptor, permission denied, bad address.
pub const COMMON: [&str; 8] = [
    "EINTR", "EAGAIN", "EIO", "ENOMEM", "ENOSPC", "EBADF", "EACCES", "EFAULT",
];

/// The errors `man 2 CALL` lists for `syscall` (beyond [`COMMON`]); empty for a call not
/// listed here, which still gets the common ones.
pub fn listed(syscall: &str) -> &'static [&'static str] {
    match syscall {
        "read" | "pread64" | "readv" => &["EINVAL", "EISDIR"],
        "write" | "pwrite64" | "writev" => &["EDQUOT", "EFBIG", "EINVAL", "EPERM", "EPIPE"],
        "open" | "openat" | "openat2" => &[
            "EDQUOT",
            "EEXIST",
            "EFBIG",
            "EINVAL",
            "EISDIR",
            "ELOOP",
            "EMFILE",
            "ENAMETOOLONG",
            "ENFILE",
            "ENODEV",
            "ENOENT",
            "ENOTDIR",
            "ENXIO",
            "EOVERFLOW",
            "EPERM",
            "EROFS",
            "ETXTBSY",
            "EXDEV",
        ],
        "close" => &["EDQUOT"],
        "statx" | "newfstatat" | "fstat" | "stat" | "lstat" => &[
            "EINVAL",
            "ELOOP",
            "ENAMETOOLONG",
            "ENOENT",
            "ENOTDIR",
            "EOVERFLOW",
        ],
        "readlinkat" | "readlink" => &["EINVAL", "ELOOP", "ENAMETOOLONG", "ENOENT", "ENOTDIR"],
        "getcwd" => &["EINVAL", "ENAMETOOLONG", "ENOENT", "ERANGE"],
        "brk" | "mmap" | "mremap" | "munmap" => &["EINVAL", "EPERM", "EOVERFLOW"],
        "sendfile" => &["EINVAL", "EOVERFLOW", "ESPIPE"],
        "splice" => &["EINVAL", "ESPIPE"],
        "copy_file_range" => &[
            "EFBIG",
            "EINVAL",
            "EISDIR",
            "EOPNOTSUPP",
            "EOVERFLOW",
            "EPERM",
            "ETXTBSY",
            "EXDEV",
        ],
        "lseek" => &["EINVAL", "ENXIO", "EOVERFLOW", "ESPIPE"],
        "poll" | "ppoll" => &["EINVAL"],
        "prctl" => &["EINVAL", "EPERM"],
        "seccomp" => &["EBUSY", "EINVAL", "ESRCH"],
        "pipe2" => &["EINVAL", "EMFILE", "ENFILE"],
        "dup2" | "dup3" => &["EBUSY", "EINVAL", "EMFILE"],
        "clone" | "clone3" | "fork" | "vfork" => &["EINVAL", "EPERM", "EUSERS"],
        "wait4" | "waitid" => &["ECHILD", "EINVAL"],
        "execve" => &[
            "E2BIG",
            "EINVAL",
            "EISDIR",
            "ELIBBAD",
            "ELOOP",
            "EMFILE",
            "ENAMETOOLONG",
            "ENFILE",
            "ENOENT",
            "ENOEXEC",
            "ENOTDIR",
            "EPERM",
            "ETXTBSY",
        ],
        "mkdir" | "mkdirat" => &[
            "EDQUOT",
            "EEXIST",
            "EINVAL",
            "ELOOP",
            "EMLINK",
            "ENAMETOOLONG",
            "ENOENT",
            "ENOTDIR",
            "EPERM",
            "EROFS",
        ],
        "rename" | "renameat" | "renameat2" => &[
            "EBUSY",
            "EDQUOT",
            "EEXIST",
            "EINVAL",
            "EISDIR",
            "ELOOP",
            "EMLINK",
            "ENAMETOOLONG",
            "ENOENT",
            "ENOTDIR",
            "ENOTEMPTY",
            "EPERM",
            "EROFS",
            "EXDEV",
        ],
        "unlink" | "unlinkat" => &[
            "EBUSY",
            "EISDIR",
            "ELOOP",
            "ENAMETOOLONG",
            "ENOENT",
            "ENOTDIR",
            "EPERM",
            "EROFS",
        ],
        "chmod" | "fchmod" | "fchmodat" => &["ELOOP", "ENAMETOOLONG", "ENOENT", "EPERM", "EROFS"],
        "symlink" | "symlinkat" => &[
            "EDQUOT",
            "EEXIST",
            "ELOOP",
            "ENAMETOOLONG",
            "ENOENT",
            "ENOTDIR",
            "EPERM",
            "EROFS",
        ],
        "getdents64" => &["EINVAL", "ENOENT", "ENOTDIR"],
        "fsync" | "fdatasync" => &["EDQUOT", "EINVAL", "EROFS"],
        "ftruncate" => &["EFBIG", "EINVAL", "EPERM", "ETXTBSY"],
        "ptrace" => &["EBUSY", "EINVAL", "EIO", "EPERM", "ESRCH"],
        "process_vm_readv" => &["EINVAL", "EPERM", "ESRCH"],
        "kill" => &["EINVAL", "EPERM", "ESRCH"],
        _ => &[],
    }
}

/// [`COMMON`] and then the ones [`listed`] for `syscall`, each once.
pub fn for_call(syscall: &str) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = COMMON.to_vec();
    for e in listed(syscall) {
        if !all.contains(e) {
            all.push(e);
        }
    }
    all
}
