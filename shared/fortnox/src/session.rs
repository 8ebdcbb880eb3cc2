//! The `Accounting` port on Fortnox: exact-match lookups over Fortnox's substring search,
//! drafts turned into PascalCase bodies.

use crate::client::{FortnoxClient, RetryPolicy};
use crate::drafts;
use crate::edits;
use crate::error::FortnoxError;
use crate::models::{Invoice, InvoicePaymentWrite, InvoiceWrite, Order, OrderWrite};
use crate::throttle::Throttle;
use crate::tokens::TokenManager;
use async_trait::async_trait;
use fortsync_app::{
    Accounting, AccountingConnector, AccountingError, ApiCall, CreatedDocument, DocumentStatus,
    InvoiceProgress, PaymentDraft, Updated,
};
use fortsync_domain::TenantId;
use fortsync_domain::document::CustomerDraft;
use fortsync_domain::mapping::{ArticleDraft, DocumentDraft};
use fortsync_domain::settings::SendMode;
use fortsync_domain::status::InvoiceFacts;
use fortsync_domain::tenant::Tenant;
use rust_decimal::Decimal;
use std::sync::Arc;

fn invoice_status(inv: &Invoice) -> DocumentStatus {
    DocumentStatus {
        booked: inv.booked,
        cancelled: inv.cancelled,
        sent: inv.sent,
        // On a credit note the reference names the original, which is not a lock.
        credit_number: inv.credit_invoice_reference.clone().filter(|_| !inv.credit),
        invoice_number: None,
        total: inv.total,
    }
}

fn order_status(order: &Order) -> DocumentStatus {
    DocumentStatus {
        booked: false,
        cancelled: order.cancelled,
        sent: order.sent,
        credit_number: None,
        invoice_number: order.invoice_reference.clone(),
        total: order.total,
    }
}

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
        // Refund documents share reference 1 and carry reference 2: the order's own invoice is
        // the one without it (the lowest number when several, the oldest).
        let mut own: Vec<_> = found
            .into_iter()
            .filter(|i| {
                i.external_invoice_reference2
                    .as_deref()
                    .is_none_or(str::is_empty)
            })
            .collect();
        own.sort_by(|a, b| {
            (a.document_number.len(), &a.document_number)
                .cmp(&(b.document_number.len(), &b.document_number))
        });
        Ok(own.into_iter().next().map(|i| CreatedDocument {
            number: i.document_number,
            total: i.total,
        }))
    }

    async fn find_invoice_by_references(
        &self,
        reference1: &str,
        reference2: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let found = self.seen(
            self.client
                .find_invoices_by_external_reference(reference1)
                .await,
        )?;
        Ok(found
            .into_iter()
            .find(|i| i.external_invoice_reference2.as_deref() == Some(reference2))
            .map(|i| CreatedDocument {
                number: i.document_number,
                total: i.total,
            }))
    }

    async fn invoice_status(&self, number: &str) -> Result<DocumentStatus, AccountingError> {
        let inv = self.seen(self.client.invoice(number).await)?;
        Ok(invoice_status(&inv))
    }

    async fn order_status(&self, number: &str) -> Result<DocumentStatus, AccountingError> {
        let order = self.seen(self.client.order(number).await)?;
        Ok(order_status(&order))
    }

    async fn update_invoice(
        &self,
        number: &str,
        d: &DocumentDraft,
    ) -> Result<Updated, AccountingError> {
        let inv = self.seen(self.client.invoice(number).await)?;
        let status = invoice_status(&inv);
        if status.is_locked() {
            return Ok(Updated::Locked(status));
        }
        let mut body =
            drafts::invoice_write(d).map_err(|e| AccountingError::permanent(e.to_string()))?;
        // The date the invoice was issued with stays; a field left out stays too, so a
        // freight or fee that is gone is set to zero.
        body.invoice_date = None;
        body.freight = Some(d.freight.unwrap_or(Decimal::ZERO));
        body.administration_fee = Some(d.administration_fee.unwrap_or(Decimal::ZERO));
        let (rows, kept) = edits::invoice_rows(&inv.invoice_rows, &d.rows);
        if !kept && !inv.invoice_rows.is_empty() {
            let clear = InvoiceWrite {
                invoice_rows: Some(Vec::new()),
                ..InvoiceWrite::default()
            };
            self.seen(self.client.update_invoice(number, &clear).await)?;
        }
        body.invoice_rows = Some(rows);
        let saved = self.seen(self.client.update_invoice(number, &body).await)?;
        Ok(Updated::Done(CreatedDocument {
            number: saved.document_number,
            total: saved.total,
        }))
    }

    async fn update_order(
        &self,
        number: &str,
        d: &DocumentDraft,
    ) -> Result<Updated, AccountingError> {
        let order = self.seen(self.client.order(number).await)?;
        if order.cancelled || order.invoice_reference.is_some() {
            return Ok(Updated::Locked(order_status(&order)));
        }
        let mut body =
            drafts::order_write(d).map_err(|e| AccountingError::permanent(e.to_string()))?;
        body.order_date = None;
        body.delivery_date = None;
        body.freight = Some(d.freight.unwrap_or(Decimal::ZERO));
        body.administration_fee = Some(d.administration_fee.unwrap_or(Decimal::ZERO));
        let (rows, kept) = edits::order_rows(&order.order_rows, &d.rows);
        if !kept && !order.order_rows.is_empty() {
            let clear = OrderWrite {
                order_rows: Some(Vec::new()),
                ..OrderWrite::default()
            };
            self.seen(self.client.update_order(number, &clear).await)?;
        }
        body.order_rows = Some(rows);
        let saved = self.seen(self.client.update_order(number, &body).await)?;
        Ok(Updated::Done(CreatedDocument {
            number: saved.document_number,
            total: saved.total,
        }))
    }

    async fn add_order_rows(
        &self,
        number: &str,
        d: &DocumentDraft,
    ) -> Result<Updated, AccountingError> {
        let order = self.seen(self.client.order(number).await)?;
        if order.cancelled || order.invoice_reference.is_some() {
            return Ok(Updated::Locked(order_status(&order)));
        }
        let body = OrderWrite {
            order_rows: Some(edits::order_rows_plus(&order.order_rows, &d.rows)),
            ..OrderWrite::default()
        };
        let saved = self.seen(self.client.update_order(number, &body).await)?;
        Ok(Updated::Done(CreatedDocument {
            number: saved.document_number,
            total: saved.total,
        }))
    }

    async fn cancel_invoice(&self, number: &str) -> Result<(), AccountingError> {
        self.seen(self.client.cancel_invoice(number).await)?;
        Ok(())
    }

    async fn cancel_order(&self, number: &str) -> Result<(), AccountingError> {
        self.seen(self.client.cancel_order(number).await)?;
        Ok(())
    }

    async fn credit_invoice(&self, number: &str) -> Result<String, AccountingError> {
        let original = self.seen(self.client.credit_invoice(number).await)?;
        original.credit_invoice_reference.ok_or_else(|| {
            AccountingError::retryable(format!(
                "Fortnox credited invoice {number} but named no credit invoice"
            ))
        })
    }

    async fn invoice_facts(
        &self,
        number: &str,
    ) -> Result<Option<(InvoiceFacts, Option<String>)>, AccountingError> {
        let inv = match self.client.invoice(number).await {
            Ok(inv) => inv,
            Err(e) if e.status() == Some(404) => return Ok(None),
            Err(e) => return self.seen(Err(e)),
        };
        let facts = InvoiceFacts {
            number: inv.document_number.clone(),
            total: inv.total,
            balance: inv.balance,
            booked: inv.booked,
            sent: inv.sent,
            cancelled: inv.cancelled,
            credit: inv.credit,
            credit_reference: inv.credit_invoice_reference.clone(),
            due_date: inv.due_date.map(|d| d.to_string()),
            final_pay_date: inv.final_pay_date.map(|d| d.to_string()),
            ocr: inv.ocr.clone(),
            currency: inv.currency.clone(),
        };
        Ok(Some((facts, inv.external_invoice_reference1.clone())))
    }

    async fn open_invoices(
        &self,
        customer_number: &str,
    ) -> Result<Vec<fortsync_domain::balance::OpenInvoice>, AccountingError> {
        let query = crate::api::ListQuery::new()
            .filter("unpaid")
            .param("customernumber", customer_number);
        let listed = self.seen(self.client.invoices(&query).collect_all().await)?;
        Ok(listed
            .into_iter()
            // Fortnox's customer filter is a search: keep exact matches only.
            .filter(|i| i.customer_number == customer_number && !i.cancelled)
            .map(|i| fortsync_domain::balance::OpenInvoice {
                number: i.document_number,
                due_date: i.due_date.map(|d| d.to_string()).unwrap_or_default(),
                total: i.total,
                balance: i.balance,
            })
            .collect())
    }

    async fn invoice_of_payment(&self, payment: &str) -> Result<Option<String>, AccountingError> {
        match self.client.invoice_payment(payment).await {
            Ok(p) => Ok(Some(p.invoice_number.to_string())),
            Err(e) if e.status() == Some(404) => Ok(None),
            Err(e) => self.seen(Err(e)),
        }
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
