//! Addresses as text: `Display` as `std::net` prints them, `127.0.0.1`, `::1`,
//! `2001:db8::1`, `::ffff:192.0.2.1`, `127.0.0.1:8080`, `[::1]:8080`, `[fe80::1%2]:22`.
//!
//! IPv6 addresses are in the canonical form of RFC 5952, as std writes them: lowercase hex
//! groups without leading zeros, the longest run of two or more zero groups (the first of equal
//! ones) written `::`, and an IPv4-mapped address (`::ffff:0:0/96`) with its IPv4 part dotted.
//! A width, fill, alignment or precision (`{:>21}`) applies to the whole address, as in std.

use core::fmt::{self, Write};

use super::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use crate::fmt_buf::FmtBuf;

/// Room for the longest text of an address: `[` 39 characters of IPv6 `%` 10 digits of scope
/// `]:` 5 digits of port, 58 bytes.
type AddrText = FmtBuf<64>;

/// Writes what `write` writes to `f`, as one piece for its width, fill and alignment.
fn padded(
    f: &mut fmt::Formatter<'_>,
    write: impl FnOnce(&mut AddrText) -> fmt::Result,
) -> fmt::Result {
    let mut text = AddrText::new();
    write(&mut text)?;
    f.pad(text.as_str())
}

impl fmt::Display for Ipv4Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.0;
        padded(f, |w| write!(w, "{a}.{b}.{c}.{d}"))
    }
}

/// Writes `groups` in hex, `:` between them.
fn write_groups(w: &mut AddrText, groups: &[u16]) -> fmt::Result {
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            w.write_char(':')?;
        }
        write!(w, "{g:x}")?;
    }
    Ok(())
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

impl fmt::Display for Ipv6Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        padded(f, |w| {
            if let Some(v4) = self.to_ipv4_mapped() {
                return write!(w, "::ffff:{v4}");
            }
            let groups = self.segments();
            match longest_zero_run(&groups) {
                // One zero group alone is written `0`, not `::` (RFC 5952, 4.2.2).
                (start, len) if len > 1 => {
                    write_groups(w, groups.get(..start).unwrap_or_default())?;
                    w.write_str("::")?;
                    write_groups(w, groups.get(start + len..).unwrap_or_default())
                }
                _ => write_groups(w, &groups),
            }
        })
    }
}

impl fmt::Display for IpAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpAddr::V4(ip) => ip.fmt(f),
            IpAddr::V6(ip) => ip.fmt(f),
        }
    }
}

impl fmt::Display for SocketAddrV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        padded(f, |w| write!(w, "{}:{}", self.ip, self.port))
    }
}

impl fmt::Display for SocketAddrV6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        padded(f, |w| match self.scope_id {
            0 => write!(w, "[{}]:{}", self.ip, self.port),
            scope => write!(w, "[{}%{scope}]:{}", self.ip, self.port),
        })
    }
}

impl fmt::Display for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketAddr::V4(a) => a.fmt(f),
            SocketAddr::V6(a) => a.fmt(f),
        }
    }
}
