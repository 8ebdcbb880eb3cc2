//! The `Accounting` port on Fortnox: exact-match lookups over Fortnox's substring search,
//! drafts turned into PascalCase bodies.

use crate::client::{FortnoxClient, RetryPolicy};
use crate::error::FortnoxError;
use crate::throttle::Throttle;
use crate::tokens::TokenManager;
use crate::wire::*;
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
        let all = self.seen(
            self.client
                .list_all(
                    "/3/customers",
                    &[("email", email.to_owned())],
                    |p: CustomerList| (p.customers, p.meta),
                )
                .await,
        )?;
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
        let created: CustomerCreated = self.seen(self.client.post("/3/customers", &body).await)?;
        Ok(created.customer.customer_number)
    }

    async fn find_invoice_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let all = self.seen(
            self.client
                .list_all(
                    "/3/invoices",
                    &[("externalinvoicereference1", reference.to_owned())],
                    |p: InvoiceList| (p.invoices, p.meta),
                )
                .await,
        )?;
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
        let created: InvoiceCreated = self.seen(self.client.post("/3/invoices", &body).await)?;
        Ok(CreatedDocument {
            number: created.invoice.document_number,
            total: created.invoice.total,
        })
    }

    fn take_calls(&self) -> Vec<ApiCall> {
        self.client.take_calls()
    }
}
