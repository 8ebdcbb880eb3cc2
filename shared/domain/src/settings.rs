//! Typed, versioned tenant settings. Stored as JSON in the tenant item; `version` increases on
//! every change so a job can record which settings produced a document. Changing settings only
//! affects future syncs: nothing already synced is touched.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A Fortnox invoice per completed order.
    #[default]
    Invoice,
    /// Only the customer is synced; no document.
    None,
}

/// Revenue account per Swedish VAT rate (BAS defaults: 3001 25 %, 3002 12 %, 3003 6 %,
/// 3004 VAT-free).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesAccounts {
    pub vat25: u32,
    pub vat12: u32,
    pub vat6: u32,
    pub vat0: u32,
}

impl Default for SalesAccounts {
    fn default() -> Self {
        Self {
            vat25: 3001,
            vat12: 3002,
            vat6: 3003,
            vat0: 3004,
        }
    }
}

impl SalesAccounts {
    /// The account for a VAT rate, or `None` for a rate Fortnox does not know by default.
    pub fn for_rate(&self, rate: Decimal) -> Option<u32> {
        let r = rate.normalize();
        if r == dec!(25) {
            Some(self.vat25)
        } else if r == dec!(12) {
            Some(self.vat12)
        } else if r == dec!(6) {
            Some(self.vat6)
        } else if r.is_zero() {
            Some(self.vat0)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantSettings {
    pub version: u32,
    pub document: DocumentKind,
    pub sales_accounts: SalesAccounts,
    /// Account for shipping rows; `None` books shipping on the sales account of its VAT rate.
    pub shipping_account: Option<u32>,
    /// Fortnox `OurReference` (≤ 50 characters): the merchant's contact person.
    pub our_reference: Option<String>,
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            version: 1,
            document: DocumentKind::Invoice,
            sales_accounts: SalesAccounts::default(),
            shipping_account: None,
            our_reference: None,
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("account {0} is not a four-digit BAS account")]
    BadAccount(u32),
    #[error("our_reference is longer than Fortnox's 50 characters")]
    OurReferenceTooLong,
    #[error("version must be at least 1")]
    BadVersion,
}

impl TenantSettings {
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.version == 0 {
            return Err(SettingsError::BadVersion);
        }
        let a = &self.sales_accounts;
        for acc in [a.vat25, a.vat12, a.vat6, a.vat0]
            .into_iter()
            .chain(self.shipping_account)
        {
            if !(1000..=9999).contains(&acc) {
                return Err(SettingsError::BadAccount(acc));
            }
        }
        if self
            .our_reference
            .as_deref()
            .is_some_and(|r| r.chars().count() > 50)
        {
            return Err(SettingsError::OurReferenceTooLong);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip() {
        let s = TenantSettings::default();
        s.validate().unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<TenantSettings>(&json).unwrap(), s);
        // A partial document fills the rest from defaults.
        let p: TenantSettings = serde_json::from_str(r#"{"document":"none"}"#).unwrap();
        assert_eq!(p.document, DocumentKind::None);
        assert_eq!(p.sales_accounts.vat25, 3001);
    }

    #[test]
    fn rejects_bad_accounts_and_unknown_keys() {
        let s = TenantSettings {
            shipping_account: Some(35),
            ..Default::default()
        };
        assert_eq!(s.validate(), Err(SettingsError::BadAccount(35)));
        assert!(serde_json::from_str::<TenantSettings>(r#"{"documnet":"none"}"#).is_err());
    }

    #[test]
    fn accounts_by_rate() {
        let a = SalesAccounts::default();
        assert_eq!(a.for_rate(dec!(25.00)), Some(3001));
        assert_eq!(a.for_rate(dec!(6)), Some(3003));
        assert_eq!(a.for_rate(dec!(0)), Some(3004));
        assert_eq!(a.for_rate(dec!(7)), None);
    }
}
