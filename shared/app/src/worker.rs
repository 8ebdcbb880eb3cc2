//! One queued job → the order state machine against Fortnox. Single-flight per order (a lease
//! on the record), every write bracketed by a recorded intent, every step in the audit trail.

use crate::ports::{
    Accounting, AccountingConnector, AccountingError, ApiCall, AuditEntry, AuditLog, Clock,
    CustomerEntry, CustomerIndex, OrderStore, StoreError, TenantStore,
};
use crate::rfc3339;
use fortsync_domain::document::{customer_draft, invoice_draft};
use fortsync_domain::error::{Classify, ErrorClass};
use fortsync_domain::job::Job;
use fortsync_domain::settings::DocumentKind;
use fortsync_domain::state::{Failure, NextStep, OrderRecord, OrderState};
use fortsync_domain::tenant::{Tenant, TenantStatus};
use fortsync_domain::{OrderId, TenantId};
use std::sync::Arc;
use thiserror::Error;

/// Longer than the worker's timeout, so a crashed attempt's lease expires before SQS shows
/// the message again (visibility timeout = 6 × worker timeout).
const LEASE_SECS: i64 = 300;

pub struct WorkerDeps {
    pub tenants: Arc<dyn TenantStore>,
    pub customers: Arc<dyn CustomerIndex>,
    pub orders: Arc<dyn OrderStore>,
    pub audit: Arc<dyn AuditLog>,
    pub accounting: Arc<dyn AccountingConnector>,
    pub clock: Arc<dyn Clock>,
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
    Mapping(#[from] fortsync_domain::document::MappingError),
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

async fn drive(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &mut OrderRecord,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<(), StepError> {
    loop {
        let now = rfc3339(deps.clock.now());
        match rec.next_step() {
            NextStep::MatchCustomer => {
                // Pre-flight: an order that cannot become a document fails before anything is
                // written to Fortnox (no orphan customer for an order that will never be billed).
                if tenant.settings.document != DocumentKind::None {
                    invoice_draft(&tenant.id, &rec.order, &tenant.settings, "")?;
                }
                let number = match rec.customer_number.clone() {
                    Some(n) => n,
                    None => resolve_customer(deps, tenant, rec, fortnox, trail).await?,
                };
                rec.customer_number = Some(number);
                rec.advance(OrderState::CustomerReady, &now)?;
                deps.orders.save_order(rec).await?;
            }
            NextStep::CreateDocument { lookup_first } => {
                if tenant.settings.document == DocumentKind::None {
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
                let customer = rec.customer_number.clone().unwrap_or_default();
                let draft = invoice_draft(&tenant.id, &rec.order, &tenant.settings, &customer)?;
                if rec.state == OrderState::CustomerReady {
                    // The intent is stored before the write: a crash after Fortnox answered
                    // leaves DocumentPending, and the next attempt looks before creating.
                    rec.advance(OrderState::DocumentPending, &now)?;
                    deps.orders.save_order(rec).await?;
                }
                let found = if lookup_first {
                    fortnox
                        .find_invoice_by_reference(&draft.external_reference)
                        .await?
                } else {
                    None
                };
                let doc = match found {
                    Some(doc) => {
                        trail.step(
                            "invoice",
                            "found_existing",
                            Some(format!("invoice {}", doc.number)),
                        );
                        doc
                    }
                    None => {
                        let doc = fortnox.create_invoice(&draft).await?;
                        trail.step(
                            "invoice",
                            "created",
                            Some(format!("invoice {} total {}", doc.number, doc.total)),
                        );
                        doc
                    }
                };
                let difference = doc.total - rec.order.total;
                if !difference.is_zero() {
                    trail.step(
                        "total_check",
                        "mismatch",
                        Some(format!(
                            "Fortnox total {} differs from the shop total {} by {difference}",
                            doc.total, rec.order.total
                        )),
                    );
                }
                rec.total_difference = (!difference.is_zero()).then_some(difference);
                rec.document_number = Some(doc.number);
                rec.fortnox_total = Some(doc.total);
                rec.settings_version = Some(tenant.settings.version);
                finish(rec);
                rec.advance(OrderState::DocumentCreated, &now)?;
                deps.orders.save_order(rec).await?;
            }
            NextStep::Done | NextStep::Stopped | NextStep::Parked => return Ok(()),
        }
    }
}

/// The last save of a successful attempt releases the lease and clears an earlier error.
fn finish(rec: &mut OrderRecord) {
    rec.lease_until = None;
    rec.last_error = None;
}

/// The Fortnox customer for the order: from the customer index when known (updated only when
/// the shop's data changed since it was last written), else matched by e-mail in Fortnox
/// (exact, over its substring search), else created.
async fn resolve_customer(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &OrderRecord,
    fortnox: &dyn Accounting,
    trail: &mut Trail,
) -> Result<String, StepError> {
    let draft = customer_draft(&rec.order);
    let key = rec.order.customer.email.clone();
    let data_hash = hash_of(&draft);
    if let Some(known) = deps.customers.get_customer(&tenant.id, &key).await? {
        if known.data_hash == data_hash {
            trail.step(
                "customer",
                "known",
                Some(format!("customer {}", known.number)),
            );
        } else {
            fortnox.update_customer(&known.number, &draft).await?;
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
            let n = fortnox.create_customer(&draft).await?;
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
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(draft).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}
