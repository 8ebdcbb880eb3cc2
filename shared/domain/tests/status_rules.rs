//! Invoice status back to the shop, as the worker uses it: Fortnox facts → status →
//! transition → shop write, plus the customer balance and the tenant's `status` settings.

use fortsync_domain::OrderId;
use fortsync_domain::balance::{OpenInvoice, customer_balance, fields, table};
use fortsync_domain::settings::TenantSettings;
use fortsync_domain::status::{
    DocumentStatus, InvoiceFacts, MarkInvoicedOn, STATUS_TAGS, ShopWrite, Stage, StatusSettings,
    TAG_CANCELLED, TAG_CREDITED, TAG_INVOICED, TAG_OVERDUE, TAG_PAID, Transition, advance,
    annotation, derive,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const TODAY: &str = "2026-11-25";

/// A new, unsent, unbooked invoice of 1250 SEK due 2026-12-01.
fn created() -> InvoiceFacts {
    InvoiceFacts {
        number: "1042".into(),
        total: dec!(1250),
        balance: dec!(1250),
        due_date: Some("2026-12-01".into()),
        ocr: Some("104207".into()),
        currency: Some("SEK".into()),
        ..Default::default()
    }
}

fn booked() -> InvoiceFacts {
    InvoiceFacts {
        sent: true,
        booked: true,
        ..created()
    }
}

fn paid() -> InvoiceFacts {
    InvoiceFacts {
        balance: dec!(0),
        final_pay_date: Some("2026-11-20".into()),
        ..booked()
    }
}

fn stage(f: &InvoiceFacts) -> Stage {
    derive(f, TODAY).stage
}

fn write(f: &InvoiceFacts, settings: &StatusSettings) -> ShopWrite {
    let order = OrderId::parse("820982911946154508").unwrap();
    annotation(&order, &derive(f, TODAY), f, settings)
}

#[test]
fn every_stage_from_facts() {
    assert_eq!(stage(&created()), Stage::Created);
    let sent = InvoiceFacts {
        sent: true,
        ..created()
    };
    assert_eq!(stage(&sent), Stage::Sent);
    // Booked without sent is still booked (fortsync does not send by default).
    let booked_only = InvoiceFacts {
        booked: true,
        ..created()
    };
    assert_eq!(stage(&booked_only), Stage::Booked);
    assert_eq!(stage(&booked()), Stage::Booked);
    let part = InvoiceFacts {
        balance: dec!(250),
        ..booked()
    };
    assert_eq!(stage(&part), Stage::PartlyPaid);
    assert_eq!(stage(&paid()), Stage::Paid);
    let credited = InvoiceFacts {
        credit_reference: Some("1043".into()),
        ..booked()
    };
    assert_eq!(stage(&credited), Stage::Credited);
    let cancelled = InvoiceFacts {
        cancelled: true,
        ..created()
    };
    assert_eq!(stage(&cancelled), Stage::Cancelled);
}

#[test]
fn stages_are_ordered_by_progress() {
    use Stage::*;
    let all = [Created, Sent, Booked, PartlyPaid, Paid, Credited, Cancelled];
    assert!(all.windows(2).all(|w| w[0] < w[1]));
    let names: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "created",
            "sent",
            "booked",
            "partly_paid",
            "paid",
            "credited",
            "cancelled"
        ]
    );
    assert_eq!(
        serde_json::to_string(&PartlyPaid).unwrap(),
        "\"partly_paid\""
    );
}

#[test]
fn precedence_cancelled_credited_paid_partly_booked_sent() {
    // Everything at once: cancelled wins.
    let all = InvoiceFacts {
        cancelled: true,
        credit_reference: Some("1043".into()),
        ..paid()
    };
    assert_eq!(stage(&all), Stage::Cancelled);
    // Credited beats paid (crediting may zero the balance: unverified).
    let credited_and_zero = InvoiceFacts {
        credit_reference: Some("1043".into()),
        ..paid()
    };
    let s = derive(&credited_and_zero, TODAY);
    assert_eq!(
        (s.stage, s.paid_amount, s.paid_date),
        (Stage::Credited, dec!(0), None)
    );
    // Paid beats partly paid / booked / sent.
    assert_eq!(stage(&paid()), Stage::Paid);
    // Partly paid beats booked and sent.
    let part = InvoiceFacts {
        balance: dec!(0.01),
        ..booked()
    };
    assert_eq!(stage(&part), Stage::PartlyPaid);
}

#[test]
fn paid_rules_overpaid_zero_total_and_unbooked() {
    let overpaid = InvoiceFacts {
        balance: dec!(-10),
        ..paid()
    };
    let s = derive(&overpaid, TODAY);
    assert_eq!((s.stage, s.paid_amount), (Stage::Paid, dec!(1260)));
    // FinalPayDate alone (not booked) is enough.
    let unbooked_paid = InvoiceFacts {
        booked: false,
        ..paid()
    };
    assert_eq!(stage(&unbooked_paid), Stage::Paid);
    // Balance 0 on an unbooked invoice without a pay date is not a payment.
    let zero_balance = InvoiceFacts {
        balance: dec!(0),
        ..created()
    };
    assert_eq!(stage(&zero_balance), Stage::Created);
    // A zero-total invoice: paid once booked, no pay date.
    let free = InvoiceFacts {
        total: dec!(0),
        balance: dec!(0),
        ..created()
    };
    assert_eq!(stage(&free), Stage::Created);
    let free_booked = InvoiceFacts {
        booked: true,
        ..free
    };
    let s = derive(&free_booked, TODAY);
    assert_eq!((s.stage, s.paid_date), (Stage::Paid, None));
}

#[test]
fn partly_paid_amounts() {
    let part = InvoiceFacts {
        balance: dec!(250),
        ..booked()
    };
    let s = derive(&part, TODAY);
    assert_eq!(s.stage, Stage::PartlyPaid);
    assert_eq!(s.paid_amount, dec!(1000));
    assert_eq!(s.paid_date, None);
    // Nothing paid yet: booked, not partly paid.
    assert_eq!(derive(&booked(), TODAY).paid_amount, dec!(0));
}

#[test]
fn overdue_only_when_unpaid_and_past_due() {
    let due = "2026-12-01";
    assert!(
        !derive(&booked(), due).overdue,
        "the due date itself is on time"
    );
    assert!(derive(&booked(), "2026-12-02").overdue);
    assert!(derive(&created(), "2026-12-02").overdue);
    let part = InvoiceFacts {
        balance: dec!(250),
        ..booked()
    };
    assert!(derive(&part, "2026-12-02").overdue);
    assert!(!derive(&paid(), "2027-06-01").overdue);
    let cancelled = InvoiceFacts {
        cancelled: true,
        ..booked()
    };
    assert!(!derive(&cancelled, "2027-06-01").overdue);
    let credited = InvoiceFacts {
        credit_reference: Some("1043".into()),
        ..booked()
    };
    assert!(!derive(&credited, "2027-06-01").overdue);
    let no_due = InvoiceFacts {
        due_date: None,
        ..booked()
    };
    assert!(!derive(&no_due, "2027-06-01").overdue);
    let bad_due = InvoiceFacts {
        due_date: Some("1 dec".into()),
        ..booked()
    };
    assert!(!derive(&bad_due, "2027-06-01").overdue);
}

#[test]
fn credit_notes_read_by_magnitude_and_are_never_credited_or_overdue() {
    let note = InvoiceFacts {
        number: "1043".into(),
        total: dec!(-1250),
        balance: dec!(-1250),
        booked: true,
        credit: true,
        credit_reference: Some("1042".into()),
        ..created()
    };
    let s = derive(&note, "2027-01-01");
    assert_eq!((s.stage, s.overdue), (Stage::Booked, false));
    let half = InvoiceFacts {
        balance: dec!(-250),
        ..note.clone()
    };
    assert_eq!(stage(&half), Stage::PartlyPaid);
    let settled = InvoiceFacts {
        balance: dec!(0),
        ..note
    };
    let w = write(&settled, &StatusSettings::default());
    assert!(
        w.note.starts_with("Fortnox credit note 1043: paid"),
        "{}",
        w.note
    );
    // A settled credit note is a refund, not a completed order.
    assert_eq!(w.woo_status, None);
}

#[test]
fn transitions_write_only_on_change_or_reversal() {
    let b = derive(&booked(), TODAY);
    let p = derive(&paid(), TODAY);
    assert_eq!(advance(None, &b), Transition::Changed);
    assert_eq!(advance(Some(&b), &b.clone()), Transition::Unchanged);
    assert!(!advance(Some(&p), &derive(&paid(), TODAY)).writes());
    assert_eq!(advance(Some(&b), &p), Transition::Changed);
    // Becoming overdue is a change within the same stage.
    let late = derive(&booked(), "2026-12-05");
    assert_eq!(advance(Some(&b), &late), Transition::Changed);
    // Another partial payment is progress.
    let part = |balance: Decimal| {
        derive(
            &InvoiceFacts {
                balance,
                ..booked()
            },
            TODAY,
        )
    };
    assert_eq!(
        advance(Some(&part(dec!(900))), &part(dec!(400))),
        Transition::Changed
    );
}

#[test]
fn a_deleted_payment_reverses_paid_to_booked() {
    let written = derive(&paid(), TODAY);
    // Fresh facts: the payment was deleted in Fortnox, the balance is back.
    let fresh = derive(&booked(), TODAY);
    assert_eq!(fresh.stage, Stage::Booked);
    let t = advance(Some(&written), &fresh);
    assert_eq!(t, Transition::Reversed);
    assert!(t.writes());
    // The write clears what paid set, and never moves the WooCommerce status back.
    let w = write(&booked(), &StatusSettings::default());
    assert_eq!(w.fields["paid_date"], "");
    assert_eq!(w.fields["status"], "booked");
    assert!(w.remove_tags.iter().any(|t| t == TAG_PAID));
    assert_eq!(w.woo_status, None);
}

#[test]
fn a_stale_read_confirmed_by_a_fresh_one_is_unchanged() {
    // Written: paid. A queued older observation says booked → Reversed, so the worker
    // re-reads; the fresh facts still say paid → Unchanged, no write.
    let written = derive(&paid(), TODAY);
    let stale = derive(&booked(), TODAY);
    assert_eq!(advance(Some(&written), &stale), Transition::Reversed);
    let fresh = derive(&paid(), TODAY);
    assert_eq!(advance(Some(&written), &fresh), Transition::Unchanged);
}

#[test]
fn paid_annotation_with_default_settings() {
    let w = write(&paid(), &StatusSettings::default());
    assert_eq!(w.order.as_str(), "820982911946154508");
    assert_eq!(w.note, "Fortnox invoice 1042: paid 2026-11-20 (OCR 104207)");
    assert_eq!(w.tags, [TAG_INVOICED, TAG_PAID]);
    assert_eq!(w.tags.len() + w.remove_tags.len(), STATUS_TAGS.len());
    assert_eq!(w.woo_status.as_deref(), Some("completed"));
    assert!(w.invoiced);
    let expected = [
        ("balance", "0.00"),
        ("credit_reference", ""),
        ("currency", "SEK"),
        ("due_date", "2026-12-01"),
        ("invoice_number", "1042"),
        ("ocr", "104207"),
        ("overdue", "false"),
        ("paid_amount", "1250.00"),
        ("paid_date", "2026-11-20"),
        ("status", "paid"),
        ("total", "1250.00"),
    ];
    let got: Vec<(&str, &str)> = w
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn annotation_notes_per_stage() {
    let s = StatusSettings::default();
    assert_eq!(
        write(&created(), &s).note,
        "Fortnox invoice 1042: created, 1250.00 SEK due 2026-12-01 (OCR 104207)"
    );
    let order = OrderId::parse("1").unwrap();
    let late = booked();
    let w = annotation(&order, &derive(&late, "2026-12-10"), &late, &s);
    assert_eq!(
        w.note,
        "Fortnox invoice 1042: booked, 1250.00 SEK overdue (due 2026-12-01) (OCR 104207)"
    );
    assert_eq!(w.tags, [TAG_INVOICED, TAG_OVERDUE]);
    assert_eq!(w.fields["overdue"], "true");
    let credited = InvoiceFacts {
        credit_reference: Some("1043".into()),
        ocr: None,
        ..booked()
    };
    let w = write(&credited, &s);
    assert_eq!(w.note, "Fortnox invoice 1042: credited by credit note 1043");
    assert_eq!(w.tags, [TAG_INVOICED, TAG_CREDITED]);
    assert_eq!(w.fields["credit_reference"], "1043");
    let cancelled = InvoiceFacts {
        cancelled: true,
        ..booked()
    };
    let w = write(&cancelled, &s);
    assert_eq!(w.note, "Fortnox invoice 1042: cancelled (OCR 104207)");
    assert_eq!(w.tags, [TAG_CANCELLED]);
    assert!(!w.invoiced);
    assert!(w.remove_tags.iter().any(|t| t == TAG_INVOICED));
}

#[test]
fn invoiced_follows_mark_invoiced_on() {
    let on = |mark| StatusSettings {
        mark_invoiced_on: mark,
        ..Default::default()
    };
    let sent = InvoiceFacts {
        sent: true,
        ..created()
    };
    let booked_unsent = InvoiceFacts {
        booked: true,
        ..created()
    };
    let paid_unsent = InvoiceFacts {
        sent: false,
        ..paid()
    };
    let cases = [
        (MarkInvoicedOn::Created, &created(), true),
        (MarkInvoicedOn::Sent, &created(), false),
        (MarkInvoicedOn::Sent, &sent, true),
        (MarkInvoicedOn::Sent, &booked_unsent, false),
        (MarkInvoicedOn::Sent, &paid_unsent, true),
        (MarkInvoicedOn::Booked, &sent, false),
        (MarkInvoicedOn::Booked, &booked_unsent, true),
    ];
    for (mark, facts, expected) in cases {
        let w = write(facts, &on(mark));
        assert_eq!(w.invoiced, expected, "{mark:?} {:?}", derive(facts, TODAY));
        assert_eq!(w.tags.iter().any(|t| t == TAG_INVOICED), expected);
    }
}

#[test]
fn settings_turn_tags_and_woo_status_off() {
    let quiet = StatusSettings {
        tags: false,
        complete_order_on_paid: false,
        ..Default::default()
    };
    let w = write(&paid(), &quiet);
    assert!(w.tags.is_empty() && w.remove_tags.is_empty());
    assert_eq!(w.woo_status, None);
    assert!(w.invoiced, "the invoiced flag does not depend on tags");
    let shipped = StatusSettings {
        woo_status_on_paid: "shipped".into(),
        ..Default::default()
    };
    assert_eq!(
        write(&paid(), &shipped).woo_status.as_deref(),
        Some("shipped")
    );
    // Only paid sets a WooCommerce status.
    assert_eq!(write(&booked(), &shipped).woo_status, None);
}

#[test]
fn status_settings_json_defaults_and_round_trip() {
    // Existing settings without `status` still load, with the defaults …
    let s: TenantSettings = serde_json::from_str(r#"{"version":4}"#).unwrap();
    s.validate().unwrap();
    assert_eq!(s.status, StatusSettings::default());
    assert_eq!(s.status.mark_invoiced_on, MarkInvoicedOn::Booked);
    assert!(s.status.complete_order_on_paid && s.status.tags);
    assert_eq!(s.status.woo_status_on_paid, "completed");
    // … and default settings serialise without it (stored documents unchanged).
    let json = serde_json::to_value(TenantSettings::default()).unwrap();
    assert!(json.get("status").is_none());
    // A partial `status` fills the rest and round-trips.
    let s: TenantSettings =
        serde_json::from_str(r#"{"status":{"mark_invoiced_on":"sent","tags":false}}"#).unwrap();
    s.validate().unwrap();
    assert_eq!(s.status.mark_invoiced_on, MarkInvoicedOn::Sent);
    assert!(!s.status.tags);
    assert!(s.status.complete_order_on_paid);
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        json.contains(r#""status":{"mark_invoiced_on":"sent""#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<TenantSettings>(&json).unwrap(), s);
    // Typos and bad values are refused, naming the field.
    assert!(serde_json::from_str::<TenantSettings>(r#"{"status":{"tag":false}}"#).is_err());
    assert!(
        serde_json::from_str::<TenantSettings>(r#"{"status":{"mark_invoiced_on":"paid"}}"#)
            .is_err()
    );
    let s: TenantSettings =
        serde_json::from_str(r#"{"status":{"woo_status_on_paid":"wc-completed"}}"#).unwrap();
    assert!(
        s.validate()
            .unwrap_err()
            .to_string()
            .starts_with("status.woo_status_on_paid")
    );
}

#[test]
fn document_status_round_trips_for_storage() {
    let s = derive(&paid(), TODAY);
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(
        json,
        r#"{"stage":"paid","overdue":false,"paid_amount":"1250","paid_date":"2026-11-20"}"#
    );
    assert_eq!(serde_json::from_str::<DocumentStatus>(&json).unwrap(), s);
}

fn open(number: &str, due: &str, balance: Decimal) -> OpenInvoice {
    OpenInvoice {
        number: number.into(),
        due_date: due.into(),
        total: dec!(1000),
        balance,
    }
}

#[test]
fn customer_balance_with_overdue_and_credit_limit() {
    let invoices = [
        open("1042", "2026-11-01", dec!(1250)),
        open("1050", "2026-12-10", dec!(500.5)),
        open("1051", "2026-11-20", dec!(0)),
    ];
    let b = customer_balance(&invoices, dec!(300), Some(dec!(2000)), TODAY);
    assert_eq!(b.balance, dec!(1750.5));
    assert_eq!((b.overdue_count, b.overdue_amount), (1, dec!(1250)));
    assert_eq!(b.open.len(), 2);
    assert!(b.open[0].overdue && !b.open[1].overdue);
    assert!(b.over_limit, "1750.50 + 300 > 2000");
    assert_eq!(
        b.warning.as_deref(),
        Some(
            "over credit limit: 2050.50 open and uninvoiced exceeds 2000.00; \
             1 overdue invoice, 1250.00 in total"
        )
    );
    let f = fields(&b);
    assert_eq!(f["balance"], "1750.50");
    assert_eq!(f["overdue_amount"], "1250.00");
    assert_eq!(f["overdue_count"], "1");
    assert_eq!(f["open_count"], "2");
    assert_eq!(f["uninvoiced"], "300.00");
    assert_eq!(f["credit_limit"], "2000.00");
    assert_eq!(f["over_limit"], "true");
    assert_eq!(f["oldest_due_date"], "2026-11-01");
    assert_eq!(
        table(&b),
        "Invoice  Due date     Amount\n\
         1042     2026-11-01  1250.00  overdue\n\
         1050     2026-12-10   500.50\n\
         --------------------------\n\
         Open balance       1750.50\n\
         Overdue (1)        1250.00\n\
         Uninvoiced orders   300.00\n\
         Credit limit       2000.00\n\
         Warning: over credit limit: 2050.50 open and uninvoiced exceeds 2000.00; \
         1 overdue invoice, 1250.00 in total\n"
    );
}

#[test]
fn customer_balance_within_limit_has_no_warning() {
    let b = customer_balance(
        &[open("1050", "2026-12-10", dec!(500))],
        dec!(0),
        Some(dec!(500)),
        TODAY,
    );
    assert!(!b.over_limit, "exactly at the limit is not over it");
    assert_eq!(b.warning, None);
    let f = fields(&b);
    assert_eq!(f["warning"], "");
    assert_eq!(f["over_limit"], "false");
    let none = customer_balance(&[], dec!(0), None, TODAY);
    assert_eq!(fields(&none)["credit_limit"], "");
    assert_eq!(fields(&none)["oldest_due_date"], "");
    assert!(!table(&none).contains("Credit limit"));
}
