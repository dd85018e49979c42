//! A case's page for its GP (`/cases/{id}`): status, what was sent, the questions and the reply
//! form, the answer, the outcome form, close, cancel, history.

use std::path::Path;

use fantoccini::{elements::Element, Locator};
use uuid::Uuid;

use crate::{browser::Browser, TestApp};

pub struct CasePage<'b> {
    browser: &'b Browser,
}

impl<'b> CasePage<'b> {
    pub async fn open(browser: &'b Browser, app: &TestApp, id: Uuid) -> CasePage<'b> {
        browser.open(&app.url(&format!("/cases/{id}"))).await;
        CasePage::landed(browser).await
    }

    /// The page the browser has just been sent to (it waits for it).
    pub async fn landed(browser: &'b Browser) -> CasePage<'b> {
        browser.text("#history-title").await;
        CasePage { browser }
    }

    /// The case's id, from the address.
    pub async fn id(&self) -> Uuid {
        let url = self.browser.client().current_url().await.unwrap();
        let id = url.path_segments().unwrap().nth(1).unwrap().to_owned();
        id.parse().unwrap()
    }

    pub async fn status(&self) -> String {
        self.browser.text(".case-meta .status").await
    }

    /// The green line saying what was just done.
    pub async fn done(&self) -> String {
        self.browser.text(".notice.ok").await
    }

    /// The whole answer section, as read.
    pub async fn answer(&self) -> String {
        self.browser.text("[aria-labelledby=answer-title]").await
    }

    pub async fn questions(&self) -> String {
        self.browser.text("[aria-labelledby=questions-title]").await
    }

    pub async fn sent(&self) -> String {
        self.browser.text("[aria-labelledby=sent-title]").await
    }

    pub async fn history(&self) -> String {
        self.browser.text(".history").await
    }

    /// The photos' links (full resolution), in order.
    pub async fn photo_links(&self) -> Vec<String> {
        let mut links = Vec::new();
        for a in self.all(".photo-grid a").await {
            links.push(a.attr("href").await.unwrap().unwrap_or_default());
        }
        links
    }

    async fn all(&self, css: &str) -> Vec<Element> {
        self.browser
            .client()
            .find_all(Locator::Css(css))
            .await
            .unwrap()
    }

    async fn find(&self, css: &str) -> Element {
        self.browser
            .client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
    }

    /// Reply to the question with `text` and a new photo of `kind`; returns the photo's verdict
    /// as shown before sending, and the page after.
    pub async fn reply(self, text: &str, kind: &str, photo: &Path) -> (String, CasePage<'b>) {
        self.find("#message").await.send_keys(text).await.unwrap();
        let slot = "[data-photo-slots] > [data-photo-slot]:nth-child(1)";
        self.find(&format!("{slot} select[name=kind]"))
            .await
            .select_by_value(kind)
            .await
            .unwrap();
        self.find(&format!("{slot} input[type=file]"))
            .await
            .send_keys(&photo.display().to_string())
            .await
            .unwrap();
        let verdict = self
            .browser
            .text(&format!("{slot}[data-checked] [data-check-result]"))
            .await;
        self.find("form[data-send] button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
        self.browser.text(".notice.ok").await;
        (verdict, CasePage::landed(self.browser).await)
    }

    /// Record the biopsy's date (`YYYY-MM-DD`).
    pub async fn record_biopsy(self, date: &str) -> CasePage<'b> {
        // A date input takes the date as the browser's locale types it: set the value directly.
        self.browser
            .client()
            .execute(
                "document.getElementById('biopsy_date').value = arguments[0];",
                vec![serde_json::json!(date)],
            )
            .await
            .unwrap();
        self.find("#outcome button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
        self.browser.text(".notice.ok").await;
        CasePage::landed(self.browser).await
    }

    /// The outcome form's biopsy date, as recorded.
    pub async fn biopsy_date(&self) -> String {
        self.find("#biopsy_date")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Sign out from the header.
    pub async fn sign_out(&self) {
        self.find("form[action='/sign-out'] button")
            .await
            .click()
            .await
            .unwrap();
        self.browser.text("#email").await;
    }
}
