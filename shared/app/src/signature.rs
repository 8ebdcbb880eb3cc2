//! HMAC-SHA256 over the exact received bytes, compared in constant time (`Mac::verify_slice`
//! uses `subtle`). Several keys may be active while a secret is rotated.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How the signature header is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `sha256=<hex>` (generic webhooks, invoice-status callbacks) or bare hex.
    Hex,
    /// Base64 (Shopify, WooCommerce).
    Base64,
}

fn decode(header: &str, encoding: Encoding) -> Option<Vec<u8>> {
    let h = header.trim();
    match encoding {
        Encoding::Hex => hex::decode(h.strip_prefix("sha256=").unwrap_or(h)).ok(),
        Encoding::Base64 => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.decode(h).ok()
        }
    }
}

/// True when `header` is a valid signature of `body` under any of `keys`.
pub fn verify(body: &[u8], header: &str, encoding: Encoding, keys: &[&[u8]]) -> bool {
    let Some(sig) = decode(header, encoding) else {
        return false;
    };
    // Every key is tried (no early exit on the first) so timing does not tell which matched.
    let mut ok = false;
    for key in keys.iter().filter(|k| !k.is_empty()) {
        if let Ok(mut mac) = HmacSha256::new_from_slice(key) {
            mac.update(body);
            ok |= mac.verify_slice(&sig).is_ok();
        }
    }
    ok
}

/// `sha256=<hex>` signature of `body` (for clients, tests and the demo).
pub fn sign_hex(body: &[u8], key: &[u8]) -> String {
    // HMAC accepts keys of any length, so the error branch is unreachable in practice.
    HmacSha256::new_from_slice(key)
        .map(|mut mac| {
            mac.update(body);
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        })
        .unwrap_or_default()
}

/// Base64 signature of `body`, as Shopify and WooCommerce send it (for tests and the demo).
pub fn sign_base64(body: &[u8], key: &[u8]) -> String {
    use base64::Engine;
    HmacSha256::new_from_slice(key)
        .map(|mut mac| {
            mac.update(body);
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_signature_under_current_or_previous_key() {
        let body = br#"{"id":1}"#;
        let sig = sign_hex(body, b"old");
        assert!(verify(body, &sig, Encoding::Hex, &[b"new", b"old"]));
        assert!(!verify(body, &sig, Encoding::Hex, &[b"new"]));
    }

    #[test]
    fn any_change_to_body_or_signature_fails() {
        let body = br#"{"id":1}"#;
        let sig = sign_hex(body, b"k");
        assert!(!verify(br#"{"id":2}"#, &sig, Encoding::Hex, &[b"k"]));
        assert!(!verify(body, "sha256=zz", Encoding::Hex, &[b"k"]));
        assert!(!verify(body, "", Encoding::Hex, &[b"k"]));
        assert!(!verify(body, &sig, Encoding::Hex, &[b""]));
    }

    #[test]
    fn base64_signatures_as_shopify_sends_them() {
        use base64::Engine;
        let body = b"payload";
        let hexsig = sign_hex(body, b"k");
        let raw = hex::decode(hexsig.trim_start_matches("sha256=")).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(raw);
        assert!(verify(body, &b64, Encoding::Base64, &[b"k"]));
    }
}
