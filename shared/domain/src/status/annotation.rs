//! Status → what the worker writes to the shop order (Shopify, WooCommerce or the generic
//! callback): a note, tags, key/value fields, an optional WooCommerce status.

use super::facts::InvoiceFacts;
use super::rules::{MarkInvoicedOn, StatusSettings};
use super::stage::{DocumentStatus, Stage};
use super::text::amount;
use crate::ids::OrderId;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub const TAG_INVOICED: &str = "fortnox-invoiced";
pub const TAG_PARTLY_PAID: &str = "fortnox-partly-paid";
pub const TAG_PAID: &str = "fortnox-paid";
pub const TAG_OVERDUE: &str = "fortnox-overdue";
pub const TAG_CREDITED: &str = "fortnox-credited";
pub const TAG_CANCELLED: &str = "fortnox-cancelled";

/// Every tag fortsync manages; the ones not currently applicable are removed on each write.
pub const STATUS_TAGS: &[&str] = &[
    TAG_INVOICED,
    TAG_PARTLY_PAID,
    TAG_PAID,
    TAG_OVERDUE,
    TAG_CREDITED,
    TAG_CANCELLED,
];

/// One write to a shop order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopWrite {
    pub order: OrderId,
    /// One line, e.g. `Fortnox invoice 1042: paid 2026-11-20 (OCR 104207)`.
    pub note: String,
    /// Status tags to add (empty when the tenant turned tags off).
    pub tags: Vec<String>,
    /// fortsync's status tags to remove (empty when tags are off: nothing is touched).
    pub remove_tags: Vec<String>,
    /// Always the same keys, empty when unknown, so every write replaces the previous one:
    /// `invoice_number, status, overdue, total, balance, paid_amount, paid_date, due_date,
    /// ocr, currency, credit_reference`.
    pub fields: BTreeMap<String, String>,
    /// The WooCommerce status to set, or `None` to leave it alone.
    pub woo_status: Option<String>,
    /// Whether the order counts as invoiced under `mark_invoiced_on`.
    pub invoiced: bool,
}

/// The shop write for an order whose invoice has `status` (derived from `facts`).
pub fn annotation(
    order_shop_id: &OrderId,
    status: &DocumentStatus,
    facts: &InvoiceFacts,
    settings: &StatusSettings,
) -> ShopWrite {
    let invoiced = is_invoiced(status.stage, facts, settings.mark_invoiced_on);
    let (tags, remove_tags) = if settings.tags {
        let on = tags_for(status, invoiced);
        let off = STATUS_TAGS
            .iter()
            .filter(|t| !on.contains(t))
            .map(|t| (*t).to_owned())
            .collect();
        (on.into_iter().map(str::to_owned).collect(), off)
    } else {
        (Vec::new(), Vec::new())
    };
    // Why not for credit notes: a settled credit note is a refund, not a completed order.
    let woo_status =
        (status.stage == Stage::Paid && settings.complete_order_on_paid && !facts.credit)
            .then(|| settings.woo_status_on_paid.clone());
    ShopWrite {
        order: order_shop_id.clone(),
        note: note(status, facts),
        tags,
        remove_tags,
        fields: fields(status, facts),
        woo_status,
        invoiced,
    }
}

fn is_invoiced(stage: Stage, facts: &InvoiceFacts, on: MarkInvoicedOn) -> bool {
    let flag = match on {
        MarkInvoicedOn::Created => true,
        MarkInvoicedOn::Sent => facts.sent,
        MarkInvoicedOn::Booked => facts.booked,
    };
    // Why: a payment proves the buyer was billed even if Fortnox never marked it sent.
    stage != Stage::Cancelled && (flag || stage >= Stage::PartlyPaid)
}

fn tags_for(status: &DocumentStatus, invoiced: bool) -> Vec<&'static str> {
    let mut tags = Vec::new();
    if invoiced {
        tags.push(TAG_INVOICED);
    }
    match status.stage {
        Stage::PartlyPaid => tags.push(TAG_PARTLY_PAID),
        Stage::Paid => tags.push(TAG_PAID),
        Stage::Credited => tags.push(TAG_CREDITED),
        Stage::Cancelled => tags.push(TAG_CANCELLED),
        Stage::Created | Stage::Sent | Stage::Booked => {}
    }
    if status.overdue {
        tags.push(TAG_OVERDUE);
    }
    tags
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().map(str::trim).unwrap_or("")
}

fn money(x: Decimal, currency: &str) -> String {
    if currency.is_empty() {
        amount(x)
    } else {
        format!("{} {currency}", amount(x))
    }
}

fn note(status: &DocumentStatus, f: &InvoiceFacts) -> String {
    let kind = if f.credit {
        "Fortnox credit note"
    } else {
        "Fortnox invoice"
    };
    let cur = opt(&f.currency);
    let due = opt(&f.due_date);
    let when = match (due.is_empty(), status.overdue) {
        (true, _) => "open".to_owned(),
        (false, true) => format!("overdue (due {due})"),
        (false, false) => format!("due {due}"),
    };
    let body = match status.stage {
        Stage::Created | Stage::Sent | Stage::Booked => {
            let word = match status.stage {
                Stage::Created => "created",
                Stage::Sent => "sent",
                _ => "booked",
            };
            format!("{word}, {} {when}", money(f.balance, cur))
        }
        Stage::PartlyPaid => format!(
            "partly paid, {} of {}, {} left, {when}",
            amount(status.paid_amount),
            money(f.total, cur),
            money(f.balance, cur)
        ),
        Stage::Paid => match &status.paid_date {
            Some(d) => format!("paid {d}"),
            None => "paid".to_owned(),
        },
        Stage::Credited => match f.credit_reference() {
            Some(r) => format!("credited by credit note {r}"),
            None => "credited".to_owned(),
        },
        Stage::Cancelled => "cancelled".to_owned(),
    };
    let ocr = opt(&f.ocr);
    let ocr = if ocr.is_empty() {
        String::new()
    } else {
        format!(" (OCR {ocr})")
    };
    format!("{kind} {}: {body}{ocr}", f.number.trim())
}

fn fields(status: &DocumentStatus, f: &InvoiceFacts) -> BTreeMap<String, String> {
    let pairs = [
        ("invoice_number", f.number.trim().to_owned()),
        ("status", status.stage.as_str().to_owned()),
        ("overdue", status.overdue.to_string()),
        ("total", amount(f.total)),
        ("balance", amount(f.balance)),
        ("paid_amount", amount(status.paid_amount)),
        ("paid_date", status.paid_date.clone().unwrap_or_default()),
        ("due_date", opt(&f.due_date).to_owned()),
        ("ocr", opt(&f.ocr).to_owned()),
        ("currency", opt(&f.currency).to_owned()),
        (
            "credit_reference",
            f.credit_reference().unwrap_or("").to_owned(),
        ),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::derive;
    use rust_decimal_macros::dec;

    #[test]
    fn partly_paid_note_shows_the_amounts() {
        let f = InvoiceFacts {
            number: "1042".into(),
            total: dec!(1250),
            balance: dec!(250),
            booked: true,
            due_date: Some("2026-12-01".into()),
            currency: Some("SEK".into()),
            ..Default::default()
        };
        let s = derive(&f, "2026-12-05");
        let w = annotation(
            &OrderId::parse("1").unwrap(),
            &s,
            &f,
            &StatusSettings::default(),
        );
        assert_eq!(
            w.note,
            "Fortnox invoice 1042: partly paid, 1000.00 of 1250.00 SEK, 250.00 SEK left, \
             overdue (due 2026-12-01)"
        );
        assert_eq!(w.tags, [TAG_INVOICED, TAG_PARTLY_PAID, TAG_OVERDUE]);
        assert_eq!(w.woo_status, None);
    }
}
