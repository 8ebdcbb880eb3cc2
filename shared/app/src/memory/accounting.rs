use crate::ports::{
    Accounting, AccountingConnector, AccountingError, ApiCall, CreatedDocument, DocumentStatus,
    InvoiceProgress, PaymentDraft, Updated,
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
    /// document number → what happened to it after it was written
    after: std::collections::HashMap<String, After>,
    payments: usize,
    /// Errors the next calls answer with, in order.
    faults: VecDeque<AccountingError>,
    /// When set, the next create_invoice succeeds in Fortnox but the answer is "lost".
    lose_next_invoice_answer: bool,
    calls: Vec<ApiCall>,
}

#[derive(Default, Clone)]
struct After {
    reference2: Option<String>,
    cancelled: bool,
    /// On an original: its credit invoice.
    credit: Option<String>,
    updates: usize,
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
    /// Invoices (credit notes included) by number: (reference 2, cancelled, credited by).
    pub fn invoice_fates(&self) -> Vec<(String, Option<String>, bool, Option<String>)> {
        self.books
            .lock()
            .map(|b| {
                b.invoices
                    .iter()
                    .map(|(n, _, _)| {
                        let a = b.after.get(n).cloned().unwrap_or_default();
                        (n.clone(), a.reference2, a.cancelled, a.credit)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    /// How many times the document was updated.
    pub fn updates_of(&self, number: &str) -> usize {
        self.books
            .lock()
            .map(|b| b.after.get(number).map_or(0, |a| a.updates))
            .unwrap_or(0)
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
            .find(|(n, r, _)| {
                r == reference && b.after.get(n).is_none_or(|a| a.reference2.is_none())
            })
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
        b.after.entry(n.clone()).or_default().reference2 = draft.external_reference2.clone();
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
    async fn invoice_status(&self, number: &str) -> Result<DocumentStatus, AccountingError> {
        let b = self.call("GET", "/3/invoices")?;
        let (booked, sent, _) = b.progress.get(number).cloned().unwrap_or_default();
        let a = b.after.get(number).cloned().unwrap_or_default();
        let total = b
            .invoices
            .iter()
            .find(|i| i.0 == number)
            .map(|i| i.2)
            .unwrap_or_default();
        Ok(DocumentStatus {
            booked,
            cancelled: a.cancelled,
            sent,
            credit_number: a.credit,
            invoice_number: None,
            total,
        })
    }
    async fn order_status(&self, number: &str) -> Result<DocumentStatus, AccountingError> {
        let b = self.call("GET", "/3/orders")?;
        let a = b.after.get(number).cloned().unwrap_or_default();
        let order = b.orders.iter().find(|o| o.0 == number);
        Ok(DocumentStatus {
            cancelled: a.cancelled,
            invoice_number: order.and_then(|o| o.3.clone()),
            total: order.map(|o| o.2).unwrap_or_default(),
            ..DocumentStatus::default()
        })
    }
    async fn update_invoice(
        &self,
        number: &str,
        draft: &DocumentDraft,
    ) -> Result<Updated, AccountingError> {
        let status = self.invoice_status(number).await?;
        if status.is_locked() {
            return Ok(Updated::Locked(status));
        }
        let mut b = self.call("PUT", "/3/invoices")?;
        let total = expected_totals(draft, Rounding::None).total;
        if let Some(i) = b.invoices.iter_mut().find(|i| i.0 == number) {
            i.2 = total;
        }
        let a = b.after.entry(number.to_owned()).or_default();
        a.updates += 1;
        if draft.external_reference2.is_some() {
            a.reference2 = draft.external_reference2.clone();
        }
        Ok(Updated::Done(CreatedDocument {
            number: number.to_owned(),
            total,
        }))
    }
    async fn update_order(
        &self,
        number: &str,
        draft: &DocumentDraft,
    ) -> Result<Updated, AccountingError> {
        let status = self.order_status(number).await?;
        if status.is_locked() {
            return Ok(Updated::Locked(status));
        }
        let mut b = self.call("PUT", "/3/orders")?;
        let total = expected_totals(draft, Rounding::None).total;
        if let Some(o) = b.orders.iter_mut().find(|o| o.0 == number) {
            o.2 = total;
        }
        b.after.entry(number.to_owned()).or_default().updates += 1;
        Ok(Updated::Done(CreatedDocument {
            number: number.to_owned(),
            total,
        }))
    }
    async fn add_order_rows(
        &self,
        number: &str,
        draft: &DocumentDraft,
    ) -> Result<Updated, AccountingError> {
        let status = self.order_status(number).await?;
        if status.is_locked() {
            return Ok(Updated::Locked(status));
        }
        let mut b = self.call("PUT", "/3/orders")?;
        let added = expected_totals(draft, Rounding::None).total;
        let mut total = added;
        if let Some(o) = b.orders.iter_mut().find(|o| o.0 == number) {
            o.2 += added;
            total = o.2;
        }
        b.after.entry(number.to_owned()).or_default().updates += 1;
        Ok(Updated::Done(CreatedDocument {
            number: number.to_owned(),
            total,
        }))
    }
    async fn cancel_invoice(&self, number: &str) -> Result<(), AccountingError> {
        let mut b = self.call("PUT", "/3/invoices/cancel")?;
        if b.progress.get(number).is_some_and(|p| p.0) {
            return Err(AccountingError::permanent(
                "a booked invoice cannot be cancelled",
            ));
        }
        b.after.entry(number.to_owned()).or_default().cancelled = true;
        Ok(())
    }
    async fn cancel_order(&self, number: &str) -> Result<(), AccountingError> {
        let mut b = self.call("PUT", "/3/orders/cancel")?;
        b.after.entry(number.to_owned()).or_default().cancelled = true;
        Ok(())
    }
    async fn credit_invoice(&self, number: &str) -> Result<String, AccountingError> {
        let mut b = self.call("PUT", "/3/invoices/credit")?;
        if b.after.get(number).is_some_and(|a| a.credit.is_some()) {
            return Err(AccountingError::permanent(
                "the invoice is already credited",
            ));
        }
        let Some((_, reference, total)) = b.invoices.iter().find(|i| i.0 == number).cloned() else {
            return Err(AccountingError::permanent("no such invoice"));
        };
        let n = (b.invoices.len() + 1).to_string();
        b.invoices.push((n.clone(), reference, -total));
        b.after.entry(number.to_owned()).or_default().credit = Some(n.clone());
        Ok(n)
    }
    async fn find_invoice_by_references(
        &self,
        reference1: &str,
        reference2: &str,
    ) -> Result<Option<CreatedDocument>, AccountingError> {
        let b = self.call("GET", "/3/invoices")?;
        Ok(b.invoices
            .iter()
            .find(|(n, r, _)| {
                r == reference1
                    && b.after
                        .get(n)
                        .is_some_and(|a| a.reference2.as_deref() == Some(reference2))
            })
            .map(|(n, _, t)| CreatedDocument {
                number: n.clone(),
                total: *t,
            }))
    }
    async fn invoice_facts(
        &self,
        number: &str,
    ) -> Result<Option<(fortsync_domain::status::InvoiceFacts, Option<String>)>, AccountingError>
    {
        let b = self.call("GET", "/3/invoices")?;
        let Some((n, reference, total)) = b.invoices.iter().find(|i| i.0 == number).cloned() else {
            return Ok(None);
        };
        let (booked, sent, payments) = b.progress.get(number).cloned().unwrap_or_default();
        let a = b.after.get(number).cloned().unwrap_or_default();
        let facts = fortsync_domain::status::InvoiceFacts {
            number: n,
            total,
            balance: if payments.is_empty() {
                total
            } else {
                rust_decimal::Decimal::ZERO
            },
            booked,
            sent,
            cancelled: a.cancelled,
            credit: total.is_sign_negative(),
            credit_reference: a.credit,
            ..Default::default()
        };
        Ok(Some((facts, Some(reference))))
    }
    async fn open_invoices(
        &self,
        _customer_number: &str,
    ) -> Result<Vec<fortsync_domain::balance::OpenInvoice>, AccountingError> {
        // The fake keeps no customer on its invoices: every unpaid one counts.
        let b = self.call("GET", "/3/invoices")?;
        Ok(b.invoices
            .iter()
            .filter(|(n, _, _)| b.progress.get(n).is_none_or(|p| p.2.is_empty()))
            .map(|(n, _, t)| fortsync_domain::balance::OpenInvoice {
                number: n.clone(),
                due_date: String::new(),
                total: *t,
                balance: *t,
            })
            .collect())
    }
    async fn invoice_of_payment(&self, payment: &str) -> Result<Option<String>, AccountingError> {
        let b = self.call("GET", "/3/invoicepayments")?;
        Ok(b.progress
            .iter()
            .find(|(_, p)| p.2.iter().any(|x| x == payment))
            .map(|(n, _)| n.clone()))
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
