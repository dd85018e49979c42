//! The audit trail (`/audit`): the filters (case, person, action, period), the lines as read,
//! the pages, and "verify the chain".

use fantoccini::Locator;

use crate::{browser::Browser, pages::dashboard::table, TestApp};

pub struct AuditTrail<'b> {
    browser: &'b Browser,
}

impl<'b> AuditTrail<'b> {
    pub async fn open(browser: &'b Browser, app: &TestApp, query: &str) -> AuditTrail<'b> {
        browser.open(&app.url(&format!("/audit?{query}"))).await;
        AuditTrail::landed(browser).await
    }

    pub async fn landed(browser: &'b Browser) -> AuditTrail<'b> {
        browser.text("#audit-lines").await;
        AuditTrail { browser }
    }

    /// Each line: when, who, action, case, territory, detail.
    pub async fn lines(&self) -> Vec<Vec<String>> {
        table(self.browser, "audit-lines").await
    }

    async fn click(&self, css: &str) {
        self.browser
            .client()
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Choose a person and an action by the names shown, and filter.
    pub async fn filter(&self, person: &str, action: &str) -> AuditTrail<'b> {
        let client = self.browser.client();
        for (id, label) in [("#person", person), ("#action", action)] {
            let select = client.find(Locator::Css(id)).await.unwrap();
            select.select_by_label(label).await.unwrap();
        }
        self.click(".audit-form button:not([name])").await;
        // The new page marks the person chosen (the old one only had them picked).
        self.browser
            .text("#person option[selected]:not([value=''])")
            .await;
        AuditTrail::landed(self.browser).await
    }

    /// Press "verify the chain": the result's title and text, and the head hash.
    pub async fn verify(&self) -> (String, String) {
        self.click(".audit-form button[name=verify]").await;
        let result = self.browser.text("#verification").await;
        let head = self.browser.text("#head-hash").await;
        (result, head)
    }
}
