//! Warehouse stock balance: `GET /api/warehouse/status-v1/stockbalance?itemIds=A,B&stockPointCodes=…`
//! answers a plain JSON array (camelCase, no envelope).

use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::Deserialize;

/// Stock of one article at one stock point.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockBalance {
    /// The article number.
    #[serde(deserialize_with = "crate::wire::id_text")]
    pub item_id: String,
    #[serde(default, deserialize_with = "super::codec::text_or_empty")]
    pub stock_point_code: String,
    /// In stock minus reserved.
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub available_stock: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub in_stock: Decimal,
}

impl StockBalance {
    /// Reserved quantity: `inStock − availableStock`.
    pub fn reserved(&self) -> Decimal {
        self.in_stock - self.available_stock
    }
}
