//! The coordinator's rota page (`/rota`): a territory's week, its gaps, its shifts, and the forms
//! to add, move and remove them.

use fantoccini::{elements::Element, Locator};

use crate::{
    browser::{Browser, WAIT},
    TestApp,
};

pub struct Rota<'b> {
    browser: &'b Browser,
}

impl<'b> Rota<'b> {
    /// `query`: e.g. `territory=13&week=2026-W52` (empty: the default territory and week).
    pub async fn open(browser: &'b Browser, app: &TestApp, query: &str) -> Rota<'b> {
        browser.open(&app.url(&format!("/rota?{query}"))).await;
        Rota::landed(browser).await
    }

    pub async fn landed(browser: &'b Browser) -> Rota<'b> {
        browser.text("#grid-caption").await;
        Rota { browser }
    }

    pub async fn heading(&self) -> String {
        self.browser.text("h1").await
    }

    /// The week shown ("Semaine du ... au ...").
    pub async fn week(&self) -> String {
        self.browser.text(".week-label").await
    }

    /// The gaps in cover, as listed above the grid ("mer. 16 déc., 00:00–08:00").
    pub async fn gaps(&self) -> Vec<String> {
        self.texts(".gap-list li").await
    }

    /// What the grid's gap cells read.
    pub async fn gap_cells(&self) -> Vec<String> {
        self.texts(".week-grid td.gap").await
    }

    /// The week's shifts: "name  from → to".
    pub async fn shifts(&self) -> Vec<String> {
        self.texts(".shift-list .shift-what").await
    }

    /// The green line saying what was just done.
    pub async fn done(&self) -> String {
        self.browser.text(".notice.ok").await
    }

    /// Choose the dermatologist by name, give start and end (`YYYY-MM-DDTHH:MM`), add; the page
    /// after.
    pub async fn add_shift(self, dermatologist: &str, starts: &str, ends: &str) -> Rota<'b> {
        self.find("#add-dermatologist")
            .await
            .select_by_label(dermatologist)
            .await
            .unwrap();
        // A datetime-local input is typed as the browser's locale wants: set its value.
        self.browser
            .client()
            .execute(
                "document.getElementById('add-starts').value = arguments[0]; \
                 document.getElementById('add-ends').value = arguments[1];",
                vec![serde_json::json!(starts), serde_json::json!(ends)],
            )
            .await
            .unwrap();
        let button = self.find("#add button[type=submit]").await;
        submit(self.browser, button).await;
        Rota::landed(self.browser).await
    }

    /// The messages next to the add form's fields.
    pub async fn add_errors(&self) -> Vec<String> {
        self.texts("#add .field-error").await
    }

    async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.all(css).await {
            out.push(e.text().await.unwrap());
        }
        out
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
}

/// Click `button` (a form's submit) and wait for the next page: the current one is marked
/// first, so that an element of the page being left is never taken for one of the next.
async fn submit(browser: &Browser, button: Element) {
    browser
        .client()
        .execute("document.documentElement.dataset.left = '1';", vec![])
        .await
        .unwrap();
    button.click().await.unwrap();
    browser
        .client()
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("html:not([data-left])"))
        .await
        .unwrap_or_else(|e| panic!("no next page: {e}"));
}
