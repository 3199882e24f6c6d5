//! [`civil_from_days`]: the calendar date of a day count, for the dates programs print (an
//! HTTP `Date`, an image's `created`). No system call: the kernel counts seconds, and the
//! calendar is arithmetic.

/// The proleptic Gregorian date `days` days after 1970-01-01, as `(year, month, day)` with the
/// month from 1 to 12 and the day from 1 to 31 (Howard Hinnant's `civil_from_days`,
/// <https://howardhinnant.github.io/date_algorithms.html>). No panic path: a `days` near
/// `u64::MAX` gives a meaningless year rather than an overflow.
pub const fn civil_from_days(days: u64) -> (u64, u32, u32) {
    let z = days.wrapping_add(719_468);
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe.wrapping_add(era.wrapping_mul(400)) + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    /// Days whose dates `date -u -d @$((DAYS * 86400)) +%F` prints.
    #[test]
    fn days_are_the_dates_date_prints() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_675), (2023, 11, 14));
        assert_eq!(civil_from_days(47_540), (2100, 2, 28));
        assert_eq!(civil_from_days(2_932_896), (9999, 12, 31));
    }
}
