//! Reading another process's memory: [`process_vm_readv`] (`process_vm_readv(2)`), as a tracer
//! reads the path a tracee passed to a system call.

use super::Pid;
use crate::Result;
use crate::raw::{self, nr};

/// A range of another process's memory (`struct iovec` with a remote address): `len` bytes at
/// `addr` in that process's address space. Only an address there, never dereferenced here.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RemoteRange {
    /// The start, in the other process.
    pub addr: usize,
    /// The number of bytes.
    pub len: usize,
}

/// `IOV_MAX` (include/uapi/linux/uio.h `UIO_MAXIOV`): the most ranges one call takes.
pub const IOV_MAX: usize = 1024;

/// `process_vm_readv(2)`: copies the ranges `remote` of process `pid`'s memory, one after the
/// other, into `buf` (as far as it holds them), and returns the number of bytes copied.
///
/// The copy stops at the first range that cannot be read (not mapped in `pid`): a *partial*
/// read, which counts whole ranges only, so a caller that splits what it reads at page
/// boundaries reads everything up to the first page that is not there. When the very first
/// range cannot be read: [`Errno::EFAULT`]. Other errors: [`Errno::ESRCH`] no such process,
/// [`Errno::EPERM`] the caller may not read it (the check of `PTRACE_MODE_ATTACH_REALCREDS`:
/// the caller's own processes, or `CAP_SYS_PTRACE`), [`Errno::EINVAL`] more than [`IOV_MAX`]
/// ranges, [`Errno::ENOMEM`].
///
/// [`Errno::EFAULT`]: crate::Errno::EFAULT
/// [`Errno::ESRCH`]: crate::Errno::ESRCH
/// [`Errno::EPERM`]: crate::Errno::EPERM
/// [`Errno::EINVAL`]: crate::Errno::EINVAL
/// [`Errno::ENOMEM`]: crate::Errno::ENOMEM
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/process_vm_readv.2.html
pub fn process_vm_readv(pid: Pid, buf: &mut [u8], remote: &[RemoteRange]) -> Result<usize> {
    let local = RemoteRange {
        addr: buf.as_mut_ptr() as usize,
        len: buf.len(),
    };
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which this call borrows
    // mutably, through the one local iovec; it only reads the `remote` descriptions (valid for
    // their length) and the memory of process `pid` they name, which is never ours to borrow
    // (when `pid` is this process, those bytes are only read). The flags must be 0.
    unsafe {
        raw::syscall6(
            nr::PROCESS_VM_READV,
            pid as usize,
            &local as *const RemoteRange as usize,
            1,
            remote.as_ptr() as usize,
            remote.len(),
            0,
        )
    }
}
