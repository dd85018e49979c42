//! A local webhook receiver: checks each delivery's signature with the secret it was given for
//! that path, records it, and fails on demand.

use std::{
    collections::HashMap,
    net::TcpListener,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use telederm_server::notify::sign;

#[derive(Debug, Clone)]
pub struct Delivery {
    pub path: String,
    pub event: String,
    pub body: String,
    pub payload: serde_json::Value,
    pub timestamp: i64,
    pub signature: String,
    /// Whether the signature verifies with the secret the receiver holds for the path.
    pub signature_ok: bool,
    /// What the receiver answered.
    pub status: u16,
}

impl Delivery {
    /// Whether `secret` verifies this delivery's signature.
    pub fn signed_with(&self, secret: &str) -> bool {
        sign::verify(
            secret.as_bytes(),
            self.timestamp,
            self.body.as_bytes(),
            &self.signature,
        )
    }
}

#[derive(Default)]
struct Shared {
    secrets: Mutex<HashMap<String, String>>,
    fail_next: AtomicUsize,
    seen: Mutex<Vec<Delivery>>,
}

pub struct Receiver {
    pub base: String,
    shared: Arc<Shared>,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1. Paths ending in `/down` always answer 500, in
    /// `/redirect` 307 to `/elsewhere`, in `/slow` never.
    pub fn start() -> Receiver {
        let shared = Arc::new(Shared::default());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::post().to(receive))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Receiver {
            base: format!("http://127.0.0.1:{port}"),
            shared,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Verify deliveries to `path` with `secret` from now on (the receiver's configuration).
    pub fn expect(&self, path: &str, secret: &str) {
        self.shared
            .secrets
            .lock()
            .unwrap()
            .insert(path.to_owned(), secret.to_owned());
    }

    /// The next `n` deliveries get a 500.
    pub fn fail_next(&self, n: usize) {
        self.shared.fail_next.store(n, Ordering::SeqCst);
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.seen.lock().unwrap().clone()
    }
}

async fn receive(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    if req.path().ends_with("/slow") {
        std::future::pending::<()>().await;
    }
    let timestamp: i64 = header(sign::TIMESTAMP_HEADER).parse().unwrap_or(0);
    let signature = header(sign::SIGNATURE_HEADER);
    let secret = shared.secrets.lock().unwrap().get(req.path()).cloned();
    let signature_ok =
        secret.is_some_and(|s| sign::verify(s.as_bytes(), timestamp, &body, &signature));
    let failing = req.path().ends_with("/down")
        || shared
            .fail_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    let status = if req.path().ends_with("/redirect") {
        307
    } else if !signature_ok {
        401
    } else if failing {
        500
    } else {
        204
    };
    let text = String::from_utf8_lossy(&body).into_owned();
    shared.seen.lock().unwrap().push(Delivery {
        path: req.path().to_owned(),
        event: header(sign::EVENT_HEADER),
        payload: serde_json::from_str(&text).unwrap_or_default(),
        body: text,
        timestamp,
        signature,
        signature_ok,
        status,
    });
    let mut answer = HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap());
    if status == 307 {
        answer.insert_header(("location", "/elsewhere"));
    }
    answer.finish()
}
