//! [`SockAddrRaw`]: a [`SocketAddr`] in the kernel's layout (`sockaddr_in`, `sockaddr_in6`).

use super::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// `AF_INET`.
pub(super) const AF_INET: u16 = 2;
/// `AF_INET6`.
pub(super) const AF_INET6: u16 = 10;

/// Room for a `struct sockaddr_in` (16 bytes) or `struct sockaddr_in6` (28 bytes), aligned as
/// they are, and the length that is in use: what the socket calls pass to the kernel and what
/// the kernel writes back.
///
/// `sockaddr_in`: family (host order), port (network order), address, 8 zero bytes.
/// `sockaddr_in6`: family, port, flow label (network order), address, scope id (host order).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/ip.7.html
#[repr(C, align(4))]
#[derive(Clone, Copy, Debug)]
pub struct SockAddrRaw {
    bytes: [u8; 28],
    len: u32,
}

impl SockAddrRaw {
    /// Zeroed room for the kernel to write any IPv4 or IPv6 address.
    pub const fn empty() -> SockAddrRaw {
        SockAddrRaw {
            bytes: [0; 28],
            len: 28,
        }
    }

    /// The kernel's bytes of `addr`.
    pub fn new(addr: &SocketAddr) -> SockAddrRaw {
        // Byte by byte through iterators: no index that could panic (a probe that must stay
        // small cannot afford the panic machinery).
        fn put(bytes: &mut [u8; 28], at: usize, value: &[u8]) {
            let room: &mut [u8] = bytes.get_mut(at..).unwrap_or_default();
            for (d, s) in room.iter_mut().zip(value) {
                *d = *s;
            }
        }
        let mut raw = SockAddrRaw::empty();
        let b = &mut raw.bytes;
        match addr {
            SocketAddr::V4(a) => {
                put(b, 0, &AF_INET.to_ne_bytes());
                put(b, 2, &a.port.to_be_bytes());
                put(b, 4, &a.ip.0);
                raw.len = 16;
            }
            SocketAddr::V6(a) => {
                put(b, 0, &AF_INET6.to_ne_bytes());
                put(b, 2, &a.port.to_be_bytes());
                put(b, 4, &a.flowinfo.to_be_bytes());
                put(b, 8, &a.ip.0);
                put(b, 24, &a.scope_id.to_ne_bytes());
                raw.len = 28;
            }
        }
        raw
    }

    /// The address the bytes hold: `None` for another family (`AF_UNIX` …) or a length too
    /// short for its family.
    pub fn get(&self) -> Option<SocketAddr> {
        let b = &self.bytes;
        let word = |i: usize| [b[i], b[i + 1], b[i + 2], b[i + 3]];
        let port = u16::from_be_bytes([b[2], b[3]]);
        match u16::from_ne_bytes([b[0], b[1]]) {
            AF_INET if self.len >= 16 => Some(SocketAddr::V4(SocketAddrV4 {
                ip: Ipv4Addr(word(4)),
                port,
            })),
            AF_INET6 if self.len >= 28 => {
                let mut ip = [0u8; 16];
                for (d, s) in ip.iter_mut().zip(b.iter().skip(8)) {
                    *d = *s;
                }
                Some(SocketAddr::V6(SocketAddrV6 {
                    ip: Ipv6Addr(ip),
                    port,
                    flowinfo: u32::from_be_bytes(word(4)),
                    scope_id: u32::from_ne_bytes(word(24)),
                }))
            }
            _ => None,
        }
    }

    /// The address of the bytes, for the kernel to read `len()` bytes of, or write up to
    /// `*len_mut()`.
    pub(super) fn as_mut_ptr(&mut self) -> *mut u8 {
        self.bytes.as_mut_ptr()
    }

    /// The address of the bytes, for the kernel to read `len()` bytes of.
    pub(super) fn as_ptr(&self) -> *const u8 {
        self.bytes.as_ptr()
    }

    /// The length in use (`socklen_t`).
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether no byte is in use (never, for an address this type makes).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The length, for the kernel to read (room) and write (what it used).
    pub(super) fn len_mut(&mut self) -> &mut u32 {
        &mut self.len
    }
}
