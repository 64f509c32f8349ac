//! The UK calendar the statutory clocks count in: bank holidays of England & Wales, Scotland and
//! Northern Ireland, and working days.
//!
//! From 2010 to 2030 the holidays are reviewed data (`calendar/bank_holidays.csv`, as published
//! on GOV.UK, including the one-off days: royal occasions, moved spring and early-May holidays,
//! Scotland's 15 June 2026). Other years from 2010 on follow the statutory rules: the Banking and
//! Financial Dealings Act 1971 Schedule 1 and the annual proclamations (New Year's Day, Easter,
//! the May and August Mondays, Christmas and Boxing Day with weekend substitutes; Scotland's
//! 2 January, first Monday in August and St Andrew's Day under the St Andrew's Day Bank Holiday
//! (Scotland) Act 2007; Northern Ireland's St Patrick's Day and 12 July). A one-off day declared
//! after 2030 is not known to the rules: add it to the data.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};

/// The first year the calendar knows.
pub const FIRST_YEAR: i16 = 2010;
/// The last year the calendar will count into (the rules hold, but a clock beyond this is an
/// input error rather than a plan).
pub const LAST_YEAR: i16 = 2199;
/// The years held as reviewed data; other years follow the rules.
pub const DATA_YEARS: std::ops::RangeInclusive<i16> = 2010..=2030;

/// A part of the UK with its own bank holidays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    EnglandWales,
    Scotland,
    NorthernIreland,
}

impl Region {
    pub const ALL: [Region; 3] = [Region::EnglandWales, Region::Scotland, Region::NorthernIreland];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EnglandWales => "england-wales",
            Self::Scotland => "scotland",
            Self::NorthernIreland => "northern-ireland",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Region {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown jurisdiction {s:?}: use england-wales, scotland or northern-ireland"))
    }
}

/// One bank holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankHoliday {
    pub date: Date,
    pub region: Region,
    pub name: String,
}

/// The reviewed data, by region and year.
static DATA: LazyLock<HashMap<(Region, i16), Vec<BankHoliday>>> = LazyLock::new(|| {
    let mut by_year: HashMap<(Region, i16), Vec<BankHoliday>> = HashMap::new();
    // The file is checked by the tests (every line parses, every data year of every region is
    // present); a line that did not parse would be a build defect, and is left out.
    for holiday in include_str!("calendar/bank_holidays.csv").lines().skip(1).filter_map(parse_line) {
        by_year.entry((holiday.region, holiday.date.year())).or_default().push(holiday);
    }
    by_year
});

fn parse_line(line: &str) -> Option<BankHoliday> {
    let mut fields = line.splitn(3, ',');
    let date = fields.next()?.parse().ok()?;
    let region = fields.next()?.parse().ok()?;
    Some(BankHoliday { date, region, name: fields.next()?.to_owned() })
}

/// The bank holidays of `region` in `year`, in date order: the reviewed data for
/// [`DATA_YEARS`], the statutory rules for other years.
pub fn bank_holidays(region: Region, year: i16) -> Vec<BankHoliday> {
    if DATA_YEARS.contains(&year) {
        return DATA.get(&(region, year)).cloned().unwrap_or_default();
    }
    by_rule(region, year)
}

/// Whether `date` is a bank holiday in `region`.
pub fn is_bank_holiday(region: Region, date: Date) -> bool {
    let year = date.year();
    if DATA_YEARS.contains(&year) {
        return DATA.get(&(region, year)).is_some_and(|days| days.iter().any(|h| h.date == date));
    }
    by_rule(region, year).iter().any(|h| h.date == date)
}

/// A day written exactly `YYYY-MM-DD` (no other ISO 8601 form, no time), as the statutory
/// clocks take it; the message says what is wrong.
pub fn parse_day(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(format!("the date must be YYYY-MM-DD, not {text:?}"));
    }
    text.parse().map_err(|_| format!("{text} is not a date"))
}

/// Today's date in the UK (Europe/London): a request that arrives at 00:30 in summer was received
/// that day, not the day before (UTC). Where the time zone database is missing, UTC.
pub fn uk_today() -> Date {
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC);
    tz.to_datetime(jiff::Timestamp::now()).date()
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// A working day in `region`: not a Saturday or Sunday, nor a bank holiday there (Christmas Day
/// and Good Friday, common-law holidays in England and Wales, are in the data and the rules).
/// The ICO counts a subject access deadline that falls on any other day to the next working day.
pub fn is_working_day_in(region: Region, date: Date) -> bool {
    !is_weekend(date) && !is_bank_holiday(region, date)
}

/// A working day for FOIA, s.10(6): "any day other than a Saturday, a Sunday, Christmas Day,
/// Good Friday or a day which is a bank holiday under the Banking and Financial Dealings Act
/// 1971 in any part of the United Kingdom".
pub fn is_foi_working_day(date: Date) -> bool {
    let christmas = date.month() == 12 && date.day() == 25;
    !is_weekend(date)
        && !christmas
        && date != good_friday(date.year())
        && !Region::ALL.into_iter().any(|r| is_bank_holiday(r, date))
}

/// Easter Sunday of `year` (the Gregorian computus, anonymous algorithm).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1..=31 by construction.
    Date::new(year, month as i8, day as i8).unwrap_or(Date::MIN)
}

fn good_friday(year: i16) -> Date {
    easter_sunday(year).checked_sub(jiff::Span::new().days(2)).unwrap_or(Date::MIN)
}

fn day(year: i16, month: i8, day: i8) -> Date {
    Date::new(year, month, day).unwrap_or(Date::MIN)
}

fn next_day(date: Date) -> Date {
    date.tomorrow().unwrap_or(Date::MAX)
}

/// The `n`th Monday of `month` (`-1` for the last).
fn monday(year: i16, month: i8, n: i8) -> Date {
    day(year, month, 1).nth_weekday_of_month(n, Weekday::Monday).unwrap_or(Date::MIN)
}

/// Holidays on fixed dates, in order; one falling on a weekend moves to the next weekday not
/// already a holiday (so Christmas on a Saturday gives Monday 27th and, for Boxing Day,
/// Tuesday 28th).
fn with_substitutes(region: Region, fixed: &[(Date, &str)]) -> Vec<BankHoliday> {
    let mut taken: Vec<Date> = fixed.iter().map(|(d, _)| *d).filter(|d| !is_weekend(*d)).collect();
    let mut out = Vec::new();
    for (date, name) in fixed {
        if !is_weekend(*date) {
            out.push(BankHoliday { date: *date, region, name: (*name).to_owned() });
            continue;
        }
        let mut substitute = *date;
        while is_weekend(substitute) || taken.contains(&substitute) {
            substitute = next_day(substitute);
        }
        taken.push(substitute);
        out.push(BankHoliday { date: substitute, region, name: format!("{name} (substitute day)") });
    }
    out
}

/// A holiday that moves to the following Monday when it falls on a weekend.
fn to_monday(region: Region, date: Date, name: &str) -> BankHoliday {
    let mut moved = date;
    while is_weekend(moved) {
        moved = next_day(moved);
    }
    let name = if moved == date { name.to_owned() } else { format!("{name} (substitute day)") };
    BankHoliday { date: moved, region, name }
}

/// The holidays of `region` in `year` by the statutory rules alone (no one-off days).
pub fn by_rule(region: Region, year: i16) -> Vec<BankHoliday> {
    let holiday = |date: Date, name: &str| BankHoliday { date, region, name: name.to_owned() };
    let easter = easter_sunday(year);
    let mut days = Vec::new();
    let mut new_year = vec![(day(year, 1, 1), "New Year's Day")];
    if region == Region::Scotland {
        new_year.push((day(year, 1, 2), "2nd January"));
    }
    days.extend(with_substitutes(region, &new_year));
    days.push(holiday(good_friday(year), "Good Friday"));
    if region != Region::Scotland {
        days.push(holiday(next_day(easter), "Easter Monday"));
    }
    days.push(holiday(monday(year, 5, 1), "Early May bank holiday"));
    days.push(holiday(monday(year, 5, -1), "Spring bank holiday"));
    match region {
        Region::Scotland => {
            days.push(holiday(monday(year, 8, 1), "Summer bank holiday"));
            days.push(to_monday(region, day(year, 11, 30), "St Andrew's Day"));
        }
        Region::NorthernIreland => {
            days.push(to_monday(region, day(year, 3, 17), "St Patrick's Day"));
            days.push(to_monday(region, day(year, 7, 12), "Battle of the Boyne (Orangemen's Day)"));
            days.push(holiday(monday(year, 8, -1), "Summer bank holiday"));
        }
        Region::EnglandWales => days.push(holiday(monday(year, 8, -1), "Summer bank holiday")),
    }
    days.extend(with_substitutes(region, &[(day(year, 12, 25), "Christmas Day"), (day(year, 12, 26), "Boxing Day")]));
    days.sort_by_key(|h| h.date);
    days
}

#[cfg(test)]
mod tests;
