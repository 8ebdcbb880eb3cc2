//! The per-order state machine. Every Fortnox write is bracketed: the record moves to a
//! `*Pending`-style state *before* the write and to the result state after it, so a retry that
//! finds `DocumentPending` knows an earlier attempt may have created the document and looks it
//! up by its external reference before writing again.

use crate::ErrorClass;
use crate::followup::RefundRecord;
use crate::ids::{OrderId, TenantId};
use crate::order::Order;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Accepted by the webhook, queued.
    Received,
    /// Fortnox customer found or created.
    CustomerReady,
    /// About to create (or maybe created) the document.
    DocumentPending,
    /// The document exists; bookkeeping, sending or the payment (per settings) remain.
    Finishing,
    /// Document exists in Fortnox and is recorded here.
    DocumentCreated,
    /// Settings say no document; the customer is synced.
    Skipped,
    /// A permanent error: a person must act (see `last_error`), then replay.
    Failed,
    /// Waiting for the tenant to reconnect to Fortnox; resumes at `parked_from`.
    Parked,
    /// Cancelled in the shop before any document was written: nothing to do in Fortnox.
    Cancelled,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::CustomerReady => "customer_ready",
            Self::DocumentPending => "document_pending",
            Self::Finishing => "finishing",
            Self::DocumentCreated => "document_created",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
            Self::Parked => "parked",
            Self::Cancelled => "cancelled",
        }
    }

    /// The document step is behind this order (follow-ups, see [`OrderRecord::next_step`],
    /// may still be open).
    pub fn is_done(self) -> bool {
        matches!(
            self,
            Self::DocumentCreated | Self::Skipped | Self::Cancelled
        )
    }

    /// Allowed transitions. `Failed` can be left only by a replay, which restarts at
    /// `Received` and keeps every number already recorded.
    pub fn can_move_to(self, next: OrderState) -> bool {
        use OrderState::*;
        matches!(
            (self, next),
            (Received, CustomerReady)
                | (CustomerReady, DocumentPending)
                | (CustomerReady, Skipped)
                | (DocumentPending, DocumentCreated)
                | (DocumentPending, Finishing)
                | (Finishing, DocumentCreated)
                | (
                    Received | CustomerReady | DocumentPending | Finishing,
                    Failed
                )
                | (Failed, Received)
                | (Received | CustomerReady | Failed, Cancelled)
                | (
                    Received
                        | CustomerReady
                        | DocumentPending
                        | Finishing
                        | DocumentCreated
                        | Skipped,
                    Parked
                )
                | (
                    Parked,
                    Received
                        | CustomerReady
                        | DocumentPending
                        | Finishing
                        | DocumentCreated
                        | Skipped
                )
        )
    }
}

/// What the worker should do next for a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    MatchCustomer,
    /// `lookup_first`: an earlier attempt may have created the document.
    CreateDocument {
        lookup_first: bool,
    },
    Done,
    /// Stopped on a permanent error; only a replay continues it.
    Stopped,
    /// Parked until the tenant reconnects.
    Parked,
    /// Bookkeep, send and register the payment as the settings ask.
    Finish,
    /// Cancelled in the shop before any document: stop without one.
    CancelBeforeDocument,
    /// Cancelled in the shop after the document: cancel it (credit it when booked).
    CancelDocument,
    /// A newer version of the order arrived after its document was written.
    Amend,
    /// Refunds to write as credit documents.
    Refund,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub class: ErrorClass,
    /// Fortnox error code, when Fortnox gave one.
    pub code: Option<u64>,
    pub message: String,
    /// What the merchant can do about it.
    pub advice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    pub tenant: TenantId,
    pub order_id: OrderId,
    pub state: OrderState,
    /// Optimistic-concurrency version, bumped on every save.
    pub version: u64,
    pub order: Order,
    pub customer_number: Option<String>,
    pub document_number: Option<String>,
    pub fortnox_total: Option<Decimal>,
    /// Fortnox total minus shop total, when they differ: surfaced, never silently accepted.
    pub total_difference: Option<Decimal>,
    pub settings_version: Option<u32>,
    /// Set when a document create was first attempted; never cleared, so every later attempt
    /// (also after a replay) looks the document up before creating one.
    #[serde(default)]
    pub document_attempted: bool,
    /// Single-flight lease over the order's processing (epoch seconds).
    #[serde(default)]
    pub lease_until: Option<i64>,
    /// The invoice made from the order (document type `order_then_invoice`).
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// Set before `createinvoice` is called; a retry then looks the invoice up first.
    #[serde(default)]
    pub invoice_attempted: bool,
    /// Post-document steps done (per settings).
    #[serde(default)]
    pub bookkept: bool,
    #[serde(default)]
    pub sent: bool,
    #[serde(default)]
    pub payment_number: Option<String>,
    #[serde(default)]
    pub payment_bookkept: bool,
    /// Set before the first post-document step; a retry then reads Fortnox's state first, so
    /// nothing is booked, e-mailed or paid twice.
    #[serde(default)]
    pub finishing_attempted: bool,
    /// Where a parked order resumes.
    #[serde(default)]
    pub parked_from: Option<OrderState>,
    /// Refunds received, in arrival order, each with its own progress.
    #[serde(default)]
    pub refunds: Vec<RefundRecord>,
    /// The order's cancellation has been carried to Fortnox (cancelled or credited).
    #[serde(default)]
    pub cancel_done: bool,
    /// A newer version of the order arrived after its document was written; the worker
    /// compares it with what was written and updates, flags or reissues.
    #[serde(default)]
    pub revision_pending: bool,
    /// Hash of the document as last written (what an edit is compared with).
    #[serde(default)]
    pub written_hash: Option<String>,
    /// The credit invoice of this order's invoice, when there is one (refund, cancel, reissue).
    #[serde(default)]
    pub credit_number: Option<String>,
    /// Set before the credit is asked for; a retry reads the invoice's credit reference first.
    #[serde(default)]
    pub credit_attempted: bool,
    /// Documents replaced by a reissue (credited in full), oldest first.
    #[serde(default)]
    pub replaced_documents: Vec<String>,
    /// Something a person must look at that is not a failure (e.g. an edit after booking).
    #[serde(default)]
    pub flag: Option<String>,
    /// The kind of document written (settings may change later; follow-ups act on what is
    /// in Fortnox).
    #[serde(default)]
    pub document_kind: Option<crate::settings::DocumentKind>,
    /// The invoice status last written to the shop (what the next one is compared with).
    #[serde(default)]
    pub shop_status: Option<crate::status::DocumentStatus>,
    pub attempts: u32,
    pub last_error: Option<Failure>,
    /// RFC 3339.
    pub received_at: String,
    pub updated_at: String,
}

impl OrderRecord {
    pub fn new(tenant: TenantId, order: Order, now: &str) -> Self {
        Self {
            tenant,
            order_id: order.id.clone(),
            state: OrderState::Received,
            version: 0,
            order,
            customer_number: None,
            document_number: None,
            fortnox_total: None,
            total_difference: None,
            settings_version: None,
            document_attempted: false,
            lease_until: None,
            parked_from: None,
            refunds: Vec::new(),
            cancel_done: false,
            revision_pending: false,
            written_hash: None,
            credit_number: None,
            credit_attempted: false,
            replaced_documents: Vec::new(),
            flag: None,
            document_kind: None,
            shop_status: None,
            invoice_number: None,
            invoice_attempted: false,
            bookkept: false,
            sent: false,
            payment_number: None,
            payment_bookkept: false,
            finishing_attempted: false,
            attempts: 0,
            last_error: None,
            received_at: now.to_owned(),
            updated_at: now.to_owned(),
        }
    }

    pub fn next_step(&self) -> NextStep {
        match self.state {
            OrderState::Received | OrderState::CustomerReady
                if self.order.cancelled && !self.document_attempted =>
            {
                NextStep::CancelBeforeDocument
            }
            OrderState::Received => NextStep::MatchCustomer,
            OrderState::CustomerReady => NextStep::CreateDocument {
                lookup_first: self.document_attempted,
            },
            OrderState::DocumentPending => NextStep::CreateDocument { lookup_first: true },
            OrderState::DocumentCreated | OrderState::Skipped => self.follow_up(),
            OrderState::Cancelled => NextStep::Done,
            OrderState::Failed => NextStep::Stopped,
            OrderState::Parked => NextStep::Parked,
            OrderState::Finishing => NextStep::Finish,
        }
    }

    /// What remains after the document: the cancellation first (it settles everything), then an
    /// edit, then refunds.
    fn follow_up(&self) -> NextStep {
        if self.order.cancelled && !self.cancel_done {
            NextStep::CancelDocument
        } else if self.revision_pending && !self.order.cancelled {
            NextStep::Amend
        } else if self.refunds.iter().any(RefundRecord::is_open) {
            NextStep::Refund
        } else {
            NextStep::Done
        }
    }

    /// Work is left for the worker (a duplicate job is otherwise a no-op).
    pub fn has_work(&self) -> bool {
        !matches!(self.next_step(), NextStep::Done | NextStep::Stopped)
    }

    /// Park the order until the tenant reconnects, remembering where to resume.
    pub fn park(&mut self, now: &str) -> Result<(), IllegalTransition> {
        let from = self.state;
        self.advance(OrderState::Parked, now)?;
        self.parked_from = Some(from);
        Ok(())
    }

    /// Resume a parked order where it stopped.
    pub fn unpark(&mut self, now: &str) -> Result<(), IllegalTransition> {
        let to = self.parked_from.unwrap_or(OrderState::Received);
        self.advance(to, now)?;
        self.parked_from = None;
        Ok(())
    }

    /// Move to `next`, refusing transitions the machine does not allow.
    pub fn advance(&mut self, next: OrderState, now: &str) -> Result<(), IllegalTransition> {
        if !self.state.can_move_to(next) {
            return Err(IllegalTransition {
                from: self.state,
                to: next,
            });
        }
        if next == OrderState::DocumentPending {
            self.document_attempted = true;
        }
        self.state = next;
        self.updated_at = now.to_owned();
        Ok(())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("illegal order transition {from:?} → {to:?}")]
pub struct IllegalTransition {
    pub from: OrderState,
    pub to: OrderState,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generic;

    fn record() -> OrderRecord {
        let body = r#"{"id": 5, "created_at": "2026-11-20", "currency": "SEK", "prices_include_tax": true,
            "customer": {"email": "a@b.se", "name": "A"},
            "billing_address": {"line1": "x", "zip": "1", "city": "y", "country": "SE"},
            "lines": [{"name": "n", "quantity": 1, "unit_price": 1, "vat_rate": 25}], "total": 1}"#;
        let order = generic::parse(body.as_bytes()).unwrap();
        OrderRecord::new(TenantId::parse("t").unwrap(), order, "2026-11-20T00:00:00Z")
    }

    #[test]
    fn happy_path_walks_customer_then_document() {
        let mut r = record();
        assert_eq!(r.next_step(), NextStep::MatchCustomer);
        r.advance(OrderState::CustomerReady, "t1").unwrap();
        assert_eq!(
            r.next_step(),
            NextStep::CreateDocument {
                lookup_first: false
            }
        );
        r.advance(OrderState::DocumentPending, "t2").unwrap();
        assert_eq!(
            r.next_step(),
            NextStep::CreateDocument { lookup_first: true }
        );
        r.advance(OrderState::DocumentCreated, "t3").unwrap();
        assert_eq!(r.next_step(), NextStep::Done);
        assert!(r.state.is_done());
    }

    #[test]
    fn follow_ups_come_after_the_document_cancellation_first() {
        use crate::followup::{RefundRecord, RefundState};
        let mut r = record();
        r.advance(OrderState::CustomerReady, "t").unwrap();
        r.advance(OrderState::DocumentPending, "t").unwrap();
        r.advance(OrderState::DocumentCreated, "t").unwrap();
        assert!(!r.has_work());
        let refund = crate::order::Refund {
            id: "1".into(),
            order_id: r.order_id.clone(),
            date: "2026-11-21".into(),
            lines: vec![],
            charges: vec![],
            amount: rust_decimal::Decimal::ONE,
            note: None,
        };
        r.refunds.push(RefundRecord::new(refund, "t"));
        assert_eq!(r.next_step(), NextStep::Refund);
        r.revision_pending = true;
        assert_eq!(r.next_step(), NextStep::Amend);
        r.order.cancelled = true;
        assert_eq!(r.next_step(), NextStep::CancelDocument);
        r.cancel_done = true;
        assert_eq!(
            r.next_step(),
            NextStep::Refund,
            "no edit of a cancelled order"
        );
        r.refunds[0].state = RefundState::Done;
        assert_eq!(r.next_step(), NextStep::Done);
    }

    #[test]
    fn an_order_cancelled_before_its_document_stops_without_one() {
        let mut r = record();
        r.order.cancelled = true;
        assert_eq!(r.next_step(), NextStep::CancelBeforeDocument);
        r.advance(OrderState::Cancelled, "t").unwrap();
        assert_eq!(r.next_step(), NextStep::Done);
        assert!(r.state.is_done());
    }

    #[test]
    fn illegal_transitions_are_refused() {
        let mut r = record();
        assert!(r.advance(OrderState::DocumentCreated, "t").is_err());
        r.advance(OrderState::Failed, "t").unwrap();
        assert_eq!(r.next_step(), NextStep::Stopped);
        assert!(r.advance(OrderState::CustomerReady, "t").is_err());
        r.advance(OrderState::Received, "t").unwrap();
    }

    #[test]
    fn a_parked_order_resumes_where_it_stopped() {
        let mut r = record();
        r.advance(OrderState::CustomerReady, "t").unwrap();
        r.park("t").unwrap();
        assert_eq!(r.next_step(), NextStep::Parked);
        assert!(!r.state.is_done());
        r.unpark("t").unwrap();
        assert_eq!(r.state, OrderState::CustomerReady);
        assert_eq!(r.parked_from, None);
        assert!(r.clone().park("t").is_ok());
        r.advance(OrderState::DocumentPending, "t").unwrap();
        r.advance(OrderState::DocumentCreated, "t").unwrap();
        assert!(
            r.clone().park("t").is_ok(),
            "a finished order parks only for follow-ups (refunds, edits)"
        );
        r.advance(OrderState::Failed, "t").unwrap_err();
    }

    #[test]
    fn a_replayed_order_looks_up_its_document_before_creating_again() {
        let mut r = record();
        r.advance(OrderState::CustomerReady, "t").unwrap();
        r.advance(OrderState::DocumentPending, "t").unwrap();
        r.advance(OrderState::Failed, "t").unwrap();
        r.advance(OrderState::Received, "t").unwrap();
        r.advance(OrderState::CustomerReady, "t").unwrap();
        assert_eq!(
            r.next_step(),
            NextStep::CreateDocument { lookup_first: true }
        );
    }
}
