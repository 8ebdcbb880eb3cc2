//! Company information: `GET /3/companyinformation`, scope `companyinformation`.

use super::codec;
use super::envelope::Resource;
use serde::Deserialize;

/// The company the token belongs to. `DatabaseNumber` is the TenantId.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompanyInformation {
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub company_name: String,
    #[serde(default, deserialize_with = "codec::text")]
    pub organization_number: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub zip_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub country_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub visit_address: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub visit_zip_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub visit_city: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub visit_country_code: Option<String>,
    /// The TenantId (a number in the simulator, kept as text).
    #[serde(default, deserialize_with = "codec::text")]
    pub database_number: Option<String>,
}

impl Resource for CompanyInformation {
    const KEY: &'static str = "CompanyInformation";
}
