//! Previous written status + fresh status → whether (and how) to write to the shop.

use super::stage::DocumentStatus;

/// What a fresh status means for the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    /// New or progressed (a later stage, overdue toggled, another partial payment): write.
    Changed,
    /// Identical to what was written: no write.
    Unchanged,
    /// Fortnox itself went back (a deleted payment: paid → booked, or less paid within the
    /// same stage): write, and log it. Only trustworthy from a fresh read (module docs).
    Reversed,
}

impl Transition {
    /// Whether the shop is written.
    pub fn writes(self) -> bool {
        self != Self::Unchanged
    }
}

/// Compares the status last written (`None`: never written) with a freshly derived one.
pub fn advance(previous: Option<&DocumentStatus>, next: &DocumentStatus) -> Transition {
    let Some(prev) = previous else {
        return Transition::Changed;
    };
    if prev == next {
        Transition::Unchanged
    } else if next.stage < prev.stage
        || (next.stage == prev.stage && next.paid_amount.abs() < prev.paid_amount.abs())
    {
        Transition::Reversed
    } else {
        Transition::Changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Stage;
    use rust_decimal_macros::dec;

    fn at(stage: Stage) -> DocumentStatus {
        DocumentStatus {
            stage,
            ..Default::default()
        }
    }

    #[test]
    fn first_forward_same_and_back() {
        assert_eq!(advance(None, &at(Stage::Created)), Transition::Changed);
        let booked = at(Stage::Booked);
        assert_eq!(advance(Some(&booked), &booked), Transition::Unchanged);
        assert_eq!(
            advance(Some(&booked), &at(Stage::Paid)),
            Transition::Changed
        );
        assert_eq!(
            advance(Some(&at(Stage::Paid)), &booked),
            Transition::Reversed
        );
        assert!(!Transition::Unchanged.writes());
        assert!(Transition::Reversed.writes());
    }

    #[test]
    fn less_paid_in_the_same_stage_is_a_reversal() {
        let part = |paid| DocumentStatus {
            stage: Stage::PartlyPaid,
            paid_amount: paid,
            ..Default::default()
        };
        assert_eq!(
            advance(Some(&part(dec!(200))), &part(dec!(500))),
            Transition::Changed
        );
        assert_eq!(
            advance(Some(&part(dec!(500))), &part(dec!(200))),
            Transition::Reversed
        );
    }
}
