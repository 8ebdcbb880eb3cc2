//! The simulator clock and Fortnox date formats.
//!
//! The clock runs in real time from an adjustable offset, so dates move naturally while tests can
//! jump forward (`advance`) or set an absolute time (`set_now`). Fortnox shows Swedish local
//! dates; the simulator derives Stockholm time (CET/CEST with the EU switch rule) from UTC.

use std::time::{Duration, Instant};

use time::{
    Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday,
    macros::format_description,
};

#[derive(Debug, Clone)]
pub(crate) struct Clock {
    offset: time::Duration,
    /// Forward jumps of the clock, added to the monotonic time used by the rate limiter so that
    /// `advance(5 s)` empties the window just like waiting would.
    skew: Duration,
    started: Instant,
}

impl Clock {
    pub fn new() -> Self {
        Clock {
            offset: time::Duration::ZERO,
            skew: Duration::ZERO,
            started: Instant::now(),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset
    }

    pub fn set_now(&mut self, t: OffsetDateTime) {
        let cur = self.now();
        if t > cur {
            self.skew += (t - cur).try_into().unwrap_or(Duration::ZERO);
        }
        self.offset = t - OffsetDateTime::now_utc();
    }

    pub fn advance(&mut self, d: Duration) {
        self.offset += d;
        self.skew += d;
    }

    /// Monotonic time for the rate-limit window: real elapsed time plus forward clock jumps.
    pub fn monotonic(&self) -> Duration {
        self.started.elapsed() + self.skew
    }

    pub fn today(&self) -> Date {
        stockholm(self.now()).date()
    }
}

fn last_sunday(year: i32, month: Month) -> Date {
    let mut d = Date::from_calendar_date(year, month, month.length(year)).unwrap_or(Date::MIN);
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day().unwrap_or(d);
    }
    d
}

/// Offset of Europe/Stockholm at the instant `utc`: +2 from the last Sunday of March 01:00 UTC to
/// the last Sunday of October 01:00 UTC, otherwise +1.
pub(crate) fn stockholm_offset(utc: OffsetDateTime) -> UtcOffset {
    let utc = utc.to_offset(UtcOffset::UTC);
    let y = utc.year();
    let one = Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT);
    let start = PrimitiveDateTime::new(last_sunday(y, Month::March), one).assume_utc();
    let end = PrimitiveDateTime::new(last_sunday(y, Month::October), one).assume_utc();
    let hours = if utc >= start && utc < end { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

pub(crate) fn stockholm(utc: OffsetDateTime) -> OffsetDateTime {
    utc.to_offset(stockholm_offset(utc))
}

/// Interprets a naive Stockholm-local date-time as an instant.
pub(crate) fn from_stockholm(local: PrimitiveDateTime) -> OffsetDateTime {
    // Guess with +1, then correct with the offset valid at that instant (exact except in the
    // ambiguous hour of the autumn switch, which does not matter here).
    let guess = local.assume_offset(UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC));
    local.assume_offset(stockholm_offset(guess))
}

pub(crate) fn fmt_date(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

pub(crate) fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// Parses `YYYY-MM-DD HH:MM[:SS]` (or a bare date) as Stockholm local time.
pub(crate) fn parse_lastmodified(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    let with_secs = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let no_secs = format_description!("[year]-[month]-[day] [hour]:[minute]");
    let local = PrimitiveDateTime::parse(s, with_secs)
        .or_else(|_| PrimitiveDateTime::parse(s, no_secs))
        .ok()
        .or_else(|| parse_date(s).map(|d| PrimitiveDateTime::new(d, Time::MIDNIGHT)))?;
    Some(from_stockholm(local))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn stockholm_dst() {
        assert_eq!(
            stockholm_offset(datetime!(2026-01-15 12:00 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            stockholm_offset(datetime!(2026-07-15 12:00 UTC)).whole_hours(),
            2
        );
        // 2026-03-29 is the last Sunday of March.
        assert_eq!(
            stockholm_offset(datetime!(2026-03-29 00:59 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            stockholm_offset(datetime!(2026-03-29 01:00 UTC)).whole_hours(),
            2
        );
        let t = parse_lastmodified("2026-07-15 14:00").unwrap();
        assert_eq!(t, datetime!(2026-07-15 12:00 UTC));
    }
}
