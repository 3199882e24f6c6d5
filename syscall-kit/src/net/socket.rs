//! Making and connecting sockets: `socket(2)`, `connect(2)`, `bind(2)`, `listen(2)`,
//! `accept4(2)` (and `accept(2)`, made with it), `getsockname(2)`, `getpeername(2)`,
//! `shutdown(2)`.

use super::sockaddr::{AF_INET, AF_INET6};
use super::{SockAddrRaw, SocketAddr};
use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::raw::{self, nr};
use crate::{Errno, Result};

/// The address family of [`socket`] (`AF_*`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/socket.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Domain(u16);

impl Domain {
    /// `AF_INET`: IPv4.
    pub const INET: Domain = Domain(AF_INET);
    /// `AF_INET6`: IPv6.
    pub const INET6: Domain = Domain(AF_INET6);
    /// `AF_UNIX`: local sockets.
    pub const UNIX: Domain = Domain(1);

    /// The family of `addr`.
    pub const fn of(addr: &SocketAddr) -> Domain {
        match addr {
            SocketAddr::V4(_) => Domain::INET,
            SocketAddr::V6(_) => Domain::INET6,
        }
    }

    /// The family numbered `n` (for families the constants do not name).
    pub const fn from_raw(n: u16) -> Domain {
        Domain(n)
    }
}

/// The kind of [`socket`] (`SOCK_*`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/socket.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SocketType(u32);

impl SocketType {
    /// `SOCK_STREAM`: a connection, bytes in order (TCP).
    pub const STREAM: SocketType = SocketType(1);
    /// `SOCK_DGRAM`: datagrams (UDP).
    pub const DGRAM: SocketType = SocketType(2);
}

bitflags::bitflags! {
    /// Flags of [`socket`], [`accept4`] and [`accept`]; the same values as `O_CLOEXEC` and `O_NONBLOCK`
    /// on every architecture of the kit.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct SocketFlags: u32 {
        /// `SOCK_CLOEXEC`: close on `execve(2)`.
        const CLOEXEC = 0o2000000;
        /// `SOCK_NONBLOCK`: calls that would wait fail with `EAGAIN` (`connect`: `EINPROGRESS`).
        const NONBLOCK = 0o4000;
    }
}

/// `socket(2)`: a new socket of `domain` and `ty`; `protocol` 0 picks the usual one (TCP for a
/// stream of `INET`, UDP for datagrams).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/socket.2.html
pub fn socket(
    domain: Domain,
    ty: SocketType,
    flags: SocketFlags,
    protocol: i32,
) -> Result<OwnedFd> {
    // SAFETY: `socket` reads no memory; the new descriptor is ours.
    let fd = unsafe {
        raw::syscall3(
            nr::SOCKET,
            domain.0 as usize,
            (ty.0 | flags.bits()) as usize,
            protocol as usize,
        )
    }?;
    // SAFETY: the kernel just opened `fd` for this process and nobody else knows it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// `connect(2)`: connects `fd` to `addr`. On a non-blocking socket, a connection that is not
/// made at once fails with [`Errno::EINPROGRESS`]: wait until the socket is writable, then
/// read the outcome with [`socket_error`](super::socket_error).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/connect.2.html
pub fn connect(fd: impl AsFd, addr: &SocketAddr) -> Result<()> {
    let raw = SockAddrRaw::new(addr);
    // SAFETY: the kernel reads `raw.len()` bytes of address at `raw`, alive for the call.
    unsafe {
        raw::syscall3(
            nr::CONNECT,
            fd.as_fd().as_raw_fd() as usize,
            raw.as_ptr() as usize,
            raw.len() as usize,
        )
    }
    .map(drop)
}

/// `bind(2)`: gives `fd` the local address `addr` (port 0: the kernel picks one; read it with
/// [`getsockname`]).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/bind.2.html
pub fn bind(fd: impl AsFd, addr: &SocketAddr) -> Result<()> {
    let raw = SockAddrRaw::new(addr);
    // SAFETY: the kernel reads `raw.len()` bytes of address at `raw`, alive for the call.
    unsafe {
        raw::syscall3(
            nr::BIND,
            fd.as_fd().as_raw_fd() as usize,
            raw.as_ptr() as usize,
            raw.len() as usize,
        )
    }
    .map(drop)
}

/// `listen(2)`: makes the stream socket `fd` accept connections, `backlog` of them queued.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/listen.2.html
pub fn listen(fd: impl AsFd, backlog: u32) -> Result<()> {
    // SAFETY: `listen` reads no memory.
    unsafe {
        raw::syscall2(
            nr::LISTEN,
            fd.as_fd().as_raw_fd() as usize,
            backlog as usize,
        )
    }
    .map(drop)
}

/// `accept4(2)`: the next connection of the listening socket `fd`, as a new socket with
/// `flags`, and the peer's address (`None` for a family other than IPv4 and IPv6). When the
/// address is not needed, [`accept`] asks the kernel for none.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/accept4.2.html
pub fn accept4(fd: impl AsFd, flags: SocketFlags) -> Result<(OwnedFd, Option<SocketAddr>)> {
    let mut raw = SockAddrRaw::empty();
    let new = accept_into(fd, Some(&mut raw), flags)?;
    Ok((new, raw.get()))
}

/// `accept(2)`: the next connection of the listening socket `fd`, as a new socket with
/// `flags`, without the peer's address (read it later with [`getpeername`] if need be).
///
/// Implemented as `accept4(2)` with no room for an address (null pointers), on every
/// architecture: i686 and s390x have no `accept` system call. A socket that is not listening
/// fails with [`Errno::EINVAL`]; a non-blocking one with no connection waiting, with
/// [`Errno::EAGAIN`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/accept.2.html
pub fn accept(fd: impl AsFd, flags: SocketFlags) -> Result<OwnedFd> {
    accept_into(fd, None, flags)
}

/// `accept4(2)`, the peer's address written into `peer`, or none asked for.
fn accept_into(
    fd: impl AsFd,
    peer: Option<&mut SockAddrRaw>,
    flags: SocketFlags,
) -> Result<OwnedFd> {
    let (ptr, len) = match peer {
        Some(raw) => (
            raw.as_mut_ptr() as usize,
            raw.len_mut() as *mut u32 as usize,
        ),
        None => (0, 0),
    };
    // SAFETY: `ptr` and `len` are null, or point into `peer`, which is borrowed for the call:
    // the kernel writes up to `*len` (28) bytes of address at `ptr` and the length it used
    // into `len`.
    let new = unsafe {
        raw::syscall4(
            nr::ACCEPT4,
            fd.as_fd().as_raw_fd() as usize,
            ptr,
            len,
            flags.bits() as usize,
        )
    }?;
    // SAFETY: the kernel just opened `new` for this process and nobody else knows it.
    Ok(unsafe { OwnedFd::from_raw_fd(new as RawFd) })
}

/// The address a `getsockname`-style call `nr` writes for `fd`.
fn name_of(nr: usize, fd: impl AsFd) -> Result<SocketAddr> {
    let mut raw = SockAddrRaw::empty();
    let ptr = raw.as_mut_ptr() as usize;
    // SAFETY: the kernel writes up to `*len` (28) bytes of address at `ptr`, into `raw`, and
    // the length it used into `len`; both are ours for the call.
    unsafe {
        raw::syscall3(
            nr,
            fd.as_fd().as_raw_fd() as usize,
            ptr,
            raw.len_mut() as *mut u32 as usize,
        )
    }?;
    raw.get().ok_or(Errno::EAFNOSUPPORT)
}

/// `getsockname(2)`: the local address of `fd` ([`Errno::EAFNOSUPPORT`] for a family other
/// than IPv4 and IPv6).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getsockname.2.html
pub fn getsockname(fd: impl AsFd) -> Result<SocketAddr> {
    name_of(nr::GETSOCKNAME, fd)
}

/// `getpeername(2)`: the address of the peer `fd` is connected to.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getpeername.2.html
pub fn getpeername(fd: impl AsFd) -> Result<SocketAddr> {
    name_of(nr::GETPEERNAME, fd)
}

/// What [`shutdown`] ends.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/shutdown.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shutdown {
    /// `SHUT_RD`: no more receptions.
    Read = 0,
    /// `SHUT_WR`: no more transmissions (the peer reads end of file).
    Write = 1,
    /// `SHUT_RDWR`: both.
    Both = 2,
}

/// `shutdown(2)`: ends one or both directions of the connection of `fd`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/shutdown.2.html
pub fn shutdown(fd: impl AsFd, how: Shutdown) -> Result<()> {
    // SAFETY: `shutdown` reads no memory.
    unsafe { raw::syscall2(nr::SHUTDOWN, fd.as_fd().as_raw_fd() as usize, how as usize) }.map(drop)
}
