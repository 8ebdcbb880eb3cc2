//! Guard for `/3/...` and `/api/warehouse/...`: bearer token check (401), rate limit (429) and
//! scope check (403), in that order.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::{ApiError, code};
use crate::log::LoggedAuth;
use crate::state::SimState;

/// Who is calling; inserted into request extensions for the handlers.
#[derive(Debug, Clone)]
pub struct AuthInfo {
    pub tenant: u64,
    pub client_id: String,
    pub scopes: Vec<String>,
}

/// Scopes that grant access to a path (any of them suffices); None: no scope needed.
///
/// The warehouse API is not on Fortnox's scope page; the simulator accepts `warehouse` or
/// `article` for it.
pub(crate) fn scopes_for(path: &str) -> Option<&'static [&'static str]> {
    if path.starts_with("/api/warehouse") {
        return Some(&["warehouse", "article"]);
    }
    let segment = path.strip_prefix("/3/")?.split('/').next()?;
    Some(match segment {
        "customers" => &["customer"],
        "articles" => &["article"],
        "pricelists" | "prices" => &["price"],
        "orders" => &["order"],
        "invoices" => &["invoice"],
        "invoicepayments" => &["payment"],
        "companyinformation" => &["companyinformation"],
        "settings" => &["settings"],
        "accounts" | "financialyears" => &["bookkeeping"],
        "currencies" => &["currency"],
        _ => return None,
    })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn unauthorized(message: &str) -> Response {
    ApiError::new(StatusCode::UNAUTHORIZED, code::TOKEN, message).into_response()
}

pub(crate) async fn guard(State(st): State<SimState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let info = {
        let mut w = st.lock();
        let Some(token) = bearer(req.headers()) else {
            return unauthorized("Kan inte logga in, access-token saknas (2000311).");
        };
        let Some(at) = w.tokens.access.get(token).cloned() else {
            return unauthorized("Kan inte logga in, access-token är ogiltig.");
        };
        if at.expires <= w.clock.now() {
            return unauthorized("Kan inte logga in, access-token har gått ut.");
        }
        if !w.tenants.contains_key(&at.tenant) {
            return unauthorized("Kan inte logga in, databasen finns inte.");
        }
        let info = AuthInfo {
            tenant: at.tenant,
            client_id: at.client_id,
            scopes: at.scopes,
        };
        let logged = LoggedAuth {
            tenant: info.tenant,
            client_id: info.client_id.clone(),
        };
        let now = w.clock.monotonic();
        let (limit, window) = (
            st.config().rate_limit_requests,
            st.config().rate_limit_window,
        );
        if !w
            .rate
            .admit(&info.client_id, info.tenant, now, limit, window)
        {
            let mut resp = crate::ratelimit::too_many_requests();
            resp.extensions_mut().insert(logged);
            return resp;
        }
        if let Some(needed) = scopes_for(&path)
            && !needed
                .iter()
                .any(|s| info.scopes.iter().any(|have| have == s))
        {
            let mut resp = ApiError::new(
                StatusCode::FORBIDDEN,
                code::SCOPE,
                format!("Har inte behörighet för scope {}.", needed[0]),
            )
            .into_response();
            resp.extensions_mut().insert(logged);
            return resp;
        }
        info
    };
    let logged = LoggedAuth {
        tenant: info.tenant,
        client_id: info.client_id.clone(),
    };
    req.extensions_mut().insert(info);
    let mut resp = next.run(req).await;
    resp.extensions_mut().insert(logged);
    resp
}
