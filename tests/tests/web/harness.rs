//! The harness itself, on what the server serves to a browser today: Chromium opens documents at
//! phone and desktop size and screenshots them, axe reports what a page breaks, and the headers
//! check names each missing header.

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use telederm_tests::{
    browser::{headers::security_headers, screenshot_dir, Browser, DESKTOP, PHONE},
    pages::document::Document,
    spawn_app,
};

/// Width and height of a PNG, from its header.
fn png_size(path: &std::path::Path) -> (u32, u32) {
    let png = std::fs::read(path).unwrap();
    assert_eq!(&png[1..4], b"PNG", "{} is a PNG", path.display());
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[tokio::test]
async fn chromium_shows_the_server_s_documents_at_phone_and_desktop_size() {
    let app = spawn_app().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let health = Document::open(&browser, &app, "/healthz").await;
    assert_eq!(health.text().await, "ok");
    let healthz = browser.screenshot("harness-healthz").await;

    let api = Document::open(&browser, &app, "/api/v1/openapi.json").await;
    let text = api.text().await;
    assert!(text.contains("\"openapi\": \"3.1"), "{text:.200}");
    assert!(text.contains("/api/v1/photos/check"));
    let openapi = browser.screenshot("harness-openapi").await;

    for (name, shots) in [("harness-healthz", healthz), ("harness-openapi", openapi)] {
        for (path, size) in shots.iter().zip([PHONE, DESKTOP]) {
            let file = format!("{name}-{}.png", size.name);
            assert_eq!(path, &screenshot_dir().join(file));
            assert_eq!(
                png_size(path),
                (size.width, size.height),
                "{}",
                path.display()
            );
        }
    }
    browser.close().await;
}

#[tokio::test]
async fn the_browser_asks_for_french_first_and_english_on_demand() {
    let (address, server) = local_server().await;
    for (start, wanted) in [
        (None, "fr-FR,fr;q=0.9"),
        (Some("en-GB,en"), "en-GB,en;q=0.9"),
    ] {
        let browser = match start {
            None => Browser::start().await,
            Some(languages) => Browser::start_in(languages).await,
        };
        let Some(browser) = browser else {
            return;
        };
        browser.open(&format!("{address}/language")).await;
        assert_eq!(browser.text("body").await, wanted);
        browser.close().await;
    }
    server.stop(true).await;
}

/// A page with a strict policy (as the app's pages will have), written as a `data:` URL.
fn page(body: &str) -> String {
    let html = format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">\
         <title>Essai</title></head><body><main><h1>Essai</h1>{body}</main></body></html>"
    );
    let encoded: String = html
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("data:text/html;charset=utf-8,{encoded}")
}

#[tokio::test]
async fn axe_reports_serious_violations_and_passes_a_clean_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    browser
        .open(&page(
            "<img src=\"lesion.png\"><form><input type=\"text\" name=\"age\"></form>",
        ))
        .await;
    let Some(violations) = browser.axe().await else {
        return;
    };
    let mut ids: Vec<&str> = violations.iter().map(|v| v.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["image-alt", "label"], "{violations:#?}");
    assert!(violations
        .iter()
        .all(|v| ["serious", "critical"].contains(&v.impact.as_str())));
    assert_eq!(violations[0].targets.len(), 1);

    browser
        .open(&page(
            "<img src=\"lesion.png\" alt=\"Lésion\"><form><label for=\"age\">Âge</label>\
             <input type=\"text\" id=\"age\" name=\"age\"></form>",
        ))
        .await;
    browser.assert_accessible("a labelled form").await;
    browser.close().await;
}

/// A server of the test's own: `/strict` with every security header right, `/bare` with none,
/// `/loose` with a loose policy, `/language` echoing the request's `Accept-Language`.
async fn local_server() -> (String, actix_web::dev::ServerHandle) {
    let server = HttpServer::new(|| {
        App::new()
            .route(
                "/strict",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header((
                            "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'",
                        ))
                        .insert_header(("X-Content-Type-Options", "nosniff"))
                        .insert_header(("Referrer-Policy", "no-referrer"))
                        .body("strict")
                }),
            )
            .route(
                "/bare",
                web::get().to(|| async { HttpResponse::Ok().body("bare") }),
            )
            .route(
                "/loose",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header((
                            "Content-Security-Policy",
                            "default-src 'self' 'unsafe-inline'",
                        ))
                        .insert_header(("X-Content-Type-Options", "nosniff"))
                        .insert_header(("Referrer-Policy", "origin"))
                        .body("loose")
                }),
            )
            .route(
                "/language",
                web::get().to(|req: HttpRequest| async move {
                    let language = req.headers().get("accept-language").cloned();
                    HttpResponse::Ok()
                        .content_type("text/plain")
                        .body(language.map(|v| v.as_bytes().to_vec()).unwrap_or_default())
                }),
            )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = format!("http://{}", server.addrs()[0]);
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (address, handle)
}

#[tokio::test]
async fn the_headers_check_passes_a_strict_response_and_names_each_missing_header() {
    let (address, server) = local_server().await;
    let url = |path: &str| format!("{address}{path}");

    assert_eq!(
        security_headers(&url("/strict")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        security_headers(&url("/bare")).await,
        [
            "no Content-Security-Policy",
            "no x-content-type-options",
            "no referrer-policy"
        ]
    );
    let loose = security_headers(&url("/loose")).await;
    assert_eq!(loose.len(), 4, "{loose:#?}");
    assert!(loose[0].contains("default-src 'self'"), "{loose:#?}");
    assert!(loose[1].contains("frame-ancestors 'none'"), "{loose:#?}");
    assert!(loose[2].contains("allows 'unsafe-inline'"), "{loose:#?}");
    assert_eq!(loose[3], "referrer-policy is `origin`, not `no-referrer`");
    server.stop(true).await;
}

#[tokio::test]
async fn the_layout_shift_and_the_weight_of_a_page_are_measured() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    browser
        .open(&page("<p id=\"first\">Un</p><p>Deux</p><p>Trois</p>"))
        .await;
    assert_eq!(browser.layout_shift().await, 0.0);
    let (bytes, loaded) = browser.page_weight().await;
    assert_eq!(loaded.len(), 1, "{loaded:?}");
    assert!(bytes > 100, "{bytes}");
    // A block pushed in above the text after load, not by the person: the text moves.
    browser
        .client()
        .execute(
            "const late = document.createElement('div'); \
             late.style.height = '300px'; \
             document.querySelector('main').prepend(late);",
            vec![],
        )
        .await
        .unwrap();
    browser.text("#first").await;
    let shift = browser.layout_shift().await;
    assert!(shift > 0.0, "{shift}");
    browser.close().await;
}
