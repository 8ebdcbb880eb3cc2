//! `/3/invoicepayments`.

use std::fmt::Display;

use super::{ListQuery, Listing, action, create, fetch, seg, update};
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::{InvoicePayment, InvoicePaymentListItem, InvoicePaymentWrite};

fn payment_path(number: impl Display) -> String {
    format!("/3/invoicepayments/{}", seg(&number.to_string()))
}

impl FortnoxClient {
    /// All invoice payments matching `query` (every page).
    pub fn invoice_payments(&self, query: &ListQuery) -> Listing<'_, InvoicePaymentListItem> {
        self.list_stream("/3/invoicepayments", query)
    }

    /// The payments registered on one invoice.
    pub async fn payments_for_invoice(
        &self,
        invoice_number: u64,
    ) -> Result<Vec<InvoicePaymentListItem>, FortnoxError> {
        self.invoice_payments(&ListQuery::new().param("invoicenumber", invoice_number.to_string()))
            .collect_matching(|p| p.invoice_number == invoice_number)
            .await
    }

    pub async fn invoice_payment(
        &self,
        number: impl Display,
    ) -> Result<InvoicePayment, FortnoxError> {
        fetch(self, &payment_path(number)).await
    }

    /// Registers a payment; the invoice's `Balance` drops by `Amount` plus the write-offs.
    pub async fn create_invoice_payment(
        &self,
        payment: &InvoicePaymentWrite,
    ) -> Result<InvoicePayment, FortnoxError> {
        create(self, "/3/invoicepayments", payment).await
    }

    /// Changes an unbooked payment (its invoice number is never sent).
    pub async fn update_invoice_payment(
        &self,
        number: impl Display,
        changes: &InvoicePaymentWrite,
    ) -> Result<InvoicePayment, FortnoxError> {
        let changes = InvoicePaymentWrite {
            invoice_number: None,
            ..changes.clone()
        };
        update(self, &payment_path(number), &changes).await
    }

    pub async fn bookkeep_invoice_payment(
        &self,
        number: impl Display,
    ) -> Result<InvoicePayment, FortnoxError> {
        action(self, &format!("{}/bookkeep", payment_path(number))).await
    }
}
