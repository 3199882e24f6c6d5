//! Dates: the HTTP-date of `Date` and `Last-Modified` (IMF-fixdate, RFC 9110 §5.6.7), read in
//! its three forms for the conditional fields, and the date of the access log (Common Log
//! Format). Seconds since the Epoch, UTC, from 1970 to 9999.

use syscall_kit::text::Buf;
use syscall_kit::time::civil_from_days;

const DAYS: [&[u8; 3]; 7] = [b"Thu", b"Fri", b"Sat", b"Sun", b"Mon", b"Tue", b"Wed"];
const LONG_DAYS: [&[u8]; 7] = [
    b"Thursday",
    b"Friday",
    b"Saturday",
    b"Sunday",
    b"Monday",
    b"Tuesday",
    b"Wednesday",
];
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// The last second of 9999: an HTTP-date has four digits of year.
const LAST: i64 = 253_402_300_799;

/// A date split into its fields.
struct Civil {
    year: u32,
    /// 1 to 12.
    month: u32,
    /// 1 to 31.
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// 0 is Thursday (1 January 1970 was one).
    weekday: u32,
}

/// The date of `secs` (clamped to 1970 … 9999), from the days since the Epoch
/// ([`civil_from_days`]).
fn civil(secs: i64) -> Civil {
    let secs = secs.clamp(0, LAST) as u64;
    let (days, rest) = (secs / 86_400, (secs % 86_400) as u32);
    let (year, month, day) = civil_from_days(days);
    // At most 9999: the clamp above.
    let year = year as u32;
    Civil {
        year,
        month,
        day,
        hour: rest / 3_600,
        minute: rest / 60 % 60,
        second: rest % 60,
        weekday: (days % 7) as u32,
    }
}

/// The days from the Epoch to `year`-`month`-`day` (`days_from_civil`); no check of the day.
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `n` in two digits.
fn two(n: u32) -> [u8; 2] {
    [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8]
}

/// `n` in four digits.
fn four(n: u32) -> [u8; 4] {
    let [a, b] = two(n / 100);
    let [c, d] = two(n);
    [a, b, c, d]
}

fn time_of_day(c: &Civil) -> [u8; 8] {
    let ([h1, h2], [m1, m2], [s1, s2]) = (two(c.hour), two(c.minute), two(c.second));
    [h1, h2, b':', m1, m2, b':', s1, s2]
}

/// The IMF-fixdate of `secs`, `Sun, 06 Nov 1994 08:49:37 GMT`: 29 bytes.
pub fn http_date(secs: i64) -> Buf<29> {
    let c = civil(secs);
    let mut out = Buf::new();
    for part in [
        DAYS.get(c.weekday as usize).map_or(&b"Thu"[..], |d| &d[..]),
        b", ",
        &two(c.day),
        b" ",
        MONTHS
            .get(c.month as usize - 1)
            .map_or(&b"Jan"[..], |m| &m[..]),
        b" ",
        &four(c.year),
        b" ",
        &time_of_day(&c),
        b" GMT",
    ] {
        out.push(part);
    }
    out
}

/// The date of the Common Log Format, `06/Nov/1994:08:49:37 +0000`: 26 bytes.
pub fn log_date(secs: i64) -> Buf<26> {
    let c = civil(secs);
    let mut out = Buf::new();
    for part in [
        &two(c.day)[..],
        b"/",
        MONTHS
            .get(c.month as usize - 1)
            .map_or(&b"Jan"[..], |m| &m[..]),
        b"/",
        &four(c.year),
        b":",
        &time_of_day(&c),
        b" +0000",
    ] {
        out.push(part);
    }
    out
}

/// The number of `digits` ASCII digits, `None` if any is not one.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// `HH:MM:SS` as seconds into the day.
fn clock(text: &[u8]) -> Option<i64> {
    match text {
        [h1, h2, b':', m1, m2, b':', s1, s2] => {
            let (h, m, s) = (
                number(&[*h1, *h2])?,
                number(&[*m1, *m2])?,
                number(&[*s1, *s2])?,
            );
            // 60: a leap second, as RFC 9110 allows.
            (h < 24 && m < 60 && s <= 60).then_some(i64::from(h * 3_600 + m * 60 + s))
        }
        _ => None,
    }
}

/// The month numbered from 1 of its three letters.
fn month(name: &[u8]) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| &m[..] == name)
        .map(|i| i as u32 + 1)
}

/// The seconds since the Epoch of a date and a time of day, if the day exists.
fn seconds(year: u32, month: u32, day: u32, time: i64) -> Option<i64> {
    let days_in = match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=days_in)
        .contains(&day)
        .then(|| days_from_civil(year, month, day) * 86_400 + time)
}

/// An HTTP-date in any of the three forms a recipient must read (RFC 9110 §5.6.7):
/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850,
/// a two-digit year from 1970 to 2069) and `Sun Nov  6 08:49:37 1994` (asctime). `None` for
/// anything else, which the conditional fields then ignore (RFC 9110 §13.1.3, §13.1.4).
pub fn parse_http_date(text: &[u8]) -> Option<i64> {
    match text {
        // IMF-fixdate.
        [d1, d2, d3, b',', b' ', day @ .., b' ', b'G', b'M', b'T'] if day.len() == 20 => {
            if !DAYS.contains(&&[*d1, *d2, *d3]) {
                return None;
            }
            match day {
                [
                    a,
                    b,
                    b' ',
                    m1,
                    m2,
                    m3,
                    b' ',
                    y1,
                    y2,
                    y3,
                    y4,
                    b' ',
                    time @ ..,
                ] => seconds(
                    number(&[*y1, *y2, *y3, *y4])?,
                    month(&[*m1, *m2, *m3])?,
                    number(&[*a, *b])?,
                    clock(time)?,
                ),
                _ => None,
            }
        }
        // asctime: the day of the month is padded with a space.
        [
            d1,
            d2,
            d3,
            b' ',
            m1,
            m2,
            m3,
            b' ',
            a,
            b,
            b' ',
            time @ ..,
            b' ',
            y1,
            y2,
            y3,
            y4,
        ] if time.len() == 8 => {
            if !DAYS.contains(&&[*d1, *d2, *d3]) {
                return None;
            }
            let day = if *a == b' ' {
                number(&[*b])?
            } else {
                number(&[*a, *b])?
            };
            seconds(
                number(&[*y1, *y2, *y3, *y4])?,
                month(&[*m1, *m2, *m3])?,
                day,
                clock(time)?,
            )
        }
        // RFC 850: the weekday in full.
        _ => {
            let comma = text.iter().position(|&b| b == b',')?;
            let (weekday, rest) = text.split_at_checked(comma)?;
            if !LONG_DAYS.contains(&weekday) {
                return None;
            }
            match rest {
                [
                    b',',
                    b' ',
                    a,
                    b,
                    b'-',
                    m1,
                    m2,
                    m3,
                    b'-',
                    y1,
                    y2,
                    b' ',
                    time @ ..,
                    b' ',
                    b'G',
                    b'M',
                    b'T',
                ] if time.len() == 8 => {
                    let yy = number(&[*y1, *y2])?;
                    let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
                    seconds(
                        year,
                        month(&[*m1, *m2, *m3])?,
                        number(&[*a, *b])?,
                        clock(time)?,
                    )
                }
                _ => None,
            }
        }
    }
}
