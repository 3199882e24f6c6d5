//! The addresses (`src/net/addr/`): parsed (`parse.rs`) and printed (`display.rs`) as
//! `std::net` parses and prints them, and their constructors (`mod.rs`).

use syscall_kit::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use crate::kit_parse;

#[test]
fn addresses_parse_as_std_parses_them() {
    let accepted = [
        "127.0.0.1:8080",
        "0.0.0.0:0",
        "255.255.255.255:65535",
        "10.1.2.3:007",
        "[::1]:8080",
        "[::]:80",
        "[2001:db8::8:800:200c:417a]:443",
        "[2001:DB8:0:0:8:800:200C:417A]:1",
        "[1:2:3:4:5:6:7:8]:9",
        "[1::]:9",
        "[::ffff:192.0.2.1]:53",
        "[64:ff9b::10.0.0.1]:53",
        "[fe80::1%2]:22",
    ];
    for text in accepted {
        let std: std::net::SocketAddr = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(kit_parse(text), Some(std), "{text}");
    }
    let refused = [
        "",
        "127.0.0.1",
        "127.0.0.1:",
        "127.0.0.1:65536",
        "127.0.0.1:-1",
        "127.0.0.1:+80",
        "127.0.0.01:80",
        "127.0.0:80",
        "127.0.0.1.1:80",
        "256.0.0.1:80",
        "localhost:80",
        "::1:80",
        "[::1]",
        "[::1]80",
        "[::1:80",
        "[1:2:3:4:5:6:7:8:9]:80",
        "[1:2:3:4:5:6:7]:80",
        "[1::2::3]:80",
        "[:::]:80",
        "[12345::]:80",
        "[::g]:80",
        "[1:2:3:4:5:6:7::8]:80",
        "[::1.2.3.4:5]:80",
        "[1.2.3.4::]:80",
    ];
    for text in refused {
        assert!(
            text.parse::<std::net::SocketAddr>().is_err(),
            "std accepts {text}"
        );
        assert_eq!(kit_parse(text), None, "{text}");
    }
    assert_eq!(Ipv4Addr::parse(b"127.0.0.1"), Some(Ipv4Addr::LOCALHOST));
    assert_eq!(Ipv6Addr::parse(b"::1"), Some(Ipv6Addr::LOCALHOST));
    assert_eq!(Ipv6Addr::parse(b"::"), Some(Ipv6Addr::UNSPECIFIED));
}

/// xorshift64: the same sequence every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A group of an IPv6 address: zero half the time (runs of zeros to compress), else
    /// small (leading zeros to leave out) or any.
    fn group(&mut self) -> u16 {
        match self.next() % 4 {
            0 | 1 => 0,
            2 => (self.next() % 0x20) as u16,
            _ => self.next() as u16,
        }
    }

    /// An IPv6 address; one in eight IPv4-mapped, one in eight IPv4-compatible (`::a.b.c.d`).
    fn ipv6(&mut self) -> std::net::Ipv6Addr {
        let mut g: [u16; 8] = std::array::from_fn(|_| self.group());
        match self.next() % 8 {
            0 => g[..6].copy_from_slice(&[0, 0, 0, 0, 0, 0xffff]),
            1 => g[..6].fill(0),
            _ => {}
        }
        g.into()
    }
}

/// Odd IPv6 forms: no zero, one zero group (never `::`), runs of equal length (the first is
/// compressed), a longer second run, runs at either end, IPv4-mapped and -compatible.
const IPV6_FORMS: &[&str] = &[
    "::",
    "::1",
    "1::",
    "1::1",
    "1:2:3:4:5:6:7:8",
    "1:0:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:0",
    "0:2:3:4:5:6:7:8",
    "1:0:0:4:0:0:7:8",
    "1:0:0:4:0:0:0:8",
    "1:0:4:0:0:6:0:0",
    "0:0:1:0:0:1:0:0",
    "0:0:0:0:0:1:0:0",
    "fe80::1",
    "2001:db8::8:800:200c:417a",
    "2001:DB8:0:0:8:800:200C:417A",
    "2001:db8:0:0:1:0:0:1",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "0001:0010:0100:1000:000a:00b0:0c00:d000",
    "::ffff:192.0.2.1",
    "::ffff:0.0.0.0",
    "::ffff:255.255.255.255",
    "::ffff:0:0",
    "::1.2.3.4",
    "::ffff:1:2.3.4.5",
    "64:ff9b::10.0.0.1",
    "::fffe:1.2.3.4",
];

#[test]
fn ipv6_addresses_print_as_std_prints_them() {
    for text in IPV6_FORMS {
        let std: std::net::Ipv6Addr = text.parse().unwrap();
        let kit = Ipv6Addr(std.octets());
        assert_eq!(kit.to_string(), std.to_string(), "{text}");
        assert_eq!(kit.text().as_bytes(), std.to_string().as_bytes(), "{text}");
        assert_eq!(kit.segments(), std.segments(), "{text}");
        let mapped = std.to_ipv4_mapped().map(|v4| Ipv4Addr(v4.octets()));
        assert_eq!(kit.to_ipv4_mapped(), mapped, "{text}");
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let std = rng.ipv6();
        let kit = Ipv6Addr(std.octets());
        let text = kit.to_string();
        assert_eq!(text, std.to_string());
        assert_eq!(
            kit.text().as_bytes(),
            text.as_bytes(),
            "text() is Display's"
        );
        // And the text reads back as the same address.
        assert_eq!(text.parse(), Ok(kit), "{text}");
        assert_eq!(Ipv6Addr::parse(text.as_bytes()), Some(kit), "{text}");
    }
}

#[test]
fn ipv4_and_socket_addresses_print_as_std_prints_them() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..5_000 {
        let v4 = std::net::Ipv4Addr::from(rng.next() as u32);
        let v6 = rng.ipv6();
        let port = rng.next() as u16;
        let scope = [0, 1, u32::MAX, rng.next() as u32][(rng.next() % 4) as usize];
        let std_v4 = std::net::SocketAddrV4::new(v4, port);
        let std_v6 = std::net::SocketAddrV6::new(v6, port, 0, scope);
        let kit_v4 = SocketAddrV4::new(Ipv4Addr(v4.octets()), port);
        let kit_v6 = SocketAddrV6 {
            scope_id: scope,
            ..SocketAddrV6::new(Ipv6Addr(v6.octets()), port)
        };
        assert_eq!(kit_v4.ip.to_string(), v4.to_string());
        assert_eq!(kit_v4.to_string(), std_v4.to_string());
        assert_eq!(kit_v6.to_string(), std_v6.to_string());
        assert_eq!(IpAddr::from(kit_v4.ip).to_string(), v4.to_string());
        assert_eq!(IpAddr::from(kit_v6.ip).to_string(), v6.to_string());
        let (kit, std) = (SocketAddr::from(kit_v6), std::net::SocketAddr::from(std_v6));
        assert_eq!(kit.to_string(), std.to_string());
        // text(), without core::fmt, is the same text.
        assert_eq!(kit.text().as_bytes(), std.to_string().as_bytes());
        let kit4 = SocketAddr::from(kit_v4);
        assert_eq!(kit4.text().as_bytes(), std_v4.to_string().as_bytes());
        assert_eq!(kit_v4.ip.text().as_bytes(), v4.to_string().as_bytes());
        assert_eq!(
            IpAddr::from(kit_v6.ip).text().as_bytes(),
            v6.to_string().as_bytes()
        );
        // Round trips through the text, the scope included.
        assert_eq!(kit.to_string().parse(), Ok(kit));
        assert_eq!(kit_v4.to_string().parse(), Ok(SocketAddr::V4(kit_v4)));
        assert_eq!(kit_v6.to_string().parse(), Ok(kit_v6));
    }
    // The longest texts fit (the kit formats into a fixed buffer before padding).
    let longest = "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535";
    let kit: SocketAddrV6 = longest.parse().unwrap();
    assert_eq!(kit.to_string(), longest);
    assert_eq!(kit.text().as_bytes(), longest.as_bytes());
    let longest = "[::ffff:255.255.255.255%4294967295]:65535";
    assert_eq!(longest.parse::<SocketAddr>().unwrap().to_string(), longest);
}

#[test]
fn width_fill_alignment_and_precision_apply_to_the_whole_address() {
    let texts = [
        "127.0.0.1:8080",
        "[::1]:8080",
        "[fe80::1%2]:22",
        "[::ffff:1.2.3.4]:1",
    ];
    for text in texts {
        let std: std::net::SocketAddr = text.parse().unwrap();
        let kit: SocketAddr = text.parse().unwrap();
        for (k, s) in [
            (format!("{kit:>30}|"), format!("{std:>30}|")),
            (format!("{kit:<30}|"), format!("{std:<30}|")),
            (format!("{kit:*^31}|"), format!("{std:*^31}|")),
            (format!("{kit:5}|"), format!("{std:5}|")),
            (format!("{kit:.6}|"), format!("{std:.6}|")),
            (format!("{:>20}|", kit.ip()), format!("{:>20}|", std.ip())),
        ] {
            assert_eq!(k, s, "{text}");
        }
    }
}

/// Text for every `FromStr`, valid for some types and not for others.
const TEXTS: &[&str] = &[
    "",
    "127.0.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "127.0.0.01",
    "256.0.0.1",
    "1.2.3",
    "::1",
    "::",
    "1::2::3",
    "::ffff:1.2.3.4",
    "[::1]",
    "127.0.0.1:80",
    "127.0.0.1:65536",
    "127.0.0.1:",
    "[::1]:80",
    "[fe80::1%2]:80",
    "[fe80::1%x]:80",
    "[::1]80",
    "::1:80",
    "localhost:80",
    " 127.0.0.1",
    "1.2.3.4 ",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "12345::",
];

/// Asserts that the kit's `FromStr` of `$kit` and std's of `$std` agree on every text: the same
/// address, or an error with the same text.
macro_rules! agree {
    ($kit:ty, $std:ty, $to_std:expr) => {
        for text in TEXTS {
            let kit = text.parse::<$kit>().map($to_std).map_err(|e| e.to_string());
            let std = text.parse::<$std>().map_err(|e| e.to_string());
            assert_eq!(kit, std, "{text:?} as {}", stringify!($kit));
        }
    };
}

fn ip_to_std(ip: IpAddr) -> std::net::IpAddr {
    match ip {
        IpAddr::V4(ip) => ip.0.into(),
        IpAddr::V6(ip) => ip.0.into(),
    }
}

#[test]
fn from_str_accepts_and_refuses_what_std_does_with_its_error_text() {
    agree!(Ipv4Addr, std::net::Ipv4Addr, |a: Ipv4Addr| a.0.into());
    agree!(Ipv6Addr, std::net::Ipv6Addr, |a: Ipv6Addr| a.0.into());
    agree!(IpAddr, std::net::IpAddr, ip_to_std);
    agree!(SocketAddrV4, std::net::SocketAddrV4, |a: SocketAddrV4| {
        std::net::SocketAddrV4::new(a.ip.0.into(), a.port)
    });
    agree!(SocketAddrV6, std::net::SocketAddrV6, |a: SocketAddrV6| {
        std::net::SocketAddrV6::new(a.ip.0.into(), a.port, a.flowinfo, a.scope_id)
    });
    agree!(SocketAddr, std::net::SocketAddr, crate::to_std);
    // The byte parsers say the same, as `Option`.
    for text in TEXTS {
        let b = text.as_bytes();
        assert_eq!(
            IpAddr::parse(b).ok_or(()),
            text.parse::<IpAddr>().map_err(drop)
        );
        assert_eq!(
            SocketAddr::parse(b).ok_or(()),
            text.parse::<SocketAddr>().map_err(drop)
        );
    }
    // A real error type.
    let e: Box<dyn std::error::Error> = Box::new("x".parse::<SocketAddr>().unwrap_err());
    assert_eq!(e.to_string(), "invalid socket address syntax");
}

#[test]
fn socket_addresses_are_made_from_an_ip_and_a_port() {
    let v4 = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080);
    assert_eq!(
        v4,
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 8080))
    );
    assert_eq!(SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)), v4);
    assert_eq!(v4.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_eq!(v4.to_string(), "127.0.0.1:8080");
    let v6 = SocketAddr::from((Ipv6Addr::LOCALHOST, 8080));
    assert_eq!(
        v6,
        SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 8080))
    );
    assert_eq!(v6, SocketAddr::new(Ipv6Addr::LOCALHOST.into(), 8080));
    assert_eq!(v6.ip(), IpAddr::V6(Ipv6Addr::LOCALHOST));
    assert_eq!(v6.to_string(), "[::1]:8080");
    let any: IpAddr = "::".parse().unwrap();
    assert_eq!(SocketAddr::from((any, 0)).to_string(), "[::]:0");
}
