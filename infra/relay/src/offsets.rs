//! Where the relay remembers how far it got: per topic, the offset of the last event it
//! finished (delivered, or deliberately skipped). On (re)connect it is passed to
//! `add-topics-v1`; the topics client then yields exactly the events after it.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use fortsync_domain::error::{Classify, ErrorClass};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum OffsetError {
    #[error("offset store unavailable: {0}")]
    Unavailable(String),
    #[error("stored offset is unreadable: {0}")]
    Corrupt(String),
}

impl Classify for OffsetError {
    fn class(&self) -> ErrorClass {
        match self {
            OffsetError::Unavailable(_) => ErrorClass::Retryable,
            OffsetError::Corrupt(_) => ErrorClass::Permanent,
        }
    }
}

#[async_trait]
pub trait OffsetStore: Send + Sync {
    /// The offset of the last event finished on `topic`; `None` before the first one.
    async fn load(&self, topic: &str) -> Result<Option<String>, OffsetError>;
    /// Records `offset` as the last event finished on `topic` (overwrites).
    async fn save(&self, topic: &str, offset: &str) -> Result<(), OffsetError>;
}

/// In-memory twin (tests, local runs).
#[derive(Debug, Default)]
pub struct MemoryOffsets {
    values: Mutex<HashMap<String, String>>,
    saves: Mutex<Vec<(String, String)>>,
}

impl MemoryOffsets {
    /// Every save so far, oldest first (for tests).
    pub fn history(&self) -> Vec<(String, String)> {
        self.saves.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl OffsetStore for MemoryOffsets {
    async fn load(&self, topic: &str) -> Result<Option<String>, OffsetError> {
        let map = self
            .values
            .lock()
            .map_err(|_| OffsetError::Unavailable("poisoned".into()))?;
        Ok(map.get(topic).cloned())
    }

    async fn save(&self, topic: &str, offset: &str) -> Result<(), OffsetError> {
        self.values
            .lock()
            .map_err(|_| OffsetError::Unavailable("poisoned".into()))?
            .insert(topic.to_string(), offset.to_string());
        if let Ok(mut saves) = self.saves.lock() {
            saves.push((topic.to_string(), offset.to_string()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_offsets_overwrite_per_topic() {
        let s = MemoryOffsets::default();
        assert_eq!(s.load("invoices").await.unwrap(), None);
        s.save("invoices", "01").await.unwrap();
        s.save("invoices", "02").await.unwrap();
        s.save("orders", "07").await.unwrap();
        assert_eq!(s.load("invoices").await.unwrap().as_deref(), Some("02"));
        assert_eq!(s.load("orders").await.unwrap().as_deref(), Some("07"));
        assert_eq!(s.history().len(), 3);
    }
}
