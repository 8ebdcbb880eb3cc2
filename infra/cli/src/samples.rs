//! The demo's sample orders (shared with the end-to-end tests): generic, Shopify and
//! WooCommerce webhook bodies, and how each platform signs and labels a delivery.

use fortsync_app::signature::{sign_base64, sign_hex};
use fortsync_domain::order::{Order, Platform};

pub struct Sample {
    pub label: &'static str,
    pub platform: Platform,
    pub body: &'static str,
}

macro_rules! sample {
    ($platform:expr, $dir:literal, $name:literal) => {
        Sample {
            label: concat!($dir, "/", $name),
            platform: $platform,
            body: include_str!(concat!(
                "../../../tests/fixtures/",
                $dir,
                "/",
                $name,
                ".json"
            )),
        }
    };
}

pub const SAMPLES: &[Sample] = &[
    sample!(Platform::Generic, "generic", "order-1001-anna"),
    sample!(Platform::Generic, "generic", "order-1002-berlin"),
    sample!(Platform::Generic, "generic", "order-1003-anna-again"),
    sample!(Platform::Generic, "generic", "order-1004-emoji"),
    sample!(Platform::Shopify, "shopify", "order-mixed-vat"),
    sample!(Platform::Woocommerce, "woocommerce", "order-mixed-vat-incl"),
    sample!(Platform::Generic, "generic", "order-1005-unknown-vat"),
];

impl Sample {
    pub fn parse(&self) -> Result<Order, String> {
        let b = self.body.as_bytes();
        match self.platform {
            Platform::Generic => fortsync_domain::generic::parse(b).map_err(|e| e.to_string()),
            Platform::Shopify => {
                fortsync_domain::shopify::parse_order(b).map_err(|e| e.to_string())
            }
            Platform::Woocommerce => {
                fortsync_domain::woocommerce::parse_order(b).map_err(|e| e.to_string())
            }
        }
    }

    /// The headers the platform sends with this body, signed with `secret`.
    pub fn headers(&self, secret: &str, delivery: &str) -> Vec<(&'static str, String)> {
        let b = self.body.as_bytes();
        match self.platform {
            Platform::Generic => vec![("x-fortsync-signature", sign_hex(b, secret.as_bytes()))],
            Platform::Shopify => vec![
                ("x-shopify-hmac-sha256", sign_base64(b, secret.as_bytes())),
                ("x-shopify-topic", "orders/paid".into()),
                ("x-shopify-event-id", format!("evt-{delivery}")),
            ],
            Platform::Woocommerce => vec![
                ("x-wc-webhook-signature", sign_base64(b, secret.as_bytes())),
                ("x-wc-webhook-topic", "order.updated".into()),
                ("x-wc-webhook-delivery-id", delivery.to_owned()),
            ],
        }
    }
}
