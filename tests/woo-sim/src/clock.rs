//! The simulator clock and WooCommerce's date formats.
//!
//! The clock runs in real time from an adjustable offset, so `date_modified` moves on every write
//! while tests can jump (`advance`) or pin an absolute time (`set_now`). WooCommerce stores whole
//! seconds and renders two forms of each date: `date_x` in the site's timezone and `date_x_gmt`,
//! both `YYYY-MM-DDTHH:MM:SS` without an offset.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

#[derive(Debug, Clone)]
pub(crate) struct Clock {
    offset: time::Duration,
}

impl Clock {
    pub fn new() -> Self {
        Clock {
            offset: time::Duration::ZERO,
        }
    }

    /// Now in UTC, whole seconds (WooCommerce keeps no fractions).
    pub fn now(&self) -> OffsetDateTime {
        let t = OffsetDateTime::now_utc() + self.offset;
        t.replace_nanosecond(0).unwrap_or(t)
    }

    pub fn set_now(&mut self, t: OffsetDateTime) {
        self.offset = t - OffsetDateTime::now_utc();
    }

    pub fn advance(&mut self, d: time::Duration) {
        self.offset += d;
    }
}

/// `YYYY-MM-DDTHH:MM:SS` of `t` seen at `offset` (UTC for the `_gmt` fields).
pub(crate) fn fmt_at(t: OffsetDateTime, offset: UtcOffset) -> String {
    t.to_offset(offset)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}

pub(crate) fn fmt_gmt(t: OffsetDateTime) -> String {
    fmt_at(t, UtcOffset::UTC)
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Parses what WordPress accepts as `date-time` (`rest_parse_date`): `YYYY-MM-DD[T ]HH:MM:SS`,
/// optional fraction, optional `Z` or `±HH[:MM]`. A value without an offset is read at
/// `naive_offset` (site time, or UTC with `dates_are_gmt`).
pub(crate) fn parse_wp_date(s: &str, naive_offset: UtcOffset) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    let normalised = s.replacen(' ', "T", 1);
    if let Ok(t) = OffsetDateTime::parse(&normalised, &Rfc3339) {
        return Some(t);
    }
    // Offsets without minutes ("+02") are valid for WordPress but not for RFC 3339.
    let (body, tail) = split_offset(&normalised);
    if let Some(tail) = tail {
        return OffsetDateTime::parse(&format!("{body}{tail}"), &Rfc3339).ok();
    }
    let body = body.split('.').next().unwrap_or(body);
    let naive = PrimitiveDateTime::parse(
        body,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .ok()?;
    Some(naive.assume_offset(naive_offset))
}

/// Splits a trailing `±HH` offset (returned as `±HH:00`) from a date-time.
fn split_offset(s: &str) -> (&str, Option<String>) {
    let Some(t_at) = s.find('T') else {
        return (s, None);
    };
    let time_part = &s[t_at..];
    match time_part.rfind(['+', '-']) {
        Some(i) if time_part.len() - i == 3 => {
            let cut = t_at + i;
            (&s[..cut], Some(format!("{}:00", &s[cut..])))
        }
        _ => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    #[test]
    fn parses_the_forms_wordpress_accepts() {
        let utc = UtcOffset::UTC;
        let want = datetime!(2026-03-01 10:00:00 UTC);
        assert_eq!(parse_wp_date("2026-03-01T10:00:00", utc), Some(want));
        assert_eq!(parse_wp_date("2026-03-01 10:00:00", utc), Some(want));
        assert_eq!(
            parse_wp_date("2026-03-01T10:00:00Z", offset!(+1)),
            Some(want)
        );
        assert_eq!(parse_wp_date("2026-03-01T11:00:00+01", utc), Some(want));
        assert_eq!(
            parse_wp_date("2026-03-01T11:00:00", offset!(+1)),
            Some(want)
        );
        assert_eq!(parse_wp_date("yesterday", utc), None);
    }

    #[test]
    fn renders_site_and_gmt_forms() {
        let t = datetime!(2026-03-01 10:00:00 UTC);
        assert_eq!(fmt_gmt(t), "2026-03-01T10:00:00");
        assert_eq!(fmt_at(t, offset!(+1)), "2026-03-01T11:00:00");
    }
}
