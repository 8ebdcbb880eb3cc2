//! The simulator clock: real time from an adjustable offset, so `updatedAt` moves naturally
//! while tests can jump (`advance`) or pin an absolute time (`set_now`). Forward jumps are also
//! added to the monotonic time the cost bucket refills with, so `advance(20 s)` refills it just
//! like waiting would.

use std::time::{Duration, Instant};

use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub(crate) struct Clock {
    offset: time::Duration,
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

    /// Now, truncated to whole seconds: Shopify timestamps have second precision, and stored
    /// values must compare the way they render.
    pub fn now(&self) -> OffsetDateTime {
        let t = OffsetDateTime::now_utc() + self.offset;
        t.replace_nanosecond(0).unwrap_or(t)
    }

    pub fn set_now(&mut self, t: OffsetDateTime) {
        let cur = OffsetDateTime::now_utc() + self.offset;
        if t > cur {
            self.skew += (t - cur).try_into().unwrap_or(Duration::ZERO);
        }
        self.offset = t - OffsetDateTime::now_utc();
    }

    pub fn advance(&mut self, d: Duration) {
        self.offset += d;
        self.skew += d;
    }

    /// Monotonic time for the cost bucket: real elapsed time plus forward clock jumps.
    pub fn monotonic(&self) -> Duration {
        self.started.elapsed() + self.skew
    }
}

/// RFC 3339 with second precision and `Z`, as Shopify renders `updatedAt`.
pub(crate) fn fmt_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses the date forms Shopify's search syntax accepts: RFC 3339, `YYYY-MM-DDTHH:MM:SS`
/// (UTC) or a bare date (midnight UTC).
pub(crate) fn parse_time(s: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    let naive = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    if let Ok(t) = time::PrimitiveDateTime::parse(s, naive) {
        return Some(t.assume_utc());
    }
    let date = format_description!("[year]-[month]-[day]");
    time::Date::parse(s, date)
        .ok()
        .map(|d| d.midnight().assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_and_parses() {
        let t = datetime!(2026-11-23 08:05:09 UTC);
        assert_eq!(fmt_time(t), "2026-11-23T08:05:09Z");
        assert_eq!(parse_time("2026-11-23T08:05:09Z"), Some(t));
        assert_eq!(parse_time("2026-11-23T09:05:09+01:00"), Some(t));
        assert_eq!(
            parse_time("2026-11-23"),
            Some(datetime!(2026-11-23 00:00 UTC))
        );
        assert_eq!(parse_time("yesterday"), None);
    }
}
