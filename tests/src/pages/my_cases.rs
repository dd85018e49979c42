//! "Mes demandes" (`/cases`): the GP's cases, one line each.

use fantoccini::Locator;

use crate::{browser::Browser, TestApp};

pub struct MyCases<'b> {
    browser: &'b Browser,
}

impl<'b> MyCases<'b> {
    pub async fn open(browser: &'b Browser, app: &TestApp) -> MyCases<'b> {
        browser.open(&app.url("/cases")).await;
        browser.text("h1").await;
        MyCases { browser }
    }

    /// Each line's text, top to bottom.
    pub async fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for li in self
            .browser
            .client()
            .find_all(Locator::Css(".case-list li"))
            .await
            .unwrap()
        {
            lines.push(li.text().await.unwrap());
        }
        lines
    }
}
