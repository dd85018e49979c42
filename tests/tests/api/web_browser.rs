//! A browser as the pages see it, without a browser: a cookie jar over the test client, forms
//! posted URL-encoded with the page's CSRF token. Redirects are not followed: tests look at them.

use std::collections::BTreeMap;

use reqwest::{header, Response, StatusCode};
use telederm_tests::{TestApp, DEMO_PASSWORD};

pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: BTreeMap<String, String>,
    /// Sent as `Accept-Language` when set.
    pub accept_language: Option<&'static str>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            cookies: BTreeMap::new(),
            accept_language: None,
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.app.client.request(method, self.app.url(path));
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header(header::COOKIE, jar.join("; "));
        }
        if let Some(lang) = self.accept_language {
            req = req.header(header::ACCEPT_LANGUAGE, lang);
        }
        req
    }

    /// Send, and keep the cookies the answer sets (a `Max-Age=0` one is forgotten).
    pub async fn send(&mut self, req: reqwest::RequestBuilder) -> Response {
        let res = req.send().await.unwrap();
        for set in res.headers().get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name.trim());
            } else {
                self.cookies.insert(name.trim().into(), value.trim().into());
            }
        }
        res
    }

    pub async fn get(&mut self, path: &str) -> Response {
        let req = self.request(reqwest::Method::GET, path);
        self.send(req).await
    }

    /// A URL-encoded form, as a browser posts it.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let req = self.request(reqwest::Method::POST, path).form(fields);
        self.send(req).await
    }

    /// The page at `path`, as text, asserting its status.
    pub async fn page(&mut self, path: &str, status: u16) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status().as_u16(), status, "GET {path}");
        res.text().await.unwrap()
    }

    /// Open the sign-in page and sign in with these credentials; the answer to the form.
    pub async fn sign_in_as(&mut self, email: &str, password: &str) -> Response {
        let page = self.page("/", 200).await;
        let token = csrf_token(&page);
        self.post_form(
            "/sign-in",
            &[("email", email), ("password", password), ("csrf", &token)],
        )
        .await
    }

    /// Sign in as a demo user (`gp13`, `derm1`...), asserting it lands on `home`.
    pub async fn sign_in(&mut self, demo_user: &str, home: &str) {
        let res = self
            .sign_in_as(&format!("{demo_user}@demo.test"), DEMO_PASSWORD)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), home);
        assert!(self.cookies.contains_key("telederm_session"));
    }
}

/// The value of the page's first hidden `csrf` field.
pub fn csrf_token(page: &str) -> String {
    let at = page.find(r#"name="csrf" value=""#).expect("a csrf field");
    let rest = &page[at + r#"name="csrf" value=""#.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

pub fn location(res: &Response) -> String {
    res.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

/// The text of the page's alert (`role="alert"`), if any.
pub fn alert(page: &str) -> Option<String> {
    let at = page.find(r#"role="alert""#)?;
    let rest = &page[at..];
    let start = rest.find('>')? + 1;
    Some(rest[start..rest.find("</")?].to_owned())
}
