//! Warehouse stock balance (`/api/warehouse/status-v1/stockbalance`).

use super::search_term;
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::StockBalance;

/// Item ids per request (keeps the URL short).
const IDS_PER_CALL: usize = 100;

impl FortnoxClient {
    /// Stock per article and stock point. `item_ids` (article numbers) and `stock_point_codes`
    /// narrow the answer; empty means all. Many ids are asked for in several calls.
    pub async fn stock_balance(
        &self,
        item_ids: &[&str],
        stock_point_codes: &[&str],
    ) -> Result<Vec<StockBalance>, FortnoxError> {
        const PATH: &str = "/api/warehouse/status-v1/stockbalance";
        let join = |v: &[&str]| v.join(",");
        let ids: Vec<&str> = item_ids.iter().filter_map(|i| search_term(i)).collect();
        let points: Vec<&str> = stock_point_codes
            .iter()
            .filter_map(|p| search_term(p))
            .collect();
        let mut base: Vec<(&str, String)> = Vec::new();
        if !points.is_empty() {
            base.push(("stockPointCodes", join(&points)));
        }
        if ids.is_empty() {
            return self.get(PATH, &base).await;
        }
        let mut out = Vec::new();
        for chunk in ids.chunks(IDS_PER_CALL) {
            let mut q = base.clone();
            q.push(("itemIds", join(chunk)));
            let mut part: Vec<StockBalance> = self.get(PATH, &q).await?;
            out.append(&mut part);
        }
        Ok(out)
    }
}
