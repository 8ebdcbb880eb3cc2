//! `/3/companyinformation` (scope companyinformation) and `/3/settings/company` (scope settings);
//! `DatabaseNumber` is the tenant id.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use crate::bearer::AuthInfo;
use crate::envelope::{self, str_of};
use crate::errors::ApiResult;
use crate::state::SimState;

pub(crate) async fn information(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let t = w.tenant_mut(auth.tenant)?;
    Ok(envelope::ok(
        "CompanyInformation",
        Value::Object(t.company.clone()),
    ))
}

pub(crate) async fn settings(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let t = w.tenant_mut(auth.tenant)?;
    let c = &t.company;
    let s = json!({
        "Name": str_of(c, "CompanyName"),
        "OrganizationNumber": str_of(c, "OrganizationNumber"),
        "Address": str_of(c, "Address"),
        "ZipCode": str_of(c, "ZipCode"),
        "City": str_of(c, "City"),
        "Country": "Sverige",
        "CountryCode": str_of(c, "CountryCode"),
        "DatabaseNumber": t.id.to_string(),
        "VisitAddress": str_of(c, "VisitAddress"),
        "VisitCity": str_of(c, "VisitCity"),
        "VisitCountry": "Sverige",
        "VisitCountryCode": str_of(c, "VisitCountryCode"),
        "VisitZipCode": str_of(c, "VisitZipCode"),
        "Email": null,
        "Phone1": null,
        "Phone2": null,
        "Fax": null,
        "WWW": null,
        "VATNumber": str_of(c, "OrganizationNumber").map(|o| format!("SE{}01", o.replace('-', ""))),
        "BG": null,
        "PG": null,
        "IBAN": null,
        "BIC": null,
        "TaxEnabled": true,
    });
    Ok(envelope::ok("CompanySettings", s))
}
