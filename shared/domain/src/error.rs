//! Retryable versus permanent: every error type in the project answers this one question, so
//! the worker knows whether to let SQS retry a job or to record the failure and stop.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// Throttling, 5xx, timeouts, connection errors: the same call may succeed later.
    Retryable,
    /// Validation, not found, missing licence: retrying cannot help; a person must act.
    Permanent,
    /// The tenant's Fortnox authorisation is gone (revoked, refresh token spent or expired):
    /// work is parked, not failed, and resumes when an admin reconnects.
    NeedsReconnect,
}

/// Implemented by every layer's error type.
pub trait Classify {
    fn class(&self) -> ErrorClass;
    fn is_retryable(&self) -> bool {
        self.class() == ErrorClass::Retryable
    }
}
