//! GIDs and Shopify search-syntax values.

use fortsync_app::shop::ShopError;

/// `gid://shopify/{kind}/{id}` from a numeric id or a GID of that kind.
pub(crate) fn to_gid(kind: &str, id: &str) -> Result<String, ShopError> {
    let id = id.trim();
    let prefix = format!("gid://shopify/{kind}/");
    if let Some(rest) = id.strip_prefix(&prefix) {
        let num = rest.split('?').next().unwrap_or("");
        if !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()) {
            return Ok(id.to_string());
        }
    } else if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) {
        return Ok(format!("{prefix}{id}"));
    }
    Err(ShopError::Invalid(format!(
        "not a Shopify {kind} id: {id:?}"
    )))
}

/// A double-quoted search value with `\` and `"` escaped, so SKUs and e-mail addresses with
/// spaces, colons or quotes stay one term.
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `updated_at:>="…"` for a delta since `modified_after`.
pub(crate) fn updated_since(modified_after: Option<&str>) -> Option<String> {
    modified_after
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| format!("updated_at:>={}", quote(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gids() {
        assert_eq!(to_gid("Order", "42").unwrap(), "gid://shopify/Order/42");
        assert_eq!(
            to_gid("Order", "gid://shopify/Order/42").unwrap(),
            "gid://shopify/Order/42"
        );
        assert!(to_gid("Order", "gid://shopify/Customer/42").is_err());
        assert!(to_gid("Order", "#1001").is_err());
    }

    #[test]
    fn quoting() {
        assert_eq!(quote(r#"A "B" \C"#), r#""A \"B\" \\C""#);
        assert_eq!(
            updated_since(Some("2026-11-01T00:00:00Z")).unwrap(),
            r#"updated_at:>="2026-11-01T00:00:00Z""#
        );
        assert_eq!(updated_since(Some(" ")), None);
    }
}
