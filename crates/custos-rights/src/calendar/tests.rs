//! The calendar against its sources: every line of the reviewed data parses and every data
//! year is there; the rules reproduce the data except for exactly the one-off days DOMAIN.md
//! lists; and table tests from GOV.UK's published holidays.

use super::*;
use jiff::civil::date;

fn dates(region: Region, year: i16) -> Vec<Date> {
    bank_holidays(region, year).into_iter().map(|h| h.date).collect()
}

#[test]
fn the_reviewed_data_parses_and_covers_every_data_year() {
    let text = include_str!("bank_holidays.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("date,region,name"));
    for line in lines {
        assert!(parse_line(line).is_some(), "unreadable line {line:?}");
    }
    for year in DATA_YEARS {
        for region in Region::ALL {
            let n = dates(region, year).len();
            assert!((8..=12).contains(&n), "{region} {year} has {n} holidays");
        }
    }
}

/// The one-off changes since 2010 (DOMAIN.md §8): days added and rule days removed.
fn one_offs(region: Region, year: i16) -> (Vec<Date>, Vec<Date>) {
    let all = |added: &[Date], removed: &[Date]| (added.to_vec(), removed.to_vec());
    match year {
        2011 => all(&[date(2011, 4, 29)], &[]),
        // Spring holiday moved from 28 May to 4 June; 5 June the Diamond Jubilee.
        2012 => all(&[date(2012, 6, 4), date(2012, 6, 5)], &[date(2012, 5, 28)]),
        // Early May holiday moved from 4 May to 8 May (VE day).
        2020 => all(&[date(2020, 5, 8)], &[date(2020, 5, 4)]),
        // Spring holiday moved from 30 May to 2 June; 3 June the Platinum Jubilee; the funeral.
        2022 => all(&[date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)], &[date(2022, 5, 30)]),
        2023 => all(&[date(2023, 5, 8)], &[]),
        2026 if region == Region::Scotland => all(&[date(2026, 6, 15)], &[]),
        _ => all(&[], &[]),
    }
}

#[test]
fn the_rules_reproduce_the_data_but_for_the_one_off_days() {
    for year in DATA_YEARS {
        for region in Region::ALL {
            let data = dates(region, year);
            let rules: Vec<Date> = by_rule(region, year).into_iter().map(|h| h.date).collect();
            let added: Vec<Date> = data.iter().copied().filter(|d| !rules.contains(d)).collect();
            let removed: Vec<Date> = rules.iter().copied().filter(|d| !data.contains(d)).collect();
            assert_eq!((added, removed), one_offs(region, year), "{region} {year}");
        }
    }
}

#[test]
fn holidays_match_gov_uk() {
    let table: &[(Region, i16, &[Date])] = &[
        (Region::EnglandWales, 2024, &[date(2024, 1, 1), date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 6), date(2024, 5, 27), date(2024, 8, 26), date(2024, 12, 25), date(2024, 12, 26)]),
        (Region::Scotland, 2024, &[date(2024, 1, 1), date(2024, 1, 2), date(2024, 3, 29), date(2024, 5, 6), date(2024, 5, 27), date(2024, 8, 5), date(2024, 12, 2), date(2024, 12, 25), date(2024, 12, 26)]),
        (Region::NorthernIreland, 2024, &[date(2024, 1, 1), date(2024, 3, 18), date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 6), date(2024, 5, 27), date(2024, 7, 12), date(2024, 8, 26), date(2024, 12, 25), date(2024, 12, 26)]),
        // New Year on a Saturday: Monday and, in Scotland, Tuesday; Christmas on a Sunday.
        (Region::Scotland, 2022, &[date(2022, 1, 3), date(2022, 1, 4), date(2022, 4, 15), date(2022, 5, 2), date(2022, 6, 2), date(2022, 6, 3), date(2022, 8, 1), date(2022, 9, 19), date(2022, 11, 30), date(2022, 12, 26), date(2022, 12, 27)]),
        // Christmas on a Saturday, Boxing Day on a Sunday: Monday 27th and Tuesday 28th.
        (Region::EnglandWales, 2010, &[date(2010, 1, 1), date(2010, 4, 2), date(2010, 4, 5), date(2010, 5, 3), date(2010, 5, 31), date(2010, 8, 30), date(2010, 12, 27), date(2010, 12, 28)]),
        // 12 July on a Saturday moves to Monday 14th.
        (Region::NorthernIreland, 2025, &[date(2025, 1, 1), date(2025, 3, 17), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5), date(2025, 5, 26), date(2025, 7, 14), date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26)]),
    ];
    for (region, year, want) in table {
        assert_eq!(dates(*region, *year), want.to_vec(), "{region} {year}");
    }
}

#[test]
fn later_years_follow_the_rules() {
    // 2032: Christmas on a Saturday; New Year 2033 on a Saturday (Scotland: 3 and 4 January).
    assert_eq!(dates(Region::EnglandWales, 2032), [
        date(2032, 1, 1), date(2032, 3, 26), date(2032, 3, 29), date(2032, 5, 3), date(2032, 5, 31), date(2032, 8, 30),
        date(2032, 12, 27), date(2032, 12, 28),
    ]);
    assert_eq!(dates(Region::Scotland, 2033)[..2], [date(2033, 1, 3), date(2033, 1, 4)]);
    // St Andrew's Day 2031 is a Sunday: Monday 1 December.
    assert!(is_bank_holiday(Region::Scotland, date(2031, 12, 1)));
    assert!(!is_bank_holiday(Region::EnglandWales, date(2031, 12, 1)));
}

#[test]
fn easter_is_computed_for_any_year() {
    for (year, sunday) in [(2010, date(2010, 4, 4)), (2019, date(2019, 4, 21)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
        (2038, date(2038, 4, 25)), (2049, date(2049, 4, 18)), (2100, date(2100, 3, 28))] {
        assert_eq!(easter_sunday(year), sunday, "{year}");
    }
}

#[test]
fn an_foi_working_day_is_one_in_every_part_of_the_uk() {
    // St Patrick's Day (Northern Ireland only), 2 January and St Andrew's substitute (Scotland
    // only), Easter Monday (not in Scotland), Scotland's one-off 15 June 2026.
    for day in [date(2026, 3, 17), date(2026, 1, 2), date(2014, 12, 1), date(2026, 4, 6), date(2026, 6, 15)] {
        assert!(!is_foi_working_day(day), "{day}");
    }
    assert!(is_working_day_in(Region::EnglandWales, date(2026, 6, 15)));
    assert!(!is_working_day_in(Region::Scotland, date(2026, 6, 15)));
    assert!(is_foi_working_day(date(2026, 6, 16)));
    assert!(!is_foi_working_day(date(2026, 6, 13)), "a Saturday");
}

#[test]
fn jurisdictions_are_named_plainly() {
    assert_eq!("Scotland".parse::<Region>(), Ok(Region::Scotland));
    assert!("wales".parse::<Region>().unwrap_err().contains("england-wales"));
}
