//! Sign-in rules: session lifetimes and the progressive throttle on failed passwords.
//!
//! Sessions follow OWASP ASVS 5.0 V7.3: an idle timeout of 30 minutes and an absolute lifetime of
//! 10 hours (a long shift), after which the user signs in again.
//!
//! Failed passwords slow the next attempt down (OWASP Authentication Cheat Sheet, "Account
//! Lockout"): the first [`FREE_FAILURES`] failures cost nothing, then each further failure doubles a
//! wait that starts at one second and never exceeds [`MAX_WAIT`]. Failures are counted per
//! *scope*: a browser that has signed in as the user before carries a device cookie and has its
//! own counter; every other client shares the account's "unknown device" counter (OWASP "Slow Down
//! Online Guessing Attacks with Device Cookies"). So an attacker guessing from elsewhere throttles
//! only unknown devices, and can never lock a colleague out of the devices they already use.

use std::time::Duration;

/// Idle timeout of a session (ASVS 5.0 V7.3.1).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Absolute lifetime of a session (ASVS 5.0 V7.3.2).
pub const ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(10 * 60 * 60);
/// Failures allowed before any wait.
pub const FREE_FAILURES: u32 = 5;
/// The longest wait imposed between attempts.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// How long a scope must wait before its next attempt after `failures` consecutive failures.
pub fn wait_after(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = failures - FREE_FAILURES;
    // 2^doublings seconds, without overflow, capped.
    let secs = 1u64.checked_shl(doublings.min(63)).unwrap_or(u64::MAX);
    Duration::from_secs(secs).min(MAX_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(failures: u32, expected_secs: u64) {
        assert_eq!(wait_after(failures), Duration::from_secs(expected_secs), "after {failures} failures");
    }

    #[test]
    fn the_wait_doubles_after_the_free_failures_and_is_capped() {
        for (failures, secs) in [(0, 0), (1, 0), (4, 0), (5, 1), (6, 2), (7, 4), (10, 32), (14, 512), (15, 900), (40, 900), (u32::MAX, 900)] {
            check(failures, secs);
        }
    }

    #[test]
    fn timeouts_are_the_documented_ones() {
        assert_eq!(IDLE_TIMEOUT.as_secs(), 1800);
        assert_eq!(ABSOLUTE_TIMEOUT.as_secs(), 36_000);
    }
}
