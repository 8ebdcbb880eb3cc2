//! Invoice-status polling: invoices and invoice payments changed in Fortnox since the last
//! run, each queued as the same `InvoiceStatus` job a callback or the relay queues. Alone it
//! makes the shop right within the hour even if every notification was lost; with them it
//! costs two list calls an hour and writes nothing (the worker writes only on a change).

use super::store::{SyncCursor, SyncPhase, SyncRun};
use super::{SyncDeps, SyncError, SyncReport, Trail, commit};
use fortsync_domain::job::{Job, SyncResource};
use fortsync_domain::tenant::Tenant;
use std::collections::HashSet;

pub(super) async fn run(
    deps: &SyncDeps,
    tenant: &Tenant,
    cursor: &mut SyncCursor,
    run: &mut SyncRun,
    _trail: &mut Trail,
) -> Result<SyncReport, SyncError> {
    let fortnox = deps.registers.registers(tenant).await?;
    let ours = format!("fortsync:{}:", tenant.id);
    let mut report = SyncReport::default();
    let mut queued: HashSet<String> = HashSet::new();
    let mut queue = |invoice: String, report: &mut SyncReport| {
        let fresh = queued.insert(invoice.clone());
        if fresh {
            report.pairs += 1;
        }
        fresh.then_some(invoice)
    };
    // Phase one: invoices (fortnox_page); phase two: payments (shop_cursor holds its page, as
    // this register has no shop side).
    if run.phase == SyncPhase::FortnoxToShop {
        loop {
            let page = fortnox
                .invoices_changed(run.fortnox_since.as_deref(), run.fortnox_page)
                .await?;
            report.fortnox_pages += 1;
            for (number, reference) in page.items.iter().cloned() {
                if !reference.as_deref().is_some_and(|r| r.starts_with(&ours)) {
                    continue;
                }
                if let Some(n) = queue(number, &mut report) {
                    deps.queue.send(&status_job(tenant, n)).await?;
                }
            }
            let done = page.is_last() || page.items.is_empty();
            if done {
                run.phase = SyncPhase::ShopToFortnox;
            } else {
                run.fortnox_page += 1;
            }
            commit(deps, &tenant.id, SyncResource::Invoices, cursor, run).await?;
            if done {
                break;
            }
        }
    }
    loop {
        let page_no = run
            .shop_cursor
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let page = fortnox
            .payments_changed(run.fortnox_since.as_deref(), page_no)
            .await?;
        report.fortnox_pages += 1;
        for invoice in page.items.iter().cloned() {
            // The worker ignores invoices that are not an order's own.
            if let Some(n) = queue(invoice, &mut report) {
                deps.queue.send(&status_job(tenant, n)).await?;
            }
        }
        let done = page.is_last() || page.items.is_empty();
        run.shop_cursor = (!done).then(|| (page_no + 1).to_string());
        commit(deps, &tenant.id, SyncResource::Invoices, cursor, run).await?;
        if done {
            break;
        }
    }
    report.fortnox_calls = fortnox.take_calls().len() as u32;
    Ok(report)
}

fn status_job(tenant: &Tenant, invoice: String) -> Job {
    Job::InvoiceStatus {
        tenant: tenant.id.clone(),
        invoice: Some(invoice),
        external_reference: None,
        payment: None,
    }
}
