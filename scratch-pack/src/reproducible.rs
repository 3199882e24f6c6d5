//! The one timestamp of an image: every entry's mtime, the config's `created` and its
//! history's. `SOURCE_DATE_EPOCH` sets it (see reproducible-builds.org); without it, 1 second
//! after the epoch, jib's constant (0 upset some tools, which took it for "no time").

use alloc::format;
use alloc::string::String;

use crate::tar::USTAR_MAX_TIME;

/// The time without `SOURCE_DATE_EPOCH`: `1970-01-01T00:00:01Z`.
pub const DEFAULT_EPOCH: u64 = 1;

/// The timestamp from `SOURCE_DATE_EPOCH`'s value, if it is set: a whole number of seconds
/// from 0 to the largest a tar header holds ([`USTAR_MAX_TIME`], in 2242); else one line why.
pub fn epoch(source_date_epoch: Option<&[u8]>) -> Result<u64, String> {
    let Some(text) = source_date_epoch else {
        return Ok(DEFAULT_EPOCH);
    };
    core::str::from_utf8(text)
        .ok()
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u64>().ok())
        .filter(|&s| s <= USTAR_MAX_TIME)
        .ok_or_else(|| {
            format!(
                "SOURCE_DATE_EPOCH={}: not a whole number of seconds from 0 to {USTAR_MAX_TIME}",
                String::from_utf8_lossy(text)
            )
        })
}

/// `secs` after the epoch in RFC 3339, UTC: `1970-01-01T00:00:01Z`.
pub fn rfc3339(secs: u64) -> String {
    let days = secs / 86_400;
    let rest = secs % 86_400;
    let (year, month, day) = syscall_kit::time::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_EPOCH, epoch, rfc3339};

    #[test]
    fn dates_are_rfc_3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(DEFAULT_EPOCH), "1970-01-01T00:00:01Z");
        // `date -u -d @1700000000 +%FT%TZ`
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(rfc3339(4_107_542_400), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn source_date_epoch_is_a_whole_number_of_seconds() {
        assert_eq!(epoch(None), Ok(1));
        assert_eq!(epoch(Some(b"0")), Ok(0));
        assert_eq!(epoch(Some(b"1700000000")), Ok(1_700_000_000));
        for bad in [&b""[..], b"-1", b"1.5", b" 1", b"1e9", b"8589934592", b"x"] {
            let e = epoch(Some(bad)).unwrap_err();
            assert!(e.starts_with("SOURCE_DATE_EPOCH="), "{e}");
        }
    }
}
