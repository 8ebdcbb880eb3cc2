//! Facts → [`DocumentStatus`] (precedence and rules in the module docs of `status`).

use super::facts::InvoiceFacts;
use super::text::is_past_due;
use crate::money::ore;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How far an invoice has come, ordered by progress (`Created < … < Cancelled`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Exists in Fortnox; none of the below.
    #[default]
    Created,
    /// `Sent`: e-mailed, printed, e-invoiced or marked as sent.
    Sent,
    /// `Booked`: in the ledger, no longer editable.
    Booked,
    /// Something paid, something left.
    PartlyPaid,
    /// Nothing left to pay.
    Paid,
    /// An original with a credit note.
    Credited,
    /// `Cancelled`.
    Cancelled,
}

impl Stage {
    /// The stored / field form: `created`, `sent`, `booked`, `partly_paid`, `paid`,
    /// `credited`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Sent => "sent",
            Self::Booked => "booked",
            Self::PartlyPaid => "partly_paid",
            Self::Paid => "paid",
            Self::Credited => "credited",
            Self::Cancelled => "cancelled",
        }
    }

    /// Whether money is still expected (the stages where overdue applies).
    pub fn is_unpaid(self) -> bool {
        self < Self::Paid
    }
}

/// The status written to the shop and stored with the order to compare the next one against.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DocumentStatus {
    pub stage: Stage,
    /// Unpaid and past its due date (see the module docs).
    pub overdue: bool,
    /// `Total − Balance`, signed like `Total`; 0 when credited or cancelled (Fortnox may settle
    /// the balance with the credit itself, so the difference would not be a payment).
    pub paid_amount: Decimal,
    /// `FinalPayDate`, only when paid.
    pub paid_date: Option<String>,
}

/// The status of an invoice on `today` (`YYYY-MM-DD`).
pub fn derive(facts: &InvoiceFacts, today: &str) -> DocumentStatus {
    let stage = stage_of(facts);
    let overdue = stage.is_unpaid()
        && !facts.credit
        && facts.outstanding() > Decimal::ZERO
        && facts
            .due_date
            .as_deref()
            .is_some_and(|due| is_past_due(due, today));
    let paid_amount = match stage {
        Stage::Credited | Stage::Cancelled => Decimal::ZERO,
        _ => ore(facts.total - facts.balance),
    };
    let paid_date = if stage == Stage::Paid {
        facts
            .final_pay_date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
    } else {
        None
    };
    DocumentStatus {
        stage,
        overdue,
        paid_amount,
        paid_date,
    }
}

fn stage_of(f: &InvoiceFacts) -> Stage {
    let outstanding = f.outstanding();
    let total = f.total.abs();
    let has_pay_date = f
        .final_pay_date
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty());
    if f.cancelled {
        Stage::Cancelled
    } else if !f.credit && f.credit_reference().is_some() {
        Stage::Credited
    } else if outstanding <= Decimal::ZERO && (f.booked || has_pay_date) {
        Stage::Paid
    } else if outstanding > Decimal::ZERO && outstanding < total {
        Stage::PartlyPaid
    } else if f.booked {
        Stage::Booked
    } else if f.sent {
        Stage::Sent
    } else {
        Stage::Created
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn open(total: Decimal) -> InvoiceFacts {
        InvoiceFacts {
            number: "1042".into(),
            total,
            balance: total,
            due_date: Some("2026-12-01".into()),
            ..Default::default()
        }
    }

    #[test]
    fn stages_follow_the_flags() {
        let mut f = open(dec!(1250));
        assert_eq!(derive(&f, "2026-11-01").stage, Stage::Created);
        f.sent = true;
        assert_eq!(derive(&f, "2026-11-01").stage, Stage::Sent);
        f.booked = true;
        assert_eq!(derive(&f, "2026-11-01").stage, Stage::Booked);
        f.balance = dec!(250);
        let s = derive(&f, "2026-11-01");
        assert_eq!((s.stage, s.paid_amount), (Stage::PartlyPaid, dec!(1000)));
        f.balance = dec!(0);
        f.final_pay_date = Some("2026-11-20".into());
        let s = derive(&f, "2026-12-24");
        assert_eq!(s.stage, Stage::Paid);
        assert_eq!(s.paid_date.as_deref(), Some("2026-11-20"));
        assert!(!s.overdue);
    }

    #[test]
    fn an_unbooked_zero_balance_without_pay_date_is_not_paid() {
        let mut f = open(dec!(100));
        f.balance = dec!(0);
        assert_eq!(derive(&f, "2026-11-01").stage, Stage::Created);
        f.booked = true;
        assert_eq!(derive(&f, "2026-11-01").stage, Stage::Paid);
    }

    #[test]
    fn a_credit_note_is_never_credited_by_its_back_reference() {
        let f = InvoiceFacts {
            credit: true,
            credit_reference: Some("1042".into()),
            booked: true,
            ..open(dec!(-500))
        };
        let s = derive(&f, "2027-01-01");
        assert_eq!(s.stage, Stage::Booked);
        assert!(!s.overdue);
        let settled = InvoiceFacts {
            balance: dec!(0),
            ..f
        };
        let s = derive(&settled, "2027-01-01");
        assert_eq!((s.stage, s.paid_amount), (Stage::Paid, dec!(-500)));
    }

    #[test]
    fn fortnox_zero_reference_means_none() {
        let f = InvoiceFacts {
            credit_reference: Some("0".into()),
            ..open(dec!(100))
        };
        assert_eq!(derive(&f, "2026-11-01").stage, Stage::Created);
    }
}
