//! Addresses as text: `127.0.0.1`, `::1`, `2001:db8::1`, `::ffff:192.0.2.1`, `127.0.0.1:8080`,
//! `[::1]:8080`, `[fe80::1%2]:22`, as `std::net` prints them, both without `core::fmt` (each
//! type's `text()`, an [`AddrText`], for the programs that leave `core::fmt` out) and through
//! `Display`, which writes that same text.
//!
//! IPv6 addresses are in the canonical form of RFC 5952, as std writes them: lowercase hex
//! groups without leading zeros, the longest run of two or more zero groups (the first of equal
//! ones) written `::`, and an IPv4-mapped address (`::ffff:0:0/96`) with its IPv4 part dotted.
//! A width, fill, alignment or precision (`{:>21}`) applies to the whole address, as in std.

use core::fmt;

use super::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use crate::text::{Buf, Decimal};

/// The text of an address: room for the longest, `[` 39 characters of IPv6 `%` 10 digits of
/// scope `]:` 5 digits of port, 58 bytes. `as_bytes()` gives it.
pub type AddrText = Buf<64>;

/// Writes `text` to `f` as one piece, for its width, fill and alignment.
fn pad(f: &mut fmt::Formatter<'_>, text: &AddrText) -> fmt::Result {
    // Only ASCII is ever pushed.
    f.pad(core::str::from_utf8(text.as_bytes()).unwrap_or_default())
}

impl Ipv4Addr {
    /// The address in dotted decimal, `192.0.2.1`, without `core::fmt`.
    pub fn text(&self) -> AddrText {
        let mut t = AddrText::new();
        self.push_to(&mut t);
        t
    }

    fn push_to(&self, t: &mut AddrText) {
        for (i, octet) in self.0.iter().enumerate() {
            if i > 0 {
                t.push(b".");
            }
            t.push(Decimal::new(u32::from(*octet)).as_bytes());
        }
    }
}

/// Writes `groups` in lowercase hex without leading zeros, `:` between them.
fn push_groups(t: &mut AddrText, groups: &[u16]) {
    for (i, &g) in groups.iter().enumerate() {
        if i > 0 {
            t.push(b":");
        }
        let digits = (16 - g.leading_zeros()).div_ceil(4).max(1);
        for shift in (0..digits).rev() {
            let nibble = (g >> (shift * 4)) & 0xf;
            t.push(&[b"0123456789abcdef"[usize::from(nibble)]]);
        }
    }
}

/// The start and length of the longest run of zero groups in `groups` (the first of equal
/// ones); a length of 0 when there is no zero.
fn longest_zero_run(groups: &[u16; 8]) -> (usize, usize) {
    let (mut longest, mut start, mut len) = ((0, 0), 0, 0);
    for (i, &g) in groups.iter().enumerate() {
        if g != 0 {
            len = 0;
            continue;
        }
        if len == 0 {
            start = i;
        }
        len += 1;
        if len > longest.1 {
            longest = (start, len);
        }
    }
    longest
}

impl Ipv6Addr {
    /// The address in the canonical form of RFC 5952, `2001:db8::1`, without `core::fmt`.
    pub fn text(&self) -> AddrText {
        let mut t = AddrText::new();
        self.push_to(&mut t);
        t
    }

    fn push_to(&self, t: &mut AddrText) {
        if let Some(v4) = self.to_ipv4_mapped() {
            t.push(b"::ffff:");
            return v4.push_to(t);
        }
        let groups = self.segments();
        match longest_zero_run(&groups) {
            // One zero group alone is written `0`, not `::` (RFC 5952, 4.2.2).
            (start, len) if len > 1 => {
                push_groups(t, groups.get(..start).unwrap_or_default());
                t.push(b"::");
                push_groups(t, groups.get(start + len..).unwrap_or_default());
            }
            _ => push_groups(t, &groups),
        }
    }
}

impl IpAddr {
    /// The address as [`Ipv4Addr::text`] or [`Ipv6Addr::text`] writes it.
    pub fn text(&self) -> AddrText {
        match self {
            IpAddr::V4(ip) => ip.text(),
            IpAddr::V6(ip) => ip.text(),
        }
    }
}

impl SocketAddrV4 {
    /// `192.0.2.1:8080`, without `core::fmt`.
    pub fn text(&self) -> AddrText {
        let mut t = self.ip.text();
        t.push(b":");
        t.push(Decimal::new(u32::from(self.port)).as_bytes());
        t
    }
}

impl SocketAddrV6 {
    /// `[2001:db8::1]:8080`, with the scope when it is not 0 (`[fe80::1%2]:22`), without
    /// `core::fmt`.
    pub fn text(&self) -> AddrText {
        let mut t = AddrText::new();
        t.push(b"[");
        self.ip.push_to(&mut t);
        if self.scope_id != 0 {
            t.push(b"%");
            t.push(Decimal::new(self.scope_id).as_bytes());
        }
        t.push(b"]:");
        t.push(Decimal::new(u32::from(self.port)).as_bytes());
        t
    }
}

impl SocketAddr {
    /// The address and port as [`SocketAddrV4::text`] or [`SocketAddrV6::text`] writes them.
    pub fn text(&self) -> AddrText {
        match self {
            SocketAddr::V4(a) => a.text(),
            SocketAddr::V6(a) => a.text(),
        }
    }
}

impl fmt::Display for Ipv4Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad(f, &self.text())
    }
}

impl fmt::Display for Ipv6Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad(f, &self.text())
    }
}

impl fmt::Display for IpAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad(f, &self.text())
    }
}

impl fmt::Display for SocketAddrV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad(f, &self.text())
    }
}

impl fmt::Display for SocketAddrV6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad(f, &self.text())
    }
}

impl fmt::Display for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad(f, &self.text())
    }
}
