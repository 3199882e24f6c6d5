//! Socket options: `getsockopt(2)` and `setsockopt(2)` of `int` options, and the two every
//! client and server needs, `SO_ERROR` and `SO_REUSEADDR`.

use crate::fd::AsFd;
use crate::raw::{self, nr};
use crate::{Errno, Result};

/// An option of [`getsockopt`] and [`setsockopt`]: its level and name.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/socket.7.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SockOpt {
    /// The level (`SOL_SOCKET`, `IPPROTO_TCP` …).
    pub level: i32,
    /// The option's name at that level.
    pub name: i32,
}

impl SockOpt {
    /// `SOL_SOCKET`/`SO_REUSEADDR`: bind to a port still in `TIME_WAIT`.
    pub const REUSEADDR: SockOpt = SockOpt { level: 1, name: 2 };
    /// `SOL_SOCKET`/`SO_ERROR`: the pending error (read-only; reading clears it).
    pub const ERROR: SockOpt = SockOpt { level: 1, name: 4 };
    /// `SOL_SOCKET`/`SO_KEEPALIVE`.
    pub const KEEPALIVE: SockOpt = SockOpt { level: 1, name: 9 };
    /// `SOL_SOCKET`/`SO_REUSEPORT` (Linux 3.9): sockets that each set it before `bind(2)`, of
    /// the same user, may bind the same address and port; the kernel spreads the incoming
    /// connections (or datagrams) among them by a hash of the peer's address.
    pub const REUSEPORT: SockOpt = SockOpt { level: 1, name: 15 };
    /// `IPPROTO_TCP`/`TCP_NODELAY`: send small segments at once.
    pub const TCP_NODELAY: SockOpt = SockOpt { level: 6, name: 1 };
}

/// `getsockopt(2)` of an `int` option.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getsockopt.2.html
pub fn getsockopt(fd: impl AsFd, opt: SockOpt) -> Result<i32> {
    let mut value: i32 = 0;
    let mut len: u32 = 4;
    // SAFETY: the kernel writes up to `len` (4) bytes at `value` and the length into `len`,
    // both ours for the call.
    unsafe {
        raw::syscall5(
            nr::GETSOCKOPT,
            fd.as_fd().as_raw_fd() as usize,
            opt.level as usize,
            opt.name as usize,
            &mut value as *mut i32 as usize,
            &mut len as *mut u32 as usize,
        )
    }?;
    Ok(value)
}

/// `setsockopt(2)` of an `int` option.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getsockopt.2.html
pub fn setsockopt(fd: impl AsFd, opt: SockOpt, value: i32) -> Result<()> {
    // SAFETY: the kernel reads 4 bytes at `value`, alive for the call.
    unsafe {
        raw::syscall5(
            nr::SETSOCKOPT,
            fd.as_fd().as_raw_fd() as usize,
            opt.level as usize,
            opt.name as usize,
            &value as *const i32 as usize,
            4,
        )
    }
    .map(drop)
}

/// `getsockopt(SO_ERROR)`: the socket's pending error, cleared by the read: `Ok(None)` when
/// there is none. After a non-blocking [`connect`](super::connect), it is the outcome
/// (`ECONNREFUSED` …).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/socket.7.html
pub fn socket_error(fd: impl AsFd) -> Result<Option<Errno>> {
    let e = getsockopt(fd, SockOpt::ERROR)?;
    Ok((e != 0).then(|| Errno::from_raw(e)))
}

/// `setsockopt(SO_REUSEADDR)`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/socket.7.html
pub fn set_reuseaddr(fd: impl AsFd, on: bool) -> Result<()> {
    setsockopt(fd, SockOpt::REUSEADDR, i32::from(on))
}

/// `getsockopt(SO_REUSEADDR)`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/socket.7.html
pub fn reuseaddr(fd: impl AsFd) -> Result<bool> {
    getsockopt(fd, SockOpt::REUSEADDR).map(|v| v != 0)
}
