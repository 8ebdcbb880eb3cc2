//! One queued job → the order state machine against Fortnox. Single-flight per order (a lease
//! on the record), every write bracketed by a recorded intent, every step in the audit trail.

use crate::ports::{
    Accounting, AccountingConnector, AccountingError, ApiCall, ArticleIndex, AuditEntry, AuditLog,
    Clock, CustomerEntry, CustomerIndex, OrderStore, StoreError, TenantStore,
};
use crate::ports::{CreatedDocument, PaymentDraft};
use crate::rfc3339;
use fortsync_domain::document::CustomerDraft;
use fortsync_domain::error::{Classify, ErrorClass};
use fortsync_domain::job::Job;
use fortsync_domain::mapping::{KnownArticles, MapContext, Mapped, map_customer, map_order};
use fortsync_domain::settings::DocumentKind;
use fortsync_domain::settings::{RegisterPayment, SendMode};
use fortsync_domain::state::{Failure, NextStep, OrderRecord, OrderState};
use fortsync_domain::tenant::{Tenant, TenantStatus};
use fortsync_domain::{OrderId, TenantId};
use std::collections::HashSet;
use std::sync::Arc;
use thiserror::Error;

mod followup;
mod status;

/// Longer than the worker's timeout, so a crashed attempt's lease expires before SQS shows
/// the message again (visibility timeout = 6 × worker timeout).
const LEASE_SECS: i64 = 300;

pub struct WorkerDeps {
    pub tenants: Arc<dyn TenantStore>,
    pub customers: Arc<dyn CustomerIndex>,
    pub articles: Arc<dyn ArticleIndex>,
    pub orders: Arc<dyn OrderStore>,
    pub audit: Arc<dyn AuditLog>,
    pub accounting: Arc<dyn AccountingConnector>,
    pub clock: Arc<dyn Clock>,
    /// The register sync (jobs of kind `sync`), when this worker has a shop side wired.
    pub sync: Option<Arc<crate::sync::SyncDeps>>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum JobOutcome {
    Completed {
        state: OrderState,
        document: Option<String>,
    },
    /// Nothing to do: finished earlier, or stopped on a permanent error awaiting a replay.
    AlreadyDone,
    /// A permanent error, recorded on the order and in its audit trail.
    Failed(Failure),
    /// The job refers to nothing we know (logged).
    Dropped(String),
    /// The tenant must reconnect to Fortnox; the order waits and resumes after the reconnect.
    Parked,
    /// A register sync ran (its summary), or had nothing to do (why).
    Synced(String),
}

/// The job should be retried later (SQS redelivers it; after maxReceiveCount it goes to the DLQ).
#[derive(Debug, Error)]
pub enum RetryLater {
    #[error("another worker holds this order")]
    Busy,
    #[error("{0}")]
    Transient(String),
}

#[derive(Debug, Error)]
enum StepError {
    #[error(transparent)]
    Accounting(#[from] AccountingError),
    #[error(transparent)]
    Mapping(#[from] fortsync_domain::mapping::MappingError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Transition(#[from] fortsync_domain::state::IllegalTransition),
}

impl StepError {
    fn failure(&self) -> Failure {
        match self {
            StepError::Accounting(e) => e.to_failure(),
            other => Failure {
                class: if matches!(other, StepError::Store(e) if e.is_retryable()) {
                    ErrorClass::Retryable
                } else {
                    ErrorClass::Permanent
                },
                code: None,
                message: other.to_string(),
                advice: None,
            },
        }
    }
}

struct Trail {
    clock: Arc<dyn Clock>,
    entries: Vec<AuditEntry>,
}

impl Trail {
    fn entry(at: &str, step: &str, outcome: &str, detail: Option<String>) -> AuditEntry {
        AuditEntry {
            at: at.into(),
            step: step.into(),
            outcome: outcome.into(),
            detail,
            call: None,
        }
    }
    fn step(&mut self, step: &str, outcome: &str, detail: Option<String>) {
        let at = rfc3339(self.clock.now());
        self.entries.push(Self::entry(&at, step, outcome, detail));
    }
    fn calls(&mut self, calls: Vec<ApiCall>) {
        for call in calls {
            let at = rfc3339(self.clock.now());
            let outcome = call
                .status
                .map_or_else(|| "no_response".to_owned(), |s| s.to_string());
            self.entries.push(AuditEntry {
                at,
                step: "fortnox_call".into(),
                outcome,
                detail: None,
                call: Some(call),
            });
        }
    }
}

pub async fn run_job(deps: &WorkerDeps, job: &Job) -> Result<JobOutcome, RetryLater> {
    match job {
        Job::Order { tenant, order_id } => process_order(deps, tenant, order_id).await,
        Job::InvoiceStatus {
            tenant,
            invoice,
            external_reference,
            payment,
        } => {
            status::invoice_status(
                deps,
                tenant,
                status::Notice {
                    invoice: invoice.as_deref(),
                    external_reference: external_reference.as_deref(),
                    payment: payment.as_deref(),
                },
            )
            .await
        }
        Job::Sync {
            tenant,
            resource,
            full,
        } => {
            let Some(sync) = &deps.sync else {
                return Ok(JobOutcome::Dropped(
                    "this worker has no register sync wired".into(),
                ));
            };
            match crate::sync::run_sync(sync, tenant, *resource, *full).await {
                Ok(crate::sync::SyncOutcome::Completed(report)) => {
                    Ok(JobOutcome::Synced(report.summary()))
                }
                Ok(crate::sync::SyncOutcome::Busy) => Ok(JobOutcome::Synced(
                    "another run holds the lease and does the work".into(),
                )),
                Ok(crate::sync::SyncOutcome::Skipped(why)) => Ok(JobOutcome::Dropped(why)),
                Err(e) if e.class() == ErrorClass::Permanent => Ok(JobOutcome::Failed(Failure {
                    class: ErrorClass::Permanent,
                    code: None,
                    message: e.to_string(),
                    advice: None,
                })),
                Err(e) => Err(RetryLater::Transient(e.to_string())),
            }
        }
    }
}

fn transient(e: impl std::fmt::Display) -> RetryLater {
    RetryLater::Transient(e.to_string())
}

async fn process_order(
    deps: &WorkerDeps,
    tenant_id: &TenantId,
    order_id: &OrderId,
) -> Result<JobOutcome, RetryLater> {
    let Some(tenant) = deps
        .tenants
        .get_tenant(tenant_id)
        .await
        .map_err(transient)?
    else {
        return Ok(JobOutcome::Dropped(format!("unknown tenant {tenant_id}")));
    };
    let Some(mut rec) = deps
        .orders
        .get_order(tenant_id, order_id)
        .await
        .map_err(transient)?
    else {
        return Ok(JobOutcome::Dropped(format!(
            "no record for order {order_id}"
        )));
    };
    let connected = tenant.status == TenantStatus::Connected;
    match rec.next_step() {
        NextStep::Done | NextStep::Stopped => return Ok(JobOutcome::AlreadyDone),
        NextStep::Parked if !connected => return Ok(JobOutcome::Parked),
        _ => {}
    }
    let now = deps.clock.now().unix_timestamp();
    if rec.lease_until.is_some_and(|until| until > now) {
        return Err(RetryLater::Busy);
    }
    let stamp = rfc3339(deps.clock.now());
    if !connected {
        // No Fortnox call for a tenant that must reconnect: the order waits, nothing is lost.
        rec.park(&stamp).map_err(transient)?;
        save_or_busy(deps, &mut rec).await?;
        let entry = Trail::entry(
            &stamp,
            "attempt",
            "parked",
            Some("the tenant must reconnect to Fortnox".into()),
        );
        if let Err(e) = deps.audit.append(tenant_id, order_id, &[entry]).await {
            tracing::error!(tenant = %tenant_id, order = %order_id, error = %e, "audit trail not written");
        }
        return Ok(JobOutcome::Parked);
    }
    if rec.state == OrderState::Parked {
        rec.unpark(&stamp).map_err(transient)?;
    }
    rec.lease_until = Some(now + LEASE_SECS);
    save_or_busy(deps, &mut rec).await?;

    let mut trail = Trail {
        clock: deps.clock.clone(),
        entries: Vec::new(),
    };
    let session = deps.accounting.connect(&tenant).await;
    let result = match &session {
        Ok(s) => drive(deps, &tenant, &mut rec, s.as_ref(), &mut trail).await,
        Err(e) => Err(StepError::Accounting(e.clone())),
    };
    if let Ok(s) = &session {
        trail.calls(s.take_calls());
    }
    let outcome = settle(deps, &mut rec, result, &mut trail).await;
    if let Err(e) = deps.audit.append(tenant_id, order_id, &trail.entries).await {
        tracing::error!(tenant = %tenant_id, order = %order_id, error = %e, "audit trail not written");
    }
    outcome
}

async fn save_or_busy(deps: &WorkerDeps, rec: &mut OrderRecord) -> Result<(), RetryLater> {
    match deps.orders.save_order(rec).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => Err(RetryLater::Busy),
        Err(e) => Err(transient(e)),
    }
}

/// Record how the attempt ended and release the lease.
async fn settle(
    deps: &WorkerDeps,
    rec: &mut OrderRecord,
    result: Result<(), StepError>,
    trail: &mut Trail,
) -> Result<JobOutcome, RetryLater> {
    let now = rfc3339(deps.clock.now());
    rec.lease_until = None;
    match result {
        Ok(()) => {
            // The final transition already saved the record via `finish`.
            Ok(JobOutcome::Completed {
                state: rec.state,
                document: rec.document_number.clone(),
            })
        }
        Err(e) => {
            let failure = e.failure();
            rec.attempts += 1;
            rec.last_error = Some(failure.clone());
            if failure.class == ErrorClass::NeedsReconnect {
                trail.step("attempt", "parked", Some(failure.message.clone()));
                rec.park(&now).map_err(transient)?;
                deps.orders.save_order(rec).await.map_err(transient)?;
                return Ok(JobOutcome::Parked);
            }
            if failure.class == ErrorClass::Retryable {
                trail.step("attempt", "retry_later", Some(failure.message.clone()));
                if let Err(se) = deps.orders.save_order(rec).await {
                    tracing::warn!(order = %rec.order_id, error = %se, "could not record retryable failure");
                }
                return Err(RetryLater::Transient(failure.message));
            }
            trail.step("attempt", "failed", Some(failure.message.clone()));
            rec.advance(OrderState::Failed, &now).map_err(transient)?;
            deps.orders.save_order(rec).await.map_err(transient)?;
            Ok(JobOutcome::Failed(failure))
        }
    }
}

/// The order mapped by the tenant's settings (pure; cheap enough to redo on every attempt).
fn map(tenant: &Tenant, rec: &OrderRecord, known: &HashSet<String>) -> Result<Mapped, StepError> {
    let ctx = MapContext {
        customer_number: rec.customer_number.as_deref(),
        articles: KnownArticles::Set(known),
        rounding: tenant.rounding,
    };
    Ok(map_order(&tenant.id, &rec.order, &tenant.settings, &ctx)?)
}

/// Which of the order's (and its refunds') SKUs are Fortnox articles, from the article index:
/// one read per attempt instead of a Fortnox lookup per row. A SKU not known follows the
/// unknown-SKU policy (created articles are remembered).
async fn known_articles(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &OrderRecord,
) -> Result<HashSet<String>, StepError> {
    let mut skus: Vec<String> = rec
        .order
        .lines
        .iter()
        .chain(rec.refunds.iter().flat_map(|r| r.refund.lines.iter()))
        .filter_map(|l| l.sku.as_deref())
        .map(|s| s.trim().to_owned())
        .filter(|s| fortsync_domain::charset::is_valid_article_number(s))
        .collect();
    skus.sort();
    skus.dedup();
    if skus.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(deps.articles.known_articles(&tenant.id, &skus).await?)
}

async fn drive(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    let kind = tenant.settings.document;
    let known = known_articles(deps, tenant, rec).await?;
    loop {
        let now = rfc3339(deps.clock.now());
        match rec.next_step() {
            NextStep::MatchCustomer => {
                // Pre-flight: an order that cannot become a document fails before anything is
                // written to Fortnox (no orphan customer for an order that will never be billed).
                let customer = if kind == DocumentKind::None {
                    map_customer(&rec.order).1
                } else {
                    let mapped = map(tenant, rec, &known)?;
                    for w in &mapped.warnings {
                        trail.step("mapping", "warning", Some(w.clone()));
                    }
                    mapped.customer
                };
                let number = match rec.customer_number.clone() {
                    Some(n) => n,
                    None => resolve_customer(deps, tenant, rec, &customer, fortnox, trail).await?,
                };
                rec.customer_number = Some(number);
                rec.advance(OrderState::CustomerReady, &now)?;
                deps.orders.save_order(rec).await?;
            }
            NextStep::CreateDocument { lookup_first } => {
                if kind == DocumentKind::None {
                    trail.step(
                        "document",
                        "skipped",
                        Some("tenant setting: no document".into()),
                    );
                    finish(rec);
                    rec.advance(OrderState::Skipped, &now)?;
                    deps.orders.save_order(rec).await?;
                    continue;
                }
                let mapped = map(tenant, rec, &known)?;
                if rec.state == OrderState::CustomerReady {
                    // The intent is stored before the write: a crash after Fortnox answered
                    // leaves DocumentPending, and the next attempt looks before creating.
                    rec.advance(OrderState::DocumentPending, &now)?;
                    deps.orders.save_order(rec).await?;
                }
                for article in &mapped.articles_to_create {
                    fortnox.ensure_article(article).await?;
                }
                if !mapped.articles_to_create.is_empty() {
                    let numbers: Vec<String> = mapped
                        .articles_to_create
                        .iter()
                        .map(|a| a.article_number.clone())
                        .collect();
                    deps.articles
                        .remember_articles(&tenant.id, &numbers)
                        .await?;
                }
                let doc = match rec.document_number.clone() {
                    Some(number) => CreatedDocument {
                        number,
                        total: rec.fortnox_total.unwrap_or_default(),
                    },
                    None => {
                        let doc =
                            create_document(kind, &mapped, lookup_first, fortnox, trail).await?;
                        rec.document_number = Some(doc.number.clone());
                        rec.fortnox_total = Some(doc.total);
                        doc
                    }
                };
                let billed = if kind == DocumentKind::OrderThenInvoice {
                    invoice_from_order(deps, rec, &doc.number, fortnox, trail).await?
                } else {
                    doc
                };
                let difference = billed.total - mapped.shop_total;
                if !difference.is_zero() {
                    trail.step(
                        "total_check",
                        "mismatch",
                        Some(format!(
                            "Fortnox total {} differs from the shop total {} by {difference}",
                            billed.total, mapped.shop_total
                        )),
                    );
                }
                if let Some(row) = mapped.rounding_row {
                    trail.step(
                        "total_check",
                        "rounding_row",
                        Some(format!(
                            "öre difference {row} booked on the rounding account"
                        )),
                    );
                }
                rec.total_difference = (!difference.is_zero()).then_some(difference);
                rec.fortnox_total = Some(billed.total);
                rec.settings_version = Some(mapped.settings_version);
                rec.document_kind = Some(kind);
                rec.written_hash = Some(hash_of_document(&mapped));
                if kind != DocumentKind::Order && has_post_steps(tenant, rec) {
                    rec.advance(OrderState::Finishing, &now)?;
                } else {
                    finish(rec);
                    rec.advance(OrderState::DocumentCreated, &now)?;
                }
                deps.orders.save_order(rec).await?;
            }
            NextStep::Finish => {
                finish_invoice(deps, tenant, rec, fortnox, trail).await?;
                finish(rec);
                rec.advance(OrderState::DocumentCreated, &now)?;
                deps.orders.save_order(rec).await?;
            }
            NextStep::CancelBeforeDocument => {
                trail.step(
                    "order",
                    "cancelled",
                    Some("cancelled in the shop before a document was written".into()),
                );
                finish(rec);
                rec.advance(OrderState::Cancelled, &now)?;
                deps.orders.save_order(rec).await?;
            }
            NextStep::CancelDocument => {
                let done = followup::cancel(deps, tenant, rec, fortnox, trail).await;
                let mut flag = None;
                followup::contain(done, trail, "cancel", |why| flag = Some(why))?;
                if flag.is_some() {
                    rec.flag = flag;
                }
                rec.cancel_done = true;
                finish(rec);
                deps.orders.save_order(rec).await?;
            }
            NextStep::Amend => {
                let done = followup::amend(deps, tenant, rec, &known, fortnox, trail).await;
                let mut flag = None;
                followup::contain(done, trail, "edit", |why| flag = Some(why))?;
                if flag.is_some() {
                    rec.flag = flag;
                }
                rec.revision_pending = false;
                finish(rec);
                deps.orders.save_order(rec).await?;
            }
            NextStep::Refund => {
                let done = followup::refund(deps, tenant, rec, &known, fortnox, trail).await;
                let mut failed = None;
                followup::contain(done, trail, "refund", |why| failed = Some(why))?;
                if let Some(why) = failed
                    && let Some(r) = rec.refunds.iter_mut().find(|r| r.is_open())
                {
                    r.state = fortsync_domain::followup::RefundState::Failed;
                    r.note = Some(why);
                }
                finish(rec);
                deps.orders.save_order(rec).await?;
            }
            NextStep::Done | NextStep::Stopped | NextStep::Parked => return Ok(()),
        }
    }
}

/// Create the invoice or order, first looking it up when an earlier attempt may have made it.
async fn create_document(
    kind: DocumentKind,
    mapped: &Mapped,
    lookup_first: bool,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<CreatedDocument, StepError> {
    let is_invoice = kind == DocumentKind::Invoice;
    let what = if is_invoice { "invoice" } else { "order" };
    let reference = &mapped.document.external_reference;
    let found = match (lookup_first, is_invoice) {
        (false, _) => None,
        (true, true) => fortnox.find_invoice_by_reference(reference).await?,
        (true, false) => fortnox.find_order_by_reference(reference).await?,
    };
    if let Some(doc) = found {
        trail.step(
            what,
            "found_existing",
            Some(format!("{what} {}", doc.number)),
        );
        return Ok(doc);
    }
    let doc = if is_invoice {
        fortnox.create_invoice(&mapped.document).await?
    } else {
        fortnox.create_order(&mapped.document).await?
    };
    trail.step(
        what,
        "created",
        Some(format!("{what} {} total {}", doc.number, doc.total)),
    );
    Ok(doc)
}

/// Document type `order_then_invoice`: the invoice made from the order, exactly once.
async fn invoice_from_order(
    deps: &WorkerDeps,
    rec: &mut OrderRecord,
    order_number: &str,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<CreatedDocument, StepError> {
    if let Some(number) = rec.invoice_number.clone() {
        return Ok(CreatedDocument {
            number,
            total: rec.fortnox_total.unwrap_or_default(),
        });
    }
    let existing = if rec.invoice_attempted {
        fortnox.invoice_of_order(order_number).await?
    } else {
        None
    };
    let invoice = match existing {
        Some(inv) => {
            trail.step(
                "invoice",
                "found_existing",
                Some(format!("invoice {} from order {order_number}", inv.number)),
            );
            inv
        }
        None => {
            rec.invoice_attempted = true;
            deps.orders.save_order(rec).await?;
            let inv = fortnox.create_invoice_from_order(order_number).await?;
            trail.step(
                "invoice",
                "created",
                Some(format!("invoice {} from order {order_number}", inv.number)),
            );
            inv
        }
    };
    rec.invoice_number = Some(invoice.number.clone());
    Ok(invoice)
}

/// The Fortnox customer for the order: from the customer index when known (updated only when
/// the shop's data changed since it was last written), else matched by e-mail in Fortnox
/// (exact, over its substring search), else created.
async fn resolve_customer(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &OrderRecord,
    draft: &CustomerDraft,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<String, StepError> {
    let key = rec.order.customer.email.clone();
    let data_hash = hash_of(draft);
    if let Some(known) = deps.customers.get_customer(&tenant.id, &key).await? {
        if known.data_hash == data_hash {
            trail.step(
                "customer",
                "known",
                Some(format!("customer {}", known.number)),
            );
        } else {
            fortnox.update_customer(&known.number, draft).await?;
            let entry = CustomerEntry {
                number: known.number.clone(),
                data_hash,
            };
            deps.customers
                .put_customer(&tenant.id, &key, &entry)
                .await?;
            trail.step(
                "customer",
                "updated",
                Some(format!(
                    "customer {} (the shop's data changed)",
                    known.number
                )),
            );
        }
        return Ok(known.number);
    }
    let number = match fortnox.find_customer_by_email(&key).await? {
        Some(n) => {
            trail.step(
                "customer",
                "matched",
                Some(format!("customer {n} by e-mail")),
            );
            n
        }
        None => {
            let n = fortnox.create_customer(draft).await?;
            trail.step("customer", "created", Some(format!("customer {n}")));
            n
        }
    };
    let entry = CustomerEntry {
        number: number.clone(),
        data_hash,
    };
    deps.customers
        .put_customer(&tenant.id, &key, &entry)
        .await?;
    Ok(number)
}

fn hash_of(draft: &fortsync_domain::document::CustomerDraft) -> String {
    hash_json(draft)
}

fn hash_json(value: &impl serde::Serialize) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}

/// What an edit is compared with: the document as written (rows, header, customer).
fn hash_of_document(mapped: &Mapped) -> String {
    hash_json(&mapped.document)
}

/// The last save of a successful attempt releases the lease and clears an earlier error.
fn finish(rec: &mut OrderRecord) {
    rec.lease_until = None;
    rec.last_error = None;
}

fn has_post_steps(tenant: &Tenant, rec: &OrderRecord) -> bool {
    let s = &tenant.settings;
    s.bookkeep
        || s.send != SendMode::None
        || matches!(
            s.payments.for_method(rec.order.payment_method.as_deref()),
            RegisterPayment::Register { .. }
        )
}

/// Bookkeep, send and register the payment as the settings ask, each at most once: every step
/// is saved when done, and a retry first reads what Fortnox already has.
async fn finish_invoice(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    let settings = &tenant.settings;
    let invoice = rec
        .invoice_number
        .clone()
        .or_else(|| rec.document_number.clone())
        .unwrap_or_default();
    let rule = settings
        .payments
        .for_method(rec.order.payment_method.as_deref())
        .clone();
    if rec.finishing_attempted {
        let p = fortnox.invoice_progress(&invoice).await?;
        rec.bookkept |= p.booked;
        rec.sent |= p.sent;
        if rec.payment_number.is_none() {
            rec.payment_number = p.payments.into_iter().next();
        }
    } else {
        rec.finishing_attempted = true;
        deps.orders.save_order(rec).await?;
    }
    if settings.bookkeep && !rec.bookkept {
        fortnox.bookkeep_invoice(&invoice).await?;
        rec.bookkept = true;
        trail.step("invoice", "bookkept", Some(format!("invoice {invoice}")));
        deps.orders.save_order(rec).await?;
    }
    if settings.send != SendMode::None && !rec.sent {
        fortnox.send_invoice(&invoice, settings.send).await?;
        rec.sent = true;
        trail.step(
            "invoice",
            "sent",
            Some(format!("invoice {invoice} ({:?})", settings.send)),
        );
        deps.orders.save_order(rec).await?;
    }
    if let RegisterPayment::Register {
        mode_of_payment,
        account,
        bookkeep,
    } = rule
    {
        if rec.payment_number.is_none() {
            let payment = PaymentDraft {
                invoice_number: invoice.clone(),
                amount: rec.fortnox_total.unwrap_or(rec.order.total),
                date: rec.order.order_date.clone(),
                mode_of_payment,
                account,
            };
            let number = fortnox.register_payment(&payment).await?;
            trail.step(
                "payment",
                "registered",
                Some(format!(
                    "payment {number} of {} on invoice {invoice}",
                    payment.amount
                )),
            );
            rec.payment_number = Some(number);
            deps.orders.save_order(rec).await?;
        }
        if bookkeep && !rec.payment_bookkept {
            let number = rec.payment_number.clone().unwrap_or_default();
            fortnox.bookkeep_payment(&number).await?;
            rec.payment_bookkept = true;
            trail.step("payment", "bookkept", Some(format!("payment {number}")));
            deps.orders.save_order(rec).await?;
        }
    }
    Ok(())
}
