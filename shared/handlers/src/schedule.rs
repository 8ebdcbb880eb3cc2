//! The hourly EventBridge Scheduler invocation (`Input: {"kind": "hourly"}`, optionally
//! `"full": true`): one sync job per connected tenant × register it syncs, onto the work queue.
//! The worker does the work, under a lease per tenant × register, so a slow run never doubles
//! up with the next hour.

use fortsync_app::sync::{SyncDeps, fan_out};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
pub struct ScheduleInput {
    #[serde(default)]
    pub kind: Option<String>,
    /// Ignore the watermarks: resync everything.
    #[serde(default)]
    pub full: bool,
}

pub async fn handle(deps: &SyncDeps, input: ScheduleInput) -> Result<Value, String> {
    let queued = fan_out(deps, input.full)
        .await
        .map_err(|e| format!("sync fan-out failed: {e}"))?;
    tracing::info!(kind = ?input.kind, queued, full = input.full, "sync jobs queued");
    Ok(json!({"status": "queued", "jobs": queued, "full": input.full}))
}
