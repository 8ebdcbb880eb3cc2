//! The tenant's `status` settings: when an order counts as invoiced, and what paid does.

use crate::settings::SettingsError;
use serde::{Deserialize, Serialize};

/// When the shop order is marked as invoiced (tag `fortnox-invoiced`, `invoiced` field).
/// Whatever the choice, a (partly) paid or credited invoice counts as invoiced and a cancelled
/// one does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MarkInvoicedOn {
    /// As soon as the invoice exists in Fortnox.
    Created,
    /// When Fortnox reports it `Sent` (the peers' "mark invoiced on send").
    Sent,
    /// When Fortnox reports it `Booked`. The default: a booked invoice is final (in the
    /// ledger, no longer editable), and with the default settings fortsync neither sends nor
    /// books, so the flag follows the merchant's own booking.
    #[default]
    Booked,
}

/// Invoice status written back to the shop. Left out of the stored JSON while it is the
/// default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusSettings {
    /// `created`, `sent` or `booked` (default).
    pub mark_invoiced_on: MarkInvoicedOn,
    /// Move a WooCommerce order to `woo_status_on_paid` when its invoice is paid. Default
    /// true. Never moved back when a payment is later deleted.
    pub complete_order_on_paid: bool,
    /// The WooCommerce status slug (without `wc-`) for paid orders; default `completed`.
    pub woo_status_on_paid: String,
    /// Write `fortnox-…` status tags (Shopify tags, WooCommerce order tags). Default true.
    pub tags: bool,
    /// Credit limit per customer (balance + uninvoiced orders), in the company's currency;
    /// over it, the customer's balance fields carry a warning. Default none.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub credit_limit: Option<rust_decimal::Decimal>,
    /// Write each customer's balance, overdue amount and open items to the shop customer
    /// (Shopify metafields, WooCommerce customer meta) when their invoices change. Default true.
    pub customer_balance: bool,
}

impl Default for StatusSettings {
    fn default() -> Self {
        Self {
            mark_invoiced_on: MarkInvoicedOn::Booked,
            complete_order_on_paid: true,
            woo_status_on_paid: "completed".into(),
            tags: true,
            credit_limit: None,
            customer_balance: true,
        }
    }
}

/// Statuses that contradict "paid" (the order would look failed or refunded).
const CONTRADICTING: &[&str] = &[
    "pending",
    "failed",
    "cancelled",
    "refunded",
    "checkout-draft",
];

impl StatusSettings {
    /// Whether nothing is configured (the stored settings then leave `status` out).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// Checks the WooCommerce status slug; the error names the field (`status.…`).
    pub fn validate(&self) -> Result<(), SettingsError> {
        let s = &self.woo_status_on_paid;
        let bad = |reason: &str| SettingsError::BadText {
            field: "status.woo_status_on_paid".into(),
            reason: reason.to_owned(),
        };
        // Why 17: WooCommerce stores "wc-" + slug in a 20-character column.
        if s.is_empty() || s.len() > 17 {
            return Err(bad("must be a WooCommerce status slug of 1-17 characters"));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(bad(
                "only a-z, 0-9, '-' and '_' (a status slug, e.g. completed)",
            ));
        }
        if s.starts_with("wc-") {
            return Err(bad("give the slug without the wc- prefix"));
        }
        if CONTRADICTING.contains(&s.as_str()) {
            return Err(bad(&format!("{s:?} contradicts a paid invoice")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let s = StatusSettings::default();
        assert!(s.is_default());
        s.validate().unwrap();
        assert_eq!(s.mark_invoiced_on, MarkInvoicedOn::Booked);
    }

    #[test]
    fn slugs_are_checked() {
        for (slug, ok) in [
            ("completed", true),
            ("shipped", true),
            ("wc-completed", false),
            ("Completed", false),
            ("", false),
            ("refunded", false),
            ("a-very-long-status-x", false),
        ] {
            let s = StatusSettings {
                woo_status_on_paid: slug.into(),
                ..Default::default()
            };
            assert_eq!(s.validate().is_ok(), ok, "{slug}");
        }
    }
}
