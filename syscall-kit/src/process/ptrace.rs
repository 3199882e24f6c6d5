//! Tracing other processes: `ptrace(2)`, with the requests a tracer built on seccomp stops
//! needs (include/uapi/linux/ptrace.h), one function each:
//!
//! | request | function |
//! |---|---|
//! | `PTRACE_TRACEME` | [`traceme`]: the caller asks its parent to trace it |
//! | `PTRACE_SEIZE` | [`seize`]: trace a process, without stopping it, with [`Options`] |
//! | `PTRACE_SETOPTIONS` | [`set_options`] |
//! | `PTRACE_CONT`, `PTRACE_SYSCALL`, `PTRACE_DETACH` | [`cont`], [`syscall`], [`detach`]: resume a stopped tracee |
//! | `PTRACE_INTERRUPT`, `PTRACE_LISTEN` | [`interrupt`], [`listen`] (seized tracees only) |
//! | `PTRACE_GETEVENTMSG` | [`event_msg`]: the new child's id, the exit status, `SECCOMP_RET_DATA` … |
//! | `PTRACE_GET_SYSCALL_INFO` | [`syscall_info`]: the call a tracee is stopped in, its arguments, architecture and result |
//!
//! A tracee's stops are seen with [`wait4`](super::wait4) (with [`WaitOptions::ALL`] for
//! threads and for tracees that are not children), and read from its [`WaitStatus`]:
//! [`WaitStatus::stop_signal`], [`WaitStatus::ptrace_event`] ([`Event`]),
//! [`WaitStatus::is_syscall_stop`]. The memory of a tracee is read with
//! [`process_vm_readv`](super::process_vm_readv).
//!
//! Every request but [`traceme`] and [`seize`] applies to a tracee of the calling *thread*
//! (the one that attached) and, but [`interrupt`], to one that is stopped: any other is
//! [`Errno::ESRCH`](crate::Errno::ESRCH).
//!
//! # References
//!  - [Linux]
//!
//! [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
//! [`WaitOptions::ALL`]: super::WaitOptions::ALL
//! [`WaitStatus`]: super::WaitStatus
//! [`WaitStatus::stop_signal`]: super::WaitStatus::stop_signal
//! [`WaitStatus::ptrace_event`]: super::WaitStatus::ptrace_event
//! [`WaitStatus::is_syscall_stop`]: super::WaitStatus::is_syscall_stop

use super::Pid;
use crate::Result;
use crate::raw::{self, nr};
use crate::signal::Signal;

const PTRACE_TRACEME: usize = 0;
const PTRACE_CONT: usize = 7;
const PTRACE_DETACH: usize = 17;
const PTRACE_SYSCALL: usize = 24;
const PTRACE_SETOPTIONS: usize = 0x4200;
const PTRACE_GETEVENTMSG: usize = 0x4201;
const PTRACE_SEIZE: usize = 0x4206;
const PTRACE_INTERRUPT: usize = 0x4207;
const PTRACE_LISTEN: usize = 0x4208;
const PTRACE_GET_SYSCALL_INFO: usize = 0x420e;

bitflags::bitflags! {
    /// The options of [`seize`] and [`set_options`] (`PTRACE_O_*`).
    ///
    /// # References
    ///  - [Linux]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Options: u32 {
        /// `PTRACE_O_TRACESYSGOOD`: a syscall stop's signal is `SIGTRAP | 0x80`, so that it
        /// is told from a real `SIGTRAP` ([`WaitStatus::is_syscall_stop`](super::WaitStatus::is_syscall_stop)).
        const TRACESYSGOOD = 0x01;
        /// `PTRACE_O_TRACEFORK`: stop at each `fork(2)` ([`Event::FORK`]) and trace the child.
        const TRACEFORK = 0x02;
        /// `PTRACE_O_TRACEVFORK`: the same for `vfork(2)` ([`Event::VFORK`]).
        const TRACEVFORK = 0x04;
        /// `PTRACE_O_TRACECLONE`: the same for `clone(2)`, threads included ([`Event::CLONE`]).
        const TRACECLONE = 0x08;
        /// `PTRACE_O_TRACEEXEC`: stop after each successful `execve(2)` ([`Event::EXEC`]).
        const TRACEEXEC = 0x10;
        /// `PTRACE_O_TRACEVFORKDONE`: stop when a `vfork(2)` child released its parent.
        const TRACEVFORKDONE = 0x20;
        /// `PTRACE_O_TRACEEXIT`: stop before the tracee exits ([`Event::EXIT`]).
        const TRACEEXIT = 0x40;
        /// `PTRACE_O_TRACESECCOMP`: stop when a seccomp filter returns `SECCOMP_RET_TRACE`
        /// ([`Event::SECCOMP`]; see [`crate::seccomp::Action::Trace`]).
        const TRACESECCOMP = 0x80;
        /// `PTRACE_O_EXITKILL`: the kernel sends `SIGKILL` to every tracee when the tracer
        /// exits, whatever way it ends, so that none outlives it.
        const EXITKILL = 1 << 20;
        /// `PTRACE_O_SUSPEND_SECCOMP`: the tracee's seccomp filters are suspended (needs
        /// `CAP_SYS_ADMIN`).
        const SUSPEND_SECCOMP = 1 << 21;
    }
}

/// A ptrace event (`PTRACE_EVENT_*`): why a tracee stopped, as [`WaitStatus::ptrace_event`]
/// reads it from the status of a stop (`status >> 16`).
///
/// [`WaitStatus::ptrace_event`]: super::WaitStatus::ptrace_event
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event(pub u32);

impl Event {
    /// `PTRACE_EVENT_FORK`: in `fork(2)`; [`event_msg`] is the new child's id.
    pub const FORK: Event = Event(1);
    /// `PTRACE_EVENT_VFORK`: in `vfork(2)`; [`event_msg`] is the new child's id.
    pub const VFORK: Event = Event(2);
    /// `PTRACE_EVENT_CLONE`: in `clone(2)`; [`event_msg`] is the new thread's or child's id.
    pub const CLONE: Event = Event(3);
    /// `PTRACE_EVENT_EXEC`: after a successful `execve(2)`, before the new program runs;
    /// [`event_msg`] is the thread id the caller had (another thread's when a thread that is
    /// not the leader called it: the tracee now has the leader's id).
    pub const EXEC: Event = Event(4);
    /// `PTRACE_EVENT_VFORK_DONE`: the `vfork(2)` child released its parent.
    pub const VFORK_DONE: Event = Event(5);
    /// `PTRACE_EVENT_EXIT`: about to exit; [`event_msg`] is the exit status.
    pub const EXIT: Event = Event(6);
    /// `PTRACE_EVENT_SECCOMP`: a seccomp filter returned `SECCOMP_RET_TRACE` for the call the
    /// tracee is about to make; [`event_msg`] is the filter's `SECCOMP_RET_DATA`.
    pub const SECCOMP: Event = Event(7);
    /// `PTRACE_EVENT_STOP`: a seized tracee stopped by [`interrupt`], a new child's first stop,
    /// or a group-stop (then the stop signal is `SIGSTOP`, `SIGTSTP`, `SIGTTIN` or `SIGTTOU`).
    pub const STOP: Event = Event(128);
}

/// `ptrace(request, pid, addr, data)` for the requests that write no memory of ours.
fn request(request: usize, pid: Pid, addr: usize, data: usize) -> Result<usize> {
    // SAFETY: the requests passed here (TRACEME, SEIZE, SETOPTIONS, CONT, SYSCALL, DETACH,
    // INTERRUPT, LISTEN) take numbers in `addr` and `data`, never an address of ours: the
    // kernel reads and writes no memory of this process for them.
    unsafe { raw::syscall4(nr::PTRACE, request, pid as usize, addr, data) }
}

/// `ptrace(PTRACE_TRACEME)`: the caller is to be traced by its parent, as if the parent had
/// attached to it. Usually followed by a stop (`raise(SIGSTOP)`) for the parent to see, and
/// by `execve(2)`, which then stops the caller with `SIGTRAP`. [`Errno::EPERM`] when the caller
/// is traced already.
///
/// [`Errno::EPERM`]: crate::Errno::EPERM
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn traceme() -> Result<()> {
    request(PTRACE_TRACEME, 0, 0, 0).map(drop)
}

/// `ptrace(PTRACE_SEIZE, pid, 0, options)`: the calling thread becomes the tracer of the thread
/// `pid`, which goes on running; `options` are set at once (see [`Options`]). Errors:
/// [`Errno::ESRCH`] no such thread, [`Errno::EPERM`] it may not be traced (it is traced
/// already, it is this process, the caller lacks the permission: see `ptrace(2)`, "Ptrace
/// access mode checking"), [`Errno::EIO`] an option the kernel does not know.
///
/// [`Errno::ESRCH`]: crate::Errno::ESRCH
/// [`Errno::EPERM`]: crate::Errno::EPERM
/// [`Errno::EIO`]: crate::Errno::EIO
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn seize(pid: Pid, options: Options) -> Result<()> {
    request(PTRACE_SEIZE, pid, 0, options.bits() as usize).map(drop)
}

/// `ptrace(PTRACE_SETOPTIONS, pid, 0, options)`: replaces the options of the stopped tracee
/// `pid`. [`Errno::EINVAL`] for an option the kernel does not know.
///
/// [`Errno::EINVAL`]: crate::Errno::EINVAL
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn set_options(pid: Pid, options: Options) -> Result<()> {
    request(PTRACE_SETOPTIONS, pid, 0, options.bits() as usize).map(drop)
}

/// `ptrace(PTRACE_CONT, pid, 0, sig)`: resumes the stopped tracee `pid`, delivering the signal
/// `sig` to it (0: none), until its next stop. [`Errno::EIO`] for an invalid signal.
///
/// [`Errno::EIO`]: crate::Errno::EIO
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn cont(pid: Pid, sig: Signal) -> Result<()> {
    request(PTRACE_CONT, pid, 0, sig as usize).map(drop)
}

/// `ptrace(PTRACE_SYSCALL, pid, 0, sig)`: as [`cont`], and the tracee also stops at the entry
/// of its next system call and at its exit (a syscall stop; from a `PTRACE_EVENT_SECCOMP`
/// stop, the next is the exit of the call stopped in).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn syscall(pid: Pid, sig: Signal) -> Result<()> {
    request(PTRACE_SYSCALL, pid, 0, sig as usize).map(drop)
}

/// `ptrace(PTRACE_DETACH, pid, 0, sig)`: stops tracing the stopped tracee `pid` and resumes it,
/// delivering `sig` (0: none).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn detach(pid: Pid, sig: Signal) -> Result<()> {
    request(PTRACE_DETACH, pid, 0, sig as usize).map(drop)
}

/// `ptrace(PTRACE_INTERRUPT, pid)`: stops the seized tracee `pid` (a [`Event::STOP`] stop),
/// whether it is running or not. [`Errno::EIO`] for a tracee that was not seized.
///
/// [`Errno::EIO`]: crate::Errno::EIO
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn interrupt(pid: Pid) -> Result<()> {
    request(PTRACE_INTERRUPT, pid, 0, 0).map(drop)
}

/// `ptrace(PTRACE_LISTEN, pid)`: lets the seized tracee `pid`, in a group-stop, stay stopped
/// while the tracer goes on, until a `SIGCONT` resumes it (which the tracer sees as a stop).
/// [`Errno::EIO`] for a tracee that is not in a group-stop.
///
/// [`Errno::EIO`]: crate::Errno::EIO
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn listen(pid: Pid) -> Result<()> {
    request(PTRACE_LISTEN, pid, 0, 0).map(drop)
}

/// `ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg)`: the message of the [`Event`] the tracee `pid` is
/// stopped at (see each event).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn event_msg(pid: Pid) -> Result<usize> {
    let mut msg: usize = 0;
    // SAFETY: the kernel writes one `unsigned long` (a usize) at `&msg`, a live local.
    unsafe {
        raw::syscall4(
            nr::PTRACE,
            PTRACE_GETEVENTMSG,
            pid as usize,
            0,
            &mut msg as *mut usize as usize,
        )
    }?;
    Ok(msg)
}

/// What a tracee is stopped in, as [`syscall_info`] tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyscallOp {
    /// `PTRACE_SYSCALL_INFO_NONE`: not a syscall stop (a signal, an event other than seccomp).
    None,
    /// `PTRACE_SYSCALL_INFO_ENTRY`: the entry of a system call.
    Entry {
        /// Its number, in the table of the ABI of [`SyscallInfo::arch`].
        nr: u64,
        /// Its arguments.
        args: [u64; 6],
    },
    /// `PTRACE_SYSCALL_INFO_EXIT`: the exit of a system call.
    Exit {
        /// Its return value; `-errno` when `is_error`.
        rval: i64,
        /// Whether it failed.
        is_error: bool,
    },
    /// `PTRACE_SYSCALL_INFO_SECCOMP`: a `PTRACE_EVENT_SECCOMP` stop, before the call is made.
    Seccomp {
        /// Its number, in the table of the ABI of [`SyscallInfo::arch`].
        nr: u64,
        /// Its arguments.
        args: [u64; 6],
        /// The filter's `SECCOMP_RET_DATA`.
        ret_data: u32,
    },
    /// An `op` this kit does not know (a newer kernel's).
    Unknown(u8),
}

/// `struct ptrace_syscall_info`, as [`syscall_info`] returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyscallInfo {
    /// The `AUDIT_ARCH_*` value of the ABI the call was made through (the native one,
    /// [`crate::arch::AUDIT_ARCH`], or another, such as [`crate::arch::i386`] on x86_64).
    pub arch: u32,
    /// The tracee's instruction pointer.
    pub instruction_pointer: u64,
    /// The tracee's stack pointer.
    pub stack_pointer: u64,
    /// What it is stopped in.
    pub op: SyscallOp,
}

/// The kernel's `struct ptrace_syscall_info` (include/uapi/linux/ptrace.h): 24 bytes of header
/// and the union of `entry`, `exit` and `seccomp`, whose largest member is 60 bytes; read as
/// bytes, so that the same code reads it on either byte order and whatever the alignment of
/// `__u64` (4 on i686).
#[repr(C)]
struct RawSyscallInfo {
    op: u8,
    pad: [u8; 3],
    arch: [u8; 4],
    instruction_pointer: [u8; 8],
    stack_pointer: [u8; 8],
    data: [u8; 64],
}

/// `ptrace(PTRACE_GET_SYSCALL_INFO, pid, size, &info)` (Linux 5.3): the system call the
/// stopped tracee `pid` is at, or [`SyscallOp::None`] when it is not stopped in one.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
pub fn syscall_info(pid: Pid) -> Result<SyscallInfo> {
    let mut info = RawSyscallInfo {
        op: 0,
        pad: [0; 3],
        arch: [0; 4],
        instruction_pointer: [0; 8],
        stack_pointer: [0; 8],
        data: [0; 64],
    };
    // SAFETY: the kernel writes at most `addr` bytes (the structure's size) at `&info`, a live
    // local of that size.
    unsafe {
        raw::syscall4(
            nr::PTRACE,
            PTRACE_GET_SYSCALL_INFO,
            pid as usize,
            core::mem::size_of::<RawSyscallInfo>(),
            &mut info as *mut RawSyscallInfo as usize,
        )
    }?;
    let u64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&info.data[at..at + 8]);
        u64::from_ne_bytes(b)
    };
    let args = || core::array::from_fn(|i| u64_at(8 + 8 * i));
    let op = match info.op {
        0 => SyscallOp::None,
        1 => SyscallOp::Entry {
            nr: u64_at(0),
            args: args(),
        },
        2 => SyscallOp::Exit {
            rval: u64_at(0) as i64,
            is_error: info.data[8] != 0,
        },
        3 => SyscallOp::Seccomp {
            nr: u64_at(0),
            args: args(),
            ret_data: u32::from_ne_bytes([
                info.data[56],
                info.data[57],
                info.data[58],
                info.data[59],
            ]),
        },
        other => SyscallOp::Unknown(other),
    };
    Ok(SyscallInfo {
        arch: u32::from_ne_bytes(info.arch),
        instruction_pointer: u64::from_ne_bytes(info.instruction_pointer),
        stack_pointer: u64::from_ne_bytes(info.stack_pointer),
        op,
    })
}
