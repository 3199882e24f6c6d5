//! Data on sockets: `sendto(2)` and `recvfrom(2)` (and `send`/`recv`, the same calls without an
//! address).

use super::{SockAddrRaw, SocketAddr};
use crate::Result;
use crate::fd::AsFd;
use crate::raw::{self, nr};

bitflags::bitflags! {
    /// Flags of [`sendto`] and [`recvfrom`] (`MSG_*`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct MsgFlags: u32 {
        /// `MSG_PEEK`: receive without removing the data from the queue.
        const PEEK = 0x2;
        /// `MSG_DONTWAIT`: this call does not block.
        const DONTWAIT = 0x40;
        /// `MSG_WAITALL`: wait for the whole buffer (stream sockets).
        const WAITALL = 0x100;
        /// `MSG_NOSIGNAL`: a closed peer gives `EPIPE`, not `SIGPIPE`.
        const NOSIGNAL = 0x4000;
        /// `MSG_MORE` (TCP, UDP): more data follows; a stream socket holds back a partial
        /// segment until a send without it (a `sendfile(2)` of the body after the head, say),
        /// as `TCP_CORK` does for one call. See `send(2)` and `tcp(7)`.
        const MORE = 0x8000;
    }
}

/// `sendto(2)`: sends `buf` on `fd`, to `to` (`None`: the connected peer); returns the bytes
/// sent.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sendto.2.html
pub fn sendto(
    fd: impl AsFd,
    buf: &[u8],
    flags: MsgFlags,
    to: Option<&SocketAddr>,
) -> Result<usize> {
    let raw = to.map(SockAddrRaw::new);
    let (addr, len) = raw
        .as_ref()
        .map_or((0, 0), |r| (r.as_ptr() as usize, r.len() as usize));
    // SAFETY: the kernel reads `buf.len()` bytes at `buf` and `len` bytes of address at `addr`
    // (null and 0 for none), both alive for the call.
    unsafe {
        raw::syscall6(
            nr::SENDTO,
            fd.as_fd().as_raw_fd() as usize,
            buf.as_ptr() as usize,
            buf.len(),
            flags.bits() as usize,
            addr,
            len,
        )
    }
}

/// `recvfrom(2)`: receives into `buf` from `fd`; returns the bytes received (0: the peer
/// closed a stream) and the sender's address (`None` for a connected stream, which reports
/// none, or a family other than IPv4 and IPv6).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/recvfrom.2.html
pub fn recvfrom(
    fd: impl AsFd,
    buf: &mut [u8],
    flags: MsgFlags,
) -> Result<(usize, Option<SocketAddr>)> {
    let mut raw = SockAddrRaw::empty();
    let ptr = raw.as_mut_ptr() as usize;
    // SAFETY: the kernel writes up to `buf.len()` bytes at `buf`, up to `*len` (28) bytes of
    // address at `ptr` and the length it used into `len`; all ours for the call.
    let n = unsafe {
        raw::syscall6(
            nr::RECVFROM,
            fd.as_fd().as_raw_fd() as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            flags.bits() as usize,
            ptr,
            raw.len_mut() as *mut u32 as usize,
        )
    }?;
    let from = if raw.is_empty() { None } else { raw.get() };
    Ok((n, from))
}

/// `send(2)`: [`sendto`] the connected peer.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/send.2.html
pub fn send(fd: impl AsFd, buf: &[u8], flags: MsgFlags) -> Result<usize> {
    sendto(fd, buf, flags, None)
}

/// `recv(2)`: [`recvfrom`] without the address.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/recv.2.html
pub fn recv(fd: impl AsFd, buf: &mut [u8], flags: MsgFlags) -> Result<usize> {
    // SAFETY: the kernel writes up to `buf.len()` bytes at `buf`; no address is asked for.
    unsafe {
        raw::syscall6(
            nr::RECVFROM,
            fd.as_fd().as_raw_fd() as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            flags.bits() as usize,
            0,
            0,
        )
    }
}
