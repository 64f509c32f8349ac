//! Time as stored: UTC microseconds since the Unix epoch in a BIGINT, the same on both backends.

use jiff::Timestamp;

pub fn now_micros() -> i64 {
    to_micros(Timestamp::now())
}

pub fn to_micros(t: Timestamp) -> i64 {
    // i64 microseconds cover ±292,000 years; jiff's range is narrower, so this never truncates.
    t.as_microsecond()
}

pub fn from_micros(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}
