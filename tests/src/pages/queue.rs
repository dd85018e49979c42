//! The dermatologist's queue (`/queue`): the cases it may take now, "take the next case", and
//! "take this case" per line.

use fantoccini::Locator;
use uuid::Uuid;

use super::review::Review;
use crate::{browser::Browser, TestApp};

pub struct Queue<'b> {
    browser: &'b Browser,
}

/// Where taking a case led.
pub enum Taken<'b> {
    Case(Review<'b>),
    /// Back on the queue, with what it says ("a colleague has just taken this case").
    Lost(String),
}

impl<'b> Queue<'b> {
    pub async fn open(browser: &'b Browser, app: &TestApp) -> Queue<'b> {
        browser.open(&app.url("/queue")).await;
        browser.text("#queue").await;
        Queue { browser }
    }

    /// Each line's text, in the queue's order.
    pub async fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for row in self
            .browser
            .client()
            .find_all(Locator::Css("#queue tbody tr"))
            .await
            .unwrap()
        {
            lines.push(row.text().await.unwrap());
        }
        lines
    }

    /// What the page says under a table that shows only the head of the queue.
    pub async fn more(&self) -> Option<String> {
        let client = self.browser.client();
        let note = client.find(Locator::Css("#queue .queue-more")).await.ok()?;
        Some(note.text().await.unwrap())
    }

    /// Wait until the line of `case` is in the queue (the page refreshes itself) and return its
    /// text.
    pub async fn wait_for(&self, case: Uuid) -> String {
        self.browser
            .text(&format!("#queue tr[data-case='{case}']"))
            .await
    }

    /// Press "Prendre le cas suivant".
    pub async fn take_next(&self) -> Review<'b> {
        self.browser
            .client()
            .find(Locator::Css("form[action='/queue/next'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        Review::landed(self.browser).await
    }

    /// Press "Prendre ce cas" on the line of `case`.
    pub async fn take(&self, case: Uuid) -> Taken<'b> {
        self.browser
            .client()
            .find(Locator::Css(&format!(
                "form[action='/queue/{case}/claim'] button"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let landed = self
            .browser
            .client()
            .wait()
            .at_most(crate::browser::WAIT)
            .for_element(Locator::Css("[data-viewer], .notice.ok"))
            .await
            .unwrap();
        if landed.attr("data-viewer").await.unwrap().is_some() {
            Taken::Case(Review::landed(self.browser).await)
        } else {
            Taken::Lost(landed.text().await.unwrap())
        }
    }
}
