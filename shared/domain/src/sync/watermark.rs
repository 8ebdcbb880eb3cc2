//! Where the next incremental read starts.
//!
//! Conservative on purpose: the newest last-modified time seen is floored to the minute
//! (Fortnox's `lastmodified` filter has minute resolution) and one minute of overlap is
//! subtracted, so a record changed in the same minute as the read — or reported a little late —
//! is read again rather than skipped. Records read twice are harmless: the planners compare
//! values and write nothing when both sides already agree. The watermark never moves back.

use super::timestamp::{format_fortnox, format_rfc3339, parse_instant};
use time::{Duration, OffsetDateTime};

/// Overlap between consecutive reads.
pub const OVERLAP: Duration = Duration::MINUTE;

/// Where the next read starts: a new instant, or the stored watermark as it was.
enum Next<'a> {
    At(OffsetDateTime),
    Keep(&'a str),
}

fn next<'a>(current: Option<&'a str>, page_max_modified: &[&str]) -> Option<Next<'a>> {
    let newest = page_max_modified
        .iter()
        .filter_map(|s| parse_instant(s))
        .max();
    let current_at = current.and_then(parse_instant);
    match (newest, current_at) {
        // Nothing usable read: keep the stored watermark exactly as it is.
        (None, _) => current.map(Next::Keep),
        (Some(n), c) => {
            let floored = n
                - Duration::seconds(i64::from(n.second()))
                - Duration::nanoseconds(i64::from(n.nanosecond()));
            let candidate = floored - OVERLAP;
            // An unparseable stored watermark is dropped: the page just read is the only
            // reliable position left.
            Some(Next::At(c.map_or(candidate, |c| c.max(candidate))))
        }
    }
}

/// The next Fortnox `lastmodified` filter value, Stockholm local `YYYY-MM-DD HH:MM`: the
/// newest of `page_max_modified` (RFC 3339 or Fortnox form; unparseable values ignored),
/// floored to the minute, minus [`OVERLAP`], and never earlier than `current`. `current` is
/// returned unchanged when nothing on the page could be read; `None` only when there is no
/// watermark and nothing usable was read.
pub fn next_watermark(current: Option<&str>, page_max_modified: &[&str]) -> Option<String> {
    match next(current, page_max_modified)? {
        Next::At(at) => format_fortnox(at).or_else(|| current.map(str::to_owned)),
        Next::Keep(kept) => Some(kept.to_owned()),
    }
}

/// [`next_watermark`] as RFC 3339 UTC, for the shops' `modified_after`.
pub fn next_watermark_rfc3339(current: Option<&str>, page_max_modified: &[&str]) -> Option<String> {
    match next(current, page_max_modified)? {
        Next::At(at) => format_rfc3339(at).or_else(|| current.map(str::to_owned)),
        Next::Keep(kept) => Some(kept.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_minus_a_minute_in_fortnox_form() {
        assert_eq!(
            next_watermark(
                Some("2026-01-15 08:00"),
                &[
                    "2026-01-15 10:05",
                    "2026-01-15T09:07:42Z",
                    "2026-01-15 09:30"
                ]
            )
            .as_deref(),
            // 09:07:42 UTC = 10:07:42 Stockholm → 10:07 → 10:06.
            Some("2026-01-15 10:06")
        );
    }

    #[test]
    fn never_moves_back() {
        assert_eq!(
            next_watermark(Some("2026-01-15 10:06"), &["2026-01-15 10:06"]).as_deref(),
            Some("2026-01-15 10:06")
        );
        assert_eq!(
            next_watermark(Some("2026-01-15 10:06"), &["2026-01-14 10:06"]).as_deref(),
            Some("2026-01-15 10:06")
        );
    }

    #[test]
    fn empty_or_unreadable_pages_keep_the_watermark() {
        assert_eq!(next_watermark(None, &[]), None);
        assert_eq!(
            next_watermark(Some("2026-01-15 10:06"), &["garbage"]).as_deref(),
            Some("2026-01-15 10:06")
        );
        assert_eq!(
            next_watermark(None, &["2026-07-01 10:00"]).as_deref(),
            Some("2026-07-01 09:59")
        );
    }

    #[test]
    fn rfc3339_form_for_shops() {
        assert_eq!(
            next_watermark_rfc3339(None, &["2026-07-01T08:05:30Z", "2026-07-01 09:00"]).as_deref(),
            Some("2026-07-01T08:04:00Z")
        );
    }
}
