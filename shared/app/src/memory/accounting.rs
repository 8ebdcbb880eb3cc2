use crate::ports::{
    Accounting, AccountingConnector, AccountingError, ApiCall, CreatedDocument, InvoiceProgress,
    PaymentDraft,
};
use async_trait::async_trait;
use fortsync_domain::ErrorClass;
use fortsync_domain::document::{CustomerDraft, Rounding};
use fortsync_domain::mapping::{ArticleDraft, DocumentDraft, expected_totals};
use fortsync_domain::settings::SendMode;
use fortsync_domain::tenant::Tenant;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Books {
    customers: Vec<(String, String)>,
    invoices: Vec<(String, String, rust_decimal::Decimal)>,
    /// (number, reference, total, invoice made from it)
    orders: Vec<(String, String, rust_decimal::Decimal, Option<String>)>,
    articles: Vec<String>,
    /// invoice number → (booked, sent, payment numbers)
    progress: std::collections::HashMap<String, (bool, bool, Vec<String>)>,
    payments: usize,
    /// Errors the next calls answer with, in order.
    faults: VecDeque<AccountingError>,
    /// When set, the next create_invoice succeeds in Fortnox but the answer is "lost".
    lose_next_invoice_answer: bool,
    calls: Vec<ApiCall>,
}

/// A tiny stand-in for Fortnox for use-case tests: exact e-mail and reference lookups, totals by
/// the domain model, scripted faults. End-to-end tests use the real simulator instead.
#[derive(Clone, Default)]
pub struct FakeFortnox {
    books: Arc<Mutex<Books>>,
}

impl FakeFortnox {
    pub fn fail_next(&self, e: AccountingError) {
        if let Ok(mut b) = self.books.lock() {
            b.faults.push_back(e);
        }
    }
    pub fn lose_next_invoice_answer(&self) {
        if let Ok(mut b) = self.books.lock() {
            b.lose_next_invoice_answer = true;
        }
    }
    pub fn invoice_count(&self) -> usize {
        self.books.lock().map(|b| b.invoices.len()).unwrap_or(0)
    }
    pub fn order_count(&self) -> usize {
        self.books.lock().map(|b| b.orders.len()).unwrap_or(0)
    }
    pub fn customer_count(&self) -> usize {
        self.books.lock().map(|b| b.customers.len()).unwrap_or(0)
    }

    fn call(
        &self,
        method: &str,
        path: &str,
    ) -> Result<std::sync::MutexGuard<'_, Books>, AccountingError> {
        let mut b = self.books.lock().map_err(|_| timeout())?;
        b.calls.push(ApiCall {
            method: method.into(),
            path: path.into(),
            status: Some(200),
            duration_ms: 0,
            fortnox_code: None,
        });
        if let Some(e) = b.faults.pop_front() {
            return Err(e);
        }
        Ok(b)
    }
}

fn timeout() -> AccountingError {
    AccountingError {
        class: ErrorClass::Retryable,
        status: None,
        code: None,
        message: "timeout".into(),
        advice: None,
    }
}

#[async_trait]
impl Accounting for FakeFortnox {
    async fn find_customer_by_email(&self, email: &str) -> Result<Option<String>, AccountingError> {
        let b = self.call("GET", "/3/customers")?;
        Ok(b.customers
            .iter()
            .find(|(_, e)| e == email)
            .map(|(n, _)| n.clone()))
    }
    async fn create_customer(&self, draft: &CustomerDraft) -> Result<String, AccountingError> {
        let mut b = self.call("POST", "/3/customers")?;
        let n = (b.customers.len() + 1).to_string();
        b.customers.push((n.clone(), draft.email.clone()));
        Ok(n)
    }
    async fn update_customer(
        &self,
        number: &str,
        draft: &CustomerDraft,
    ) -> Result<(), AccountingError> {
        let mut b = self.call("PUT", "/3/customers")?;
        if let Some(c) = b.customers.iter_mut().find(|(n, _)| n == number) {
            c.1 = draft.email.clone();
        }
        Ok(())
    }
    async fn find_invoice_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let b = self.call("GET", "/3/invoices")?;
        Ok(b.invoices
            .iter()
            .find(|(_, r, _)| r == reference)
            .map(|(n, _, t)| CreatedDocument {
                number: n.clone(),
                total: *t,
            }))
    }
    async fn create_invoice(
        &self,
        draft: &DocumentDraft,
    ) -> Result<CreatedDocument, AccountingError> {
        let mut b = self.call("POST", "/3/invoices")?;
        let n = (b.invoices.len() + 1).to_string();
        let total = expected_totals(draft, Rounding::None).total;
        b.invoices
            .push((n.clone(), draft.external_reference.clone(), total));
        if std::mem::take(&mut b.lose_next_invoice_answer) {
            return Err(timeout());
        }
        Ok(CreatedDocument { number: n, total })
    }
    async fn find_order_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let b = self.call("GET", "/3/orders")?;
        Ok(b.orders
            .iter()
            .find(|o| o.1 == reference)
            .map(|o| CreatedDocument {
                number: o.0.clone(),
                total: o.2,
            }))
    }
    async fn create_order(
        &self,
        draft: &DocumentDraft,
    ) -> Result<CreatedDocument, AccountingError> {
        let mut b = self.call("POST", "/3/orders")?;
        let n = (b.orders.len() + 1).to_string();
        let total = expected_totals(draft, Rounding::None).total;
        b.orders
            .push((n.clone(), draft.external_reference.clone(), total, None));
        Ok(CreatedDocument { number: n, total })
    }
    async fn invoice_of_order(
        &self,
        order_number: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let b = self.call("GET", "/3/orders")?;
        let Some(order) = b.orders.iter().find(|o| o.0 == order_number) else {
            return Ok(None);
        };
        Ok(order.3.clone().map(|number| CreatedDocument {
            number,
            total: order.2,
        }))
    }
    async fn create_invoice_from_order(
        &self,
        order_number: &str,
    ) -> Result<CreatedDocument, AccountingError> {
        let mut b = self.call("PUT", "/3/orders/createinvoice")?;
        let n = (b.invoices.len() + 1).to_string();
        let Some(i) = b.orders.iter().position(|o| o.0 == order_number) else {
            return Err(AccountingError::permanent("no such order"));
        };
        let (reference, total) = (b.orders[i].1.clone(), b.orders[i].2);
        b.orders[i].3 = Some(n.clone());
        b.invoices.push((n.clone(), reference, total));
        Ok(CreatedDocument { number: n, total })
    }
    async fn invoice_progress(
        &self,
        invoice_number: &str,
    ) -> Result<InvoiceProgress, AccountingError> {
        let b = self.call("GET", "/3/invoices")?;
        let (booked, sent, payments) = b.progress.get(invoice_number).cloned().unwrap_or_default();
        Ok(InvoiceProgress {
            booked,
            sent,
            payments,
        })
    }
    async fn bookkeep_invoice(&self, invoice_number: &str) -> Result<(), AccountingError> {
        let mut b = self.call("PUT", "/3/invoices/bookkeep")?;
        b.progress.entry(invoice_number.to_owned()).or_default().0 = true;
        Ok(())
    }
    async fn send_invoice(
        &self,
        invoice_number: &str,
        _how: SendMode,
    ) -> Result<(), AccountingError> {
        let mut b = self.call("GET", "/3/invoices/email")?;
        b.progress.entry(invoice_number.to_owned()).or_default().1 = true;
        Ok(())
    }
    async fn register_payment(&self, p: &PaymentDraft) -> Result<String, AccountingError> {
        let mut b = self.call("POST", "/3/invoicepayments")?;
        b.payments += 1;
        let n = b.payments.to_string();
        b.progress
            .entry(p.invoice_number.clone())
            .or_default()
            .2
            .push(n.clone());
        Ok(n)
    }
    async fn bookkeep_payment(&self, _payment_number: &str) -> Result<(), AccountingError> {
        drop(self.call("PUT", "/3/invoicepayments/bookkeep")?);
        Ok(())
    }
    async fn ensure_article(&self, draft: &ArticleDraft) -> Result<(), AccountingError> {
        let mut b = self.call("POST", "/3/articles")?;
        if !b.articles.contains(&draft.article_number) {
            b.articles.push(draft.article_number.clone());
        }
        Ok(())
    }
    fn take_calls(&self) -> Vec<ApiCall> {
        self.books
            .lock()
            .map(|mut b| std::mem::take(&mut b.calls))
            .unwrap_or_default()
    }
}

#[async_trait]
impl AccountingConnector for FakeFortnox {
    async fn connect(&self, _tenant: &Tenant) -> Result<Box<dyn Accounting>, AccountingError> {
        Ok(Box::new(self.clone()))
    }
}
