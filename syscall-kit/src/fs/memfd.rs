//! `memfd_create(2)`: an anonymous file in memory, with no name in any directory.

use crate::fd::{OwnedFd, RawFd};
use crate::raw::{self, nr};
use crate::{PathArg, Result};

bitflags::bitflags! {
    /// How [`memfd_create`] makes the file (`MFD_*`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct MemfdFlags: u32 {
        /// `MFD_CLOEXEC`: the descriptor is closed by a successful `execve(2)`.
        const CLOEXEC = 0x0001;
        /// `MFD_ALLOW_SEALING`: seals may be added to the file (`fcntl(2)` `F_ADD_SEALS`);
        /// without it the file is sealed against sealing.
        const ALLOW_SEALING = 0x0002;
    }
}

/// `memfd_create(2)`: creates an anonymous regular file in memory, readable and writable, of
/// size 0, and returns a descriptor open on it (with its offset at 0). `name` is for
/// `/proc/PID/fd/N` only (`/memfd:NAME`): it names nothing, and several files may share it.
/// The file lives as long as a descriptor or a mapping of it does.
///
/// A `name` of more than 249 bytes, or a flag the kernel does not know, fails with
/// [`Errno::EINVAL`](crate::Errno::EINVAL); a `name` with a NUL byte fails with `EINVAL`
/// before any system call.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/memfd_create.2.html
pub fn memfd_create(name: impl PathArg, flags: MemfdFlags) -> Result<OwnedFd> {
    name.with_c_str(|name| {
        // SAFETY: `name` is a NUL-terminated string that outlives the call; the kernel only
        // reads it.
        let fd = unsafe {
            raw::syscall2(
                nr::MEMFD_CREATE,
                name.as_ptr() as usize,
                flags.bits() as usize,
            )
        }?;
        // SAFETY: the kernel just opened `fd` for us; nobody else owns it.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
    })
}
