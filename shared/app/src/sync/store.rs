//! Where a register sync keeps its place: a cursor per tenant × resource (watermarks, the run
//! in progress, the lease) and per-item snapshots of what both sides last agreed on.

use crate::ports::StoreError;
use async_trait::async_trait;
use fortsync_domain::TenantId;
use fortsync_domain::job::SyncResource;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which way a run is going through the registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    /// Reading Fortnox pages, writing the shop.
    FortnoxToShop,
    /// Reading shop pages, writing Fortnox.
    ShopToFortnox,
}

/// A run in progress. Saved after every committed page, so a run that crashes is resumed at
/// the page it was on (redone, never skipped) with the same filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRun {
    /// RFC 3339: becomes the next watermarks when the run completes (minus an overlap).
    pub started_at: String,
    pub full: bool,
    pub phase: SyncPhase,
    /// The Fortnox filter of this run (`lastmodified`), fixed for its whole length.
    pub fortnox_since: Option<String>,
    /// The next Fortnox page to read (1-based).
    pub fortnox_page: u32,
    /// The shop filter of this run (modified after), fixed for its whole length.
    pub shop_since: Option<String>,
    /// The next shop page's cursor (`None` = the first page).
    pub shop_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCursor {
    /// Fortnox `lastmodified` (`YYYY-MM-DD HH:MM`, Stockholm time) of the next run.
    pub fortnox_since: Option<String>,
    /// The shop's modified-after (RFC 3339) of the next run.
    pub shop_since: Option<String>,
    pub run: Option<SyncRun>,
    /// RFC 3339 of the last completed run.
    pub last_completed: Option<String>,
    /// Counters of the last completed run, for `fortsync sync` and the audit.
    #[serde(default)]
    pub last_summary: Option<String>,
    /// The company's pre-selected price list, learnt once (re-read on a full run), so an hourly
    /// run with no changes costs one Fortnox call.
    #[serde(default)]
    pub preselected_price_list: Option<String>,
}

#[async_trait]
pub trait SyncStore: Send + Sync {
    /// Take the lease on tenant × resource for `owner` until `until` (epoch seconds) and return
    /// the cursor.
    ///
    /// # Contract
    /// MUST return `Ok(None)` while another owner holds an unexpired lease, atomically with
    /// respect to concurrent calls: of N concurrent callers exactly one gets the cursor.
    async fn lease(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<SyncCursor>, StoreError>;
    /// Save the cursor, extending the lease to `until`.
    ///
    /// # Contract
    /// MUST fail with [`StoreError::Conflict`] when `owner` no longer holds the lease.
    async fn save(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        owner: &str,
        cursor: &SyncCursor,
        until: i64,
    ) -> Result<(), StoreError>;
    /// Save the cursor and let the lease go.
    async fn release(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        owner: &str,
        cursor: &SyncCursor,
    ) -> Result<(), StoreError>;
    /// The cursor as stored, without taking the lease (status displays).
    async fn peek(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
    ) -> Result<Option<SyncCursor>, StoreError>;
    /// What both sides agreed on after the last sync, per item key (JSON), for the keys given.
    async fn snapshots(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        keys: &[String],
    ) -> Result<HashMap<String, String>, StoreError>;
    async fn put_snapshots(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        entries: &[(String, String)],
    ) -> Result<(), StoreError>;
}
