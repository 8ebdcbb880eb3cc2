//! WordPress REST errors (`WP_Error` as JSON): `{"code", "message", "data": {"status", …}}`.
//! Codes and messages are WooCommerce's where the simulator imitates a known failure.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// `data.params` of a `rest_invalid_param` error: parameter → reason.
    pub params: Option<Map<String, Value>>,
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            params: None,
        }
    }

    /// 400 `rest_invalid_param`, as WordPress reports a value failing the schema.
    pub fn invalid_param(name: &str, reason: impl Into<String>) -> Self {
        let mut params = Map::new();
        params.insert(name.into(), Value::String(reason.into()));
        ApiError {
            status: 400,
            code: "rest_invalid_param".into(),
            message: format!("Invalid parameter(s): {name}"),
            params: Some(params),
        }
    }

    pub fn not_of_type(name: &str, ty: &str) -> Self {
        Self::invalid_param(name, format!("{name} is not of type {ty}."))
    }

    pub fn missing_param(name: &str) -> Self {
        let mut e = Self::new(
            400,
            "rest_missing_callback_param",
            format!("Missing parameter(s): {name}"),
        );
        e.params = Some(Map::from_iter([(name.to_string(), Value::Null)]));
        e
    }

    pub fn no_route() -> Self {
        Self::new(
            404,
            "rest_no_route",
            "No route was found matching the URL and request method.",
        )
    }

    pub fn invalid_id(code: &str) -> Self {
        Self::new(404, code, "Invalid ID.")
    }

    pub fn to_json(&self) -> Value {
        let mut data = json!({"status": self.status});
        if let (Some(params), Some(obj)) = (&self.params, data.as_object_mut()) {
            obj.insert("params".into(), Value::Object(params.clone()));
        }
        json!({"code": self.code, "message": self.message, "data": data})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.to_json())).into_response()
    }
}
