//! After the document: the shop cancelled, edited or refunded an order fortsync already wrote
//! to Fortnox. Every write is bracketed like the document's (a marker before, the result
//! after), so a retry reads Fortnox before it writes again.
//!
//! - **Cancel**: an unbooked invoice or order is cancelled; a booked invoice is credited in
//!   full (Fortnox cannot cancel it); an invoice already credited is flagged for a person.
//! - **Edit**: the order is mapped again and compared with what was written (a hash); an
//!   unbooked document is updated in place (`RowId`s kept for unchanged rows); a locked one is
//!   flagged, or credited and reissued (`edits_after_booking`).
//! - **Refund**: see `fortsync_domain::followup` (credit first, negative invoices after).
//!
//! A permanent refusal of a follow-up is recorded on it (and flagged), never a reason to mark
//! the whole order failed: its document is fine.

use super::{StepError, Trail, WorkerDeps, hash_of_document};
use crate::ports::{Accounting, CreatedDocument, Updated};
use fortsync_domain::error::{Classify, ErrorClass};
use fortsync_domain::followup::{RefundMethod, RefundState, map_refund, refund_reference};
use fortsync_domain::mapping::{KnownArticles, MapContext, Mapped};
use fortsync_domain::settings::{DocumentKind, EditsAfterBooking};
use fortsync_domain::state::OrderRecord;
use fortsync_domain::tenant::Tenant;
use std::collections::HashSet;

/// What is in Fortnox for the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Written {
    Nothing,
    Invoice(String),
    Order(String),
}

pub(super) fn written(tenant: &Tenant, rec: &OrderRecord) -> Written {
    if let Some(n) = &rec.invoice_number {
        return Written::Invoice(n.clone());
    }
    let Some(n) = rec.document_number.clone() else {
        return Written::Nothing;
    };
    match rec.document_kind.unwrap_or(tenant.settings.document) {
        DocumentKind::Invoice => Written::Invoice(n),
        DocumentKind::Order | DocumentKind::OrderThenInvoice => Written::Order(n),
        DocumentKind::None => Written::Nothing,
    }
}

/// Run `step`; a permanent error is handed to `park` (recorded on the follow-up) instead of
/// failing the order.
pub(super) fn contain(
    result: Result<(), StepError>,
    trail: &mut Trail,
    what: &str,
    park: impl FnOnce(String),
) -> Result<(), StepError> {
    match result {
        Err(e) if e.failure().class == ErrorClass::Permanent => {
            let f = e.failure();
            let reason = match f.advice {
                Some(a) => format!("{}: {} ({a})", what, f.message),
                None => format!("{}: {}", what, f.message),
            };
            trail.step(what, "failed", Some(reason.clone()));
            park(reason);
            Ok(())
        }
        other => other,
    }
}

/// Credit the invoice in full, once: a retry reads the invoice's credit reference first.
async fn credit_in_full(
    deps: &WorkerDeps,
    rec: &mut OrderRecord,
    invoice: &str,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<String, StepError> {
    if let Some(c) = rec.credit_number.clone() {
        return Ok(c);
    }
    if rec.credit_attempted
        && let Some(c) = fortnox.invoice_status(invoice).await?.credit_number
    {
        trail.step(
            "credit",
            "found_existing",
            Some(format!("credit invoice {c}")),
        );
        rec.credit_number = Some(c.clone());
        deps.orders.save_order(rec).await?;
        return Ok(c);
    }
    rec.credit_attempted = true;
    deps.orders.save_order(rec).await?;
    let c = fortnox.credit_invoice(invoice).await?;
    trail.step(
        "credit",
        "created",
        Some(format!("credit invoice {c} of invoice {invoice}")),
    );
    rec.credit_number = Some(c.clone());
    deps.orders.save_order(rec).await?;
    Ok(c)
}

pub(super) async fn cancel(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    let invoice = match written(tenant, rec) {
        Written::Nothing => {
            trail.step(
                "cancel",
                "nothing_to_do",
                Some("no Fortnox document".into()),
            );
            return Ok(());
        }
        Written::Invoice(n) => n,
        Written::Order(n) => {
            let st = fortnox.order_status(&n).await?;
            match st.invoice_number {
                // Invoiced in Fortnox meanwhile: the invoice is what must go.
                Some(inv) => inv,
                None if st.cancelled => {
                    trail.step("cancel", "already", Some(format!("order {n}")));
                    return Ok(());
                }
                None => {
                    fortnox.cancel_order(&n).await?;
                    trail.step("cancel", "cancelled", Some(format!("order {n}")));
                    return Ok(());
                }
            }
        }
    };
    let st = fortnox.invoice_status(&invoice).await?;
    if st.cancelled {
        trail.step("cancel", "already", Some(format!("invoice {invoice}")));
    } else if let Some(c) = st.credit_number {
        if rec.credit_number.as_deref() == Some(c.as_str()) && !rec.credit_attempted {
            trail.step("cancel", "already", Some(format!("credited by {c}")));
        } else {
            rec.credit_number.get_or_insert(c.clone());
            let note = format!(
                "The order was cancelled in the shop but invoice {invoice} was already credited by {c} (a refund): check that nothing remains to credit"
            );
            trail.step("cancel", "flagged", Some(note.clone()));
            rec.flag = Some(note);
        }
    } else if st.booked {
        let c = credit_in_full(deps, rec, &invoice, fortnox, trail).await?;
        if tenant.settings.bookkeep {
            fortnox.bookkeep_invoice(&c).await?;
            trail.step("credit", "bookkept", Some(format!("credit invoice {c}")));
        }
    } else {
        fortnox.cancel_invoice(&invoice).await?;
        trail.step("cancel", "cancelled", Some(format!("invoice {invoice}")));
    }
    Ok(())
}

fn ctx<'a>(tenant: &Tenant, rec: &'a OrderRecord, known: &'a HashSet<String>) -> MapContext<'a> {
    MapContext {
        customer_number: rec.customer_number.as_deref(),
        articles: KnownArticles::Set(known),
        rounding: tenant.rounding,
    }
}

fn check_total(trail: &mut Trail, what: &str, doc: &CreatedDocument, mapped: &Mapped) -> bool {
    let difference = doc.total - mapped.shop_total;
    if !difference.is_zero() {
        trail.step(
            "total_check",
            "mismatch",
            Some(format!(
                "{what} {}: Fortnox total {} differs from the shop's {} by {difference}",
                doc.number, doc.total, mapped.shop_total
            )),
        );
    }
    difference.is_zero()
}

pub(super) async fn amend(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    known: &HashSet<String>,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    let written = written(tenant, rec);
    if written == Written::Nothing {
        trail.step("edit", "nothing_to_do", Some("no Fortnox document".into()));
        return Ok(());
    }
    let mapped = super::map(tenant, rec, known)?;
    let hash = hash_of_document(&mapped);
    if rec.written_hash.as_deref() == Some(hash.as_str()) {
        trail.step(
            "edit",
            "unchanged",
            Some("the shop's change does not alter the Fortnox document".into()),
        );
        return Ok(());
    }
    let (what, number, answer) = match &written {
        Written::Invoice(n) => (
            "invoice",
            n.clone(),
            fortnox.update_invoice(n, &mapped.document).await?,
        ),
        Written::Order(n) => (
            "order",
            n.clone(),
            fortnox.update_order(n, &mapped.document).await?,
        ),
        Written::Nothing => return Ok(()),
    };
    match answer {
        Updated::Done(doc) => {
            trail.step(
                "edit",
                "updated",
                Some(format!("{what} {number} total {}", doc.total)),
            );
            let exact = check_total(trail, what, &doc, &mapped);
            rec.total_difference = (!exact).then_some(doc.total - mapped.shop_total);
            rec.fortnox_total = Some(doc.total);
            rec.written_hash = Some(hash);
        }
        Updated::Locked(st) => {
            let why = if st.cancelled {
                "cancelled"
            } else if st.credit_number.is_some() {
                "credited"
            } else if st.invoice_number.is_some() {
                "invoiced"
            } else {
                "booked"
            };
            let reissue = tenant.settings.edits_after_booking
                == EditsAfterBooking::CreditAndReissue
                && what == "invoice"
                && st.booked
                && !st.cancelled
                && st.credit_number.is_none();
            if reissue {
                reissue_invoice(deps, tenant, rec, &number, mapped, hash, fortnox, trail).await?;
            } else {
                let note = format!(
                    "The order changed in the shop after {what} {number} was {why}; Fortnox was left unchanged: correct it there (or credit it) by hand"
                );
                trail.step("edit", "flagged", Some(note.clone()));
                rec.flag = Some(note);
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn reissue_invoice(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    old: &str,
    mut mapped: Mapped,
    hash: String,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    let credit = credit_in_full(deps, rec, old, fortnox, trail).await?;
    if tenant.settings.bookkeep {
        fortnox.bookkeep_invoice(&credit).await?;
    }
    let key = format!("reissue:{}", rec.replaced_documents.len() + 1);
    mapped.document.external_reference2 = Some(key.clone());
    let found = fortnox
        .find_invoice_by_references(&mapped.document.external_reference, &key)
        .await?;
    let doc = match found {
        Some(doc) => doc,
        None => fortnox.create_invoice(&mapped.document).await?,
    };
    trail.step(
        "edit",
        "reissued",
        Some(format!(
            "invoice {old} credited by {credit}; invoice {} replaces it",
            doc.number
        )),
    );
    check_total(trail, "invoice", &doc, &mapped);
    rec.replaced_documents.push(old.to_owned());
    if rec.invoice_number.is_some() {
        rec.invoice_number = Some(doc.number.clone());
    } else {
        rec.document_number = Some(doc.number.clone());
    }
    rec.fortnox_total = Some(doc.total);
    rec.written_hash = Some(hash);
    // The new invoice has its own (one) credit to give.
    rec.credit_number = None;
    rec.credit_attempted = false;
    rec.bookkept = false;
    rec.sent = false;
    deps.orders.save_order(rec).await?;
    if tenant.settings.bookkeep {
        fortnox.bookkeep_invoice(&doc.number).await?;
        rec.bookkept = true;
    }
    Ok(())
}

/// Carry the first open refund to Fortnox.
pub(super) async fn refund(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    known: &HashSet<String>,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    let Some(i) = rec.refunds.iter().position(|r| r.is_open()) else {
        return Ok(());
    };
    let refund = rec.refunds[i].refund.clone();
    let refund_id = refund.id.clone();
    let skip = |rec: &mut OrderRecord, trail: &mut Trail, why: String| {
        trail.step(
            "refund",
            "skipped",
            Some(format!("refund {refund_id}: {why}")),
        );
        rec.refunds[i].state = RefundState::Skipped;
        rec.refunds[i].note = Some(why);
    };
    if rec.order.cancelled && rec.cancel_done {
        skip(
            rec,
            trail,
            "the order was cancelled and its document cancelled or credited".into(),
        );
        return Ok(());
    }
    let mut target = written(tenant, rec);
    if target == Written::Nothing {
        skip(rec, trail, "no Fortnox document to credit".into());
        return Ok(());
    }
    let refund = match with_lines(deps, tenant, rec, &refund, trail).await? {
        Some(detailed) => {
            rec.refunds[i].refund = detailed.clone();
            detailed
        }
        None => refund,
    };
    let mapped = map_refund(
        &tenant.id,
        &rec.order,
        &refund,
        &tenant.settings,
        &ctx(tenant, rec, known),
    )?;
    for w in &mapped.warnings {
        trail.step("refund", "warning", Some(w.clone()));
    }
    if mapped.document.rows.is_empty() || mapped.shop_total.is_zero() {
        skip(rec, trail, "nothing refunded".into());
        return Ok(());
    }
    if let Written::Order(n) = &target {
        match order_rows(deps, rec, i, n, &mapped, fortnox, trail).await? {
            Some(invoice) => target = Written::Invoice(invoice),
            None => return Ok(()),
        }
    }
    let Written::Invoice(invoice) = target else {
        return Ok(());
    };
    let first = rec.refunds[i].method == Some(RefundMethod::CreditInvoice)
        || (rec.refunds[i].method.is_none()
            && rec.credit_number.is_none()
            && !rec.credit_attempted);
    if first {
        credit_refund(deps, tenant, rec, i, &invoice, mapped, fortnox, trail).await
    } else {
        negative_invoice(deps, tenant, rec, i, &invoice, mapped, fortnox, trail).await
    }
}

/// A refund announced without lines (WooCommerce's order-body summaries): its lines from the
/// shop's refund resource, so the credit names what came back instead of a pro-rata split.
/// `None` when the shop has no more to say (then the amount is credited pro rata).
async fn with_lines(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &OrderRecord,
    refund: &fortsync_domain::order::Refund,
    trail: &mut Trail,
) -> Result<Option<fortsync_domain::order::Refund>, StepError> {
    use fortsync_domain::order::Platform;
    let woo = tenant
        .shop
        .as_ref()
        .is_some_and(|l| l.platform == Platform::Woocommerce);
    let (true, Some(sync)) = (
        woo && refund.lines.is_empty() && refund.charges.is_empty(),
        &deps.sync,
    ) else {
        return Ok(None);
    };
    let fetched = async {
        let shop = sync.shops.shop(tenant).await?;
        shop.order_refunds(rec.order_id.as_str()).await
    }
    .await;
    let bodies = match fetched {
        Ok(b) => b,
        Err(e) if e.class() == ErrorClass::Retryable => {
            return Err(crate::ports::AccountingError::retryable(e.to_string()).into());
        }
        Err(e) => {
            trail.step(
                "refund",
                "warning",
                Some(format!("refund lines not read from the shop: {e}")),
            );
            return Ok(None);
        }
    };
    for body in bodies {
        let parsed = fortsync_domain::woocommerce::parse_refund_on_basis(
            rec.order_id.as_str(),
            &body,
            rec.order.prices_include_tax,
        );
        if let Ok(detailed) = parsed
            && detailed.id == refund.id
        {
            trail.step(
                "refund",
                "lines_read",
                Some(format!(
                    "refund {}: {} lines from the shop",
                    refund.id,
                    detailed.lines.len()
                )),
            );
            return Ok(Some(detailed));
        }
    }
    Ok(None)
}

/// A refund of a Fortnox order: its rows added negated. Returns the invoice to credit instead
/// when the order was invoiced in Fortnox meanwhile.
async fn order_rows(
    deps: &WorkerDeps,
    rec: &mut OrderRecord,
    i: usize,
    number: &str,
    mapped: &Mapped,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<Option<String>, StepError> {
    let before = rec.fortnox_total.unwrap_or_default();
    if rec.refunds[i].state == RefundState::Attempted {
        // Added already if the order's total moved by the refund's.
        let st = fortnox.order_status(number).await?;
        if st.invoice_number.is_none() && st.total == before + mapped.expected.total {
            trail.step(
                "refund",
                "found_existing",
                Some(format!("rows on order {number}")),
            );
            finish_refund(rec, i, RefundMethod::OrderRows, number, st.total);
            return Ok(None);
        }
    }
    rec.refunds[i].state = RefundState::Attempted;
    rec.refunds[i].method = Some(RefundMethod::OrderRows);
    deps.orders.save_order(rec).await?;
    match fortnox.add_order_rows(number, &mapped.document).await? {
        Updated::Done(doc) => {
            trail.step(
                "refund",
                "order_rows",
                Some(format!(
                    "refund {} as negative rows on order {number}; order total {}",
                    rec.refunds[i].refund.id, doc.total
                )),
            );
            finish_refund(rec, i, RefundMethod::OrderRows, number, doc.total);
            Ok(None)
        }
        Updated::Locked(st) => match st.invoice_number {
            Some(invoice) => {
                rec.refunds[i].method = None;
                rec.refunds[i].state = RefundState::Pending;
                Ok(Some(invoice))
            }
            None => {
                let why = format!("order {number} is cancelled in Fortnox");
                trail.step("refund", "skipped", Some(why.clone()));
                rec.refunds[i].state = RefundState::Skipped;
                rec.refunds[i].note = Some(why);
                Ok(None)
            }
        },
    }
}

fn finish_refund(
    rec: &mut OrderRecord,
    i: usize,
    method: RefundMethod,
    document: &str,
    total: rust_decimal::Decimal,
) {
    let r = &mut rec.refunds[i];
    r.state = RefundState::Done;
    r.method = Some(method);
    r.document = Some(document.to_owned());
    r.fortnox_total = Some(total);
    if method == RefundMethod::OrderRows {
        rec.fortnox_total = Some(total);
    }
}

#[allow(clippy::too_many_arguments)]
async fn credit_refund(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    i: usize,
    invoice: &str,
    mut mapped: Mapped,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    rec.refunds[i].method = Some(RefundMethod::CreditInvoice);
    rec.refunds[i].state = RefundState::Attempted;
    let credit = credit_in_full(deps, rec, invoice, fortnox, trail).await?;
    rec.refunds[i].document = Some(credit.clone());
    let full = rec
        .fortnox_total
        .is_some_and(|t| -t == mapped.expected.total);
    let total = if full {
        -rec.fortnox_total.unwrap_or_default()
    } else {
        mapped.document.remarks = Some(credit_remark(invoice, &mapped));
        match fortnox.update_invoice(&credit, &mapped.document).await? {
            Updated::Done(doc) => {
                check_total(trail, "credit invoice", &doc, &mapped);
                doc.total
            }
            Updated::Locked(_) => {
                let note = format!(
                    "credit invoice {credit} was booked before fortsync could set it to the refunded rows: it credits the whole invoice {invoice}"
                );
                trail.step("refund", "flagged", Some(note.clone()));
                rec.flag = Some(note);
                -rec.fortnox_total.unwrap_or_default()
            }
        }
    };
    trail.step(
        "refund",
        "credited",
        Some(format!(
            "refund {} on credit invoice {credit} ({total})",
            rec.refunds[i].refund.id
        )),
    );
    finish_refund(rec, i, RefundMethod::CreditInvoice, &credit, total);
    deps.orders.save_order(rec).await?;
    bookkeep_refund(deps, tenant, rec, i, &credit, fortnox, trail).await
}

fn credit_remark(invoice: &str, mapped: &Mapped) -> String {
    match &mapped.document.remarks {
        Some(r) => format!("Kredit av faktura {invoice}. {r}"),
        None => format!("Kredit av faktura {invoice}"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn negative_invoice(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    i: usize,
    invoice: &str,
    mut mapped: Mapped,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    let reference2 = refund_reference(&rec.refunds[i].refund.id);
    let found = if rec.refunds[i].state == RefundState::Attempted {
        fortnox
            .find_invoice_by_references(&mapped.document.external_reference, &reference2)
            .await?
    } else {
        None
    };
    let doc = match found {
        Some(doc) => {
            trail.step(
                "refund",
                "found_existing",
                Some(format!("invoice {}", doc.number)),
            );
            doc
        }
        None => {
            rec.refunds[i].method = Some(RefundMethod::NegativeInvoice);
            rec.refunds[i].state = RefundState::Attempted;
            deps.orders.save_order(rec).await?;
            mapped.document.remarks = Some(credit_remark(invoice, &mapped));
            fortnox.create_invoice(&mapped.document).await?
        }
    };
    check_total(trail, "negative invoice", &doc, &mapped);
    trail.step(
        "refund",
        "negative_invoice",
        Some(format!(
            "refund {} as invoice {} ({}) crediting invoice {invoice}",
            rec.refunds[i].refund.id, doc.number, doc.total
        )),
    );
    finish_refund(
        rec,
        i,
        RefundMethod::NegativeInvoice,
        &doc.number,
        doc.total,
    );
    deps.orders.save_order(rec).await?;
    bookkeep_refund(deps, tenant, rec, i, &doc.number, fortnox, trail).await
}

async fn bookkeep_refund(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    i: usize,
    number: &str,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    if !tenant.settings.bookkeep || rec.refunds[i].bookkept {
        return Ok(());
    }
    if !fortnox.invoice_status(number).await?.booked {
        fortnox.bookkeep_invoice(number).await?;
    }
    rec.refunds[i].bookkept = true;
    trail.step("refund", "bookkept", Some(format!("invoice {number}")));
    deps.orders.save_order(rec).await?;
    Ok(())
}
