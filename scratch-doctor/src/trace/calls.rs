//! The system calls that name a path, per ABI: the tracer's filter stops the tracee at these
//! and no others ([`filter_lists`]), and [`spec`] says where each one's path is and what it does
//! with it. Numbers come from the kit's tables (`syscall_kit::raw::nr`, and on x86_64
//! `syscall_kit::arch::i386::nr` for `int 0x80` and 32-bit programs), never typed here.
//!
//! The set: `open`, `openat`, `openat2`, `creat`; `stat`, `lstat`, `newfstatat`, `statx` (and
//! i386's `stat64`, `lstat64`, `fstatat64`, `oldstat`, `oldlstat`); `access`, `faccessat`,
//! `faccessat2`; `readlink`, `readlinkat`; `execve`, `execveat`; `chdir`, `chroot`; `mkdir`,
//! `mkdirat`; `unlink`, `unlinkat`, `rmdir`; `rename`, `renameat`, `renameat2`; `truncate`
//! (`truncate64`); `utimensat` (`utimensat_time64`); `connect` and `bind` (an `AF_UNIX` path;
//! i386's `socketcall` too); and `io_uring_setup`, which names no path but means that opens may
//! follow that no stop shows.

use syscall_kit::fs::OFlags;
use syscall_kit::seccomp::{Abi, MAX_ABIS, MAX_ALLOWED, Unless};

/// What a call does with the path it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Opened for reading (or with `O_PATH`), not as a directory.
    Read,
    /// Opened, or created, for writing (`O_WRONLY`, `O_RDWR`, `O_CREAT`, `O_TRUNC`, `creat`).
    Write,
    /// Opened as a directory (`O_DIRECTORY`): listed, or used as the base of relative paths.
    Directory,
    /// Looked up: `stat`, `access`, `readlink`.
    Lookup,
    /// Run: `execve`, `execveat`.
    Exec,
    /// Made the current directory.
    Chdir,
    /// Made the root directory.
    Chroot,
    /// Created as a directory.
    Mkdir,
    /// Removed (`unlink`, `rmdir`), renamed from or to, truncated, its times set: changed by
    /// the program.
    Change,
    /// An `AF_UNIX` socket it connects to.
    Connect,
    /// An `AF_UNIX` socket it creates (`bind`).
    Bind,
}

impl Use {
    /// A word for the report.
    pub fn name(self) -> &'static str {
        match self {
            Use::Read => "read",
            Use::Write => "write",
            Use::Directory => "directory",
            Use::Lookup => "lookup",
            Use::Exec => "exec",
            Use::Chdir => "chdir",
            Use::Chroot => "chroot",
            Use::Mkdir => "mkdir",
            Use::Change => "change",
            Use::Connect => "connect",
            Use::Bind => "bind",
        }
    }

    /// Whether the program changes the file system at that path (writes, creates, removes):
    /// what it writes is its output, not part of an image.
    pub fn changes(self) -> bool {
        matches!(self, Use::Write | Use::Mkdir | Use::Change | Use::Bind)
    }

    /// Whether the call only looks (it opens for reading, lists, stats, reads a link, makes
    /// the current directory), so that what the tracer finds itself at the call's entry (a
    /// `statx(2)` of the same path, following a last symbolic link when the call does: there,
    /// or `ENOENT`) is its result, and the call is not stopped at again at its exit. The others are
    /// followed to their exit: a change of the file system, an exec (its event), a chroot (the
    /// new root) and a connect (whose result is the listener's).
    pub fn found_at_entry(self) -> bool {
        matches!(self, Use::Read | Use::Directory | Use::Lookup | Use::Chdir)
    }
}

/// Where a call's path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A path, relative to the current directory when not absolute, in this argument.
    Path(usize),
    /// A directory descriptor (`AT_FDCWD`: the current directory) and a path relative to it.
    At {
        /// The argument of the descriptor.
        dirfd: usize,
        /// The argument of the path.
        path: usize,
    },
    /// A `struct sockaddr` and its length (`connect`, `bind`): a path when it is `AF_UNIX`.
    Sockaddr {
        /// The argument of the address.
        addr: usize,
        /// The argument of its length.
        len: usize,
    },
    /// i386's `socketcall(call, args)`: `SYS_CONNECT` (3) and `SYS_BIND` (2) carry a sockaddr
    /// in the 32-bit words at `args`.
    Socketcall,
}

/// How a call's flags decide what it does, and where they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flags {
    /// None: the call always does what its [`Spec::uses`] says, following a symbolic link at
    /// the end of the path.
    Follow,
    /// None, and a symbolic link at the end is not followed (`lstat`, `readlink`, `unlink`,
    /// `rename`, `mkdir`).
    NoFollow,
    /// `open(2)` flags in this argument: `O_ACCMODE`, `O_CREAT`, `O_TRUNC`, `O_DIRECTORY`,
    /// `O_NOFOLLOW`.
    Open(usize),
    /// `openat2(2)`'s `struct open_how *` in this argument (its `flags` are `open(2)`'s).
    OpenHow(usize),
    /// `AT_*` flags in this argument: `AT_SYMLINK_NOFOLLOW`, `AT_EMPTY_PATH`.
    At(usize),
}

/// One traced call of one ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Its name, as `strace` and the man pages write it.
    pub name: &'static str,
    /// What it does with its paths (before its flags are read).
    pub uses: Use,
    /// Its path operands: one, or two for `rename` (the first renamed to the second).
    pub operands: &'static [Operand],
    /// Its flags.
    pub flags: Flags,
}

/// `AT_FDCWD` (include/uapi/linux/fcntl.h): "the current directory" as a directory descriptor.
pub const AT_FDCWD: i32 = -100;
/// `AT_SYMLINK_NOFOLLOW` (include/uapi/linux/fcntl.h).
pub const AT_SYMLINK_NOFOLLOW: u64 = 0x100;
/// `AT_EMPTY_PATH` (include/uapi/linux/fcntl.h): an empty path names the descriptor itself.
pub const AT_EMPTY_PATH: u64 = 0x1000;
/// `AF_UNIX` (include/linux/socket.h).
pub const AF_UNIX: u16 = 1;

/// What `open(2)` flags `flags` make of a path: write, directory or read, and whether a
/// symbolic link at its end is followed. The values are the same in x86_64's and i386's ABI
/// (asm-generic, which the kit's [`OFlags`] are on x86).
pub fn open_use(flags: u64) -> (Use, bool) {
    let bits = |f: OFlags| u64::from(f.bits());
    let follow = flags & bits(OFlags::NOFOLLOW) == 0;
    let writes = flags & 3 != 0 || flags & (bits(OFlags::CREAT) | bits(OFlags::TRUNC)) != 0;
    let uses = if writes {
        Use::Write
    } else if flags & bits(OFlags::DIRECTORY) != 0 {
        Use::Directory
    } else {
        Use::Read
    };
    (uses, follow)
}

const fn entry(name: &'static str, uses: Use, operands: &'static [Operand], flags: Flags) -> Spec {
    Spec {
        name,
        uses,
        operands,
        flags,
    }
}

const P0: &[Operand] = &[Operand::Path(0)];
const AT01: &[Operand] = &[Operand::At { dirfd: 0, path: 1 }];
const RENAME: &[Operand] = &[Operand::Path(0), Operand::Path(1)];
const RENAMEAT: &[Operand] = &[
    Operand::At { dirfd: 0, path: 1 },
    Operand::At { dirfd: 2, path: 3 },
];
const SOCKADDR: &[Operand] = &[Operand::Sockaddr { addr: 1, len: 2 }];
/// `io_uring_setup`: no path; its stop is the warning.
const NONE: &[Operand] = &[];

/// The name of `io_uring_setup`, whose stop is only a warning.
pub const IO_URING_SETUP: &str = "io_uring_setup";

/// Declares the table of one ABI, `(number, Spec)` with the numbers of its `nr` module: the
/// calls every ABI the tracer follows has, once, here, and that ABI's own after them.
macro_rules! table {
    ($(#[$doc:meta])* $name:ident, $nr:path, [$(($call:ident, $text:literal, $uses:expr, $operands:expr, $flags:expr)),* $(,)?]) => {
        $(#[$doc])*
        pub(crate) const $name: &[(usize, Spec)] = {
            use $nr as nr;
            &[
                (nr::OPEN, entry("open", Use::Read, P0, Flags::Open(1))),
                (nr::OPENAT, entry("openat", Use::Read, AT01, Flags::Open(2))),
                (nr::OPENAT2, entry("openat2", Use::Read, AT01, Flags::OpenHow(2))),
                (nr::CREAT, entry("creat", Use::Write, P0, Flags::Follow)),
                (nr::STAT, entry("stat", Use::Lookup, P0, Flags::Follow)),
                (nr::LSTAT, entry("lstat", Use::Lookup, P0, Flags::NoFollow)),
                (nr::STATX, entry("statx", Use::Lookup, AT01, Flags::At(2))),
                (nr::ACCESS, entry("access", Use::Lookup, P0, Flags::Follow)),
                (nr::FACCESSAT, entry("faccessat", Use::Lookup, AT01, Flags::Follow)),
                (nr::FACCESSAT2, entry("faccessat2", Use::Lookup, AT01, Flags::At(3))),
                (nr::READLINK, entry("readlink", Use::Lookup, P0, Flags::NoFollow)),
                (nr::READLINKAT, entry("readlinkat", Use::Lookup, AT01, Flags::NoFollow)),
                (nr::EXECVE, entry("execve", Use::Exec, P0, Flags::Follow)),
                (nr::EXECVEAT, entry("execveat", Use::Exec, AT01, Flags::At(4))),
                (nr::CHDIR, entry("chdir", Use::Chdir, P0, Flags::Follow)),
                (nr::CHROOT, entry("chroot", Use::Chroot, P0, Flags::Follow)),
                (nr::MKDIR, entry("mkdir", Use::Mkdir, P0, Flags::NoFollow)),
                (nr::MKDIRAT, entry("mkdirat", Use::Mkdir, AT01, Flags::NoFollow)),
                (nr::UNLINK, entry("unlink", Use::Change, P0, Flags::NoFollow)),
                (nr::UNLINKAT, entry("unlinkat", Use::Change, AT01, Flags::NoFollow)),
                (nr::RMDIR, entry("rmdir", Use::Change, P0, Flags::NoFollow)),
                (nr::RENAME, entry("rename", Use::Change, RENAME, Flags::NoFollow)),
                (nr::RENAMEAT, entry("renameat", Use::Change, RENAMEAT, Flags::NoFollow)),
                (nr::RENAMEAT2, entry("renameat2", Use::Change, RENAMEAT, Flags::NoFollow)),
                (nr::TRUNCATE, entry("truncate", Use::Change, P0, Flags::Follow)),
                (nr::UTIMENSAT, entry("utimensat", Use::Change, AT01, Flags::At(3))),
                (nr::CONNECT, entry("connect", Use::Connect, SOCKADDR, Flags::Follow)),
                (nr::BIND, entry("bind", Use::Bind, SOCKADDR, Flags::NoFollow)),
                (nr::IO_URING_SETUP, entry(IO_URING_SETUP, Use::Lookup, NONE, Flags::Follow)),
                $((nr::$call, entry($text, $uses, $operands, $flags)),)*
            ]
        };
    };
}

#[cfg(target_arch = "x86_64")]
table!(
    /// The calls of x86_64's own ABI; of its own, `newfstatat`.
    NATIVE,
    syscall_kit::raw::nr,
    [(NEWFSTATAT, "newfstatat", Use::Lookup, AT01, Flags::At(3)),]
);

#[cfg(target_arch = "x86_64")]
table!(
    /// The calls of the i386 ABI; of its own, the older `stat` calls, those of 64-bit offsets
    /// and times, and `socketcall`.
    I386,
    syscall_kit::arch::i386::nr,
    [
        (OLDSTAT, "oldstat", Use::Lookup, P0, Flags::Follow),
        (OLDLSTAT, "oldlstat", Use::Lookup, P0, Flags::NoFollow),
        (STAT64, "stat64", Use::Lookup, P0, Flags::Follow),
        (LSTAT64, "lstat64", Use::Lookup, P0, Flags::NoFollow),
        (FSTATAT64, "fstatat64", Use::Lookup, AT01, Flags::At(3)),
        (TRUNCATE64, "truncate64", Use::Change, P0, Flags::Follow),
        (
            UTIMENSAT_TIME64,
            "utimensat_time64",
            Use::Change,
            AT01,
            Flags::At(3)
        ),
        (
            SOCKETCALL,
            "socketcall",
            Use::Connect,
            &[Operand::Socketcall],
            Flags::Follow
        ),
    ]
);

/// The calls of [`NATIVE`] that do not stop the tracee when `AT_EMPTY_PATH` is set in their
/// flags: `fstatat(fd, "", AT_EMPTY_PATH)` and `statx` of the same kind are `fstat(2)` of a
/// descriptor, no path (glibc makes one after most opens). A lookup of a non-empty path with
/// the flag set, which the flag does not change, is not seen either.
#[cfg(target_arch = "x86_64")]
const NATIVE_UNLESS: &[Unless] = &[
    Unless {
        nr: syscall_kit::raw::nr::NEWFSTATAT,
        arg: 3,
        flag: AT_EMPTY_PATH as u32,
    },
    Unless {
        nr: syscall_kit::raw::nr::STATX,
        arg: 2,
        flag: AT_EMPTY_PATH as u32,
    },
];

/// [`NATIVE_UNLESS`] in the i386 ABI.
#[cfg(target_arch = "x86_64")]
const I386_UNLESS: &[Unless] = &[
    Unless {
        nr: syscall_kit::arch::i386::nr::FSTATAT64,
        arg: 3,
        flag: AT_EMPTY_PATH as u32,
    },
    Unless {
        nr: syscall_kit::arch::i386::nr::STATX,
        arg: 2,
        flag: AT_EMPTY_PATH as u32,
    },
];

/// One ABI the tracer follows: its `AUDIT_ARCH_*` value, its table, the exemptions of its
/// filter.
pub(crate) type AbiTable = (u32, &'static [(usize, Spec)], &'static [Unless]);

/// The ABIs the tracer follows. x86_64: the native ABI and i386 (`int 0x80`, 32-bit
/// programs). The x32 ABI shares x86_64's `AUDIT_ARCH` with its numbers' bit 30 set: not
/// listed, its calls run untraced (Debian's kernels leave it off).
#[cfg(target_arch = "x86_64")]
pub(crate) const ABIS: &[AbiTable] = &[
    (syscall_kit::arch::AUDIT_ARCH, NATIVE, NATIVE_UNLESS),
    (syscall_kit::arch::i386::AUDIT_ARCH_I386, I386, I386_UNLESS),
];

/// No table of this architecture yet: `--trace` says so ([`supported`]).
#[cfg(not(target_arch = "x86_64"))]
pub(crate) const ABIS: &[AbiTable] = &[];

/// Whether the tracer has the tables of this architecture.
pub fn supported() -> bool {
    !ABIS.is_empty()
}

/// The call `nr` of the ABI `arch`, if it is one the tracer stops at.
pub fn spec(arch: u32, nr: u64) -> Option<&'static Spec> {
    let (_, table, _) = ABIS.iter().find(|(a, _, _)| *a == arch)?;
    table
        .iter()
        .find(|(n, _)| *n as u64 == nr)
        .map(|(_, spec)| spec)
}

/// Whether `arch` is an ABI the tracer follows.
pub fn known_abi(arch: u32) -> bool {
    ABIS.iter().any(|(a, _, _)| *a == arch)
}

/// The numbers of one ABI's table, for the seccomp filter, in a fixed array (the filter is
/// built before `fork`, without allocating), with its exemptions.
#[derive(Clone, Copy)]
pub struct FilterList {
    /// Its `AUDIT_ARCH_*` value.
    pub arch: u32,
    numbers: [usize; MAX_ALLOWED],
    count: usize,
    /// The calls exempted when a flag is set.
    pub unless: &'static [Unless],
}

impl FilterList {
    /// The numbers.
    pub fn numbers(&self) -> &[usize] {
        &self.numbers[..self.count]
    }

    /// The ABI for [`syscall_kit::seccomp::Filter::new`].
    pub fn abi(&self) -> Abi<'_> {
        Abi::new(self.arch, self.numbers()).unless(self.unless)
    }
}

/// The filter lists of the ABIs the tracer follows (`ABIS`), one per ABI (an unused one, with
/// nothing listed, when this architecture has fewer).
pub fn filter_lists() -> [FilterList; MAX_ABIS] {
    let mut lists = [FilterList {
        arch: 0,
        numbers: [0; MAX_ALLOWED],
        count: 0,
        unless: &[],
    }; MAX_ABIS];
    for ((arch, table, unless), list) in ABIS.iter().zip(&mut lists) {
        list.arch = *arch;
        for ((nr, _), slot) in table.iter().zip(&mut list.numbers) {
            *slot = *nr;
        }
        list.count = table.len().min(MAX_ALLOWED);
        list.unless = unless;
    }
    lists
}

#[cfg(test)]
mod tests;
