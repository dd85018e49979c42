//! A document the browser shows as it is (plain text or JSON): `/healthz`, the OpenAPI document.

use crate::{browser::Browser, TestApp};

pub struct Document<'b> {
    browser: &'b Browser,
}

impl<'b> Document<'b> {
    /// Open `path` of `app` in `browser`.
    pub async fn open(browser: &'b Browser, app: &TestApp, path: &str) -> Document<'b> {
        browser.open(&app.url(path)).await;
        Document { browser }
    }

    /// The text the browser shows.
    pub async fn text(&self) -> String {
        self.browser.text("body").await
    }
}
