//! The relay loop: one WebSocket session after another until shutdown.
//!
//! A session reads the Fortnox app's client secret, connects, registers every followed tenant
//! ([`Registry::sync`]), adds the topic with the stored offset, subscribes, and then handles
//! events one at a time, in order: post the signed notice to each recipient tenant's callback,
//! then save the event's offset. Meanwhile the tenant list is re-read every
//! `tenant_poll_interval` and the connection pinged every `ping_interval`.
//!
//! # Offsets
//!
//! The stored offset is the last event **finished**: delivered (2xx), refused for good (a 4xx
//! other than 408/429), or deliberately skipped (no recipient, no callback secret, nothing to
//! notify). A notice that fails with 5xx/408/429 or a network error is retried in place with
//! capped backoff until it is delivered (or shutdown); nothing after it is handled or saved
//! meanwhile. A callback that stays down therefore holds the topic back for every tenant
//! (logged as an error with `alert = "relay_stalled"` every `stall_alert_after` attempts).
//! Retrying in place, rather than reconnecting, also covers the first event after a start
//! without a stored offset, which no resume point could bring back. After a dropped connection
//! or a restart the next session resumes after the stored offset; delivery is at-least-once:
//! repeats carry the same event id (`"{topic}:{offset}"`) and the receiver drops them.

use std::sync::Arc;
use std::time::Duration;

use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_app::{Clock, SecretStore, SecretString, TenantStore};
use fortsync_domain::TenantId;
use fortsync_domain::error::Classify;
use fortsync_fortnox::TokenManager;
use fortsync_fortnox::topics::{TopicEvent, TopicsClient, TopicsError};
use serde::Deserialize;
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior, interval_at};

use crate::callback::{CallbackSender, SendError, Sent, event_id, notice_for};
use crate::config::RelayConfig;
use crate::error::RelayError;
use crate::offsets::OffsetStore;
use crate::tenants::Registry;

/// What the relay runs on.
pub struct RelayDeps {
    pub tenants: Arc<dyn TenantStore>,
    /// Callback secrets and the Fortnox app credentials.
    pub secrets: Arc<dyn SecretStore>,
    /// Access tokens per tenant (cached, refreshed single-flight).
    pub tokens: Arc<TokenManager>,
    pub offsets: Arc<dyn OffsetStore>,
    pub clock: Arc<dyn Clock>,
    /// For the callbacks (with a timeout).
    pub http: reqwest::Client,
}

#[derive(Deserialize)]
struct AppCredentials {
    client_secret: String,
}

/// Resolves once shutdown is asked for (`true` sent, or the sender dropped).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

fn is_stopped(shutdown: &watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
}

/// Runs the relay until `shutdown` turns `true` (or its sender is dropped). Returns an error
/// only for configuration the relay cannot work with; everything else is logged and retried.
pub async fn run(
    config: RelayConfig,
    deps: RelayDeps,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), RelayError> {
    let relay = Relay::new(config, deps)?;
    let mut failures: u32 = 0;
    loop {
        if is_stopped(&shutdown) {
            break;
        }
        let mut subscribed = false;
        let mut session_shutdown = shutdown.clone();
        // Shutdown also cuts a session short while it is still connecting or registering
        // (safe anywhere: an event's offset is saved only after its notices went out).
        let outcome = tokio::select! {
            outcome = relay.session(&mut session_shutdown, &mut subscribed) => outcome,
            _ = stopped(&mut shutdown) => Ok(End::Shutdown),
        };
        if subscribed {
            failures = 0;
        }
        match outcome {
            Ok(End::Shutdown) => break,
            Ok(End::Closed) => {
                tracing::info!("Fortnox closed the topics connection; reconnecting");
            }
            Err(RelayError::Topics(TopicsError::InvalidUrl(url))) => {
                return Err(RelayError::Config(format!("invalid topics URL: {url}")));
            }
            Err(e @ RelayError::Config(_)) => return Err(e),
            Err(e) if e.is_retryable() => {
                tracing::warn!(error = %e, "topics session ended; reconnecting");
            }
            Err(e) => {
                tracing::error!(error = %e, "topics session failed; retrying");
            }
        }
        let delay = relay.config.reconnect.delay(failures);
        failures = failures.saturating_add(1);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stopped(&mut shutdown) => break,
        }
    }
    tracing::info!("relay stopped");
    Ok(())
}

enum End {
    Shutdown,
    /// The server closed the connection with a close frame.
    Closed,
}

enum Step {
    Stop,
    Poll,
    Ping,
    Event(Result<Option<TopicEvent>, TopicsError>),
}

/// Whether an event was finished or shutdown interrupted it.
enum Handled {
    Done,
    Stop,
}

struct Relay {
    config: RelayConfig,
    deps: RelayDeps,
    sender: CallbackSender,
    app_secrets: SecretCache,
    names: SecretNames,
}

impl Relay {
    fn new(config: RelayConfig, deps: RelayDeps) -> Result<Self, RelayError> {
        if !(config.callback_base_url.starts_with("http://")
            || config.callback_base_url.starts_with("https://"))
        {
            return Err(RelayError::Config(
                "the callback base URL must start with http:// or https://".into(),
            ));
        }
        if config.stall_alert_after == 0 {
            return Err(RelayError::Config(
                "stall_alert_after must be at least 1".into(),
            ));
        }
        let names = SecretNames::new(config.secret_prefix.clone());
        let sender = CallbackSender::new(
            deps.http.clone(),
            &config.callback_base_url,
            deps.secrets.clone(),
            names.clone(),
            config.secret_ttl,
            deps.clock.clone(),
        );
        let app_secrets = SecretCache::new(deps.secrets.clone(), config.secret_ttl);
        Ok(Self {
            config,
            deps,
            sender,
            app_secrets,
            names,
        })
    }

    async fn client_secret(&self) -> Result<SecretString, RelayError> {
        let secret = self
            .app_secrets
            .get(&self.names.fortnox_app())
            .await
            .map_err(|e| RelayError::AppSecret(e.to_string()))?
            .ok_or_else(|| RelayError::AppSecret("not stored".into()))?;
        let creds: AppCredentials = serde_json::from_str(secret.expose())
            .map_err(|_| RelayError::AppSecret("not {\"client_id\", \"client_secret\"}".into()))?;
        Ok(SecretString::new(creds.client_secret))
    }

    async fn session(
        &self,
        shutdown: &mut watch::Receiver<bool>,
        subscribed: &mut bool,
    ) -> Result<End, RelayError> {
        let cfg = &self.config;
        let secret = self.client_secret().await?;
        let mut client = TopicsClient::connect(&cfg.topics_url, secret)
            .await?
            .with_timeout(cfg.command_timeout);
        let mut registry = Registry::default();
        registry
            .sync(
                &mut client,
                self.deps.tenants.as_ref(),
                &self.deps.tokens,
                cfg.readd_interval,
            )
            .await?;
        // Read after the connection is set up, so it is the newest one.
        let offset = self.deps.offsets.load(&cfg.topic).await?;
        client
            .add_topics(&[(cfg.topic.as_str(), offset.as_deref())])
            .await?;
        client.subscribe().await?;
        *subscribed = true;
        tracing::info!(
            topic = %cfg.topic,
            tenants = registry.len(),
            resumed = offset.is_some(),
            "subscribed to Fortnox topics"
        );

        let mut poll = interval_at(
            Instant::now() + cfg.tenant_poll_interval,
            cfg.tenant_poll_interval,
        );
        poll.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut ping = interval_at(Instant::now() + cfg.ping_interval, cfg.ping_interval);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let step = tokio::select! {
                _ = stopped(shutdown) => Step::Stop,
                _ = poll.tick() => Step::Poll,
                _ = ping.tick() => Step::Ping,
                event = client.next_event() => Step::Event(event),
            };
            match step {
                Step::Stop => {
                    let _ = client.close().await;
                    return Ok(End::Shutdown);
                }
                Step::Poll => {
                    let synced = registry
                        .sync(
                            &mut client,
                            self.deps.tenants.as_ref(),
                            &self.deps.tokens,
                            cfg.readd_interval,
                        )
                        .await;
                    match synced {
                        Ok(_) => {}
                        Err(RelayError::Tenants(e)) => {
                            tracing::warn!(error = %e, "tenant list unavailable; keeping the registered tenants");
                        }
                        Err(e) => return Err(e),
                    }
                }
                Step::Ping => client.ping().await?,
                Step::Event(Ok(Some(event))) => {
                    if let Handled::Stop = self.handle(&registry, &event, shutdown).await? {
                        let _ = client.close().await;
                        return Ok(End::Shutdown);
                    }
                }
                Step::Event(Ok(None)) => return Ok(End::Closed),
                Step::Event(Err(e)) => return Err(e.into()),
            }
        }
    }

    /// Delivers one event to its recipients, then saves its offset.
    async fn handle(
        &self,
        registry: &Registry,
        event: &TopicEvent,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<Handled, RelayError> {
        if event.topic != self.config.topic {
            tracing::debug!(topic = %event.topic, "event of another topic ignored");
            return Ok(Handled::Done);
        }
        let id = event_id(event);
        match notice_for(event) {
            None => {
                tracing::debug!(event = %id, kind = %event.event_type, "nothing to notify");
            }
            Some(notice) => {
                let recipients = registry.recipients(event.tenant_id);
                if recipients.is_empty() {
                    tracing::warn!(event = %id, fortnox_tenant = event.tenant_id, "event of a tenant not followed; skipped");
                }
                for tenant in recipients {
                    if let Handled::Stop = self.deliver(&tenant, &id, &notice, shutdown).await {
                        return Ok(Handled::Stop);
                    }
                }
            }
        }
        if let Err(e) = self.deps.offsets.save(&event.topic, &event.offset).await {
            // The next event's save covers it; at worst a restart repeats a few notices.
            tracing::warn!(event = %id, error = %e, "offset not saved");
        }
        Ok(Handled::Done)
    }

    /// One notice to one tenant. Failures that may pass (5xx, 408, 429, network, secret
    /// store) are retried until delivered, with capped backoff: the event's offset is not
    /// saved before, so nothing after it is either.
    async fn deliver(
        &self,
        tenant: &TenantId,
        id: &str,
        notice: &fortsync_app::callback::StatusNotice,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Handled {
        let cfg = &self.config;
        let mut attempt: u32 = 0;
        loop {
            let sent = tokio::select! {
                sent = self.sender.send(tenant, id, notice) => sent,
                _ = stopped(shutdown) => return Handled::Stop,
            };
            let error: SendError = match sent {
                Ok(Sent::Delivered(status)) => {
                    tracing::info!(tenant = %tenant, event = %id, kind = ?notice.event, status, "notice delivered");
                    return Handled::Done;
                }
                Ok(Sent::Refused(status)) => {
                    tracing::warn!(tenant = %tenant, event = %id, status, "callback refused the notice for good; skipped");
                    return Handled::Done;
                }
                Ok(Sent::NoSecret) => {
                    tracing::warn!(tenant = %tenant, event = %id, "tenant has no callback secret; notice skipped");
                    return Handled::Done;
                }
                Err(e) => e,
            };
            attempt = attempt.saturating_add(1);
            let delay: Duration = cfg.delivery.delay(attempt - 1);
            let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            if attempt % cfg.stall_alert_after == 0 {
                tracing::error!(alert = "relay_stalled", tenant = %tenant, event = %id, attempt, error = %error, delay_ms, "notice still not delivered; the topic waits for it");
            } else {
                tracing::warn!(tenant = %tenant, event = %id, attempt, error = %error, delay_ms, "notice not delivered; retrying");
            }
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = stopped(shutdown) => return Handled::Stop,
            }
        }
    }
}
