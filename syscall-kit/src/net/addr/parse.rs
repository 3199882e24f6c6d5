//! Addresses parsed from text, without `std`: the `parse` functions of the address types, from
//! bytes, and their `FromStr` (`"127.0.0.1:8080".parse()`), made with them.
//!
//! The accepted text is the one of `std::net`'s `FromStr`: `127.0.0.1`, `::1`,
//! `2001:db8::8:800:200c:417a`, `::ffff:192.0.2.1`; `127.0.0.1:8080`, `[::1]:8080`. A `parse`
//! function returns `None` for anything else (leading zeros in IPv4 parts, a port above 65535,
//! …), `from_str` an [`AddrParseError`] that names what was expected.

use core::fmt;
use core::str::FromStr;

use crate::text::after;

use super::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

impl Ipv4Addr {
    /// Parses dotted-decimal text, `127.0.0.1`.
    pub fn parse(text: &[u8]) -> Option<Ipv4Addr> {
        let mut octets = [0u8; 4];
        let mut parts = text.split(|&b| b == b'.');
        for octet in &mut octets {
            let part = parts.next()?;
            if part.len() > 1 && part.first() == Some(&b'0') {
                return None;
            }
            *octet = u8::try_from(parse_decimal(part, 3)?).ok()?;
        }
        parts.next().is_none().then_some(Ipv4Addr(octets))
    }
}

impl Ipv6Addr {
    /// Parses the text form of RFC 4291: eight groups of up to four hex digits, one `::` for a
    /// run of zero groups, an IPv4 address as the last 32 bits (`::ffff:192.0.2.1`).
    pub fn parse(text: &[u8]) -> Option<Ipv6Addr> {
        // The groups before and after the `::`, if any.
        let (head, tail) = match find_double_colon(text) {
            Some(i) => (text.get(..i)?, Some(text.get(i + 2..)?)),
            None => (text, None),
        };
        let mut groups = [0u16; 8];
        let n_head = parse_groups(head, &mut groups, tail.is_none())?;
        let Some(tail) = tail else {
            return (n_head == 8).then(|| Ipv6Addr::from_groups(groups));
        };
        let mut after = [0u16; 8];
        let n_tail = parse_groups(tail, &mut after, true)?;
        // `::` stands for at least one zero group.
        if n_head + n_tail > 7 {
            return None;
        }
        for (d, s) in groups.iter_mut().rev().zip(after.iter().take(n_tail).rev()) {
            *d = *s;
        }
        Some(Ipv6Addr::from_groups(groups))
    }
}

/// The position of the first `::` in `text`.
fn find_double_colon(text: &[u8]) -> Option<usize> {
    text.windows(2).position(|w| w == b"::")
}

/// Parses `:`-separated hex groups into `out` (an empty `text` is no group); the last group may
/// be an IPv4 address (two groups) when `last` says these groups end the address. Returns how
/// many groups were written.
fn parse_groups(text: &[u8], out: &mut [u16; 8], last: bool) -> Option<usize> {
    if text.is_empty() {
        return Some(0);
    }
    let mut n = 0;
    let mut parts = text.split(|&b| b == b':').peekable();
    while let Some(part) = parts.next() {
        if last && parts.peek().is_none() && part.contains(&b'.') {
            let [a, b, c, d] = Ipv4Addr::parse(part)?.0;
            *out.get_mut(n)? = u16::from_be_bytes([a, b]);
            *out.get_mut(n + 1)? = u16::from_be_bytes([c, d]);
            return Some(n + 2);
        }
        if part.is_empty() || part.len() > 4 {
            return None;
        }
        let mut g = 0u16;
        for &b in part {
            g = g << 4 | u16::from(hex_digit(b)?);
        }
        *out.get_mut(n)? = g;
        n += 1;
    }
    Some(n)
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A decimal number of 1 to `max_digits` digits.
fn parse_decimal(text: &[u8], max_digits: usize) -> Option<u32> {
    if text.is_empty() || text.len() > max_digits {
        return None;
    }
    let mut n = 0u32;
    for &b in text {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    Some(n)
}

/// A port: decimal, `0..=65535`, no sign (leading zeros are accepted, as `std` does).
fn parse_port(text: &[u8]) -> Option<u16> {
    u16::try_from(parse_decimal(text, 5)?).ok()
}

impl IpAddr {
    /// Parses an IPv4 address, `127.0.0.1`, or an IPv6 one, `::1`.
    pub fn parse(text: &[u8]) -> Option<IpAddr> {
        match Ipv4Addr::parse(text) {
            Some(ip) => Some(IpAddr::V4(ip)),
            None => Ipv6Addr::parse(text).map(IpAddr::V6),
        }
    }
}

impl SocketAddrV4 {
    /// Parses `127.0.0.1:8080`.
    pub fn parse(text: &[u8]) -> Option<SocketAddrV4> {
        let colon = text.iter().rposition(|&b| b == b':')?;
        Some(SocketAddrV4 {
            ip: Ipv4Addr::parse(text.get(..colon)?)?,
            port: parse_port(text.get(colon + 1..)?)?,
        })
    }
}

impl SocketAddrV6 {
    /// Parses `[::1]:8080` (a numeric scope, `[fe80::1%2]:80`, is accepted too).
    pub fn parse(text: &[u8]) -> Option<SocketAddrV6> {
        // `get` and `after` rather than indexing and `strip_prefix`: no panic path, for the
        // programs that leave the panic machinery out (scratch-serve).
        let rest = after(text, b"[")?;
        let close = rest.iter().position(|&b| b == b']')?;
        let (inside, port) = (rest.get(..close)?, after(rest.get(close + 1..)?, b":")?);
        let (ip, scope_id) = match inside.iter().position(|&b| b == b'%') {
            Some(p) => (inside.get(..p)?, parse_decimal(inside.get(p + 1..)?, 10)?),
            None => (inside, 0),
        };
        Some(SocketAddrV6 {
            scope_id,
            ..SocketAddrV6::new(Ipv6Addr::parse(ip)?, parse_port(port)?)
        })
    }
}

impl SocketAddr {
    /// Parses `127.0.0.1:8080` or `[::1]:8080`.
    pub fn parse(text: &[u8]) -> Option<SocketAddr> {
        if text.first() == Some(&b'[') {
            SocketAddrV6::parse(text).map(SocketAddr::V6)
        } else {
            SocketAddrV4::parse(text).map(SocketAddr::V4)
        }
    }
}

/// The error of the `FromStr` of an address type: the text is not an address of that type.
/// `Display` says which, with `std::net::AddrParseError`'s words: `invalid IPv4 address syntax`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrParseError(AddrKind);

/// What a parse expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AddrKind {
    Ip,
    Ipv4,
    Ipv6,
    Socket,
    SocketV4,
    SocketV6,
}

impl fmt::Display for AddrParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            AddrKind::Ip => "invalid IP address syntax",
            AddrKind::Ipv4 => "invalid IPv4 address syntax",
            AddrKind::Ipv6 => "invalid IPv6 address syntax",
            AddrKind::Socket => "invalid socket address syntax",
            AddrKind::SocketV4 => "invalid IPv4 socket address syntax",
            AddrKind::SocketV6 => "invalid IPv6 socket address syntax",
        })
    }
}

impl core::error::Error for AddrParseError {}

/// `FromStr` for each address type, through its `parse`.
macro_rules! from_str {
    ($($ty:ident: $kind:ident;)*) => {$(
        impl FromStr for $ty {
            type Err = AddrParseError;

            fn from_str(text: &str) -> Result<$ty, AddrParseError> {
                $ty::parse(text.as_bytes()).ok_or(AddrParseError(AddrKind::$kind))
            }
        }
    )*};
}

from_str! {
    IpAddr: Ip;
    Ipv4Addr: Ipv4;
    Ipv6Addr: Ipv6;
    SocketAddr: Socket;
    SocketAddrV4: SocketV4;
    SocketAddrV6: SocketV6;
}
