use fortsync_app::StoreError;
use fortsync_domain::error::{Classify, ErrorClass};
use fortsync_fortnox::topics::TopicsError;
use thiserror::Error;

use crate::offsets::OffsetError;

#[derive(Debug, Error)]
pub enum RelayError {
    /// Wrong configuration: the relay stops instead of retrying.
    #[error("configuration: {0}")]
    Config(String),
    /// The Fortnox app credentials (`{prefix}/app/fortnox`) are missing, unreadable or could
    /// not be read.
    #[error("Fortnox app credentials: {0}")]
    AppSecret(String),
    #[error(transparent)]
    Topics(#[from] TopicsError),
    #[error("tenant store: {0}")]
    Tenants(#[from] StoreError),
    #[error(transparent)]
    Offsets(#[from] OffsetError),
}

impl Classify for RelayError {
    fn class(&self) -> ErrorClass {
        match self {
            RelayError::Config(_) => ErrorClass::Permanent,
            RelayError::Topics(e) => e.class(),
            RelayError::Tenants(e) => e.class(),
            RelayError::Offsets(e) => e.class(),
            RelayError::AppSecret(_) => ErrorClass::Retryable,
        }
    }
}
