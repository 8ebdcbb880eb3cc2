//! Fortnox's JSON: PascalCase envelopes, numbers that arrive as strings, `null`s, error keys in
//! either case. Writes send amounts as exact JSON numbers (never through `f64`).

use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serialize a `Decimal` as a JSON number with its exact digits.
pub fn number<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let raw = serde_json::value::RawValue::from_string(v.normalize().to_string())
        .map_err(serde::ser::Error::custom)?;
    raw.serialize(s)
}

/// A Fortnox identifier that may come as a number or a string.
pub fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        N(serde_json::Number),
        S(String),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::N(n) => n.to_string(),
        Raw::S(s) => s,
    })
}

#[derive(Debug, Deserialize)]
pub struct ErrorEnvelope {
    #[serde(
        rename = "ErrorInformation",
        alias = "errorInformation",
        alias = "errorinformation"
    )]
    pub error_information: ErrorInformation,
}

#[derive(Debug, Deserialize)]
pub struct ErrorInformation {
    #[serde(alias = "Message", default)]
    pub message: Option<String>,
    #[serde(alias = "Code", default, deserialize_with = "lenient_code")]
    pub code: Option<u64>,
}

fn lenient_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(lenient::option(d)?.and_then(|c| u64::try_from(c).ok()))
}

/// OAuth-style error body (`{"error": "...", "error_description": "..."}`).
#[derive(Debug, Deserialize)]
pub struct OAuthError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct MetaInformation {
    #[serde(rename = "@TotalPages", default, deserialize_with = "lenient_u32")]
    pub total_pages: u32,
    #[serde(rename = "@CurrentPage", default, deserialize_with = "lenient_u32")]
    pub current_page: u32,
}

fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(lenient::option(d)?
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(0))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerWrite {
    pub name: String,
    pub email: String,
    pub email_invoice: String,
    pub address1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    pub zip_code: String,
    pub city: String,
    pub country_code: String,
    #[serde(rename = "Type")]
    pub kind: &'static str,
    #[serde(rename = "VATType")]
    pub vat_type: &'static str,
    #[serde(rename = "VATNumber", skip_serializing_if = "Option::is_none")]
    pub vat_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_number: Option<String>,
    #[serde(rename = "Phone1", skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CustomerEnvelope<T> {
    #[serde(rename = "Customer")]
    pub customer: T,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerRef {
    #[serde(deserialize_with = "id_text")]
    pub customer_number: String,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CustomerCreated {
    #[serde(rename = "Customer")]
    pub customer: CustomerRef,
}

#[derive(Debug, Deserialize)]
pub struct CustomerList {
    #[serde(rename = "Customers", default)]
    pub customers: Vec<CustomerRef>,
    #[serde(rename = "MetaInformation", default)]
    pub meta: MetaInformation,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoiceRowWrite {
    pub description: String,
    #[serde(serialize_with = "number")]
    pub delivered_quantity: Decimal,
    #[serde(serialize_with = "number")]
    pub price: Decimal,
    #[serde(serialize_with = "number")]
    pub discount: Decimal,
    pub discount_type: &'static str,
    #[serde(rename = "VAT", serialize_with = "number")]
    pub vat: Decimal,
    pub account_number: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoiceWrite {
    pub customer_number: String,
    pub invoice_date: String,
    pub currency: String,
    #[serde(rename = "VATIncluded")]
    pub vat_included: bool,
    pub your_order_number: String,
    pub your_reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub our_reference: Option<String>,
    pub external_invoice_reference1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
    pub customer_name: String,
    pub address1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    pub zip_code: String,
    pub city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub invoice_rows: Vec<InvoiceRowWrite>,
}

#[derive(Debug, Serialize)]
pub struct InvoiceEnvelope<T> {
    #[serde(rename = "Invoice")]
    pub invoice: T,
}

/// The fields of an invoice (record or list item) fortsync reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoiceRef {
    #[serde(deserialize_with = "id_text")]
    pub document_number: String,
    #[serde(deserialize_with = "lenient::decimal")]
    pub total: Decimal,
    #[serde(default)]
    pub external_invoice_reference1: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct InvoiceCreated {
    #[serde(rename = "Invoice")]
    pub invoice: InvoiceRef,
}

#[derive(Debug, Deserialize)]
pub struct InvoiceList {
    #[serde(rename = "Invoices", default)]
    pub invoices: Vec<InvoiceRef>,
    #[serde(rename = "MetaInformation", default)]
    pub meta: MetaInformation,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_are_exact_json_numbers() {
        let row = InvoiceRowWrite {
            description: "x".into(),
            delivered_quantity: dec!(2),
            price: dec!(199.90),
            discount: dec!(0),
            discount_type: "AMOUNT",
            vat: dec!(25),
            account_number: 3001,
        };
        let json = serde_json::to_string(&row).unwrap();
        assert!(json.contains(r#""Price":199.9"#), "{json}");
        assert!(json.contains(r#""VAT":25"#), "{json}");
        assert!(json.contains(r#""DeliveredQuantity":2"#), "{json}");
    }

    #[test]
    fn list_items_tolerate_strings_numbers_and_error_case() {
        let l: InvoiceList = serde_json::from_str(
            r#"{"Invoices":[{"DocumentNumber":"12","Total":"1250.50","ExternalInvoiceReference1":"k"},
                            {"DocumentNumber":13,"Total":99}],
                "MetaInformation":{"@TotalPages":"2","@CurrentPage":1}}"#,
        )
        .unwrap();
        assert_eq!(l.invoices[0].total, dec!(1250.50));
        assert_eq!(l.invoices[1].document_number, "13");
        assert_eq!(l.meta.total_pages, 2);
        let e: ErrorEnvelope = serde_json::from_str(
            r#"{"ErrorInformation":{"Error":1,"Message":"Fel","Code":"2000359"}}"#,
        )
        .unwrap();
        assert_eq!(e.error_information.code, Some(2000359));
        let e: ErrorEnvelope = serde_json::from_str(
            r#"{"ErrorInformation":{"error":1,"message":"Fel","code":2001304}}"#,
        )
        .unwrap();
        assert_eq!(e.error_information.code, Some(2001304));
    }
}
