use crate::codes;
use fortsync_app::AccountingError;
use fortsync_domain::error::{Classify, ErrorClass};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FortnoxError {
    /// Fortnox answered with an error status.
    #[error("Fortnox answered {status}{}: {message}", code.map(|c| format!(" (code {c})")).unwrap_or_default())]
    Api {
        status: u16,
        code: Option<u64>,
        message: String,
    },
    #[error("Fortnox rate limit still exceeded after {0} retries")]
    RateLimited(u32),
    #[error("Fortnox did not answer in time")]
    Timeout,
    #[error("could not reach Fortnox: {0}")]
    Connect(String),
    #[error("unexpected answer from Fortnox: {0}")]
    Decode(String),
    #[error("the tenant is not connected to Fortnox: {0}")]
    NotConnected(String),
}

impl Classify for FortnoxError {
    fn class(&self) -> ErrorClass {
        match self {
            // 401: this access token was refused; the session forgets it so the retry refreshes
            // (a dead grant then surfaces as NeedsReconnect from the token manager).
            FortnoxError::Api { status, .. }
                if *status >= 500 || *status == 429 || *status == 401 =>
            {
                ErrorClass::Retryable
            }
            FortnoxError::RateLimited(_) | FortnoxError::Timeout | FortnoxError::Connect(_) => {
                ErrorClass::Retryable
            }
            _ => ErrorClass::Permanent,
        }
    }
}

impl FortnoxError {
    pub fn code(&self) -> Option<u64> {
        match self {
            FortnoxError::Api { code, .. } => *code,
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            FortnoxError::Api { status, .. } => Some(*status),
            FortnoxError::RateLimited(_) => Some(429),
            _ => None,
        }
    }

    /// An English explanation and advice for the merchant.
    pub fn advice(&self) -> Option<String> {
        match self {
            FortnoxError::Api { code: Some(c), .. } => codes::lookup(*c).map(|i| format!("{}. {}", capitalise(i.meaning), i.advice)),
            FortnoxError::Api { status: 401, .. } | FortnoxError::NotConnected(_) => {
                Some("Fortnox no longer accepts fortsync's access. Reconnect the shop to Fortnox.".into())
            }
            FortnoxError::Api { status: 403, .. } => {
                Some("Fortnox refused access (licence or permission). Check the company's licences, then reconnect.".into())
            }
            _ if self.is_retryable() => Some("Temporary; fortsync retries automatically.".into()),
            _ => None,
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl From<FortnoxError> for AccountingError {
    fn from(e: FortnoxError) -> Self {
        AccountingError {
            class: e.class(),
            status: e.status(),
            code: e.code(),
            advice: e.advice(),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        let api = |status, code| FortnoxError::Api {
            status,
            code,
            message: "x".into(),
        };
        assert!(api(500, None).is_retryable());
        assert!(api(503, None).is_retryable());
        assert!(api(429, None).is_retryable());
        assert!(!api(400, Some(2001304)).is_retryable());
        assert!(!api(403, Some(2000663)).is_retryable());
        assert!(
            api(401, Some(2000311)).is_retryable(),
            "a refused token is refreshed and retried"
        );
        assert!(FortnoxError::Timeout.is_retryable());
        assert!(!FortnoxError::Decode("x".into()).is_retryable());
    }

    #[test]
    fn codes_become_advice() {
        let e = FortnoxError::Api {
            status: 400,
            code: Some(2001304),
            message: "Kontot hittades inte".into(),
        };
        let a = AccountingError::from(e);
        assert_eq!(a.code, Some(2001304));
        assert!(
            a.advice
                .unwrap()
                .starts_with("An account on the document does not exist")
        );
    }
}
