//! Civil dates as day numbers (days since 1970-01-01, proleptic Gregorian), by H. Hinnant's
//! `days_from_civil` and `civil_from_days` ("chrono-Compatible Low-Level Date Algorithms"):
//! plain arithmetic, for code that converts millions of dates (the retention sweep, the demo
//! generator).

use jiff::civil::Date;

/// Days from 1970-01-01 to `date` (negative before it).
pub fn days_from_civil(date: Date) -> i64 {
    let (y, m, d) = (i64::from(date.year()), i64::from(date.month()), i64::from(date.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01; `None` outside jiff's range (years -9999 to 9999).
pub fn civil_from_days(days: i64) -> Option<Date> {
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn days_round_trip_and_match_jiff() {
        let epoch = date(1970, 1, 1);
        for day in [date(1970, 1, 1), date(1969, 12, 31), date(2000, 2, 29), date(2026, 12, 6), date(1900, 3, 1), date(2126, 2, 28), date(1, 1, 1)] {
            let n = days_from_civil(day);
            assert_eq!(i64::from(epoch.until((jiff::Unit::Day, day)).unwrap().get_days()), n, "{day}");
            assert_eq!(civil_from_days(n), Some(day), "{day}");
        }
        let mut day = date(1899, 12, 25);
        for _ in 0..100_000 {
            assert_eq!(civil_from_days(days_from_civil(day)), Some(day));
            assert_eq!(days_from_civil(day.tomorrow().unwrap()), days_from_civil(day) + 1);
            day = day.tomorrow().unwrap();
        }
        assert_eq!(civil_from_days(i64::MAX), None);
        assert_eq!(civil_from_days(days_from_civil(Date::MAX) + 1), None);
    }
}
