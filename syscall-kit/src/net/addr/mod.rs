//! IPv4 and IPv6 addresses and socket addresses: the types and their constructors here, their
//! parsers from text in `parse.rs`, their text in `display.rs`.

mod display;
mod parse;

pub use display::AddrText;
pub use parse::AddrParseError;

/// An IPv4 address (`struct in_addr`), in network order.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/ip.7.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ipv4Addr(pub [u8; 4]);

/// An IPv6 address (`struct in6_addr`), in network order.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/ipv6.7.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ipv6Addr(pub [u8; 16]);

/// An IPv4 or IPv6 address.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/ip.7.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpAddr {
    /// An IPv4 address.
    V4(Ipv4Addr),
    /// An IPv6 address.
    V6(Ipv6Addr),
}

/// An IPv4 address and a port.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/ip.7.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SocketAddrV4 {
    /// The address.
    pub ip: Ipv4Addr,
    /// The port, in host order.
    pub port: u16,
}

/// An IPv6 address, a port, and the flow label and scope (interface) of `sockaddr_in6`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/ipv6.7.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SocketAddrV6 {
    /// The address.
    pub ip: Ipv6Addr,
    /// The port, in host order.
    pub port: u16,
    /// `sin6_flowinfo`, in host order.
    pub flowinfo: u32,
    /// `sin6_scope_id`: the interface of a link-local address (0: none).
    pub scope_id: u32,
}

/// An IPv4 or IPv6 socket address.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/ip.7.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SocketAddr {
    /// `AF_INET`.
    V4(SocketAddrV4),
    /// `AF_INET6`.
    V6(SocketAddrV6),
}

impl Ipv4Addr {
    /// `127.0.0.1`.
    pub const LOCALHOST: Ipv4Addr = Ipv4Addr([127, 0, 0, 1]);
    /// `0.0.0.0`.
    pub const UNSPECIFIED: Ipv4Addr = Ipv4Addr([0; 4]);
}

impl Ipv6Addr {
    /// `::1`.
    pub const LOCALHOST: Ipv6Addr = Ipv6Addr([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    /// `::`.
    pub const UNSPECIFIED: Ipv6Addr = Ipv6Addr([0; 16]);

    /// The address of the eight 16-bit groups of its text form.
    fn from_groups(groups: [u16; 8]) -> Ipv6Addr {
        let bits = groups.iter().fold(0u128, |v, &g| v << 16 | u128::from(g));
        Ipv6Addr(bits.to_be_bytes())
    }

    /// The eight 16-bit groups of its text form, `2001:db8::1` as
    /// `[0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]`.
    pub const fn segments(&self) -> [u16; 8] {
        let b = u128::from_be_bytes(self.0);
        [
            (b >> 112) as u16,
            (b >> 96) as u16,
            (b >> 80) as u16,
            (b >> 64) as u16,
            (b >> 48) as u16,
            (b >> 32) as u16,
            (b >> 16) as u16,
            b as u16,
        ]
    }

    /// The IPv4 address of an IPv4-mapped address (`::ffff:a.b.c.d`, how an IPv6 socket
    /// names an IPv4 peer); `None` for any other.
    pub const fn to_ipv4_mapped(&self) -> Option<Ipv4Addr> {
        match self.0 {
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d] => Some(Ipv4Addr([a, b, c, d])),
            _ => None,
        }
    }
}

impl From<Ipv4Addr> for IpAddr {
    fn from(ip: Ipv4Addr) -> IpAddr {
        IpAddr::V4(ip)
    }
}

impl From<Ipv6Addr> for IpAddr {
    fn from(ip: Ipv6Addr) -> IpAddr {
        IpAddr::V6(ip)
    }
}

impl SocketAddrV4 {
    /// `ip:port`.
    pub const fn new(ip: Ipv4Addr, port: u16) -> SocketAddrV4 {
        SocketAddrV4 { ip, port }
    }
}

impl SocketAddrV6 {
    /// `[ip]:port`, with no flow label or scope.
    pub const fn new(ip: Ipv6Addr, port: u16) -> SocketAddrV6 {
        SocketAddrV6 {
            ip,
            port,
            flowinfo: 0,
            scope_id: 0,
        }
    }
}

impl SocketAddr {
    /// `ip` and `port`: a [`SocketAddrV4`] or a [`SocketAddrV6`] (with no flow label or scope),
    /// as `ip` is. `SocketAddr::from((ip, port))` takes an [`Ipv4Addr`] or [`Ipv6Addr`] too.
    pub const fn new(ip: IpAddr, port: u16) -> SocketAddr {
        match ip {
            IpAddr::V4(ip) => SocketAddr::V4(SocketAddrV4::new(ip, port)),
            IpAddr::V6(ip) => SocketAddr::V6(SocketAddrV6::new(ip, port)),
        }
    }

    /// The address.
    pub const fn ip(&self) -> IpAddr {
        match self {
            SocketAddr::V4(a) => IpAddr::V4(a.ip),
            SocketAddr::V6(a) => IpAddr::V6(a.ip),
        }
    }

    /// The port.
    pub const fn port(&self) -> u16 {
        match self {
            SocketAddr::V4(a) => a.port,
            SocketAddr::V6(a) => a.port,
        }
    }

    /// The same address with port `port`.
    pub const fn with_port(self, port: u16) -> SocketAddr {
        match self {
            SocketAddr::V4(a) => SocketAddr::V4(SocketAddrV4 { port, ..a }),
            SocketAddr::V6(a) => SocketAddr::V6(SocketAddrV6 { port, ..a }),
        }
    }
}

impl From<SocketAddrV4> for SocketAddr {
    fn from(a: SocketAddrV4) -> SocketAddr {
        SocketAddr::V4(a)
    }
}

impl From<SocketAddrV6> for SocketAddr {
    fn from(a: SocketAddrV6) -> SocketAddr {
        SocketAddr::V6(a)
    }
}

impl<I: Into<IpAddr>> From<(I, u16)> for SocketAddr {
    /// `(ip, port)`, as [`SocketAddr::new`].
    fn from((ip, port): (I, u16)) -> SocketAddr {
        SocketAddr::new(ip.into(), port)
    }
}
