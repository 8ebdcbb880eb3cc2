//! The tenant record: one shop connected to one Fortnox company.

use crate::document::Rounding;
use crate::ids::TenantId;
use crate::settings::TenantSettings;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Connected,
    /// The Fortnox authorisation died (revoked, refresh token spent): queued work is parked.
    NeedsReconnect,
    Disconnected,
}

/// How fortsync authenticates to the tenant's Fortnox company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// Authorization code + refresh tokens (single use, rotated on every refresh).
    #[default]
    Code,
    /// Service account: `client_credentials` with the `TenantId` header; nothing to rotate.
    Service,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Service => "service",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "code" => Some(Self::Code),
            "service" => Some(Self::Service),
            _ => None,
        }
    }
}

/// The tenant's shop, for the register sync and status write-back (its credentials are in
/// the secret store, `{prefix}/tenants/{t}/shop`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopLink {
    pub platform: crate::order::Platform,
    /// Shopify: `https://{shop}.myshopify.com`; WooCommerce: the site URL.
    pub base_url: String,
    /// Shopify: the location whose stock is set (`None`: the primary location).
    #[serde(default)]
    pub location_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub status: TenantStatus,
    /// Fortnox `DatabaseNumber` (the TenantId Fortnox uses).
    pub fortnox_tenant_id: Option<u64>,
    pub company_name: Option<String>,
    /// The company's öre rounding as learnt from Fortnox.
    #[serde(default)]
    pub rounding: Rounding,
    #[serde(default)]
    pub auth_mode: AuthMode,
    pub settings: TenantSettings,
    /// The shop's API, when the tenant syncs registers or writes status back.
    #[serde(default)]
    pub shop: Option<ShopLink>,
}

impl Tenant {
    pub fn new(id: TenantId) -> Self {
        Self {
            id,
            status: TenantStatus::Connected,
            fortnox_tenant_id: None,
            company_name: None,
            rounding: Rounding::None,
            auth_mode: AuthMode::Code,
            settings: TenantSettings::default(),
            shop: None,
        }
    }
}
