//! The `Accounting` port on Fortnox: exact-match lookups over Fortnox's substring search,
//! drafts turned into PascalCase bodies.

use crate::client::{FortnoxClient, RetryPolicy};
use crate::error::FortnoxError;
use crate::throttle::Throttle;
use crate::wire::*;
use async_trait::async_trait;
use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_app::{
    Accounting, AccountingConnector, AccountingError, ApiCall, Clock, CreatedDocument,
};
use fortsync_domain::document::{CustomerDraft, InvoiceDraft};
use fortsync_domain::tenant::Tenant;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The tenant's Fortnox token as stored in Secrets Manager (`.../tenants/{t}/fortnox`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredToken {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Epoch seconds.
    pub expires_at: i64,
    #[serde(default)]
    pub scope: Option<String>,
}

pub struct FortnoxConnector {
    pub http: reqwest::Client,
    pub api_base: String,
    pub secrets: Arc<SecretCache>,
    pub names: SecretNames,
    pub throttle: Arc<Throttle>,
    pub retry: RetryPolicy,
    pub clock: Arc<dyn Clock>,
}

#[async_trait]
impl AccountingConnector for FortnoxConnector {
    async fn connect(&self, tenant: &Tenant) -> Result<Box<dyn Accounting>, AccountingError> {
        let name = self.names.fortnox_token(&tenant.id);
        let secret = self
            .secrets
            .get(&name)
            .await
            .map_err(|e| AccountingError::from(FortnoxError::Connect(e.to_string())))?
            .ok_or_else(|| FortnoxError::NotConnected("no Fortnox token stored".into()))?;
        let token: StoredToken = serde_json::from_str(secret.expose())
            .map_err(|_| FortnoxError::NotConnected("stored token is unreadable".into()))?;
        if token.expires_at <= self.clock.now().unix_timestamp() + 30 {
            return Err(FortnoxError::NotConnected("access token expired".into()).into());
        }
        let client = FortnoxClient::new(
            self.http.clone(),
            &self.api_base,
            token.access_token,
            tenant.id.to_string(),
            self.throttle.clone(),
            self.retry.clone(),
        );
        Ok(Box::new(FortnoxSession { client }))
    }
}

pub struct FortnoxSession {
    client: FortnoxClient,
}

#[async_trait]
impl Accounting for FortnoxSession {
    async fn find_customer_by_email(&self, email: &str) -> Result<Option<String>, AccountingError> {
        let all = self
            .client
            .list_all(
                "/3/customers",
                &[("email", email.to_owned())],
                |p: CustomerList| (p.customers, p.meta),
            )
            .await?;
        // Fortnox matches substrings (a@b.se also finds xa@b.se): compare exactly. Several exact
        // matches: the lowest customer number, the oldest, is the stable choice.
        let mut exact: Vec<_> = all
            .into_iter()
            .filter(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case(email))
            })
            .map(|c| c.customer_number)
            .collect();
        exact.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
        Ok(exact.into_iter().next())
    }

    async fn create_customer(&self, d: &CustomerDraft) -> Result<String, AccountingError> {
        let body = CustomerEnvelope {
            customer: CustomerWrite {
                name: d.name.clone(),
                email: d.email.clone(),
                email_invoice: d.email.clone(),
                address1: d.address1.clone(),
                address2: d.address2.clone(),
                zip_code: d.zip_code.clone(),
                city: d.city.clone(),
                country_code: d.country_code.clone(),
                kind: if d.company { "COMPANY" } else { "PRIVATE" },
                vat_type: d.vat_type.as_fortnox(),
                vat_number: d.vat_number.clone(),
                organisation_number: d.organisation_number.clone(),
                phone: d.phone.clone(),
            },
        };
        let created: CustomerCreated = self.client.post("/3/customers", &body).await?;
        Ok(created.customer.customer_number)
    }

    async fn find_invoice_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let all = self
            .client
            .list_all(
                "/3/invoices",
                &[("externalinvoicereference1", reference.to_owned())],
                |p: InvoiceList| (p.invoices, p.meta),
            )
            .await?;
        Ok(all
            .into_iter()
            .find(|i| i.external_invoice_reference1.as_deref() == Some(reference))
            .map(|i| CreatedDocument {
                number: i.document_number,
                total: i.total,
            }))
    }

    async fn create_invoice(&self, d: &InvoiceDraft) -> Result<CreatedDocument, AccountingError> {
        let rows = d
            .rows
            .iter()
            .map(|r| InvoiceRowWrite {
                description: r.description.clone(),
                delivered_quantity: r.quantity,
                price: r.price,
                discount: r.discount,
                discount_type: "AMOUNT",
                vat: r.vat,
                account_number: r.account,
            })
            .collect();
        let body = InvoiceEnvelope {
            invoice: InvoiceWrite {
                customer_number: d.customer_number.clone(),
                invoice_date: d.invoice_date.clone(),
                currency: d.currency.clone(),
                vat_included: d.vat_included,
                your_order_number: d.your_order_number.clone(),
                your_reference: d.your_reference.clone(),
                our_reference: d.our_reference.clone(),
                external_invoice_reference1: d.external_reference.clone(),
                remarks: d.remarks.clone(),
                customer_name: d.customer_name.clone(),
                address1: d.address1.clone(),
                address2: d.address2.clone(),
                zip_code: d.zip_code.clone(),
                city: d.city.clone(),
                country: d.country.clone(),
                invoice_rows: rows,
            },
        };
        let created: InvoiceCreated = self.client.post("/3/invoices", &body).await?;
        Ok(CreatedDocument {
            number: created.invoice.document_number,
            total: created.invoice.total,
        })
    }

    fn take_calls(&self) -> Vec<ApiCall> {
        self.client.take_calls()
    }
}
