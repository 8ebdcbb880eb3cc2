//! Company information, accounts, currencies and financial years.

use std::fmt::Display;

use time::Date;

use super::{ListQuery, Listing, fetch, seg};
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::codec::format_date;
use crate::models::{Account, CompanyInformation, Currency, FinancialYear};

impl FortnoxClient {
    /// `GET /3/companyinformation`; `database_number` is the TenantId.
    pub async fn company_information(&self) -> Result<CompanyInformation, FortnoxError> {
        fetch(self, "/3/companyinformation").await
    }

    /// The chart of accounts (of the current financial year unless `financialyear` is given).
    pub fn accounts(&self, query: &ListQuery) -> Listing<'_, Account> {
        self.list_stream("/3/accounts", query)
    }

    pub async fn account(&self, number: impl Display) -> Result<Account, FortnoxError> {
        fetch(self, &format!("/3/accounts/{}", seg(&number.to_string()))).await
    }

    /// Currencies (`lastmodified` is refused here by Fortnox).
    pub fn currencies(&self, query: &ListQuery) -> Listing<'_, Currency> {
        self.list_stream("/3/currencies", query)
    }

    pub async fn currency(&self, code: &str) -> Result<Currency, FortnoxError> {
        fetch(self, &format!("/3/currencies/{}", seg(code))).await
    }

    pub fn financial_years(&self, query: &ListQuery) -> Listing<'_, FinancialYear> {
        self.list_stream("/3/financialyears", query)
    }

    pub async fn financial_year(&self, id: impl Display) -> Result<FinancialYear, FortnoxError> {
        fetch(self, &format!("/3/financialyears/{}", seg(&id.to_string()))).await
    }

    /// The financial year covering `date`, if any (bookkeeping and payments need one).
    pub async fn financial_year_for(
        &self,
        date: Date,
    ) -> Result<Option<FinancialYear>, FortnoxError> {
        let years = self
            .financial_years(&ListQuery::new().param("date", format_date(date)))
            .collect_matching(|y| y.covers(date))
            .await?;
        Ok(years.into_iter().next())
    }
}
