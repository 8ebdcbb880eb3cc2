//! What the worker reads from a Fortnox invoice (full GET or list item plus the credit
//! reference; fortnox-api.md §7.5, §8).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The status-relevant fields of one Fortnox invoice, amounts signed as Fortnox returns them
/// (a credit note has a negative `Total` and `Balance`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvoiceFacts {
    /// `DocumentNumber`.
    pub number: String,
    /// `Total` (including VAT, after öre rounding).
    pub total: Decimal,
    /// `Balance`: what is still to be paid.
    pub balance: Decimal,
    /// `Booked`.
    pub booked: bool,
    /// `Sent`.
    pub sent: bool,
    /// `Cancelled`.
    pub cancelled: bool,
    /// `Credit`: this document is a credit note.
    pub credit: bool,
    /// `CreditInvoiceReference`: on an original, its credit note; on a credit note, the
    /// original. Fortnox writes `"0"` (or nothing) when there is none.
    pub credit_reference: Option<String>,
    /// `DueDate`, `YYYY-MM-DD`.
    pub due_date: Option<String>,
    /// `FinalPayDate`, `YYYY-MM-DD`: the date the invoice was fully paid.
    pub final_pay_date: Option<String>,
    /// `OCR`.
    pub ocr: Option<String>,
    /// `Currency` (`SEK`, `EUR`, …).
    pub currency: Option<String>,
}

impl InvoiceFacts {
    /// The credit-note reference when there really is one (not empty, not `"0"`).
    pub fn credit_reference(&self) -> Option<&str> {
        self.credit_reference
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty() && *r != "0")
    }

    /// What is still outstanding, in the direction of `Total` (positive = owed, ≤ 0 =
    /// settled or overpaid), so invoices and credit notes read alike.
    pub fn outstanding(&self) -> Decimal {
        if self.total.is_sign_negative() && !self.total.is_zero() {
            -self.balance
        } else {
            self.balance
        }
    }
}
