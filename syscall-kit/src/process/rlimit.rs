//! Resource limits: `prlimit64(2)`, and [`getrlimit`] and [`setrlimit`] made with it.

use super::Pid;
use crate::Result;
use crate::raw::{self, nr};

/// A resource of [`getrlimit`] and [`setrlimit`] (`RLIMIT_*`, the same numbers on every
/// architecture of the kit but the ones named below).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getrlimit.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resource(u32);

impl Resource {
    /// `RLIMIT_FSIZE`: the largest file the process may write, in bytes (`SIGXFSZ` beyond).
    pub const FSIZE: Resource = Resource(1);
    /// `RLIMIT_STACK`: the main thread's stack, in bytes.
    pub const STACK: Resource = Resource(3);
    /// `RLIMIT_CORE`: the largest core dump, in bytes.
    pub const CORE: Resource = Resource(4);
    /// `RLIMIT_NOFILE`: one more than the highest descriptor number the process may open
    /// (`EMFILE` beyond). 7 on every architecture of the kit (sparc and mips, which differ,
    /// are not among them).
    pub const NOFILE: Resource = Resource(7);
    /// `RLIMIT_AS`: the size of the address space, in bytes.
    pub const AS: Resource = Resource(9);

    /// The resource numbered `n` (for those the constants do not name).
    pub const fn from_raw(n: u32) -> Resource {
        Resource(n)
    }
}

/// A soft and a hard limit (`struct rlimit64`): the kernel enforces the soft one; a process may
/// raise its soft limit up to the hard one, and lower the hard one for good (raising it needs
/// `CAP_SYS_RESOURCE`). [`Rlimit::INFINITY`] is no limit.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getrlimit.2.html
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rlimit {
    /// The soft limit (`rlim_cur`).
    pub cur: u64,
    /// The hard limit, the ceiling of the soft one (`rlim_max`).
    pub max: u64,
}

impl Rlimit {
    /// `RLIM64_INFINITY`: no limit.
    pub const INFINITY: u64 = u64::MAX;
}

/// `prlimit64(2)`: sets the limits of `resource` of the process `pid` (0: the caller) to `new`
/// when given, and returns the limits it had before. A soft limit above the hard one is
/// [`Errno::EINVAL`](crate::Errno::EINVAL); raising the hard one without `CAP_SYS_RESOURCE`
/// is [`Errno::EPERM`](crate::Errno::EPERM), as is changing another user's process.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/prlimit.2.html
pub fn prlimit(pid: Pid, resource: Resource, new: Option<&Rlimit>) -> Result<Rlimit> {
    let mut old = Rlimit { cur: 0, max: 0 };
    let new = new.map_or(0, |n| n as *const Rlimit as usize);
    // SAFETY: the kernel reads one `struct rlimit64` (two `u64`s, the layout of `Rlimit`) at
    // `new` (null or a live borrow) and writes one into `old`, ours for the call.
    unsafe {
        raw::syscall4(
            nr::PRLIMIT64,
            pid as usize,
            resource.0 as usize,
            new,
            &raw mut old as usize,
        )
    }?;
    Ok(old)
}

/// `getrlimit(2)`: the caller's limits of `resource` ([`prlimit`] of process 0, which every
/// architecture has, with the 64-bit limits of 32-bit architectures too).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getrlimit.2.html
pub fn getrlimit(resource: Resource) -> Result<Rlimit> {
    prlimit(0, resource, None)
}

/// `setrlimit(2)`: sets the caller's limits of `resource` ([`prlimit`] of process 0).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getrlimit.2.html
pub fn setrlimit(resource: Resource, new: &Rlimit) -> Result<()> {
    prlimit(0, resource, Some(new)).map(drop)
}
