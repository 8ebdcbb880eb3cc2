//! A customer's balance and open items: Fortnox's unpaid invoices for the customer plus the
//! shop orders not invoiced yet (from the order records), for `fortsync customer` and the
//! shop customer's fields.

use crate::ports::{Accounting, AccountingError, CustomerIndex, OrderStore, StoreError};
use fortsync_domain::balance::{CustomerBalance, customer_balance};
use fortsync_domain::settings::DocumentKind;
use fortsync_domain::state::OrderState;
use fortsync_domain::tenant::Tenant;
use rust_decimal::Decimal;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum BalanceError {
    #[error(transparent)]
    Fortnox(#[from] AccountingError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Orders the shop sold that Fortnox has not invoiced: not yet through the worker, parked,
/// failed, or written as a Fortnox order that was never invoiced.
async fn uninvoiced(
    orders: &dyn OrderStore,
    tenant: &Tenant,
    email: &str,
) -> Result<Decimal, StoreError> {
    let mut sum = Decimal::ZERO;
    for state in [
        OrderState::Received,
        OrderState::CustomerReady,
        OrderState::DocumentPending,
        OrderState::Parked,
        OrderState::Failed,
        OrderState::DocumentCreated,
    ] {
        for rec in orders.orders_in_state(&tenant.id, state).await? {
            let billed = rec.invoice_number.is_some()
                || (rec.document_number.is_some()
                    && rec.document_kind.unwrap_or(tenant.settings.document)
                        == DocumentKind::Invoice);
            if rec.state == state
                && !billed
                && !rec.order.cancelled
                && rec.order.customer.email.eq_ignore_ascii_case(email)
            {
                sum += rec.order.total;
            }
        }
    }
    Ok(sum)
}

/// The customer's balance (`None` when Fortnox has no customer with this e-mail).
pub async fn for_customer(
    fortnox: &dyn Accounting,
    customers: &dyn CustomerIndex,
    orders: &dyn OrderStore,
    tenant: &Tenant,
    email: &str,
    today: &str,
) -> Result<Option<(String, CustomerBalance)>, BalanceError> {
    let email = email.trim().to_lowercase();
    let number = match customers.get_customer(&tenant.id, &email).await? {
        Some(known) => Some(known.number),
        None => fortnox.find_customer_by_email(&email).await?,
    };
    let Some(number) = number else {
        return Ok(None);
    };
    let open = fortnox.open_invoices(&number).await?;
    let pending = uninvoiced(orders, tenant, &email).await?;
    let balance = customer_balance(&open, pending, tenant.settings.status.credit_limit, today);
    Ok(Some((number, balance)))
}
