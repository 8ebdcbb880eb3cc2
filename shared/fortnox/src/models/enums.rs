//! Fortnox's enumerated values. Each enum reads any string (unknown values are kept in `Other`,
//! so a new Fortnox value never breaks a read) and writes its Fortnox spelling.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! fortnox_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this client does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The Fortnox spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(s) => s,
                }
            }

            /// Case-insensitive; unknown values become `Other`.
            pub fn parse(s: &str) -> Self {
                let t = s.trim();
                $( if t.eq_ignore_ascii_case($text) { return Self::$variant; } )+
                Self::Other(t.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::parse(&s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(|s| Self::parse(&s))
            }
        }
    };
}

fortnox_enum! {
    /// Customer `Type`.
    CustomerType { Private = "PRIVATE", Company = "COMPANY" }
}

fortnox_enum! {
    /// Customer `VATType`.
    VatType {
        /// Swedish VAT.
        SeVat = "SEVAT",
        /// Swedish reverse charge (construction services).
        SeReversedVat = "SEREVERSEDVAT",
        /// EU business customer with a VAT number (reverse charge).
        EuReversedVat = "EUREVERSEDVAT",
        /// EU customer without a VAT number.
        EuVat = "EUVAT",
        /// Outside the EU.
        Export = "EXPORT",
    }
}

fortnox_enum! {
    /// Document row `DiscountType`.
    DiscountType { Amount = "AMOUNT", Percent = "PERCENT" }
}

fortnox_enum! {
    /// Invoice `InvoiceType` (Fortnox spells interest invoices `INTRESTINVOICE`).
    InvoiceType {
        Invoice = "INVOICE",
        AgreementInvoice = "AGREEMENTINVOICE",
        InterestInvoice = "INTRESTINVOICE",
        SummaryInvoice = "SUMMARYINVOICE",
        CashInvoice = "CASHINVOICE",
    }
}

fortnox_enum! {
    /// Article `Type`.
    ArticleType { Stock = "STOCK", Service = "SERVICE" }
}

fortnox_enum! {
    /// How a customer receives documents (`DefaultDeliveryTypes`).
    DeliveryType { Print = "PRINT", Email = "EMAIL", PrintService = "PRINTSERVICE" }
}

fortnox_enum! {
    /// Invoice / financial year `AccountingMethod`.
    AccountingMethod { Accrual = "ACCRUAL", Cash = "CASH" }
}
