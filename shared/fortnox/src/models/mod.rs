//! Typed models of the Fortnox resources, one module per resource.
//!
//! Per resource there is a **list item** (what `GET /3/<resources>` returns per entry; thinner
//! than the record for customers, articles, orders and invoices), the **record** (`GET` of one)
//! and a **write** type (POST/PUT body: writable fields only, unset fields not sent, amounts as
//! exact JSON numbers). Reads are tolerant of Fortnox's loose typing (see [`codec`]): numbers as
//! strings, `null`s, missing fields, `"0"` meaning "no reference". Envelopes are generic:
//! [`Envelope<T>`] (`{"Customer": {…}}`) and [`Page<T>`] (`{"Customers": […],
//! "MetaInformation": {…}}`), keyed by the [`Resource`] and [`Listed`] traits.

pub mod accounts;
pub mod articles;
pub mod codec;
pub mod company;
pub mod currencies;
pub mod customers;
pub mod documents;
pub mod enums;
pub mod envelope;
pub mod financial_years;
pub mod invoices;
pub mod orders;
pub mod payments;
pub mod price_lists;
pub mod prices;
pub mod stock;

pub use accounts::Account;
pub use articles::{Article, ArticleListItem, ArticleWrite};
pub use company::CompanyInformation;
pub use currencies::Currency;
pub use customers::{Customer, CustomerListItem, CustomerWrite, DefaultDeliveryTypes};
pub use documents::{EmailInformation, Label, RowAccount};
pub use enums::{
    AccountingMethod, ArticleType, CustomerType, DeliveryType, DiscountType, InvoiceType, VatType,
};
pub use envelope::{Envelope, EnvelopeRef, Listed, Meta, Page, Resource};
pub use financial_years::FinancialYear;
pub use invoices::{
    Invoice, InvoiceListItem, InvoiceRow, InvoiceRowWrite, InvoiceStatus, InvoiceWrite,
};
pub use orders::{Order, OrderListItem, OrderRow, OrderRowWrite, OrderWrite};
pub use payments::{
    InvoicePayment, InvoicePaymentListItem, InvoicePaymentWrite, WriteOff, WriteOffWrite,
};
pub use price_lists::{PriceList, PriceListWrite};
pub use prices::{Price, PriceWrite};
pub use stock::StockBalance;
