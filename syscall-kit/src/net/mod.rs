//! Sockets: IPv4 and IPv6 addresses parsed from text and printed, and the socket system calls,
//! one story a file:
//!
//! | topic | items |
//! |---|---|
//! | addresses (`addr/`: the types in `mod.rs`, parsing in `parse.rs`, text in `display.rs`) | [`Ipv4Addr`], [`Ipv6Addr`], [`IpAddr`], [`SocketAddrV4`], [`SocketAddrV6`], [`SocketAddr`] (`SocketAddr::new(ip, port)`, `SocketAddr::from((ip, port))`): parsed from `127.0.0.1:8080` and `[::1]:8080` without `std` (`parse` from bytes, or `FromStr` with an [`AddrParseError`]), and printed as `std` prints them (`Display`, or each type's `text()`, an [`AddrText`], without `core::fmt`) |
//! | the kernel's `struct sockaddr` (`sockaddr.rs`) | [`SockAddrRaw`]: a [`SocketAddr`] as `sockaddr_in`/`sockaddr_in6`, and back |
//! | making and connecting sockets (`socket.rs`) | [`socket`], [`connect`], [`bind`], [`listen`], [`accept4`] and [`accept`] (no peer address), [`getsockname`], [`getpeername`], [`shutdown`] |
//! | options (`sockopt.rs`) | [`getsockopt`], [`setsockopt`] of an `int` option; [`socket_error`] (`SO_ERROR`), [`set_reuseaddr`] (`SO_REUSEADDR`) |
//! | data (`send_recv.rs`) | [`sendto`], [`recvfrom`], and [`send`]/[`recv`] for connected sockets |
//!
//! Everything is re-exported here: `syscall_kit::net::connect` and so on. There is no name
//! resolution (no DNS, no `/etc/hosts`): addresses are numeric.

mod addr;
mod send_recv;
mod sockaddr;
mod socket;
mod sockopt;

pub use addr::{
    AddrParseError, AddrText, IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6,
};
pub use send_recv::{MsgFlags, recv, recvfrom, send, sendto};
pub use sockaddr::SockAddrRaw;
pub use socket::{
    Domain, Shutdown, SocketFlags, SocketType, accept, accept4, bind, connect, getpeername,
    getsockname, listen, shutdown, socket,
};
pub use sockopt::{SockOpt, getsockopt, reuseaddr, set_reuseaddr, setsockopt, socket_error};
