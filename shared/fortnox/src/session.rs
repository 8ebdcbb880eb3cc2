//! The `Accounting` port on Fortnox: exact-match lookups over Fortnox's substring search,
//! drafts turned into PascalCase bodies.

use crate::client::{FortnoxClient, RetryPolicy};
use crate::error::FortnoxError;
use crate::models::{
    CustomerType, CustomerWrite, DiscountType, InvoiceRowWrite, InvoiceWrite, RowAccount, VatType,
};
use crate::throttle::Throttle;
use crate::tokens::TokenManager;
use async_trait::async_trait;
use fortsync_app::{Accounting, AccountingConnector, AccountingError, ApiCall, CreatedDocument};
use fortsync_domain::TenantId;
use fortsync_domain::document::{CustomerDraft, InvoiceDraft};
use fortsync_domain::tenant::Tenant;
use std::sync::Arc;

pub struct FortnoxConnector {
    pub http: reqwest::Client,
    pub api_base: String,
    pub tokens: Arc<TokenManager>,
    pub throttle: Arc<Throttle>,
    pub retry: RetryPolicy,
}

#[async_trait]
impl AccountingConnector for FortnoxConnector {
    async fn connect(&self, tenant: &Tenant) -> Result<Box<dyn Accounting>, AccountingError> {
        let token = self.tokens.access_token(tenant).await?;
        let client = FortnoxClient::new(
            self.http.clone(),
            &self.api_base,
            token.clone(),
            tenant.id.to_string(),
            self.throttle.clone(),
            self.retry.clone(),
        );
        Ok(Box::new(FortnoxSession {
            client,
            token,
            tenant: tenant.id.clone(),
            tokens: self.tokens.clone(),
        }))
    }
}

pub struct FortnoxSession {
    client: FortnoxClient,
    token: String,
    tenant: TenantId,
    tokens: Arc<TokenManager>,
}

impl FortnoxSession {
    /// A 401 means Fortnox no longer takes this access token: forget it so the retry refreshes.
    fn seen<T>(&self, r: Result<T, FortnoxError>) -> Result<T, AccountingError> {
        if let Err(e) = &r
            && e.status() == Some(401)
        {
            self.tokens.invalidate(&self.tenant, &self.token);
        }
        r.map_err(AccountingError::from)
    }
}

#[async_trait]
impl Accounting for FortnoxSession {
    async fn find_customer_by_email(&self, email: &str) -> Result<Option<String>, AccountingError> {
        // Exact (case-insensitive) matches over Fortnox's substring search. Several matches: the
        // lowest customer number, the oldest, is the stable choice.
        let found = self.seen(self.client.find_customers_by_email(email).await)?;
        let mut numbers: Vec<String> = found.into_iter().map(|c| c.customer_number).collect();
        numbers.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
        Ok(numbers.into_iter().next())
    }

    async fn create_customer(&self, d: &CustomerDraft) -> Result<String, AccountingError> {
        let body = customer_write(d);
        let created = self.seen(self.client.create_customer(&body).await)?;
        Ok(created.customer_number)
    }

    async fn update_customer(
        &self,
        number: &str,
        d: &CustomerDraft,
    ) -> Result<(), AccountingError> {
        let mut body = customer_write(d);
        // The number addresses the record; it is not sent as a change.
        body.customer_number = None;
        self.seen(self.client.update_customer(number, &body).await)?;
        Ok(())
    }

    async fn find_invoice_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let found = self.seen(
            self.client
                .find_invoices_by_external_reference(reference)
                .await,
        )?;
        Ok(found.into_iter().next().map(|i| CreatedDocument {
            number: i.document_number,
            total: i.total,
        }))
    }

    async fn create_invoice(&self, d: &InvoiceDraft) -> Result<CreatedDocument, AccountingError> {
        let rows = d
            .rows
            .iter()
            .map(|r| InvoiceRowWrite {
                description: Some(r.description.clone()),
                delivered_quantity: Some(r.quantity),
                price: Some(r.price),
                discount: Some(r.discount),
                discount_type: Some(DiscountType::Amount),
                vat: Some(r.vat),
                account_number: Some(RowAccount::Number(r.account)),
                ..InvoiceRowWrite::default()
            })
            .collect();
        let invoice_date = time::Date::parse(
            &d.invoice_date,
            &time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| {
            AccountingError::permanent(format!(
                "invoice date {:?} is not YYYY-MM-DD",
                d.invoice_date
            ))
        })?;
        let body = InvoiceWrite {
            invoice_date: Some(invoice_date),
            currency: Some(d.currency.clone()),
            vat_included: Some(d.vat_included),
            your_order_number: Some(d.your_order_number.clone()),
            your_reference: Some(d.your_reference.clone()),
            our_reference: d.our_reference.clone(),
            external_invoice_reference1: Some(d.external_reference.clone()),
            remarks: d.remarks.clone(),
            customer_name: Some(d.customer_name.clone()),
            address1: Some(d.address1.clone()),
            address2: d.address2.clone(),
            zip_code: Some(d.zip_code.clone()),
            city: Some(d.city.clone()),
            country: d.country.clone(),
            ..InvoiceWrite::new(d.customer_number.clone(), rows)
        };
        let created = self.seen(self.client.create_invoice(&body).await)?;
        Ok(CreatedDocument {
            number: created.document_number,
            total: created.total,
        })
    }

    fn take_calls(&self) -> Vec<ApiCall> {
        self.client.take_calls()
    }
}

fn customer_write(d: &CustomerDraft) -> CustomerWrite {
    CustomerWrite {
        name: Some(d.name.clone()),
        email: Some(d.email.clone()),
        email_invoice: Some(d.email.clone()),
        address1: Some(d.address1.clone()),
        address2: d.address2.clone(),
        zip_code: Some(d.zip_code.clone()),
        city: Some(d.city.clone()),
        country_code: Some(d.country_code.clone()),
        kind: Some(if d.company {
            CustomerType::Company
        } else {
            CustomerType::Private
        }),
        vat_type: Some(VatType::parse(d.vat_type.as_fortnox())),
        vat_number: d.vat_number.clone(),
        organisation_number: d.organisation_number.clone(),
        phone1: d.phone.clone(),
        ..CustomerWrite::default()
    }
}
