//! Ports: one small trait per capability. Each has an AWS (or HTTP) adapter and an in-memory
//! twin; use cases take only the ports they need.

use async_trait::async_trait;
use fortsync_domain::document::CustomerDraft;
use fortsync_domain::error::{Classify, ErrorClass};
use fortsync_domain::job::Job;
use fortsync_domain::mapping::{ArticleDraft, DocumentDraft};
use fortsync_domain::settings::SendMode;
use fortsync_domain::state::{Failure, OrderRecord, OrderState};
use fortsync_domain::tenant::Tenant;
use fortsync_domain::{OrderId, TenantId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// Optimistic concurrency lost: someone else saved first.
    #[error("the record changed concurrently")]
    Conflict,
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("state store unavailable: {0}")]
    Unavailable(String),
}

impl Classify for StoreError {
    fn class(&self) -> ErrorClass {
        match self {
            StoreError::Corrupt(_) => ErrorClass::Permanent,
            StoreError::Conflict | StoreError::Unavailable(_) => ErrorClass::Retryable,
        }
    }
}

#[async_trait]
pub trait TenantStore: Send + Sync {
    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError>;
    /// Create or replace.
    async fn put_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    /// Every tenant (the hourly sync enumerates them).
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError>;
}

#[async_trait]
pub trait DeliveryLog: Send + Sync {
    /// Record that a webhook delivery was accepted.
    ///
    /// # Contract
    /// MUST return `Ok(false)` when an unexpired claim for the same tenant and key exists
    /// (checked against `now`, not left to TTL deletion), atomically with respect to
    /// concurrent claims: of N concurrent calls exactly one returns `Ok(true)`.
    async fn claim(
        &self,
        tenant: &TenantId,
        key: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError>;
    /// Forget a claim (used when the job could not be queued, so the shop's retry gets in).
    async fn release(&self, tenant: &TenantId, key: &str) -> Result<(), StoreError>;
}

#[async_trait]
pub trait OrderStore: Send + Sync {
    async fn get_order(
        &self,
        tenant: &TenantId,
        id: &OrderId,
    ) -> Result<Option<OrderRecord>, StoreError>;
    /// Insert a new record.
    ///
    /// # Contract
    /// MUST NOT overwrite: returns `Ok(None)` when inserted, `Ok(Some(existing))` when a record
    /// for the order already exists.
    async fn insert_order(&self, record: &OrderRecord) -> Result<Option<OrderRecord>, StoreError>;
    /// Save with optimistic concurrency.
    ///
    /// # Contract
    /// MUST fail with [`StoreError::Conflict`] unless the stored version equals
    /// `record.version`; on success the stored and the passed record carry `version + 1`.
    async fn save_order(&self, record: &mut OrderRecord) -> Result<(), StoreError>;
    /// Every order of the tenant in `state` (e.g. the parked ones to resume after a reconnect).
    async fn orders_in_state(
        &self,
        tenant: &TenantId,
        state: OrderState,
    ) -> Result<Vec<OrderRecord>, StoreError>;
}

/// What fortsync knows of a Fortnox customer: its number and a hash of the data last written
/// (or found), so a repeat customer costs no lookup and is updated only when the shop's data
/// changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerEntry {
    pub number: String,
    pub data_hash: String,
}

/// Article numbers known to exist in a tenant's Fortnox company (filled by the worker when it
/// creates articles and by the register sync): orders map SKUs against it without a Fortnox
/// lookup per row.
#[async_trait]
pub trait ArticleIndex: Send + Sync {
    /// Which of `numbers` are known (at most 100 per call is efficient; more are batched).
    async fn known_articles(
        &self,
        tenant: &TenantId,
        numbers: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError>;
    async fn remember_articles(
        &self,
        tenant: &TenantId,
        numbers: &[String],
    ) -> Result<(), StoreError>;
}

#[async_trait]
pub trait CustomerIndex: Send + Sync {
    /// `key` is the matching key (the e-mail, lower-cased).
    async fn get_customer(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<CustomerEntry>, StoreError>;
    async fn put_customer(
        &self,
        tenant: &TenantId,
        key: &str,
        entry: &CustomerEntry,
    ) -> Result<(), StoreError>;
}

/// One line of an order's audit trail. Never holds tokens, secrets or whole payloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// RFC 3339.
    pub at: String,
    pub step: String,
    pub outcome: String,
    pub detail: Option<String>,
    pub call: Option<ApiCall>,
}

/// A recorded Fortnox call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiCall {
    pub method: String,
    /// Path without query string (queries can hold e-mail addresses).
    pub path: String,
    pub status: Option<u16>,
    pub duration_ms: u64,
    pub fortnox_code: Option<u64>,
}

#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Append entries in order.
    async fn append(
        &self,
        tenant: &TenantId,
        order: &OrderId,
        entries: &[AuditEntry],
    ) -> Result<(), StoreError>;
    /// Oldest first.
    async fn list(&self, tenant: &TenantId, order: &OrderId)
    -> Result<Vec<AuditEntry>, StoreError>;
}

#[derive(Debug, Error)]
#[error("work queue unavailable: {0}")]
pub struct QueueError(pub String);

#[async_trait]
pub trait JobQueue: Send + Sync {
    async fn send(&self, job: &Job) -> Result<(), QueueError>;
}

/// A message received from the work queue (used by the local runner that plays Lambda's
/// event-source mapping; in AWS, Lambda receives and deletes).
#[derive(Debug, Clone)]
pub struct ReceivedMessage {
    pub message_id: String,
    pub receipt: String,
    pub body: String,
    pub receive_count: u32,
}

#[async_trait]
pub trait QueueConsumer: Send + Sync {
    async fn receive(&self, max: usize) -> Result<Vec<ReceivedMessage>, QueueError>;
    async fn delete(&self, receipt: &str) -> Result<(), QueueError>;
    /// Make a message visible again after `delay_secs`.
    async fn retry_after(&self, receipt: &str, delay_secs: u32) -> Result<(), QueueError>;
    /// Messages moved to the dead-letter queue so far.
    async fn dead_letters(&self) -> Result<Vec<String>, QueueError>;
}

/// A secret value; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(***)")
    }
}

#[derive(Debug, Error)]
#[error("secret store unavailable: {0}")]
pub struct SecretError(pub String);

#[async_trait]
pub trait SecretStore: Send + Sync {
    /// The current value, or `None` when no such secret exists.
    async fn get_secret(&self, name: &str) -> Result<Option<SecretString>, SecretError>;
    /// Create or replace (a new current version).
    async fn put_secret(&self, name: &str, value: &SecretString) -> Result<(), SecretError>;
    /// Delete at once (no recovery window: a disconnected tenant's token must be gone). A
    /// missing secret is not an error.
    async fn delete_secret(&self, name: &str) -> Result<(), SecretError>;
}

pub trait Clock: Send + Sync {
    fn now(&self) -> time::OffsetDateTime;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc()
    }
}

/// An error from the accounting system, already classified and explained.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{message}")]
pub struct AccountingError {
    pub class: ErrorClass,
    pub status: Option<u16>,
    pub code: Option<u64>,
    pub message: String,
    pub advice: Option<String>,
}

impl AccountingError {
    fn new(class: ErrorClass, message: impl Into<String>, advice: Option<&str>) -> Self {
        Self {
            class,
            status: None,
            code: None,
            message: message.into(),
            advice: advice.map(str::to_owned),
        }
    }
    pub fn permanent(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Permanent, message, None)
    }
    pub fn retryable(message: impl Into<String>) -> Self {
        Self::new(
            ErrorClass::Retryable,
            message,
            Some("Temporary; fortsync retries automatically."),
        )
    }
    /// The tenant's Fortnox authorisation is gone.
    pub fn needs_reconnect(message: impl Into<String>) -> Self {
        Self::new(
            ErrorClass::NeedsReconnect,
            message,
            Some(
                "Reconnect the shop to Fortnox; waiting orders continue by themselves afterwards.",
            ),
        )
    }

    pub fn to_failure(&self) -> Failure {
        Failure {
            class: self.class,
            code: self.code,
            message: self.message.clone(),
            advice: self.advice.clone(),
        }
    }
}

impl Classify for AccountingError {
    fn class(&self) -> ErrorClass {
        self.class
    }
}

/// What Fortnox answered for a created (or found) document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedDocument {
    pub number: String,
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceProgress {
    pub booked: bool,
    pub sent: bool,
    /// Numbers of the payments registered on the invoice.
    pub payments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDraft {
    pub invoice_number: String,
    pub amount: Decimal,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub mode_of_payment: String,
    pub account: u32,
}

/// What fortsync must know about a written document before changing it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentStatus {
    pub booked: bool,
    pub cancelled: bool,
    pub sent: bool,
    /// On an invoice: its credit invoice, when it has been credited.
    pub credit_number: Option<String>,
    /// On an order: the invoice made from it.
    pub invoice_number: Option<String>,
    pub total: Decimal,
}

impl DocumentStatus {
    /// Fortnox no longer lets the document's rows change.
    pub fn is_locked(&self) -> bool {
        self.booked
            || self.cancelled
            || self.credit_number.is_some()
            || self.invoice_number.is_some()
    }
}

/// The answer to an update of an existing document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Updated {
    Done(CreatedDocument),
    /// Not changed: booked, cancelled, credited or invoiced (the status says which).
    Locked(DocumentStatus),
}

/// A Fortnox session for one tenant.
#[async_trait]
pub trait Accounting: Send + Sync {
    /// The customer whose e-mail equals `email` exactly (Fortnox searches by substring).
    async fn find_customer_by_email(&self, email: &str) -> Result<Option<String>, AccountingError>;
    async fn create_customer(&self, draft: &CustomerDraft) -> Result<String, AccountingError>;
    async fn update_customer(
        &self,
        number: &str,
        draft: &CustomerDraft,
    ) -> Result<(), AccountingError>;
    /// The invoice whose `ExternalInvoiceReference1` equals `reference` exactly.
    async fn find_invoice_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError>;
    async fn create_invoice(
        &self,
        draft: &DocumentDraft,
    ) -> Result<CreatedDocument, AccountingError>;
    /// The order whose `ExternalInvoiceReference1` equals `reference` exactly.
    async fn find_order_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError>;
    async fn create_order(&self, draft: &DocumentDraft)
    -> Result<CreatedDocument, AccountingError>;
    /// The invoice already made from an order, if any.
    async fn invoice_of_order(
        &self,
        order_number: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError>;
    /// Turn an order into an invoice (`PUT /3/orders/{n}/createinvoice`).
    async fn create_invoice_from_order(
        &self,
        order_number: &str,
    ) -> Result<CreatedDocument, AccountingError>;
    /// Booked / sent / paid as Fortnox sees the invoice (read before repeating a step).
    async fn invoice_progress(
        &self,
        invoice_number: &str,
    ) -> Result<InvoiceProgress, AccountingError>;
    async fn bookkeep_invoice(&self, invoice_number: &str) -> Result<(), AccountingError>;
    async fn send_invoice(
        &self,
        invoice_number: &str,
        how: SendMode,
    ) -> Result<(), AccountingError>;
    /// Register a payment; returns the payment's number.
    async fn register_payment(&self, payment: &PaymentDraft) -> Result<String, AccountingError>;
    async fn bookkeep_payment(&self, payment_number: &str) -> Result<(), AccountingError>;
    async fn invoice_status(&self, number: &str) -> Result<DocumentStatus, AccountingError>;
    async fn order_status(&self, number: &str) -> Result<DocumentStatus, AccountingError>;
    /// Rewrite an unbooked invoice to the draft (rows kept by `RowId` where unchanged; the
    /// invoice date is kept). A locked invoice is left as it is.
    async fn update_invoice(
        &self,
        number: &str,
        draft: &DocumentDraft,
    ) -> Result<Updated, AccountingError>;
    /// [`Accounting::update_invoice`] for orders.
    async fn update_order(
        &self,
        number: &str,
        draft: &DocumentDraft,
    ) -> Result<Updated, AccountingError>;
    /// Add the draft's rows to an order, keeping every row it has.
    async fn add_order_rows(
        &self,
        number: &str,
        draft: &DocumentDraft,
    ) -> Result<Updated, AccountingError>;
    async fn cancel_invoice(&self, number: &str) -> Result<(), AccountingError>;
    async fn cancel_order(&self, number: &str) -> Result<(), AccountingError>;
    /// Credit the invoice in full (its one credit invoice); returns the credit's number.
    async fn credit_invoice(&self, number: &str) -> Result<String, AccountingError>;
    /// The invoice with exactly these external references (a refund's credit document).
    async fn find_invoice_by_references(
        &self,
        reference1: &str,
        reference2: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError>;
    /// The invoice's status facts and its `ExternalInvoiceReference1` (`None`: no such invoice).
    async fn invoice_facts(
        &self,
        number: &str,
    ) -> Result<Option<(fortsync_domain::status::InvoiceFacts, Option<String>)>, AccountingError>;
    /// The customer's unpaid, not cancelled invoices (and credit notes).
    async fn open_invoices(
        &self,
        customer_number: &str,
    ) -> Result<Vec<fortsync_domain::balance::OpenInvoice>, AccountingError>;
    /// The invoice a payment was registered on (`None`: no such payment).
    async fn invoice_of_payment(&self, payment: &str) -> Result<Option<String>, AccountingError>;
    /// Create an article; an article that already exists is not an error.
    async fn ensure_article(&self, draft: &ArticleDraft) -> Result<(), AccountingError>;
    /// Calls made since the last take, for the audit trail.
    fn take_calls(&self) -> Vec<ApiCall>;
}

#[async_trait]
pub trait AccountingConnector: Send + Sync {
    /// A session for the tenant (reads its token; fails permanently when it has none).
    async fn connect(&self, tenant: &Tenant) -> Result<Box<dyn Accounting>, AccountingError>;
}
