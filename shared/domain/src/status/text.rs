//! Formatting and date helpers shared by `status` and `balance`.

use crate::money::ore;
use rust_decimal::Decimal;
use time::Date;
use time::macros::format_description;

/// An amount with exactly two decimals (`1250.00`, never `-0.00`).
pub(crate) fn amount(x: Decimal) -> String {
    let mut r = ore(x);
    if r.is_zero() {
        // Why: a negative zero would print as "-0.00".
        r = Decimal::ZERO;
    }
    r.rescale(2);
    r.to_string()
}

/// A `YYYY-MM-DD` date, or `None` when it is not one.
pub(crate) fn date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// Whether `due` is strictly before `today`; false when either is unreadable (never flag
/// something as overdue on a guess).
pub(crate) fn is_past_due(due: &str, today: &str) -> bool {
    match (date(due), date(today)) {
        (Some(d), Some(t)) => d < t,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_have_two_decimals() {
        assert_eq!(amount(dec!(1250)), "1250.00");
        assert_eq!(amount(dec!(99.9)), "99.90");
        assert_eq!(amount(dec!(0.125)), "0.13");
        assert_eq!(amount(dec!(-0.001)), "0.00");
        assert_eq!(amount(dec!(-500)), "-500.00");
    }

    #[test]
    fn past_due_is_strict_and_needs_real_dates() {
        assert!(is_past_due("2026-11-30", "2026-12-01"));
        assert!(!is_past_due("2026-12-01", "2026-12-01"));
        assert!(!is_past_due("2026-12-02", "2026-12-01"));
        assert!(!is_past_due("2026-13-01", "2027-01-01"));
        assert!(!is_past_due("2026-11-30", "today"));
    }
}
