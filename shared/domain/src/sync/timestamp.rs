//! Last-modified times from both sides as comparable instants.
//!
//! Shops report RFC 3339 (with an offset); Fortnox reports and filters by `YYYY-MM-DD HH:MM`
//! (optionally `:SS`) without an offset, taken to be Stockholm local time (the docs leave the
//! zone unverified). Stockholm's offset follows the EU rule — CEST (+02:00) from the last
//! Sunday of March to the last Sunday of October, 01:00 UTC — computed here because the
//! domain carries no time-zone database.

use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

const CET: UtcOffset = offset!(+1);
const CEST: UtcOffset = offset!(+2);

/// 01:00 UTC on the last Sunday of `month` (March and October end on the 31st).
fn last_sunday_0100_utc(year: i32, month: Month) -> Option<OffsetDateTime> {
    let last_day = Date::from_calendar_date(year, month, 31).ok()?;
    let back = i64::from(last_day.weekday().number_days_from_sunday());
    let sunday = last_day - Duration::days(back);
    debug_assert_eq!(sunday.weekday(), Weekday::Sunday);
    Some(PrimitiveDateTime::new(sunday, Time::MIDNIGHT).assume_utc() + Duration::HOUR)
}

/// Stockholm's UTC offset at an instant.
pub fn stockholm_offset(at: OffsetDateTime) -> UtcOffset {
    let utc = at.to_offset(UtcOffset::UTC);
    let year = utc.year();
    match (
        last_sunday_0100_utc(year, Month::March),
        last_sunday_0100_utc(year, Month::October),
    ) {
        (Some(start), Some(end)) if utc >= start && utc < end => CEST,
        _ => CET,
    }
}

/// A Stockholm wall-clock time as an instant. In the October hour that occurs twice the
/// earlier instant is chosen (a watermark then re-reads rather than skips); a time in the
/// March hour that does not exist is read as standard time.
fn from_stockholm(local: PrimitiveDateTime) -> OffsetDateTime {
    let summer = local.assume_offset(CEST);
    if stockholm_offset(summer) == CEST {
        summer
    } else {
        local.assume_offset(CET)
    }
}

/// Parses RFC 3339 (`2026-03-01T09:05:00Z`, `…+01:00`) or Fortnox's Stockholm-local
/// `2026-03-01 10:05`, `2026-03-01 10:05:30` or `2026-03-01` (midnight). `None` for anything
/// else, including an ISO time without an offset (its zone would be a guess).
pub fn parse_instant(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    let minutes = format_description!("[year]-[month]-[day] [hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let day = format_description!("[year]-[month]-[day]");
    let local = PrimitiveDateTime::parse(s, minutes)
        .or_else(|_| PrimitiveDateTime::parse(s, seconds))
        .ok()
        .or_else(|| {
            Date::parse(s, day)
                .ok()
                .map(|d| PrimitiveDateTime::new(d, Time::MIDNIGHT))
        })?;
    Some(from_stockholm(local))
}

/// Fortnox's `lastmodified` form: Stockholm local `YYYY-MM-DD HH:MM` (seconds dropped).
pub fn format_fortnox(at: OffsetDateTime) -> Option<String> {
    at.to_offset(stockholm_offset(at))
        .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
        .ok()
}

/// RFC 3339 in UTC (`2026-03-01T09:04:00Z`), the shop ports' `modified_after` form.
pub fn format_rfc3339(at: OffsetDateTime) -> Option<String> {
    at.to_offset(UtcOffset::UTC).format(&Rfc3339).ok()
}

/// Which side changed last; unknown or equal times give Fortnox (see `plan_customer`).
pub(crate) fn shop_is_newer(fortnox: Option<&str>, shop: Option<&str>) -> bool {
    match (
        fortnox.and_then(parse_instant),
        shop.and_then(parse_instant),
    ) {
        (Some(f), Some(s)) => s > f,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fortnox_times_are_stockholm_local() {
        // Winter: +01:00.
        assert_eq!(
            parse_instant("2026-01-15 10:05"),
            Some(datetime!(2026-01-15 09:05 UTC))
        );
        // Summer: +02:00.
        assert_eq!(
            parse_instant("2026-07-01 10:05:30"),
            Some(datetime!(2026-07-01 08:05:30 UTC))
        );
        assert_eq!(
            parse_instant("2026-07-01"),
            Some(datetime!(2026-06-30 22:00 UTC))
        );
    }

    #[test]
    fn rfc3339_keeps_its_offset_and_bare_iso_is_refused() {
        assert_eq!(
            parse_instant("2026-01-15T10:05:00+01:00"),
            Some(datetime!(2026-01-15 09:05 UTC))
        );
        assert_eq!(parse_instant("2026-01-15T10:05:00"), None);
        assert_eq!(parse_instant("yesterday"), None);
    }

    #[test]
    fn dst_switches_on_the_last_sundays() {
        // 2026: summer time from 29 March to 25 October, 01:00 UTC.
        assert_eq!(stockholm_offset(datetime!(2026-03-29 00:59 UTC)), CET);
        assert_eq!(stockholm_offset(datetime!(2026-03-29 01:00 UTC)), CEST);
        assert_eq!(stockholm_offset(datetime!(2026-10-25 00:59 UTC)), CEST);
        assert_eq!(stockholm_offset(datetime!(2026-10-25 01:00 UTC)), CET);
        // 02:30 on 25 October happens twice: the earlier (summer) instant.
        assert_eq!(
            parse_instant("2026-10-25 02:30"),
            Some(datetime!(2026-10-25 00:30 UTC))
        );
    }

    #[test]
    fn formats_round_trip() {
        let t = datetime!(2026-07-01 08:05:30 UTC);
        assert_eq!(format_fortnox(t).as_deref(), Some("2026-07-01 10:05"));
        assert_eq!(format_rfc3339(t).as_deref(), Some("2026-07-01T08:05:30Z"));
    }

    #[test]
    fn newer_side_defaults_to_fortnox() {
        assert!(shop_is_newer(
            Some("2026-01-15 10:05"),
            Some("2026-01-15T09:06:00Z")
        ));
        assert!(!shop_is_newer(
            Some("2026-01-15 10:05"),
            Some("2026-01-15T09:05:00Z")
        ));
        assert!(!shop_is_newer(None, Some("2026-01-15T09:06:00Z")));
    }
}
