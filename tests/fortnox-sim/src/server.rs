//! Accept loop serving the router over HTTP/1.1. It exists (instead of `axum::serve`) so an
//! injected fault can close a connection without any response: each connection gets a
//! `ConnDrop` signal in its requests' extensions.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::faults::ConnDrop;

pub(crate) async fn serve(listener: TcpListener, app: Router) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let drop_signal = Arc::new(Notify::new());
            let signal = drop_signal.clone();
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnDrop(signal.clone()));
                app.clone().oneshot(req.map(Body::new))
            });
            // `with_upgrades`: the WebSocket endpoint `/topics-v1` takes over the connection.
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::select! {
                result = conn => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "connection error");
                    }
                }
                // Dropping `conn` closes the socket without a response.
                _ = drop_signal.notified() => {}
            }
        });
    }
}
