//! A customer's balance and open items from plain inputs (the worker or CLI reads Fortnox's
//! unpaid invoices and the shop's uninvoiced orders), for shop customer metafields/meta and a
//! CLI table. Pure; `today` is passed in as `YYYY-MM-DD`.
//!
//! # Decisions
//! - The caller passes the customer's open invoices (Fortnox `filter=unpaid`, cancelled ones
//!   left out), all in one currency; items whose balance is 0 are ignored.
//! - Credit notes (negative balance) are open items that lower the balance; they are never
//!   overdue.
//! - Overdue: positive balance and due date strictly before `today` (unreadable dates never
//!   count as overdue), as for invoice status.
//! - Credit limit: the exposure is balance + uninvoiced orders; over the limit when it is
//!   strictly greater. The warning names the limit breach and overdue invoices; `None` when
//!   there is neither.
//! - Amounts are rounded to öre and written with exactly two decimals.

use crate::money::ore;
use crate::status::text::{amount, is_past_due};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One unpaid Fortnox invoice (or credit note) of the customer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OpenInvoice {
    /// `DocumentNumber`.
    pub number: String,
    /// `DueDate`, `YYYY-MM-DD`.
    pub due_date: String,
    /// `Total`.
    pub total: Decimal,
    /// `Balance`: what is left to pay.
    pub balance: Decimal,
}

/// One line of the open-items list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItem {
    pub number: String,
    pub due_date: String,
    /// The balance left on it.
    pub amount: Decimal,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerBalance {
    /// Sum of the open items.
    pub balance: Decimal,
    pub overdue_amount: Decimal,
    pub overdue_count: usize,
    /// Oldest due date first, then by number.
    pub open: Vec<OpenItem>,
    /// Orders synced to Fortnox but not yet invoiced.
    pub uninvoiced: Decimal,
    pub credit_limit: Option<Decimal>,
    /// `balance + uninvoiced > credit_limit`.
    pub over_limit: bool,
    pub warning: Option<String>,
}

/// The customer's balance on `today`.
pub fn customer_balance(
    invoices: &[OpenInvoice],
    uninvoiced_orders: Decimal,
    credit_limit: Option<Decimal>,
    today: &str,
) -> CustomerBalance {
    let mut open: Vec<OpenItem> = invoices
        .iter()
        .map(|i| (i, ore(i.balance)))
        .filter(|(_, amount)| !amount.is_zero())
        .map(|(i, amount)| OpenItem {
            number: i.number.trim().to_owned(),
            due_date: i.due_date.trim().to_owned(),
            amount,
            overdue: amount > Decimal::ZERO && is_past_due(&i.due_date, today),
        })
        .collect();
    open.sort_by(|a, b| {
        (&a.due_date, number_key(&a.number)).cmp(&(&b.due_date, number_key(&b.number)))
    });
    let balance: Decimal = open.iter().map(|o| o.amount).sum();
    let overdue: Vec<&OpenItem> = open.iter().filter(|o| o.overdue).collect();
    let overdue_amount: Decimal = overdue.iter().map(|o| o.amount).sum();
    let overdue_count = overdue.len();
    let uninvoiced = ore(uninvoiced_orders);
    let exposure = balance + uninvoiced;
    let over_limit = credit_limit.is_some_and(|limit| exposure > limit);
    let mut warnings = Vec::new();
    if let Some(limit) = credit_limit.filter(|_| over_limit) {
        warnings.push(format!(
            "over credit limit: {} open and uninvoiced exceeds {}",
            amount(exposure),
            amount(limit)
        ));
    }
    if overdue_count > 0 {
        let s = if overdue_count == 1 { "" } else { "s" };
        warnings.push(format!(
            "{overdue_count} overdue invoice{s}, {} in total",
            amount(overdue_amount)
        ));
    }
    CustomerBalance {
        balance,
        overdue_amount,
        overdue_count,
        open,
        uninvoiced,
        credit_limit,
        over_limit,
        warning: (!warnings.is_empty()).then(|| warnings.join("; ")),
    }
}

/// Why: Fortnox document numbers are digits; sort 99 before 100 (text otherwise).
fn number_key(n: &str) -> (usize, &str) {
    (n.len(), n)
}

/// Shop customer metafields / meta: `balance, overdue_amount, overdue_count, open_count,
/// uninvoiced, credit_limit` (empty when none), `over_limit`, `oldest_due_date` (empty when
/// nothing is open), `warning` (empty when none). Always the same keys, so a write replaces
/// the previous one.
pub fn fields(b: &CustomerBalance) -> BTreeMap<String, String> {
    let pairs = [
        ("balance", amount(b.balance)),
        ("overdue_amount", amount(b.overdue_amount)),
        ("overdue_count", b.overdue_count.to_string()),
        ("open_count", b.open.len().to_string()),
        ("uninvoiced", amount(b.uninvoiced)),
        (
            "credit_limit",
            b.credit_limit.map(amount).unwrap_or_default(),
        ),
        ("over_limit", b.over_limit.to_string()),
        (
            "oldest_due_date",
            b.open
                .iter()
                .map(|o| o.due_date.as_str())
                .filter(|d| !d.is_empty())
                .min()
                .unwrap_or("")
                .to_owned(),
        ),
        ("warning", b.warning.clone().unwrap_or_default()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// A plain-text table for the CLI: the open items, then the totals and any warning.
pub fn table(b: &CustomerBalance) -> String {
    let rows: Vec<[String; 4]> = b
        .open
        .iter()
        .map(|o| {
            [
                o.number.clone(),
                o.due_date.clone(),
                amount(o.amount),
                if o.overdue { "overdue" } else { "" }.to_owned(),
            ]
        })
        .collect();
    let header = ["Invoice", "Due date", "Amount", ""];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut out = String::new();
    let mut line = |cells: [&str; 4]| {
        let l = format!(
            "{:<w0$}  {:<w1$}  {:>w2$}  {}",
            cells[0], cells[1], cells[2], cells[3]
        );
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3]]);
    }
    if rows.is_empty() {
        out.push_str("(no open invoices)\n");
    }
    let mut totals = vec![
        ("Open balance".to_owned(), amount(b.balance)),
        (
            format!("Overdue ({})", b.overdue_count),
            amount(b.overdue_amount),
        ),
        ("Uninvoiced orders".to_owned(), amount(b.uninvoiced)),
    ];
    if let Some(limit) = b.credit_limit {
        totals.push(("Credit limit".to_owned(), amount(limit)));
    }
    let lw = totals
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let aw = totals.iter().map(|(_, a)| a.len()).max().unwrap_or(0);
    out.push_str(&"-".repeat(lw + 2 + aw));
    out.push('\n');
    for (label, value) in &totals {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{label:<lw$}  {value:>aw$}");
    }
    if let Some(w) = &b.warning {
        let _ = writeln!(out, "Warning: {w}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn inv(number: &str, due: &str, balance: Decimal) -> OpenInvoice {
        OpenInvoice {
            number: number.into(),
            due_date: due.into(),
            total: balance,
            balance,
        }
    }

    #[test]
    fn sorts_by_due_date_then_number_and_skips_settled() {
        let b = customer_balance(
            &[
                inv("100", "2026-12-01", dec!(10)),
                inv("99", "2026-12-01", dec!(20)),
                inv("7", "2026-11-01", dec!(0)),
                inv("5", "2026-10-01", dec!(-5)),
            ],
            dec!(0),
            None,
            "2026-12-02",
        );
        let order: Vec<&str> = b.open.iter().map(|o| o.number.as_str()).collect();
        assert_eq!(order, ["5", "99", "100"]);
        assert_eq!(b.balance, dec!(25));
        // The credit note is not overdue.
        assert_eq!((b.overdue_count, b.overdue_amount), (2, dec!(30)));
    }

    #[test]
    fn empty_table_says_so() {
        let b = customer_balance(&[], dec!(0), None, "2026-12-02");
        assert_eq!(b.warning, None);
        assert!(table(&b).contains("(no open invoices)"));
    }
}
