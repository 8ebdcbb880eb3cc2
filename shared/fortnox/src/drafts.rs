//! The mapping engine's drafts (`fortsync_domain::mapping`) → the typed Fortnox write models
//! and the JSON envelope that is posted (`{"Invoice": {…}}` / `{"Order": {…}}`).
//!
//! Every row carries its `AccountNumber` (the engine chose it per VAT rate × region) and its
//! `VAT`; a discount is sent only when there is one, always as `DiscountType` AMOUNT (the whole
//! row, same VAT basis as the price). Order rows set `DeliveredQuantity` equal to
//! `OrderedQuantity`, so `createinvoice` bills everything.

use crate::models::{
    ArticleWrite, CustomerType, CustomerWrite, DiscountType, EnvelopeRef, InvoiceRowWrite,
    InvoiceWrite, OrderRowWrite, OrderWrite, RowAccount, VatType,
};
use fortsync_domain::document::CustomerDraft;
use fortsync_domain::mapping::{ArticleDraft, DocumentDraft, DraftRow, Mapped};
use fortsync_domain::settings::DocumentKind;
use rust_decimal::Decimal;
use thiserror::Error;
use time::Date;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DraftError {
    #[error("document date {0:?} is not YYYY-MM-DD")]
    BadDate(String),
    #[error("could not serialise the document: {0}")]
    Json(String),
}

fn date(d: &str) -> Result<Date, DraftError> {
    Date::parse(
        d,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| DraftError::BadDate(d.to_owned()))
}

fn discount(r: &DraftRow) -> (Option<Decimal>, Option<DiscountType>) {
    if r.discount.is_zero() {
        (None, None)
    } else {
        (Some(r.discount), Some(DiscountType::Amount))
    }
}

/// One invoice row.
pub fn invoice_row(r: &DraftRow) -> InvoiceRowWrite {
    let (discount, discount_type) = discount(r);
    InvoiceRowWrite {
        article_number: r.article_number.clone(),
        description: Some(r.description.clone()),
        delivered_quantity: Some(r.quantity),
        price: Some(r.price),
        discount,
        discount_type,
        vat: Some(r.vat),
        account_number: Some(RowAccount::Number(r.account)),
        ..InvoiceRowWrite::default()
    }
}

/// One order row: ordered = delivered.
pub fn order_row(r: &DraftRow) -> OrderRowWrite {
    let (discount, discount_type) = discount(r);
    OrderRowWrite {
        article_number: r.article_number.clone(),
        description: Some(r.description.clone()),
        ordered_quantity: Some(r.quantity),
        delivered_quantity: Some(r.quantity),
        price: Some(r.price),
        discount,
        discount_type,
        vat: Some(r.vat),
        account_number: Some(RowAccount::Number(r.account)),
        ..OrderRowWrite::default()
    }
}

fn currency_unit(d: &DocumentDraft) -> Option<Decimal> {
    d.currency_rate.map(|_| Decimal::ONE)
}

/// The `POST /3/invoices` body.
pub fn invoice_write(d: &DocumentDraft) -> Result<InvoiceWrite, DraftError> {
    let delivery = d.delivery.as_ref();
    Ok(InvoiceWrite {
        invoice_date: Some(date(&d.document_date)?),
        currency: Some(d.currency.clone()),
        currency_rate: d.currency_rate,
        currency_unit: currency_unit(d),
        vat_included: Some(d.vat_included),
        freight: d.freight,
        administration_fee: d.administration_fee,
        your_order_number: Some(d.your_order_number.clone()).filter(|s| !s.is_empty()),
        your_reference: Some(d.your_reference.clone()).filter(|s| !s.is_empty()),
        our_reference: d.our_reference.clone(),
        external_invoice_reference1: Some(d.external_reference.clone()),
        external_invoice_reference2: d.external_reference2.clone(),
        remarks: d.remarks.clone(),
        customer_name: Some(d.customer_name.clone()),
        address1: Some(d.address1.clone()),
        address2: d.address2.clone(),
        zip_code: Some(d.zip_code.clone()),
        city: Some(d.city.clone()),
        country: d.country.clone(),
        phone1: d.phone.clone(),
        delivery_name: delivery.map(|a| a.name.clone()),
        delivery_address1: delivery.map(|a| a.address1.clone()),
        delivery_address2: delivery.and_then(|a| a.address2.clone()),
        delivery_zip_code: delivery.map(|a| a.zip_code.clone()),
        delivery_city: delivery.map(|a| a.city.clone()),
        delivery_country: delivery.and_then(|a| a.country.clone()),
        cost_center: d.cost_center.clone(),
        project: d.project.clone(),
        ..InvoiceWrite::new(
            d.customer_number.clone(),
            d.rows.iter().map(invoice_row).collect(),
        )
    })
}

/// The `POST /3/orders` body (order date = delivery date = the shop's order date).
pub fn order_write(d: &DocumentDraft) -> Result<OrderWrite, DraftError> {
    let delivery = d.delivery.as_ref();
    let day = date(&d.document_date)?;
    Ok(OrderWrite {
        order_date: Some(day),
        delivery_date: Some(day),
        currency: Some(d.currency.clone()),
        currency_rate: d.currency_rate,
        currency_unit: currency_unit(d),
        vat_included: Some(d.vat_included),
        freight: d.freight,
        administration_fee: d.administration_fee,
        your_order_number: Some(d.your_order_number.clone()).filter(|s| !s.is_empty()),
        your_reference: Some(d.your_reference.clone()).filter(|s| !s.is_empty()),
        our_reference: d.our_reference.clone(),
        external_invoice_reference1: Some(d.external_reference.clone()),
        remarks: d.remarks.clone(),
        // The invoice made by `createinvoice` takes the order's remarks.
        copy_remarks: Some(true),
        customer_name: Some(d.customer_name.clone()),
        address1: Some(d.address1.clone()),
        address2: d.address2.clone(),
        zip_code: Some(d.zip_code.clone()),
        city: Some(d.city.clone()),
        country: d.country.clone(),
        phone1: d.phone.clone(),
        delivery_name: delivery.map(|a| a.name.clone()),
        delivery_address1: delivery.map(|a| a.address1.clone()),
        delivery_address2: delivery.and_then(|a| a.address2.clone()),
        delivery_zip_code: delivery.map(|a| a.zip_code.clone()),
        delivery_city: delivery.map(|a| a.city.clone()),
        delivery_country: delivery.and_then(|a| a.country.clone()),
        cost_center: d.cost_center.clone(),
        project: d.project.clone(),
        ..OrderWrite::new(
            d.customer_number.clone(),
            d.rows.iter().map(order_row).collect(),
        )
    })
}

/// The `POST /3/customers` body (ISO country code, never a country name).
pub fn customer_write(c: &CustomerDraft) -> CustomerWrite {
    CustomerWrite {
        name: Some(c.name.clone()),
        email: Some(c.email.clone()),
        email_invoice: Some(c.email.clone()),
        address1: Some(c.address1.clone()),
        address2: c.address2.clone(),
        zip_code: Some(c.zip_code.clone()),
        city: Some(c.city.clone()),
        country_code: Some(c.country_code.clone()),
        kind: Some(if c.company {
            CustomerType::Company
        } else {
            CustomerType::Private
        }),
        vat_type: Some(VatType::parse(c.vat_type.as_fortnox())),
        vat_number: c.vat_number.clone(),
        organisation_number: c.organisation_number.clone(),
        phone1: c.phone.clone(),
        ..CustomerWrite::default()
    }
}

/// The `POST /3/articles` body for an article the unknown-SKU policy creates.
pub fn article_write(a: &ArticleDraft) -> ArticleWrite {
    ArticleWrite {
        article_number: Some(a.article_number.clone()),
        description: Some(a.description.clone()),
        vat: Some(a.vat),
        sales_account: Some(a.sales_account),
        ..ArticleWrite::default()
    }
}

/// The body that would be posted for the mapped order: `{"Invoice": {…}}` for `invoice`,
/// `{"Order": {…}}` for `order` and `order_then_invoice` (the invoice then comes from
/// `createinvoice`), `null` for `none`.
pub fn envelope(m: &Mapped) -> Result<serde_json::Value, DraftError> {
    let json = |r: Result<serde_json::Value, serde_json::Error>| {
        r.map_err(|e| DraftError::Json(e.to_string()))
    };
    match m.kind {
        DocumentKind::Invoice => json(serde_json::to_value(EnvelopeRef(&invoice_write(
            &m.document,
        )?))),
        DocumentKind::Order | DocumentKind::OrderThenInvoice => json(serde_json::to_value(
            EnvelopeRef(&order_write(&m.document)?),
        )),
        DocumentKind::None => Ok(serde_json::Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fortsync_domain::TenantId;
    use fortsync_domain::generic;
    use fortsync_domain::mapping::{MapContext, map_order};
    use fortsync_domain::settings::TenantSettings;
    use serde_json::json;

    const ORDER: &str = r##"{
        "id": "1001", "number": "#1001", "created_at": "2026-11-20T09:14:00+01:00",
        "currency": "SEK", "prices_include_tax": true,
        "customer": {"email": "anna@example.se", "name": "Anna Svensson"},
        "billing_address": {"line1": "Storgatan 1", "zip": "111 22", "city": "Stockholm", "country": "SE"},
        "lines": [{"sku": "TS-RED-L", "name": "T-shirt röd L", "quantity": 2, "unit_price": "199.00", "vat_rate": 25, "discount": "20.00"}],
        "shipping": [{"name": "PostNord", "amount": "49.00", "vat_rate": 25}],
        "total": "427.00"
    }"##;

    fn mapped(settings: &TenantSettings) -> Mapped {
        let order = generic::parse(ORDER.as_bytes()).unwrap();
        let tenant = TenantId::parse("acme").unwrap();
        map_order(&tenant, &order, settings, &MapContext::preview()).unwrap()
    }

    #[test]
    fn invoice_envelope_is_the_fortnox_body() {
        let m = mapped(&TenantSettings::default());
        let v = envelope(&m).unwrap();
        let inv = &v["Invoice"];
        assert_eq!(inv["CustomerNumber"], "NEW");
        assert_eq!(inv["InvoiceDate"], "2026-11-20");
        assert_eq!(inv["VATIncluded"], true);
        assert_eq!(inv["Country"], "Sverige");
        assert_eq!(inv["ExternalInvoiceReference1"], "fortsync:acme:1001");
        assert_eq!(inv["YourOrderNumber"], "#1001");
        assert_eq!(inv["YourReference"], "Anna Svensson");
        let rows = inv["InvoiceRows"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            json!({"Description": "T-shirt röd L (TS-RED-L)", "DeliveredQuantity": 2, "Price": 199,
                   "Discount": 20, "DiscountType": "AMOUNT", "VAT": 25, "AccountNumber": 3001})
        );
        assert_eq!(rows[1]["AccountNumber"], 3520);
        assert!(rows[1].get("Discount").is_none());
        assert!(v.get("Order").is_none());
    }

    #[test]
    fn order_kinds_post_an_order_with_delivered_quantities() {
        for kind in [DocumentKind::Order, DocumentKind::OrderThenInvoice] {
            let m = mapped(&TenantSettings {
                document: kind,
                ..Default::default()
            });
            let v = envelope(&m).unwrap();
            let o = &v["Order"];
            assert_eq!(o["OrderDate"], "2026-11-20");
            assert_eq!(o["OrderRows"][0]["OrderedQuantity"], 2);
            assert_eq!(o["OrderRows"][0]["DeliveredQuantity"], 2);
            assert_eq!(o["CopyRemarks"], true);
        }
        let none = mapped(&TenantSettings {
            document: DocumentKind::None,
            ..Default::default()
        });
        assert_eq!(envelope(&none).unwrap(), serde_json::Value::Null);
    }

    #[test]
    fn customer_body_has_codes_not_names() {
        let m = mapped(&TenantSettings::default());
        let v = serde_json::to_value(EnvelopeRef(&customer_write(&m.customer))).unwrap();
        assert_eq!(v["Customer"]["CountryCode"], "SE");
        assert_eq!(v["Customer"]["VATType"], "SEVAT");
        assert_eq!(v["Customer"]["Type"], "PRIVATE");
        assert!(v["Customer"].get("Country").is_none());
    }

    #[test]
    fn a_bad_date_is_an_error_not_a_panic() {
        let mut m = mapped(&TenantSettings::default());
        m.document.document_date = "20-11-2026".into();
        assert_eq!(envelope(&m), Err(DraftError::BadDate("20-11-2026".into())));
    }
}
