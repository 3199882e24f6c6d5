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
//!
//! # Filters of several ABIs, and other actions
//!
//! [`Filter`] is the same program for up to [`MAX_ABIS`] ABIs, each with its own list, and with
//! any [`Action`] for the listed calls, for the others, and for an ABI not named: an allow-list
//! is the filter of one ABI whose listed calls are allowed and whose unknown ABIs are killed. A
//! tracer uses it the other way round: [`Action::Trace`] for the calls it wants to see (in the
//! native ABI and, on x86_64, in the i386 one, [`crate::arch::i386`]), [`Action::Allow`] for
//! the rest, which then run at full speed. A listed call may also be exempted when a flag is
//! set in one of its arguments ([`Unless`]: `newfstatat(fd, "", AT_EMPTY_PATH)`, which is
//! `fstat`, names no path), which the program tests with `jset` on the argument's low 32 bits.
//! For `m` ABIs of `n_k` calls and `t_k` exemptions each it is `2 + m + Σ(n_k + 3 + 4 t_k)`
//! instructions:
//!
//! ```text
//! 0          ld  [4]                   A = seccomp_data.arch
//! 1+k        jeq #arch_k, block_k      one per ABI k
//! 1+m        ret #unknown_abi          an ABI not named
//! block_k:   ld  [0]                   A = seccomp_data.nr
//!            jeq #nr[i], to its ret    one per listed call of ABI k: to `ret #listed`, or
//!                                      to its exemption's test
//!            ret #unlisted
//!            ret #listed
//! test_j:    ld  [16 + 8 arg_j]        A = the low 32 bits of seccomp_data.args[arg_j]
//!            jset #flag_j, 1, 0        the flag set: skip to `ret #unlisted`
//!            ret #listed
//!            ret #unlisted
//! ```
//!
//! With one ABI, [`Action::Allow`] for the listed calls and [`Action::KillProcess`] for
//! unknown ABIs, it is instruction for instruction the allow-list above.

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
/// `BPF_JMP | BPF_JSET | BPF_K`: skip `jt` instructions if `A & k` is not 0, else `jf`.
pub const BPF_JSET_K: u16 = 0x45;

/// Offset of `nr`, the system call number, in `struct seccomp_data`.
pub const SECCOMP_DATA_NR: u32 = 0;
/// Offset of `arch`, the `AUDIT_ARCH_*` value of the calling ABI, in `struct seccomp_data`.
pub const SECCOMP_DATA_ARCH: u32 = 4;
/// Offset of `args[0]`, the first argument, in `struct seccomp_data` (eight bytes each).
pub const SECCOMP_DATA_ARGS: u32 = 16;

/// The offset of the low 32 bits of argument `arg` in `struct seccomp_data`: its first word on
/// a little-endian machine, its second on a big-endian one.
const fn arg_low_word(arg: u32) -> u32 {
    SECCOMP_DATA_ARGS + 8 * arg + if cfg!(target_endian = "big") { 4 } else { 0 }
}

/// `SECCOMP_SET_MODE_FILTER`, the `seccomp(2)` operation that installs a filter.
const SECCOMP_SET_MODE_FILTER: usize = 1;
/// `SECCOMP_FILTER_FLAG_TSYNC`: install the filter on every thread of the process.
const SECCOMP_FILTER_FLAG_TSYNC: usize = 1;
/// `SECCOMP_FILTER_FLAG_TSYNC_ESRCH` (Linux 5.7): when a thread cannot take the filter, fail
/// with `ESRCH` rather than returning that thread's id.
const SECCOMP_FILTER_FLAG_TSYNC_ESRCH: usize = 16;

/// The most system calls an [`AllowList`] holds, and a [`Filter`] per ABI (a jump of classic
/// BPF skips at most 255 instructions; 64 leaves the program small and an allow-list's buffer
/// on the stack at 560 bytes).
pub const MAX_ALLOWED: usize = 64;

/// The most ABIs a [`Filter`] names (a native ABI and one other, such as i386 on x86_64).
pub const MAX_ABIS: usize = 2;

/// The most exemptions ([`Unless`]) one ABI of a [`Filter`] has.
pub const MAX_UNLESS: usize = 8;

/// Length of the program for `abis` ABIs of at most `per_abi` calls and `unless` exemptions
/// each.
const fn program_len(abis: usize, per_abi: usize, unless: usize) -> usize {
    2 + abis + abis * (per_abi + 3 + 4 * unless)
}

/// Length of the longest allow-list: one ABI, [`MAX_ALLOWED`] calls (`MAX_ALLOWED + 6`).
const ALLOW_LIST_LEN: usize = program_len(1, MAX_ALLOWED, 0);
/// Length of the longest [`Filter`].
const FILTER_LEN: usize = program_len(MAX_ABIS, MAX_ALLOWED, MAX_UNLESS);

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
    /// `SECCOMP_RET_TRACE`: the tracer, if there is one, is notified before the call is made
    /// (a `PTRACE_EVENT_SECCOMP` stop, see `ptrace(2)` and
    /// [`crate::process::ptrace`]), and may read and change it; this value (`SECCOMP_RET_DATA`)
    /// is given to it with the event. Without a tracer the call is not made and fails with
    /// `ENOSYS`.
    Trace(u16),
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
            Action::Trace(data) => 0x7ff0_0000 | data as u32,
        }
    }
}

/// One ABI of a filter: the `AUDIT_ARCH_*` value the kernel gives its calls in
/// `seccomp_data.arch` ([`crate::arch::AUDIT_ARCH`] for the native one), and the numbers of the
/// calls listed for it, from that ABI's table ([`crate::raw::nr`] for the native one,
/// [`crate::arch::i386::nr`] for i386 on x86_64).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Abi<'a> {
    /// Its `AUDIT_ARCH_*` value.
    pub arch: u32,
    /// The listed calls.
    pub syscalls: &'a [usize],
    /// Listed calls that get the action of the others when a flag is set in an argument.
    pub unless: &'a [Unless],
}

impl<'a> Abi<'a> {
    /// The ABI `arch` with `syscalls` and no exemption.
    pub const fn new(arch: u32, syscalls: &'a [usize]) -> Abi<'a> {
        Abi {
            arch,
            syscalls,
            unless: &[],
        }
    }

    /// The native ABI of this architecture ([`crate::arch::AUDIT_ARCH`]) with `syscalls`.
    pub const fn native(syscalls: &'a [usize]) -> Abi<'a> {
        Abi::new(crate::arch::AUDIT_ARCH, syscalls)
    }

    /// The same ABI with the exemptions `unless`.
    pub const fn unless(self, unless: &'a [Unless]) -> Abi<'a> {
        Abi { unless, ..self }
    }
}

/// An exemption of a [`Filter`]: the listed call `nr` gets the action of the unlisted calls
/// when `flag` is set in its argument `arg` (0 to 5; the low 32 bits of it). For a tracer of
/// paths: `newfstatat` with `AT_EMPTY_PATH` in its argument 3 is `fstat`, which names none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unless {
    /// The call, listed in the same ABI.
    pub nr: usize,
    /// Which argument.
    pub arg: u8,
    /// The bits, any of which set exempts the call.
    pub flag: u32,
}

/// What a filter does: with each ABI's listed calls, with its other calls, and with a call
/// through an ABI it does not name.
#[derive(Clone, Copy)]
struct Actions {
    listed: Action,
    unlisted: Action,
    unknown_abi: Action,
}

const fn stmt(code: u16, k: u32) -> SockFilter {
    SockFilter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

/// `jeq #k, jt, 0`; the callers keep `jt` below 256 (see their bounds).
const fn jeq(k: u32, jt: usize) -> SockFilter {
    SockFilter {
        code: BPF_JEQ_K,
        jt: jt as u8,
        jf: 0,
        k,
    }
}

/// Writes the program of the [module documentation](self) into `buf`; returns its length.
/// [`Errno::E2BIG`] for more than [`MAX_ABIS`] ABIs, more than [`MAX_ALLOWED`] calls in one, or a
/// program longer than `buf`; [`Errno::EINVAL`] for a number beyond the 32 bits of
/// `seccomp_data.nr`.
fn write_program(
    buf: &mut [MaybeUninit<SockFilter>],
    abis: &[Abi<'_>],
    actions: Actions,
) -> Result<usize> {
    let m = abis.len();
    if m > MAX_ABIS || abis.iter().any(|a| a.unless.len() > MAX_UNLESS) {
        return Err(Errno::E2BIG);
    }
    let (head, mut rest) = buf.split_at_mut_checked(2 + m).ok_or(Errno::E2BIG)?;
    let [load, compares @ .., unknown] = head else {
        return Err(Errno::E2BIG);
    };
    load.write(stmt(BPF_LD_W_ABS, SECCOMP_DATA_ARCH));
    // The first block starts after the m comparisons and the `ret` for an unknown ABI; the
    // jump of the comparison at 1 + k counts from 2 + k: at most 2 + 2 + 99 < 256.
    let mut block = 2 + m;
    for (k, (abi, slot)) in abis.iter().zip(compares).enumerate() {
        slot.write(jeq(abi.arch, block - (2 + k)));
        block += block_len(abi);
    }
    unknown.write(stmt(BPF_RET_K, actions.unknown_abi.raw()));
    for abi in abis {
        let (this, after) = core::mem::take(&mut rest)
            .split_at_mut_checked(block_len(abi))
            .ok_or(Errno::E2BIG)?;
        let (block, tests) = this.split_at_mut(abi.syscalls.len() + 3);
        let test_of = |call| abi.unless.iter().position(|u| u.nr == call);
        write_block(block, abi.syscalls, actions, test_of)?;
        write_tests(tests, abi.syscalls, abi.unless, actions)?;
        rest = after;
    }
    Ok(block)
}

/// The length of the block of `abi`: its comparisons, two `ret`, four per exemption.
const fn block_len(abi: &Abi<'_>) -> usize {
    abi.syscalls.len() + 3 + 4 * abi.unless.len()
}

/// Writes the allow-list of the native ABI into `buf`: [`write_program`]'s program for
/// `[Abi::native(syscalls)]` and [`allow_list`]`(otherwise)`, its three first instructions
/// written as the constants they are for one ABI (a test compares the two), so that a small
/// program such as hello-locked compiles it to a few stores. Returns its length.
#[inline(always)]
fn write_allow_list(
    buf: &mut [MaybeUninit<SockFilter>; ALLOW_LIST_LEN],
    syscalls: &[usize],
    otherwise: Action,
) -> Result<usize> {
    let [load, compare, unknown, rest @ ..] = buf;
    load.write(stmt(BPF_LD_W_ABS, SECCOMP_DATA_ARCH));
    compare.write(jeq(crate::arch::AUDIT_ARCH, 1));
    unknown.write(stmt(BPF_RET_K, Action::KillProcess.raw()));
    let block = rest.get_mut(..syscalls.len() + 3).ok_or(Errno::E2BIG)?;
    write_block(block, syscalls, allow_list(otherwise), |_| None)?;
    Ok(syscalls.len() + 6)
}

/// Writes the block of one ABI into `buf`, which is its length before the exemptions'
/// tests, `syscalls.len() + 3`: `ld [0]`, a `jeq` per call, `ret #unlisted`, `ret #listed`.
/// A call's `jeq` jumps to `ret #listed`, or, when `test_of` gives the index `j` of its
/// exemption, to that exemption's test, the j-th after the block (see [`write_tests`]).
#[inline(always)]
fn write_block(
    buf: &mut [MaybeUninit<SockFilter>],
    syscalls: &[usize],
    actions: Actions,
    test_of: impl Fn(usize) -> Option<usize>,
) -> Result<()> {
    let n = syscalls.len();
    if n > MAX_ALLOWED {
        return Err(Errno::E2BIG);
    }
    let [load, compares @ .., unlisted, listed] = buf else {
        return Err(Errno::E2BIG);
    };
    load.write(stmt(BPF_LD_W_ABS, SECCOMP_DATA_NR));
    for (i, (&call, slot)) in syscalls.iter().zip(compares).enumerate() {
        // Counted from the next instruction (at 2 + i): `ret #listed` at n + 2, the j-th test
        // at n + 3 + 4 j; at most 64 + 1 + 28 < 256.
        let jump = match test_of(call) {
            Some(j) => n + 1 + 4 * j - i,
            None => n - i,
        };
        slot.write(jeq(u32::try_from(call).map_err(|_| Errno::EINVAL)?, jump));
    }
    unlisted.write(stmt(BPF_RET_K, actions.unlisted.raw()));
    listed.write(stmt(BPF_RET_K, actions.listed.raw()));
    Ok(())
}

/// Writes the tests of the exemptions `unless` of a block listing `syscalls` into `buf`, four
/// instructions each: `ld` the argument's low word, `jset #flag, 1, 0`, `ret #listed`,
/// `ret #unlisted`. [`Errno::EINVAL`] for an exemption of a call that is not listed, or of an
/// argument past 5.
fn write_tests(
    buf: &mut [MaybeUninit<SockFilter>],
    syscalls: &[usize],
    unless: &[Unless],
    actions: Actions,
) -> Result<()> {
    for (u, test) in unless.iter().zip(buf.chunks_exact_mut(4)) {
        if u.arg > 5 || !syscalls.contains(&u.nr) {
            return Err(Errno::EINVAL);
        }
        let [load, jset, ret_listed, ret_unlisted] = test else {
            return Err(Errno::E2BIG);
        };
        load.write(stmt(BPF_LD_W_ABS, arg_low_word(u32::from(u.arg))));
        jset.write(SockFilter {
            code: BPF_JSET_K,
            jt: 1,
            jf: 0,
            k: u.flag,
        });
        ret_listed.write(stmt(BPF_RET_K, actions.listed.raw()));
        ret_unlisted.write(stmt(BPF_RET_K, actions.unlisted.raw()));
    }
    Ok(())
}

/// The first `len` instructions of `buf`.
///
/// # Safety
/// [`write_program`] or [`write_allow_list`] must have written them (returned `Ok(len)` for
/// this buffer).
unsafe fn written(buf: &[MaybeUninit<SockFilter>], len: usize) -> &[SockFilter] {
    // SAFETY: `MaybeUninit<T>` has the layout of `T`, and the caller promises that the first
    // `len` entries (at most the buffer's length, as the writers return) are initialised.
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
pub struct AllowList(Program<ALLOW_LIST_LEN>);

/// A program in a fixed array of `N` instructions, of which the first `len` were written (by
/// [`write_program`] or [`write_allow_list`]): the inside of an [`AllowList`] and a [`Filter`].
struct Program<const N: usize> {
    program: [MaybeUninit<SockFilter>; N],
    len: usize,
}

impl<const N: usize> Program<N> {
    /// The instructions written.
    fn instructions(&self) -> &[SockFilter] {
        // SAFETY: a `Program` is made only with the length its writer returned for this array.
        unsafe { written(&self.program, self.len) }
    }
}

impl<const N: usize> core::fmt::Debug for Program<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.instructions()).finish()
    }
}

/// The actions of an allow-list: the listed calls allowed, `otherwise` for the others, a call
/// through another ABI killed.
const fn allow_list(otherwise: Action) -> Actions {
    Actions {
        listed: Action::Allow,
        unlisted: otherwise,
        unknown_abi: Action::KillProcess,
    }
}

impl AllowList {
    /// The filter that allows exactly the system calls `syscalls` (numbers from
    /// [`crate::raw::nr`]) and applies `otherwise` to all others. A number may appear more than
    /// once; the order does not matter.
    ///
    /// Fails with [`Errno::E2BIG`] for more than [`MAX_ALLOWED`] calls, and [`Errno::EINVAL`]
    /// for a number that does not fit the 32 bits of `seccomp_data.nr`.
    pub fn new(syscalls: &[usize], otherwise: Action) -> Result<AllowList> {
        let mut program = [MaybeUninit::uninit(); ALLOW_LIST_LEN];
        let len = write_allow_list(&mut program, syscalls, otherwise)?;
        Ok(AllowList(Program { program, len }))
    }

    /// The program, instruction by instruction, as [`AllowList::install`] hands it to the kernel.
    pub fn instructions(&self) -> &[SockFilter] {
        self.0.instructions()
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
        self.0.fmt(f)
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
    let mut program = [MaybeUninit::uninit(); ALLOW_LIST_LEN];
    let len = write_allow_list(&mut program, syscalls, otherwise)?;
    // SAFETY: `write_allow_list` wrote the first `len` instructions.
    install(unsafe { written(&program, len) })
}

/// A seccomp filter of up to [`MAX_ABIS`] ABIs, each with its list of calls, and an [`Action`]
/// for the listed calls, one for the others and one for an ABI it does not name; see the
/// [module documentation](self#filters-of-several-abis-and-other-actions) for its program.
///
/// ```no_run
/// use syscall_kit::raw::nr;
/// use syscall_kit::seccomp::{Abi, Action, Filter};
///
/// // A tracer sees every `openat` and `execve` (a PTRACE_EVENT_SECCOMP stop); the rest runs.
/// let calls = [nr::OPENAT, nr::EXECVE];
/// let filter = Filter::new(
///     &[Abi::native(&calls)],
///     Action::Trace(0),
///     Action::Allow,
///     Action::Trace(0),
/// )?;
/// filter.install()?;
/// # Ok::<(), syscall_kit::Errno>(())
/// ```
pub struct Filter(Program<FILTER_LEN>);

impl Filter {
    /// The filter that applies `listed` to the calls each ABI of `abis` lists, `unlisted` to
    /// its other calls, and `unknown_abi` to any call made through an ABI not in `abis`. A
    /// number may appear more than once; the order does not matter.
    ///
    /// Fails with [`Errno::E2BIG`] for more than [`MAX_ABIS`] ABIs, more than [`MAX_ALLOWED`]
    /// calls or [`MAX_UNLESS`] exemptions in one, and [`Errno::EINVAL`] for a number that does
    /// not fit the 32 bits of `seccomp_data.nr`, an exemption of a call its ABI does not list,
    /// or of an argument past 5.
    pub fn new(
        abis: &[Abi<'_>],
        listed: Action,
        unlisted: Action,
        unknown_abi: Action,
    ) -> Result<Filter> {
        let mut program = [MaybeUninit::uninit(); FILTER_LEN];
        let actions = Actions {
            listed,
            unlisted,
            unknown_abi,
        };
        let len = write_program(&mut program, abis, actions)?;
        Ok(Filter(Program { program, len }))
    }

    /// The program, instruction by instruction, as [`Filter::install`] hands it to the kernel.
    pub fn instructions(&self) -> &[SockFilter] {
        self.0.instructions()
    }

    /// Installs the filter for the calling process, as [`AllowList::install`] does
    /// (`prctl(PR_SET_NO_NEW_PRIVS)`, then `seccomp(SECCOMP_SET_MODE_FILTER, TSYNC |
    /// TSYNC_ESRCH, program)`), with the same errors. A filter with [`Action::Trace`] makes
    /// the listed calls fail with `ENOSYS` while the process has no tracer: install it once
    /// the tracer is attached.
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

impl core::fmt::Debug for Filter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}
