//! `/3/orders` and its actions.

use std::fmt::Display;

use super::{ListQuery, Listing, action, create, fetch, search_term, seg, update};
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::{Invoice, Order, OrderListItem, OrderWrite};

fn order_path(number: impl Display) -> String {
    format!("/3/orders/{}", seg(&number.to_string()))
}

impl FortnoxClient {
    /// All orders matching `query` (every page).
    pub fn orders(&self, query: &ListQuery) -> Listing<'_, OrderListItem> {
        self.list_stream("/3/orders", query)
    }

    pub async fn order(&self, document_number: impl Display) -> Result<Order, FortnoxError> {
        fetch(self, &order_path(document_number)).await
    }

    /// Creates an order. Without rows it sends `"OrderRows": []` (Fortnox answered an internal
    /// error when the key was missing).
    pub async fn create_order(&self, order: &OrderWrite) -> Result<Order, FortnoxError> {
        if order.order_rows.is_none() {
            let order = OrderWrite {
                order_rows: Some(Vec::new()),
                ..order.clone()
            };
            return create(self, "/3/orders", &order).await;
        }
        create(self, "/3/orders", order).await
    }

    /// Changes the fields set in `changes`; rows, when sent, replace the order's rows (match
    /// kept rows by `RowId`).
    pub async fn update_order(
        &self,
        document_number: impl Display,
        changes: &OrderWrite,
    ) -> Result<Order, FortnoxError> {
        update(self, &order_path(document_number), changes).await
    }

    /// `PUT /3/orders/{n}/createinvoice`: invoices the delivered quantities; returns the new
    /// invoice (whose `OrderReference` is this order).
    pub async fn create_invoice_from_order(
        &self,
        document_number: impl Display,
    ) -> Result<Invoice, FortnoxError> {
        action(
            self,
            &format!("{}/createinvoice", order_path(document_number)),
        )
        .await
    }

    pub async fn cancel_order(&self, document_number: impl Display) -> Result<Order, FortnoxError> {
        action(self, &format!("{}/cancel", order_path(document_number))).await
    }

    /// Marks the order as sent without producing a document.
    pub async fn external_print_order(
        &self,
        document_number: impl Display,
    ) -> Result<Order, FortnoxError> {
        action(
            self,
            &format!("{}/externalprint", order_path(document_number)),
        )
        .await
    }

    /// `GET /3/orders/{n}/email`: e-mails the order per its `EmailInformation`.
    pub async fn email_order(&self, document_number: impl Display) -> Result<Order, FortnoxError> {
        fetch(self, &format!("{}/email", order_path(document_number))).await
    }

    /// Orders whose `ExternalInvoiceReference1` is exactly `reference` (Fortnox's search
    /// matches substrings).
    pub async fn find_orders_by_external_reference(
        &self,
        reference: &str,
    ) -> Result<Vec<OrderListItem>, FortnoxError> {
        let Some(term) = search_term(reference) else {
            return Ok(Vec::new());
        };
        self.orders(&ListQuery::new().param("externalinvoicereference1", term))
            .collect_matching(|o| o.external_invoice_reference1.as_deref() == Some(reference))
            .await
    }
}
