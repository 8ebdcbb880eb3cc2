//! The `Accounting` port on Fortnox: exact-match lookups over Fortnox's substring search,
//! drafts turned into PascalCase bodies.

use crate::client::{FortnoxClient, RetryPolicy};
use crate::drafts;
use crate::error::FortnoxError;
use crate::models::InvoicePaymentWrite;
use crate::throttle::Throttle;
use crate::tokens::TokenManager;
use async_trait::async_trait;
use fortsync_app::{
    Accounting, AccountingConnector, AccountingError, ApiCall, CreatedDocument, InvoiceProgress,
    PaymentDraft,
};
use fortsync_domain::TenantId;
use fortsync_domain::document::CustomerDraft;
use fortsync_domain::mapping::{ArticleDraft, DocumentDraft};
use fortsync_domain::settings::SendMode;
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
        let body = drafts::customer_write(d);
        let created = self.seen(self.client.create_customer(&body).await)?;
        Ok(created.customer_number)
    }

    async fn update_customer(
        &self,
        number: &str,
        d: &CustomerDraft,
    ) -> Result<(), AccountingError> {
        let mut body = drafts::customer_write(d);
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

    async fn create_invoice(&self, d: &DocumentDraft) -> Result<CreatedDocument, AccountingError> {
        let body =
            drafts::invoice_write(d).map_err(|e| AccountingError::permanent(e.to_string()))?;
        let created = self.seen(self.client.create_invoice(&body).await)?;
        Ok(CreatedDocument {
            number: created.document_number,
            total: created.total,
        })
    }

    async fn find_order_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let found = self.seen(
            self.client
                .find_orders_by_external_reference(reference)
                .await,
        )?;
        Ok(found.into_iter().next().map(|o| CreatedDocument {
            number: o.document_number,
            total: o.total,
        }))
    }

    async fn create_order(&self, d: &DocumentDraft) -> Result<CreatedDocument, AccountingError> {
        let body = drafts::order_write(d).map_err(|e| AccountingError::permanent(e.to_string()))?;
        let created = self.seen(self.client.create_order(&body).await)?;
        Ok(CreatedDocument {
            number: created.document_number,
            total: created.total,
        })
    }

    async fn invoice_of_order(
        &self,
        order_number: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let order = self.seen(self.client.order(order_number).await)?;
        let Some(number) = order.invoice_reference else {
            return Ok(None);
        };
        let invoice = self.seen(self.client.invoice(&number).await)?;
        Ok(Some(CreatedDocument {
            number: invoice.document_number,
            total: invoice.total,
        }))
    }

    async fn create_invoice_from_order(
        &self,
        order_number: &str,
    ) -> Result<CreatedDocument, AccountingError> {
        let invoice = self.seen(self.client.create_invoice_from_order(order_number).await)?;
        Ok(CreatedDocument {
            number: invoice.document_number,
            total: invoice.total,
        })
    }

    async fn invoice_progress(
        &self,
        invoice_number: &str,
    ) -> Result<InvoiceProgress, AccountingError> {
        let invoice = self.seen(self.client.invoice(invoice_number).await)?;
        let number: u64 = invoice_number.parse().map_err(|_| {
            AccountingError::permanent(format!("invoice number {invoice_number:?} is not numeric"))
        })?;
        let payments = self.seen(self.client.payments_for_invoice(number).await)?;
        Ok(InvoiceProgress {
            booked: invoice.booked,
            sent: invoice.sent,
            payments: payments.into_iter().map(|p| p.number).collect(),
        })
    }

    async fn bookkeep_invoice(&self, invoice_number: &str) -> Result<(), AccountingError> {
        self.seen(self.client.bookkeep_invoice(invoice_number).await)?;
        Ok(())
    }

    async fn send_invoice(
        &self,
        invoice_number: &str,
        how: SendMode,
    ) -> Result<(), AccountingError> {
        match how {
            SendMode::None => {}
            SendMode::Email => {
                self.seen(self.client.email_invoice(invoice_number).await)?;
            }
            // e-print is Fortnox's print service; marking the invoice externally printed is
            // what records a document the merchant sends by other means.
            SendMode::Eprint | SendMode::ExternalPrint => {
                self.seen(self.client.external_print_invoice(invoice_number).await)?;
            }
        }
        Ok(())
    }

    async fn register_payment(&self, p: &PaymentDraft) -> Result<String, AccountingError> {
        let invoice_number = p.invoice_number.parse().map_err(|_| {
            AccountingError::permanent(format!(
                "invoice number {:?} is not numeric",
                p.invoice_number
            ))
        })?;
        let date = time::Date::parse(
            &p.date,
            &time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| {
            AccountingError::permanent(format!("payment date {:?} is not YYYY-MM-DD", p.date))
        })?;
        let body = InvoicePaymentWrite {
            invoice_number: Some(invoice_number),
            amount: Some(p.amount),
            payment_date: Some(date),
            mode_of_payment: Some(p.mode_of_payment.clone()),
            mode_of_payment_account: Some(p.account),
            ..InvoicePaymentWrite::default()
        };
        let created = self.seen(self.client.create_invoice_payment(&body).await)?;
        Ok(created.number)
    }

    async fn bookkeep_payment(&self, payment_number: &str) -> Result<(), AccountingError> {
        self.seen(self.client.bookkeep_invoice_payment(payment_number).await)?;
        Ok(())
    }

    async fn ensure_article(&self, a: &ArticleDraft) -> Result<(), AccountingError> {
        match self.client.article(&a.article_number).await {
            Ok(_) => Ok(()),
            Err(e) if e.status() == Some(404) => {
                self.seen(self.client.create_article(&drafts::article_write(a)).await)?;
                Ok(())
            }
            Err(e) => self.seen(Err(e)),
        }
    }

    fn take_calls(&self) -> Vec<ApiCall> {
        self.client.take_calls()
    }
}
