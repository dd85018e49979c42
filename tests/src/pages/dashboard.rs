//! The coordinator's dashboard (`/dashboard`): the period and territory form, the figures'
//! tables (as a person reads them), the charts, and a case at risk's link to its history.

use fantoccini::Locator;

use crate::{browser::Browser, pages::audit::AuditTrail, TestApp};

pub struct Dashboard<'b> {
    browser: &'b Browser,
}

/// The text of each body row's cells of the table `#id`, top to bottom.
pub(crate) async fn table(browser: &Browser, id: &str) -> Vec<Vec<String>> {
    let rows = browser
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))\
               .map((tr) => Array.from(tr.cells).map((c) => c.innerText.trim()));",
            vec![serde_json::Value::from(id)],
        )
        .await
        .unwrap();
    serde_json::from_value(rows).unwrap()
}

impl<'b> Dashboard<'b> {
    /// `query`: the form's fields (`territory=13`), or empty for the defaults.
    pub async fn open(browser: &'b Browser, app: &TestApp, query: &str) -> Dashboard<'b> {
        browser.open(&app.url(&format!("/dashboard?{query}"))).await;
        Dashboard::landed(browser).await
    }

    pub async fn landed(browser: &'b Browser) -> Dashboard<'b> {
        browser.text("h1").await;
        Dashboard { browser }
    }

    /// Choose a territory by its name in the form and show its figures.
    pub async fn choose_territory(&self, label: &str) -> Dashboard<'b> {
        let select = self
            .browser
            .client()
            .find(Locator::Css("#territory"))
            .await
            .unwrap();
        select.select_by_label(label).await.unwrap();
        self.browser
            .client()
            .find(Locator::Css(".period-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The new page marks the territory chosen (the old one only had it picked).
        self.browser
            .text("#territory option[selected]:not([value=''])")
            .await;
        Dashboard::landed(self.browser).await
    }

    /// The period's first and last day as the form shows them (`2026-10-06`).
    pub async fn period_days(&self) -> (String, String) {
        let value = |id: &'static str| async move {
            self.browser
                .client()
                .find(Locator::Id(id))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
        };
        (value("from").await, value("to").await)
    }

    /// `weeks-urgent`, `weeks-routine`, `breaches`, `open-cases`, `at-risk`, `dermatologists`,
    /// `priorities`.
    pub async fn table(&self, name: &str) -> Vec<Vec<String>> {
        table(self.browser, &format!("table-{name}")).await
    }

    /// The share answered within target, as written.
    pub async fn within_target(&self) -> String {
        self.browser.text("#within-target").await
    }

    /// The charts' accessible names.
    pub async fn charts(&self) -> Vec<String> {
        let mut names = Vec::new();
        for svg in self
            .browser
            .client()
            .find_all(Locator::Css("svg.chart"))
            .await
            .unwrap()
        {
            names.push(svg.attr("aria-label").await.unwrap().unwrap_or_default());
        }
        names
    }

    /// Follow a case at risk's link (its text) to the case's history.
    pub async fn open_history(&self, link: &str) -> AuditTrail<'b> {
        self.browser
            .client()
            .find(Locator::LinkText(link))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        AuditTrail::landed(self.browser).await
    }
}
