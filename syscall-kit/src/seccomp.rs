//! Seccomp allow-lists: a process limits itself to the system calls it names (`seccomp(2)` with
//! `SECCOMP_SET_MODE_FILTER`, after `prctl(PR_SET_NO_NEW_PRIVS)`; see also `prctl(2)`).
//!
//! ```no_run
//! use syscall_kit::raw::nr;
//! use syscall_kit::seccomp::{self, Action};
//!
//! // From here on, `write` and `exit_group` work and any other call kills the process (SIGSYS).
//! seccomp::allow_only(&[nr::WRITE, nr::EXIT_GROUP], Action::KillProcess)?;
//! # Ok::<(), syscall_kit::Errno>(())
//! ```
//!
//! The system call numbers are the kit's own constants ([`crate::raw::nr`], those of the target
//! architecture), never numbers written by hand. A filter cannot be removed: it holds for the
//! rest of the process's life, for every thread, and for every child and program it `execve`s.
//!
//! # The filter program
//!
//! [`AllowList::new`] writes a classic BPF program of `n + 6` instructions for `n` system calls,
//! which the kernel runs on every system call with a `struct seccomp_data` (`nr` at offset 0,
//! `arch` at offset 4):
//!
//! ```text
//! 0      ld  [4]                   A = seccomp_data.arch
//! 1      jeq #AUDIT_ARCH, 1, 0     this architecture's native ABI: go on at 3
//! 2      ret #KILL_PROCESS         any other ABI: kill the process, whatever `otherwise` says
//! 3      ld  [0]                   A = seccomp_data.nr
//! 4+i    jeq #nr[i], n-i, 0        one per allowed call: jump to the last instruction
//! 4+n    ret #otherwise            not in the list: the chosen action
//! 5+n    ret #ALLOW
//! ```
//!
//! **The architecture is checked first**: the same process can make system calls through another
//! ABI whose numbers mean other calls (on x86_64, `int 0x80` enters the 32-bit i386 table, where
//! 1 is `exit` and 4 is `write`). The kernel tells them apart only by `seccomp_data.arch`
//! ([`crate::arch::AUDIT_ARCH`]), so a call made through any other ABI kills the process. The
//! x86_64 kernel's x32 ABI shares `AUDIT_ARCH_X86_64` but sets bit 30 of the number
//! (`__X32_SYSCALL_BIT`); no allowed number has that bit, so exact comparison already refuses
//! x32 calls.
//!
//! [`AllowList::instructions`] gives the program back, for inspection and tests.

use core::mem::MaybeUninit;

use crate::process;
use crate::raw::{self, nr};
use crate::{Errno, Result};

/// `struct sock_filter` (include/uapi/linux/filter.h): one classic BPF instruction.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SockFilter {
    /// The operation: class, size, mode, source (`BPF_LD | BPF_W | BPF_ABS` …).
    pub code: u16,
    /// Conditional jumps: instructions to skip when the condition holds.
    pub jt: u8,
    /// Conditional jumps: instructions to skip when it does not.
    pub jf: u8,
    /// The constant operand: an offset, a value to compare with, or a return value.
    pub k: u32,
}

/// `struct sock_fprog`: the program as `seccomp(2)` takes it.
#[repr(C)]
struct SockFprog {
    len: u16,
    filter: *const SockFilter,
}

/// `BPF_LD | BPF_W | BPF_ABS`: load the 32-bit word at offset `k` of `seccomp_data` into A.
pub const BPF_LD_W_ABS: u16 = 0x20;
/// `BPF_JMP | BPF_JEQ | BPF_K`: compare A with `k`; skip `jt` instructions if equal, else `jf`.
pub const BPF_JEQ_K: u16 = 0x15;
/// `BPF_RET | BPF_K`: end the program with the action `k`.
pub const BPF_RET_K: u16 = 0x06;

/// Offset of `nr`, the system call number, in `struct seccomp_data`.
pub const SECCOMP_DATA_NR: u32 = 0;
/// Offset of `arch`, the `AUDIT_ARCH_*` value of the calling ABI, in `struct seccomp_data`.
pub const SECCOMP_DATA_ARCH: u32 = 4;

/// `SECCOMP_SET_MODE_FILTER`, the `seccomp(2)` operation that installs a filter.
const SECCOMP_SET_MODE_FILTER: usize = 1;
/// `SECCOMP_FILTER_FLAG_TSYNC`: install the filter on every thread of the process.
const SECCOMP_FILTER_FLAG_TSYNC: usize = 1;
/// `SECCOMP_FILTER_FLAG_TSYNC_ESRCH` (Linux 5.7): when a thread cannot take the filter, fail
/// with `ESRCH` rather than returning that thread's id.
const SECCOMP_FILTER_FLAG_TSYNC_ESRCH: usize = 16;

/// The most system calls an [`AllowList`] holds (a jump of classic BPF skips at most 255
/// instructions; 64 leaves the program small and its buffer on the stack at 560 bytes).
pub const MAX_ALLOWED: usize = 64;

/// Length of the program for `n` allowed calls.
const fn program_len(n: usize) -> usize {
    n + 6
}

/// What the kernel does with a system call the filter does not allow (`SECCOMP_RET_*`, see
/// `seccomp(2)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `SECCOMP_RET_KILL_PROCESS`: the whole process dies at once, as if killed by `SIGSYS`
    /// (which it cannot catch), dumping core if core dumps are on.
    KillProcess,
    /// `SECCOMP_RET_KILL_THREAD`: only the calling thread dies (in a single-threaded process, the
    /// same as [`Action::KillProcess`], but its exit status reads "killed by `SIGSYS`" only
    /// from Linux 4.14 on).
    KillThread,
    /// `SECCOMP_RET_TRAP`: the call is not made and the thread gets a `SIGSYS` it may catch
    /// (`si_syscall` names the call).
    Trap,
    /// `SECCOMP_RET_ERRNO`: the call is not made and fails with this error (its low 16 bits).
    Errno(Errno),
    /// `SECCOMP_RET_LOG`: the call is made, and logged by the kernel (audit log or `dmesg`).
    Log,
    /// `SECCOMP_RET_ALLOW`: the call is made; what the listed calls get.
    Allow,
}

impl Action {
    /// The 32-bit `SECCOMP_RET_*` value a filter returns for this action.
    pub const fn raw(self) -> u32 {
        match self {
            Action::KillProcess => 0x8000_0000,
            Action::KillThread => 0x0000_0000,
            Action::Trap => 0x0003_0000,
            Action::Errno(e) => 0x0005_0000 | (e.raw() as u32 & 0xffff),
            Action::Log => 0x7ffc_0000,
            Action::Allow => 0x7fff_0000,
        }
    }
}

/// A buffer that holds the longest program; only the first `len` entries are ever written.
type Buffer = [MaybeUninit<SockFilter>; program_len(MAX_ALLOWED)];

/// Writes the program of the [module documentation](self) into `buf`; returns its length.
fn write_program(buf: &mut Buffer, syscalls: &[usize], otherwise: Action) -> Result<usize> {
    const fn stmt(code: u16, k: u32) -> SockFilter {
        SockFilter {
            code,
            jt: 0,
            jf: 0,
            k,
        }
    }
    let n = syscalls.len();
    if n > MAX_ALLOWED {
        return Err(Errno::E2BIG);
    }
    buf[0].write(stmt(BPF_LD_W_ABS, SECCOMP_DATA_ARCH));
    buf[1].write(SockFilter {
        code: BPF_JEQ_K,
        jt: 1,
        jf: 0,
        k: crate::arch::AUDIT_ARCH,
    });
    buf[2].write(stmt(BPF_RET_K, Action::KillProcess.raw()));
    buf[3].write(stmt(BPF_LD_W_ABS, SECCOMP_DATA_NR));
    for (i, (&call, slot)) in syscalls.iter().zip(&mut buf[4..]).enumerate() {
        slot.write(SockFilter {
            code: BPF_JEQ_K,
            // To `ret #ALLOW` at 5 + n, from 4 + i: n - i <= MAX_ALLOWED < 256.
            jt: (n - i) as u8,
            jf: 0,
            k: u32::try_from(call).map_err(|_| Errno::EINVAL)?,
        });
    }
    buf[4 + n].write(stmt(BPF_RET_K, otherwise.raw()));
    buf[5 + n].write(stmt(BPF_RET_K, Action::Allow.raw()));
    Ok(program_len(n))
}

/// The first `len` instructions of `buf`.
///
/// # Safety
/// [`write_program`] must have written them (returned `Ok(len)` for this buffer).
unsafe fn written(buf: &Buffer, len: usize) -> &[SockFilter] {
    // SAFETY: `MaybeUninit<T>` has the layout of `T`, and the caller promises that the first
    // `len` entries (at most the buffer's length, as `write_program` returns) are initialised.
    unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<SockFilter>(), len) }
}

/// `prctl(PR_SET_NO_NEW_PRIVS)`, then `seccomp(SECCOMP_SET_MODE_FILTER, …)` of `program`.
fn install(program: &[SockFilter]) -> Result<()> {
    process::set_no_new_privs()?;
    let prog = SockFprog {
        len: program.len() as u16,
        filter: program.as_ptr(),
    };
    // SAFETY: the kernel reads `prog` and the `len` instructions it points to, which `program`
    // borrows for the whole call, and copies them; it writes no memory of ours.
    unsafe {
        raw::syscall3(
            nr::SECCOMP,
            SECCOMP_SET_MODE_FILTER,
            SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
            &prog as *const SockFprog as usize,
        )
    }
    .map(drop)
}

/// A seccomp filter that allows the listed system calls and applies an [`Action`] to every
/// other one; see the [module documentation](self) for the program it is.
///
/// Built by [`AllowList::new`] without allocating (the program is kept in a fixed array),
/// installed by [`AllowList::install`]. [`allow_only`] does both without keeping it.
pub struct AllowList {
    program: Buffer,
    len: usize,
}

impl AllowList {
    /// The filter that allows exactly the system calls `syscalls` (numbers from
    /// [`crate::raw::nr`]) and applies `otherwise` to all others. A number may appear more than
    /// once; the order does not matter.
    ///
    /// Fails with [`Errno::E2BIG`] for more than [`MAX_ALLOWED`] calls, and [`Errno::EINVAL`]
    /// for a number that does not fit the 32 bits of `seccomp_data.nr`.
    pub fn new(syscalls: &[usize], otherwise: Action) -> Result<AllowList> {
        let mut program = [MaybeUninit::uninit(); program_len(MAX_ALLOWED)];
        let len = write_program(&mut program, syscalls, otherwise)?;
        Ok(AllowList { program, len })
    }

    /// The program, instruction by instruction, as [`AllowList::install`] hands it to the kernel.
    pub fn instructions(&self) -> &[SockFilter] {
        // SAFETY: `new` wrote the first `len` instructions.
        unsafe { written(&self.program, self.len) }
    }

    /// Installs the filter for the calling process: `prctl(PR_SET_NO_NEW_PRIVS)` (see
    /// [`process::set_no_new_privs`]), then `seccomp(SECCOMP_SET_MODE_FILTER,
    /// SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH, program)`, so every thread
    /// of the process gets it (see `seccomp(2)`).
    ///
    /// Errors are the kernel's: [`Errno::EINVAL`] when the kernel lacks seccomp filters or the
    /// `TSYNC_ESRCH` flag (before Linux 5.7), or under an emulator that refuses them;
    /// [`Errno::ESRCH`] when another thread of the process cannot take the filter. Filters
    /// stack: a call must be allowed by every filter installed, and the most severe action of
    /// all of them wins.
    ///
    /// # References
    ///  - [Linux]
    ///  - [Linux prctl]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/seccomp.2.html
    /// [Linux prctl]: https://man7.org/linux/man-pages/man2/prctl.2.html
    pub fn install(&self) -> Result<()> {
        install(self.instructions())
    }
}

impl core::fmt::Debug for AllowList {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.instructions()).finish()
    }
}

/// Installs, for the calling process, the filter that allows exactly `syscalls` and applies
/// `otherwise` to every other system call: what [`AllowList::new`] and [`AllowList::install`]
/// do, with the program built on the stack and never copied.
///
/// Everything the process does afterwards must be in the list, including what the kit does for
/// it: [`crate::process::exit`] and a `main!` program's return are `exit_group`; `print!` is
/// `write`; the heap (feature `alloc`) asks for memory with `brk`.
///
/// # References
///  - [Linux]
///  - [Linux prctl]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/seccomp.2.html
/// [Linux prctl]: https://man7.org/linux/man-pages/man2/prctl.2.html
pub fn allow_only(syscalls: &[usize], otherwise: Action) -> Result<()> {
    let mut program = [MaybeUninit::uninit(); program_len(MAX_ALLOWED)];
    let len = write_program(&mut program, syscalls, otherwise)?;
    // SAFETY: `write_program` wrote the first `len` instructions.
    install(unsafe { written(&program, len) })
}
