//! `fortsync-relay` end to end against the Fortnox simulator's `/topics-v1`: notices reach the
//! right tenant's callback, signed and once per event; a dropped WebSocket is resumed from the
//! stored offset without missing anything; failing callbacks are retried without advancing the
//! offset; duplicates keep their event id; new tenants are picked up and tokens re-added.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Harness, id_of, wait_until};
use fortnox_sim::Fault;
use fortsync_app::callback::{StatusNotice, verify};
use fortsync_app::secrets::SecretNames;

fn notice(invoice: Option<&str>, payment: Option<&str>, event: &str) -> StatusNotice {
    StatusNotice {
        invoice: invoice.map(str::to_string),
        payment: payment.map(str::to_string),
        event: Some(event.to_string()),
        external_reference: None,
    }
}

/// (a) Created, bookkept and paid: one signed notice per event, on the tenant's path, with
/// `"{topic}:{offset}"` as event id; the offset ends at the last event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoice_events_reach_the_callback_once_each_signed() {
    let mut h = Harness::new(&["Relä AB"]).await;
    h.start().await;
    let n = h.invoice(0).await;
    h.bookkeep(0, &n).await;
    let payment = h.pay(0, &n).await;

    let got = h.wait_received(3).await;
    h.assert_quiet(3).await;
    let events = h.events();
    assert_eq!(events.len(), 3, "{events:?}");
    let tenant = h.tenants[0].id.to_string();
    for (r, e) in got.iter().zip(&events) {
        assert!(r.valid, "signature must verify: {r:?}");
        assert_eq!(r.tenant, tenant);
        assert_eq!(r.event_id, id_of(e));
        assert_eq!(r.status, 200);
        // Independent re-check of the signature with the tenant's secret.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let key = h.tenants[0].callback_secret.as_bytes();
        assert!(verify(&[key], r.timestamp, now, &r.body, &r.signature));
        assert!(!verify(
            &[b"wrong"],
            r.timestamp,
            now,
            &r.body,
            &r.signature
        ));
    }
    let notices: Vec<StatusNotice> = got.iter().map(|r| r.notice.clone().unwrap()).collect();
    assert_eq!(
        notices,
        vec![
            notice(Some(&n), None, "invoice-created-v1"),
            notice(Some(&n), None, "invoice-bookkeep-v1"),
            notice(None, Some(&payment), "invoicepayment-bookkeep-v1"),
        ]
    );
    wait_until("the last offset stored", || {
        h.offsets.history().last().map(|(_, o)| o.as_str()) == Some(events[2].offset.as_str())
    })
    .await;
    h.stop().await;
}

/// (b) The WebSocket drops while notices are in flight; events happen while the relay cannot
/// reconnect; once it can, it resumes from the stored offset: every event delivered, none
/// missed, and the ones finished before the drop are not sent again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_resumes_from_the_stored_offset() {
    let mut h = Harness::new(&["Avbrott AB"]).await;
    h.start().await;
    h.set_delay(Duration::from_millis(150));
    for _ in 0..4 {
        h.invoice(0).await;
    }
    h.wait_received(1).await;

    // Mid-stream: the connection goes, and reconnecting fails until the faults are cleared.
    h.sim
        .inject_fault(Fault::status("GET", "/topics-v1", 503).times(10_000));
    assert_eq!(h.sim.drop_connections(false), 1);
    let sim = &h.sim;
    wait_until("the connection gone", || sim.topic_connections().is_empty()).await;
    for _ in 0..2 {
        h.invoice(0).await;
    }
    wait_until("a refused reconnect", || {
        sim.count("GET", "/topics-v1") >= 2
    })
    .await;
    assert!(h.sim.topic_connections().is_empty());
    h.sim.clear_faults();
    h.set_delay(Duration::ZERO);

    let events = h.events();
    assert_eq!(events.len(), 6);
    let want: BTreeSet<String> = events.iter().map(id_of).collect();
    wait_until("every event delivered", || {
        let got: BTreeSet<String> = h.received().into_iter().map(|r| r.event_id).collect();
        want.is_subset(&got)
    })
    .await;
    let got = h.received();
    assert!(got.iter().all(|r| r.valid && r.status == 200), "{got:#?}");
    assert_eq!(
        got.iter()
            .filter(|r| r.event_id == id_of(&events[0]))
            .count(),
        1,
        "finished before the drop: not sent again"
    );
    assert!(
        h.sim.count("WS", "/topics-v1/subscribe-v1") >= 2,
        "the relay subscribed again"
    );
    wait_until("the newest offset stored", || {
        h.offsets.history().last().map(|(_, o)| o.as_str()) == Some(events[5].offset.as_str())
    })
    .await;
    h.stop().await;
}

/// (c) The callback answers 503 twice, then 200: delivered on the third attempt, and the
/// offset was not advanced while the notice was undelivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_callbacks_are_retried_without_advancing_the_offset() {
    let mut h = Harness::new(&["Omförsök AB"]).await;
    h.start().await;
    let first = h.invoice(0).await;
    h.wait_received(1).await;
    let events = h.events();
    wait_until("the first offset stored", || {
        h.offsets.history().last().map(|(_, o)| o.as_str()) == Some(events[0].offset.as_str())
    })
    .await;

    h.script(&[503, 503]);
    let second = h.invoice(0).await;
    let got = h.wait_received(4).await;
    h.assert_quiet(4).await;
    let events = h.events();
    let retried = &got[1..];
    assert_eq!(
        retried.iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 503, 200]
    );
    for r in retried {
        assert!(r.valid);
        assert_eq!(r.event_id, id_of(&events[1]), "the same event id each time");
        assert_eq!(
            r.stored_offset.as_deref(),
            Some(events[0].offset.as_str()),
            "the offset stays at the previous event until delivered"
        );
        assert_eq!(
            r.notice.as_ref().unwrap().invoice.as_deref(),
            Some(second.as_str())
        );
    }
    assert_ne!(first, second);
    wait_until("the offset advanced after delivery", || {
        h.offsets.history().last().map(|(_, o)| o.as_str()) == Some(events[1].offset.as_str())
    })
    .await;
    assert_eq!(
        h.offsets.history(),
        [
            (common::TOPIC.to_string(), events[0].offset.clone()),
            (common::TOPIC.to_string(), events[1].offset.clone())
        ],
        "saved once per finished event, nothing while retrying"
    );
    h.stop().await;
}

/// A callback down for a while: the notice is retried in place with capped backoff until it
/// is delivered; the offset is not saved before (there is none yet: the first event after a
/// start without an offset could not be replayed after a reconnect), and nothing later
/// overtakes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_outage_is_retried_until_delivered_in_order() {
    let mut h = Harness::new(&["Nere AB"]).await;
    h.config.stall_alert_after = 2;
    h.start().await;
    h.script(&[503, 502, 500, 503, 429, 408]);
    h.invoice(0).await;
    h.invoice(0).await;
    let got = h.wait_received(8).await;
    h.assert_quiet(8).await;
    let events = h.events();
    assert_eq!(
        got.iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 502, 500, 503, 429, 408, 200, 200]
    );
    assert!(got[..7].iter().all(|r| r.event_id == id_of(&events[0])));
    assert_eq!(got[7].event_id, id_of(&events[1]));
    assert!(got[..7].iter().all(|r| r.stored_offset.is_none()));
    assert_eq!(
        got[7].stored_offset.as_deref(),
        Some(events[0].offset.as_str())
    );
    assert_eq!(
        h.sim.count("WS", "/topics-v1/subscribe-v1"),
        1,
        "no reconnect needed"
    );
    h.stop().await;
}

/// (d) Two tenants on one connection: each one's events go to its own path, signed with its
/// own secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tenants_get_their_own_events() {
    let mut h = Harness::new(&["Första AB", "Andra AB"]).await;
    h.start().await;
    let a1 = h.invoice(0).await;
    let b1 = h.invoice(1).await;
    let a2 = h.invoice(0).await;
    h.bookkeep(1, &b1).await;

    let got = h.wait_received(4).await;
    h.assert_quiet(4).await;
    let (a, b) = (h.tenants[0].id.to_string(), h.tenants[1].id.to_string());
    let of = |t: &str| -> Vec<(String, String)> {
        got.iter()
            .filter(|r| r.tenant == t)
            .map(|r| {
                let n = r.notice.clone().unwrap();
                (n.invoice.unwrap(), n.event.unwrap())
            })
            .collect()
    };
    assert_eq!(
        of(&a),
        [
            (a1.clone(), "invoice-created-v1".to_string()),
            (a2, "invoice-created-v1".to_string())
        ]
    );
    assert_eq!(
        of(&b),
        [
            (b1.clone(), "invoice-created-v1".to_string()),
            (b1, "invoice-bookkeep-v1".to_string())
        ]
    );
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for r in &got {
        assert!(r.valid, "{r:?}");
        let other = if r.tenant == a { 1 } else { 0 };
        let key = h.tenants[other].callback_secret.as_bytes();
        assert!(
            !verify(&[key], r.timestamp, now, &r.body, &r.signature),
            "not signed with the other tenant's secret"
        );
    }
    // Event ids follow the events of each tenant.
    let events = h.events();
    for e in &events {
        let tenant = if e.tenant_id == h.tenants[0].fortnox {
            &a
        } else {
            &b
        };
        assert!(
            got.iter()
                .any(|r| &r.tenant == tenant && r.event_id == id_of(e)),
            "{e:?}"
        );
    }
    h.stop().await;
}

/// (e) At-least-once duplicates from Fortnox are forwarded with the same event id and body
/// (the callback drops repeats by that id).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_are_forwarded_with_the_same_event_id() {
    let mut h = Harness::new(&["Dubblett AB"]).await;
    h.start().await;
    h.invoice(0).await;
    h.wait_received(1).await;
    assert_eq!(h.sim.duplicate_events(1), 1);
    let got = h.wait_received(2).await;
    h.assert_quiet(2).await;
    let events = h.events();
    assert_eq!(events.len(), 1);
    assert!(
        got.iter()
            .all(|r| r.valid && r.event_id == id_of(&events[0]))
    );
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(
        h.stored_offset().await.as_deref(),
        Some(events[0].offset.as_str())
    );
    h.stop().await;
}

/// Against fortsync's own `invoice-status` endpoint: the relay's requests pass its signature,
/// timestamp and event-id checks, each event queues one job, and a duplicate is dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_invoice_status_endpoint_accepts_and_dedupes_the_notices() {
    let mut h = Harness::new(&["Kontrakt AB"]).await;
    h.use_real_endpoint().await;
    h.start().await;
    let first = h.invoice(0).await;
    let offsets = &h.offsets;
    wait_until("the first event finished", || {
        offsets.history().len() == 1 && h.events().len() == 1
    })
    .await;
    assert_eq!(offsets.history()[0].1, h.events()[0].offset);
    assert_eq!(h.sim.duplicate_events(1), 1);
    h.bookkeep(0, &first).await;
    wait_until("the duplicate and the next event finished", || {
        offsets.history().len() == 3
    })
    .await;

    let mut jobs = Vec::new();
    for m in h.ports.consumer.receive(10).await.unwrap() {
        jobs.push(serde_json::from_str::<fortsync_domain::job::Job>(&m.body).unwrap());
    }
    let want = |invoice: &str| fortsync_domain::job::Job::InvoiceStatus {
        tenant: h.tenants[0].id.clone(),
        invoice: Some(invoice.to_string()),
        external_reference: None,
        payment: None,
    };
    assert_eq!(
        jobs,
        [want(&first), want(&first)],
        "created + bookkept, the repeat dropped"
    );
    h.stop().await;
}

/// A permanent refusal (4xx) is logged and skipped, and so is a tenant without a callback
/// secret: neither stalls the stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permanent_refusals_do_not_stall_the_stream() {
    let mut h = Harness::new(&["Vägrar AB", "Utan AB"]).await;
    let names = SecretNames::new(common::PREFIX);
    h.ports
        .secrets
        .delete_secret(&names.callback(&h.tenants[1].id))
        .await
        .unwrap();
    h.start().await;
    h.script(&[422]);
    h.invoice(0).await;
    h.invoice(1).await;
    h.invoice(0).await;
    let got = h.wait_received(2).await;
    h.assert_quiet(2).await;
    assert_eq!(got.iter().map(|r| r.status).collect::<Vec<_>>(), [422, 200]);
    let events = h.events();
    assert_eq!(got[0].event_id, id_of(&events[0]));
    assert_eq!(got[1].event_id, id_of(&events[2]));
    wait_until("the last offset stored", || {
        h.offsets.history().last().map(|(_, o)| o.as_str()) == Some(events[2].offset.as_str())
    })
    .await;
    h.stop().await;
}

/// A tenant connected while the relay runs is added at the next poll and gets its events; a
/// disconnected one is removed; tokens are re-added every `readd_interval`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenants_are_picked_up_removed_and_readded() {
    let mut h = Harness::new(&["Tidig AB"]).await;
    h.config.readd_interval = Duration::from_millis(300);
    h.start().await;
    let adds = h.sim.count("WS", "/topics-v1/add-tenants-v1");

    let late = h.add_tenant("late-shop", "Sen AB").await;
    let both = [h.tenants[0].fortnox, h.tenants[late].fortnox];
    h.wait_subscribed(&both).await;
    let n = h.invoice(late).await;
    let got = h.wait_received(1).await;
    assert_eq!(got[0].tenant, "late-shop");
    assert!(got[0].valid);
    assert_eq!(
        got[0].notice.as_ref().unwrap().invoice.as_deref(),
        Some(n.as_str())
    );

    // Re-added periodically (tokens live an hour; here every 300 ms).
    let sim = &h.sim;
    wait_until("tokens re-added", || {
        sim.count("WS", "/topics-v1/add-tenants-v1") >= adds + 3
    })
    .await;

    // Disconnected: removed from the connection, its events no longer relayed.
    let mut first = h
        .ports
        .tenants
        .get_tenant(&h.tenants[0].id)
        .await
        .unwrap()
        .unwrap();
    first.status = fortsync_domain::tenant::TenantStatus::Disconnected;
    h.ports.tenants.put_tenant(&first).await.unwrap();
    let gone = h.tenants[0].fortnox;
    wait_until("the disconnected tenant removed", || {
        sim.topic_connections()
            .iter()
            .all(|c| !c.tenant_ids.contains(&gone))
    })
    .await;
    h.invoice(0).await;
    h.invoice(late).await;
    let got = h.wait_received(2).await;
    h.assert_quiet(2).await;
    assert_eq!(got[1].tenant, "late-shop");
    h.stop().await;
}

/// Shutdown is prompt even while a notice is being retried, and the undelivered event's
/// offset is not saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_interrupts_retries_without_saving() {
    let mut h = Harness::new(&["Stopp AB"]).await;
    h.config.delivery.base = Duration::from_secs(30);
    h.config.delivery.max = Duration::from_secs(30);
    h.start().await;
    h.script(&[503]);
    h.invoice(0).await;
    h.wait_received(1).await;
    h.stop().await;
    assert_eq!(h.stored_offset().await, None);
}
