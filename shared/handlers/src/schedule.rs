//! The hourly EventBridge Scheduler invocation (`Input: {"kind": "hourly"}`).

use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
pub struct ScheduleInput {
    #[serde(default)]
    pub kind: Option<String>,
}

/// The registers sync is not built yet: the function is deployed and scheduled, acknowledges
/// the tick and says so, rather than pretending to have synced.
pub async fn handle(input: ScheduleInput) -> Value {
    tracing::warn!(kind = ?input.kind, "scheduled sync is not implemented yet");
    json!({"status": "not_implemented", "kind": input.kind})
}
