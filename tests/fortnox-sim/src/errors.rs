//! Fortnox error envelope `{"ErrorInformation":{"error":1,"message":…,"code":…}}` (lowercase keys,
//! Swedish messages) and the codes the simulator uses.
//!
//! Codes marked "sim" are not documented by Fortnox for that situation; the simulator picked them
//! and clients must not depend on them beyond "HTTP 400".

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub mod code {
    /// 401: missing, unknown, malformed or expired access token.
    pub const TOKEN: u64 = 2000311;
    /// 403: the token lacks the scope of the resource.
    pub const SCOPE: u64 = 2000663;
    pub const SYSTEM: u64 = 1000003;
    pub const NOT_NUMERIC: u64 = 2000108;
    pub const NOT_BOOLEAN: u64 = 2000134;
    pub const INVALID_CHARS: u64 = 2000359;
    pub const INVALID_PARAM: u64 = 2000588;
    pub const CUSTOMER_NUMBER_USED: u64 = 2000637;
    /// 404 on `GET /3/customers/{n}`.
    pub const CUSTOMER_NOT_FOUND: u64 = 2000204;
    /// 400 when a document refers to an unknown customer.
    pub const DOC_CUSTOMER_NOT_FOUND: u64 = 2000433;
    /// 404 on `GET /3/articles/{n}`.
    pub const ARTICLE_NOT_FOUND: u64 = 2000428;
    /// 400 when a row or price refers to an unknown article.
    pub const ROW_ARTICLE_NOT_FOUND: u64 = 2001302;
    /// 400 when a row/payment refers to an account missing from the chart.
    pub const ACCOUNT_NOT_FOUND: u64 = 2001304;
    /// 404 on `GET /3/accounts/{n}` ("Kan inte hitta kontot.").
    pub const ACCOUNT_GET_NOT_FOUND: u64 = 2000423;
    pub const EMPTY_BODY: u64 = 2001392;
    pub const UNKNOWN_FIELD: u64 = 2001399;
    pub const JSON_PARSE: u64 = 2002115;
    pub const CURRENCY_NOT_FOUND: u64 = 2004344;
    pub const ROW_WITHOUT_TEXT: u64 = 2003977;
    /// sim: document `Country`/`DeliveryCountry` is not a known country name ("Ogiltigt land").
    pub const INVALID_COUNTRY: u64 = 2000586;
    /// sim: customer `CountryCode` unknown, or read-only `Country` sent ("Ogiltig landskod").
    pub const INVALID_COUNTRY_CODE: u64 = 2000585;
    /// sim: VAT rate other than 25/12/6/0.
    pub const INVALID_VAT: u64 = 2003115;
    /// sim: a required field is missing.
    pub const REQUIRED: u64 = 2000360;
    /// sim: a value is too long, has the wrong format or is not one of the allowed values.
    pub const INVALID_VALUE: u64 = 2000106;
    /// sim: generic "not found" for documents, payments, prices, price lists, currencies, years.
    pub const NOT_FOUND: u64 = 2000430;
    /// sim: action not allowed in the document's state (booked, cancelled, credited, invoiced).
    pub const STATE: u64 = 2000500;
    /// sim: article number already used.
    pub const ARTICLE_NUMBER_USED: u64 = 2000013;
    /// sim: no financial year covers the date.
    pub const NO_FINANCIAL_YEAR: u64 = 2000795;
    /// sim: payment date before the invoice date.
    pub const PAYMENT_DATE: u64 = 2000796;
}

/// Error code carried in response extensions so the request log can record it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoggedCode(pub u64);

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u64,
    pub message: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: u64, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
    pub fn bad(code: u64, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn not_found(code: u64, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
    pub fn required(field: &str) -> Self {
        Self::bad(code::REQUIRED, format!("Fältet {field} måste anges."))
    }
    pub fn invalid(field: &str, value: &str) -> Self {
        Self::bad(
            code::INVALID_VALUE,
            format!("Ogiltigt värde i fältet {field}: {value}"),
        )
    }
    pub fn state(message: impl Into<String>) -> Self {
        Self::bad(code::STATE, message)
    }
}

/// Builds an error envelope response with any status (used by fault injection too).
pub(crate) fn error_response(status: StatusCode, code: u64, message: &str) -> Response {
    let body = json!({"ErrorInformation": {"error": 1, "message": message, "code": code}});
    let mut resp = (status, Json(body)).into_response();
    resp.extensions_mut().insert(LoggedCode(code));
    resp
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(self.status, self.code, &self.message)
    }
}
