//! `/3/invoices` and its actions.

use std::fmt::Display;

use super::{ListQuery, Listing, action, create, fetch, search_term, seg, update};
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::{Invoice, InvoiceListItem, InvoiceWrite};

fn invoice_path(number: impl Display) -> String {
    format!("/3/invoices/{}", seg(&number.to_string()))
}

impl FortnoxClient {
    /// All invoices matching `query` (every page).
    pub fn invoices(&self, query: &ListQuery) -> Listing<'_, InvoiceListItem> {
        self.list_stream("/3/invoices", query)
    }

    pub async fn invoice(&self, document_number: impl Display) -> Result<Invoice, FortnoxError> {
        fetch(self, &invoice_path(document_number)).await
    }

    pub async fn create_invoice(&self, invoice: &InvoiceWrite) -> Result<Invoice, FortnoxError> {
        create(self, "/3/invoices", invoice).await
    }

    /// Changes the fields set in `changes` (booked invoices cannot change: credit them).
    pub async fn update_invoice(
        &self,
        document_number: impl Display,
        changes: &InvoiceWrite,
    ) -> Result<Invoice, FortnoxError> {
        update(self, &invoice_path(document_number), changes).await
    }

    /// Books the invoice (`Booked`, voucher); needs a financial year covering its date.
    pub async fn bookkeep_invoice(
        &self,
        document_number: impl Display,
    ) -> Result<Invoice, FortnoxError> {
        action(self, &format!("{}/bookkeep", invoice_path(document_number))).await
    }

    /// Cancels an unbooked invoice.
    pub async fn cancel_invoice(
        &self,
        document_number: impl Display,
    ) -> Result<Invoice, FortnoxError> {
        action(self, &format!("{}/cancel", invoice_path(document_number))).await
    }

    /// Creates the (single) credit note of an invoice. Returns the answer of Fortnox: the
    /// original, whose `credit_invoice_reference` now names the credit note.
    pub async fn credit_invoice(
        &self,
        document_number: impl Display,
    ) -> Result<Invoice, FortnoxError> {
        action(self, &format!("{}/credit", invoice_path(document_number))).await
    }

    /// Marks the invoice as sent without producing a document.
    pub async fn external_print_invoice(
        &self,
        document_number: impl Display,
    ) -> Result<Invoice, FortnoxError> {
        action(
            self,
            &format!("{}/externalprint", invoice_path(document_number)),
        )
        .await
    }

    /// `GET /3/invoices/{n}/email`: e-mails the invoice per its `EmailInformation`. A GET, so
    /// the client may repeat it after a timeout or 5xx (a second e-mail is possible).
    pub async fn email_invoice(
        &self,
        document_number: impl Display,
    ) -> Result<Invoice, FortnoxError> {
        fetch(self, &format!("{}/email", invoice_path(document_number))).await
    }

    /// Invoices whose `ExternalInvoiceReference1` is exactly `reference` (Fortnox's search
    /// matches substrings: `fortsync:acme:1` also finds `fortsync:acme:10`).
    pub async fn find_invoices_by_external_reference(
        &self,
        reference: &str,
    ) -> Result<Vec<InvoiceListItem>, FortnoxError> {
        let Some(term) = search_term(reference) else {
            return Ok(Vec::new());
        };
        self.invoices(&ListQuery::new().param("externalinvoicereference1", term))
            .collect_matching(|i| i.external_invoice_reference1.as_deref() == Some(reference))
            .await
    }
}
