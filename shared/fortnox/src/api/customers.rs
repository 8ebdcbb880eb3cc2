//! `/3/customers`.

use super::{ListQuery, Listing, create, fetch, search_term, seg, update};
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::codec::organisation_digits;
use crate::models::{Customer, CustomerListItem, CustomerWrite};

impl FortnoxClient {
    /// All customers matching `query` (every page).
    pub fn customers(&self, query: &ListQuery) -> Listing<'_, CustomerListItem> {
        self.list_stream("/3/customers", query)
    }

    pub async fn customer(&self, customer_number: &str) -> Result<Customer, FortnoxError> {
        fetch(self, &format!("/3/customers/{}", seg(customer_number))).await
    }

    pub async fn create_customer(
        &self,
        customer: &CustomerWrite,
    ) -> Result<Customer, FortnoxError> {
        create(self, "/3/customers", customer).await
    }

    /// Changes the fields set in `changes` (the customer number itself is never sent).
    pub async fn update_customer(
        &self,
        customer_number: &str,
        changes: &CustomerWrite,
    ) -> Result<Customer, FortnoxError> {
        let path = format!("/3/customers/{}", seg(customer_number));
        if changes.customer_number.is_some() {
            let changes = CustomerWrite {
                customer_number: None,
                ..changes.clone()
            };
            return update(self, &path, &changes).await;
        }
        update(self, &path, changes).await
    }

    /// Customers whose e-mail is exactly `email` (case-insensitive, surrounding spaces ignored).
    /// Fortnox's `email` search matches substrings, so `a@b.se` also finds `xa@b.se`; those are
    /// dropped here. An empty `email` finds nobody (without asking Fortnox).
    pub async fn find_customers_by_email(
        &self,
        email: &str,
    ) -> Result<Vec<CustomerListItem>, FortnoxError> {
        let Some(wanted) = search_term(email) else {
            return Ok(Vec::new());
        };
        self.customers(&ListQuery::new().param("email", wanted))
            .collect_matching(move |c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case(wanted))
            })
            .await
    }

    /// Customers with the organisation (or personal) number `number`, compared by digits
    /// ([`organisation_digits`]): `556677-8899` finds `5566778899` and the reverse. Fortnox
    /// matches substrings of the stored spelling, so the search asks for the last four digits
    /// (present in every spelling) and the exact comparison happens here.
    pub async fn find_customers_by_organisation_number(
        &self,
        number: &str,
    ) -> Result<Vec<CustomerListItem>, FortnoxError> {
        let wanted = organisation_digits(number);
        if wanted.len() < 4 {
            return Ok(Vec::new());
        }
        let tail = wanted[wanted.len() - 4..].to_owned();
        self.customers(&ListQuery::new().param("organisationnumber", tail))
            .collect_matching(move |c| {
                c.organisation_number
                    .as_deref()
                    .is_some_and(|o| organisation_digits(o) == wanted)
            })
            .await
    }
}
