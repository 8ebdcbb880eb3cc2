//! The register sync: per tenant × resource, Fortnox and the shop kept in step in the
//! directions the tenant's settings give (`settings.sync`), a page at a time, under a lease.
//!
//! # A run
//! 1. **Lease** on tenant × resource (`SyncStore::lease`): a second invocation while a run is
//!    going gets `Busy` and does nothing, so a slow run never doubles up with the next hour.
//! 2. **Fortnox → pairs**: Fortnox pages changed since the Fortnox watermark (`lastmodified`,
//!    everything with `--full`); for each page the shop's counterparts are read by key, every
//!    pair is planned by the domain (`fortsync_domain::sync`), the writes are made both ways,
//!    the snapshots stored, and only then the page is **committed** (the cursor saved). A crash
//!    re-does the page it was on — never skips it — and the snapshots make the redo write
//!    nothing twice.
//! 3. **Shop → pairs**: shop items changed since the shop watermark that step 2 did not cover,
//!    the same way (the Fortnox side is read per item, or known absent from the article index).
//! 4. **Complete**: both watermarks move to the run's start (floored to the minute, minus a
//!    minute of overlap), the lease is released. Every change is in the audit trail (what,
//!    direction, old → new) under `sync:<resource>`.

pub mod articles;
pub mod customers;
pub mod invoices;
pub mod store;

use crate::ports::{
    AccountingError, ArticleIndex, AuditEntry, AuditLog, Clock, CustomerIndex, JobQueue,
    QueueError, StoreError, TenantStore,
};
use crate::registers::RegistersConnector;
use crate::rfc3339;
use crate::shop::{ShopConnector, ShopError};
use fortsync_domain::error::{Classify, ErrorClass};
use fortsync_domain::job::{Job, SyncResource};
use fortsync_domain::sync::next_watermark;
use fortsync_domain::sync::next_watermark_rfc3339;
use fortsync_domain::tenant::{Tenant, TenantStatus};
use fortsync_domain::{OrderId, TenantId};
use std::sync::Arc;
use store::{SyncCursor, SyncPhase, SyncRun, SyncStore};
use thiserror::Error;

/// Longer than a worker invocation; every committed page extends it.
const LEASE_SECS: i64 = 900;

#[derive(Clone)]
pub struct SyncDeps {
    pub tenants: Arc<dyn TenantStore>,
    pub store: Arc<dyn SyncStore>,
    pub registers: Arc<dyn RegistersConnector>,
    pub shops: Arc<dyn ShopConnector>,
    pub articles: Arc<dyn ArticleIndex>,
    pub customers: Arc<dyn CustomerIndex>,
    pub audit: Arc<dyn AuditLog>,
    pub queue: Arc<dyn JobQueue>,
    pub clock: Arc<dyn Clock>,
    /// This process's lease owner id.
    pub owner: String,
}

#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Fortnox(#[from] AccountingError),
    #[error(transparent)]
    Shop(#[from] ShopError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
}

impl Classify for SyncError {
    fn class(&self) -> ErrorClass {
        match self {
            SyncError::Fortnox(e) => e.class(),
            SyncError::Shop(e) => e.class(),
            SyncError::Store(e) => e.class(),
            SyncError::Queue(_) => ErrorClass::Retryable,
        }
    }
}

/// What a run did (counts of items, not calls: calls are in the audit trail).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub fortnox_pages: u32,
    pub shop_pages: u32,
    pub pairs: u32,
    pub shop_updates: u32,
    pub shop_creates: u32,
    pub fortnox_updates: u32,
    pub fortnox_creates: u32,
    pub conflicts: u32,
    pub skipped: u32,
    pub fortnox_calls: u32,
}

impl SyncReport {
    pub fn summary(&self) -> String {
        format!(
            "{} pairs from {} Fortnox and {} shop pages; shop {} updated, {} created; Fortnox {} updated, {} created; {} conflicts, {} skipped; {} Fortnox calls",
            self.pairs,
            self.fortnox_pages,
            self.shop_pages,
            self.shop_updates,
            self.shop_creates,
            self.fortnox_updates,
            self.fortnox_creates,
            self.conflicts,
            self.skipped,
            self.fortnox_calls
        )
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum SyncOutcome {
    Completed(SyncReport),
    /// Another run holds the lease: it does the work.
    Busy,
    /// Nothing to do for this tenant (not connected, no shop, or the resource is off).
    Skipped(String),
}

/// The audit trail's key for a resource's sync entries.
pub fn audit_key(resource: SyncResource) -> Option<OrderId> {
    OrderId::parse(&format!("sync:{}", resource.as_str())).ok()
}

pub(crate) struct Trail {
    pub entries: Vec<AuditEntry>,
    pub at: String,
}

impl Trail {
    pub fn change(&mut self, step: &str, outcome: &str, detail: String) {
        self.entries.push(AuditEntry {
            at: self.at.clone(),
            step: step.into(),
            outcome: outcome.into(),
            detail: Some(detail),
            call: None,
        });
    }
}

fn wanted(tenant: &Tenant, resource: SyncResource) -> bool {
    use fortsync_domain::order::Platform;
    use fortsync_domain::sync::{Direction, StockDirection};
    let s = &tenant.settings.sync;
    let Some(link) = &tenant.shop else {
        return false;
    };
    // A generic shop has no register API: it only receives status updates.
    if link.platform == Platform::Generic && resource != SyncResource::Invoices {
        return false;
    }
    match resource {
        SyncResource::Invoices => true,
        SyncResource::Articles => {
            s.articles.direction != Direction::Off
                || s.prices.direction != Direction::Off
                || s.stock.direction != StockDirection::Off
        }
        SyncResource::Customers => s.customers.is_active(),
    }
}

/// The hourly tick: one job per connected tenant with a shop × resource it syncs.
pub async fn fan_out(deps: &SyncDeps, full: bool) -> Result<u32, SyncError> {
    let mut queued = 0;
    for tenant in deps.tenants.list_tenants().await? {
        if tenant.status != TenantStatus::Connected || tenant.shop.is_none() {
            continue;
        }
        for resource in SyncResource::ALL {
            if wanted(&tenant, resource) {
                deps.queue
                    .send(&Job::Sync {
                        tenant: tenant.id.clone(),
                        resource,
                        full,
                    })
                    .await?;
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// Run one tenant × resource sync (a queued `Job::Sync`).
pub async fn run_sync(
    deps: &SyncDeps,
    tenant_id: &TenantId,
    resource: SyncResource,
    full: bool,
) -> Result<SyncOutcome, SyncError> {
    let Some(tenant) = deps.tenants.get_tenant(tenant_id).await? else {
        return Ok(SyncOutcome::Skipped(format!("unknown tenant {tenant_id}")));
    };
    if tenant.status != TenantStatus::Connected {
        return Ok(SyncOutcome::Skipped("the tenant is not connected".into()));
    }
    if tenant.shop.is_none() {
        return Ok(SyncOutcome::Skipped("the tenant has no shop API".into()));
    }
    if !wanted(&tenant, resource) {
        return Ok(SyncOutcome::Skipped(format!(
            "{} sync is off in the settings",
            resource.as_str()
        )));
    }
    let now = deps.clock.now();
    let ts = now.unix_timestamp();
    let Some(mut cursor) = deps
        .store
        .lease(tenant_id, resource, &deps.owner, ts, ts + LEASE_SECS)
        .await?
    else {
        return Ok(SyncOutcome::Busy);
    };
    let started = rfc3339(now);
    let mut run = match cursor.run.take() {
        // An interrupted run resumes where it committed last (a `--full` request restarts
        // an incremental one).
        Some(r) if r.full || !full => r,
        _ => SyncRun {
            started_at: started.clone(),
            full,
            phase: SyncPhase::FortnoxToShop,
            fortnox_since: if full {
                None
            } else {
                cursor.fortnox_since.clone()
            },
            fortnox_page: 1,
            shop_since: if full {
                None
            } else {
                cursor.shop_since.clone()
            },
            shop_cursor: None,
        },
    };
    let mut trail = Trail {
        entries: Vec::new(),
        at: started,
    };
    let result = match resource {
        SyncResource::Articles => {
            articles::run(deps, &tenant, &mut cursor, &mut run, &mut trail).await
        }
        SyncResource::Customers => {
            customers::run(deps, &tenant, &mut cursor, &mut run, &mut trail).await
        }
        SyncResource::Invoices => {
            invoices::run(deps, &tenant, &mut cursor, &mut run, &mut trail).await
        }
    };
    if let Some(key) = audit_key(resource)
        && !trail.entries.is_empty()
        && let Err(e) = deps.audit.append(tenant_id, &key, &trail.entries).await
    {
        tracing::error!(tenant = %tenant_id, error = %e, "sync audit trail not written");
    }
    match result {
        Ok(report) => {
            cursor.fortnox_since =
                next_watermark(cursor.fortnox_since.as_deref(), &[&run.started_at]);
            cursor.shop_since =
                next_watermark_rfc3339(cursor.shop_since.as_deref(), &[&run.started_at]);
            cursor.run = None;
            cursor.last_completed = Some(rfc3339(deps.clock.now()));
            cursor.last_summary = Some(report.summary());
            deps.store
                .release(tenant_id, resource, &deps.owner, &cursor)
                .await?;
            Ok(SyncOutcome::Completed(report))
        }
        Err(e) => {
            // Keep the committed position and let the lease go, so the retry resumes there.
            cursor.run = Some(run);
            if let Err(se) = deps
                .store
                .release(tenant_id, resource, &deps.owner, &cursor)
                .await
            {
                tracing::warn!(tenant = %tenant_id, error = %se, "sync cursor not released");
            }
            Err(e)
        }
    }
}

/// Save the run's position after a committed page (and extend the lease).
pub(crate) async fn commit(
    deps: &SyncDeps,
    tenant: &TenantId,
    resource: SyncResource,
    cursor: &mut SyncCursor,
    run: &SyncRun,
) -> Result<(), SyncError> {
    cursor.run = Some(run.clone());
    let now = deps.clock.now().unix_timestamp();
    deps.store
        .save(tenant, resource, &deps.owner, cursor, now + LEASE_SECS)
        .await?;
    Ok(())
}
