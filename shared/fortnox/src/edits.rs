//! Rewriting the rows of an existing (unbooked) document with `RowId` semantics.
//!
//! Fortnox matches update rows by `RowId`; a row without one is new, and rows left out are
//! deleted. Without any `RowId` in the body Fortnox falls back to matching by *position*, which
//! merges a new row's fields onto whatever row stood there (a free-text row would keep the old
//! row's article). So: a wanted row equal to an existing one is sent as `{"RowId": n}` alone
//! (kept untouched), every other row in full. When no row is equal, one new row is written onto
//! an existing row with the same article (every field sent, the discount too), which keeps the
//! body in `RowId` mode; only when no article matches either does the caller first clear the
//! rows (`[]`) and then write the new ones — correct under either matching rule.

use crate::drafts::{invoice_row, order_row};
use crate::models::{DiscountType, InvoiceRow, InvoiceRowWrite, OrderRow, OrderRowWrite};
use fortsync_domain::mapping::DraftRow;
use rust_decimal::Decimal;

/// The fields a row is compared on.
struct Shape<'a> {
    article: Option<&'a str>,
    description: Option<&'a str>,
    quantity: Decimal,
    price: Decimal,
    discount: Decimal,
    vat: Decimal,
    account: Option<u32>,
}

fn same(a: &Shape<'_>, r: &DraftRow) -> bool {
    a.article.filter(|s| !s.is_empty()) == r.article_number.as_deref()
        && a.description == Some(r.description.as_str())
        && a.quantity == r.quantity
        && a.price == r.price
        && a.discount == r.discount
        && a.vat == r.vat
        && a.account == Some(r.account)
}

/// For each wanted row, the `RowId` of an unused equal existing row.
fn keep(existing: &[(Option<u64>, Shape<'_>)], wanted: &[DraftRow]) -> Vec<Option<u64>> {
    let mut used = vec![false; existing.len()];
    wanted
        .iter()
        .map(|w| {
            let hit = existing
                .iter()
                .enumerate()
                .find(|(i, (id, shape))| !used[*i] && id.is_some() && same(shape, w));
            hit.and_then(|(i, (id, _))| {
                used[i] = true;
                *id
            })
        })
        .collect()
}

/// A write row of either document kind: kept by `RowId`, or rewritten in place.
trait RowWrite: Default {
    fn set_row_id(&mut self, row_id: u64);
    /// Send the discount explicitly: a row rewritten in place must not keep an old one.
    fn set_discount(&mut self, discount: Decimal);
}

impl RowWrite for InvoiceRowWrite {
    fn set_row_id(&mut self, row_id: u64) {
        self.row_id = Some(row_id);
    }
    fn set_discount(&mut self, discount: Decimal) {
        self.discount = Some(discount);
        self.discount_type = Some(DiscountType::Amount);
    }
}

impl RowWrite for OrderRowWrite {
    fn set_row_id(&mut self, row_id: u64) {
        self.row_id = Some(row_id);
    }
    fn set_discount(&mut self, discount: Decimal) {
        self.discount = Some(discount);
        self.discount_type = Some(DiscountType::Amount);
    }
}

/// The rows of either kind: equal rows kept by `RowId`, others in full (`full`), and when
/// nothing is equal, one row rewritten onto an existing row of the same article.
fn update_rows<W: RowWrite>(
    shapes: &[(Option<u64>, Shape<'_>)],
    wanted: &[DraftRow],
    full: fn(&DraftRow) -> W,
) -> (Vec<W>, bool) {
    let ids = keep(shapes, wanted);
    let kept = ids.iter().any(Option::is_some);
    let mut rows: Vec<W> = wanted
        .iter()
        .zip(&ids)
        .map(|(w, id)| match id {
            Some(row_id) => {
                let mut row = W::default();
                row.set_row_id(*row_id);
                row
            }
            None => full(w),
        })
        .collect();
    if kept {
        return (rows, true);
    }
    match rebind(shapes, wanted) {
        Some((j, row_id)) => {
            rows[j].set_row_id(row_id);
            rows[j].set_discount(wanted[j].discount);
            (rows, true)
        }
        None => (rows, false),
    }
}

/// A wanted row and an existing row with the same article, to rewrite in place.
fn rebind(existing: &[(Option<u64>, Shape<'_>)], wanted: &[DraftRow]) -> Option<(usize, u64)> {
    wanted.iter().enumerate().find_map(|(j, w)| {
        existing.iter().find_map(|(id, shape)| {
            let article = shape.article.filter(|s| !s.is_empty());
            (article == w.article_number.as_deref())
                .then_some(*id)
                .flatten()
                .map(|id| (j, id))
        })
    })
}

/// The update rows, and whether any existing row is kept (if not, clear the rows first).
pub fn invoice_rows(existing: &[InvoiceRow], wanted: &[DraftRow]) -> (Vec<InvoiceRowWrite>, bool) {
    let shapes: Vec<_> = existing
        .iter()
        .map(|e| {
            let shape = Shape {
                article: e.article_number.as_deref(),
                description: e.description.as_deref(),
                quantity: e.delivered_quantity,
                price: e.price,
                discount: e.discount,
                vat: e.vat,
                account: e.account_number,
            };
            (e.row_id, shape)
        })
        .collect();
    update_rows(&shapes, wanted, invoice_row)
}

/// [`invoice_rows`] for orders (quantities compared as ordered).
pub fn order_rows(existing: &[OrderRow], wanted: &[DraftRow]) -> (Vec<OrderRowWrite>, bool) {
    let shapes: Vec<_> = existing
        .iter()
        .map(|e| {
            let shape = Shape {
                article: e.article_number.as_deref(),
                description: e.description.as_deref(),
                quantity: e.ordered_quantity,
                price: e.price,
                discount: e.discount,
                vat: e.vat,
                account: e.account_number,
            };
            (e.row_id, shape)
        })
        .collect();
    update_rows(&shapes, wanted, order_row)
}

/// Every existing order row kept as it is, then `added` (e.g. a refund's negative rows).
pub fn order_rows_plus(existing: &[OrderRow], added: &[DraftRow]) -> Vec<OrderRowWrite> {
    existing
        .iter()
        .filter_map(|e| e.row_id)
        .map(|row_id| OrderRowWrite {
            row_id: Some(row_id),
            ..OrderRowWrite::default()
        })
        .chain(added.iter().map(order_row))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fortsync_domain::mapping::RowKind;
    use rust_decimal_macros::dec;

    fn draft(desc: &str, qty: Decimal) -> DraftRow {
        DraftRow {
            kind: RowKind::Article,
            article_number: Some("A1".into()),
            description: desc.into(),
            quantity: qty,
            price: dec!(100),
            discount: Decimal::ZERO,
            vat: dec!(25),
            account: 3001,
        }
    }

    fn existing(id: u64, desc: &str, qty: Decimal) -> InvoiceRow {
        let json = serde_json::json!({
            "RowId": id, "ArticleNumber": "A1", "Description": desc,
            "DeliveredQuantity": qty.to_string(), "Price": 100, "Discount": 0, "VAT": 25,
            "AccountNumber": 3001
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn unchanged_rows_are_kept_by_row_id_and_changed_ones_sent_in_full() {
        let old = [existing(7, "Tröja", dec!(2)), existing(8, "Mössa", dec!(1))];
        let wanted = [draft("Tröja", dec!(2)), draft("Mössa", dec!(3))];
        let (rows, kept) = invoice_rows(&old, &wanted);
        assert!(kept);
        assert_eq!(rows[0].row_id, Some(7));
        assert_eq!(
            rows[0].description, None,
            "kept rows carry only their RowId"
        );
        assert_eq!(rows[1].row_id, None);
        assert_eq!(rows[1].delivered_quantity, Some(dec!(3)));
    }

    #[test]
    fn an_existing_row_is_kept_at_most_once() {
        let old = [existing(7, "Tröja", dec!(1))];
        let wanted = [draft("Tröja", dec!(1)), draft("Tröja", dec!(1))];
        let (rows, _) = invoice_rows(&old, &wanted);
        assert_eq!(rows[0].row_id, Some(7));
        assert_eq!(rows[1].row_id, None);
    }

    #[test]
    fn with_nothing_equal_a_row_of_the_same_article_is_rewritten_in_place() {
        let old = [existing(7, "Tröja", dec!(1))];
        let (rows, kept) = invoice_rows(&old, &[draft("Byxa", dec!(1))]);
        assert!(kept);
        assert_eq!(rows[0].row_id, Some(7));
        assert_eq!(rows[0].description.as_deref(), Some("Byxa"));
        assert_eq!(
            rows[0].discount,
            Some(Decimal::ZERO),
            "an old discount must not survive"
        );
    }

    #[test]
    fn with_no_article_in_common_the_caller_clears_first() {
        let old = [existing(7, "Tröja", dec!(1))];
        let mut free = draft("Presentkort", dec!(1));
        free.article_number = None;
        let (rows, kept) = invoice_rows(&old, &[free]);
        assert!(!kept);
        assert_eq!(rows[0].row_id, None);
    }
}
