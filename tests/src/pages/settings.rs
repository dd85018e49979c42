//! The settings page (`/settings`): where messages go, the language, and per kind of event
//! (named as the page names it) how the person hears of it.

use fantoccini::{elements::Element, Locator};

use crate::{
    browser::{Browser, WAIT},
    TestApp,
};

pub struct Settings<'b> {
    browser: &'b Browser,
}

impl<'b> Settings<'b> {
    pub async fn open(browser: &'b Browser, app: &TestApp) -> Settings<'b> {
        browser.open(&app.url("/settings")).await;
        Settings::landed(browser).await
    }

    pub async fn landed(browser: &'b Browser) -> Settings<'b> {
        browser.text("#language-title").await;
        Settings { browser }
    }

    /// Follow the header's link to this page (its words: "Préférences").
    pub async fn from_header(browser: &'b Browser, link: &str) -> Settings<'b> {
        let path = format!("//header//nav//a[normalize-space()='{link}']");
        let found = xpath(browser, &path).await;
        submit(browser, found).await;
        Settings::landed(browser).await
    }

    pub async fn heading(&self) -> String {
        self.browser.text("h1").await
    }

    /// The address messages go to (not shown to an admin, who gets none).
    pub async fn email(&self) -> String {
        self.browser.text("#settings-email").await
    }

    /// The saved notice, once saved.
    pub async fn notice(&self) -> String {
        self.browser.text(".notice.ok").await
    }

    /// What the page says when the role is told of nothing (an admin), if it says it.
    pub async fn told_of_nothing(&self) -> Option<String> {
        let found = self
            .browser
            .client()
            .find(Locator::Id("no-kinds"))
            .await
            .ok()?;
        Some(found.text().await.unwrap())
    }

    /// The kinds of event offered, by name.
    pub async fn kinds(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.all("fieldset.kind legend").await {
            out.push(e.text().await.unwrap());
        }
        out
    }

    /// The words of the choice ticked for `kind` ("Les deux (par défaut)").
    pub async fn chosen(&self, kind: &str) -> String {
        for label in self.labels_of(kind).await {
            let input = label.find(Locator::Css("input")).await.unwrap();
            if input.is_selected().await.unwrap() {
                return words(&label).await;
            }
        }
        panic!("nothing ticked for {kind}")
    }

    /// The choices offered for `kind`, in their words.
    pub async fn choices(&self, kind: &str) -> Vec<String> {
        let mut out = Vec::new();
        for label in self.labels_of(kind).await {
            out.push(words(&label).await);
        }
        out
    }

    /// Tick `channel` ("Webhook", "Aucun"...) for `kind`.
    pub async fn choose(&self, kind: &str, channel: &str) {
        let path = format!(
            "//fieldset[legend[normalize-space()='{kind}']]//label[starts-with(normalize-space(), '{channel}')]"
        );
        xpath(self.browser, &path).await.click().await.unwrap();
    }

    /// Tick a language by its name ("English").
    pub async fn choose_language(&self, name: &str) {
        let path = format!("//fieldset[@id='language']//label[normalize-space()='{name}']");
        xpath(self.browser, &path).await.click().await.unwrap();
    }

    /// Press the save button; the page after.
    pub async fn save(self) -> Settings<'b> {
        let button = self
            .browser
            .client()
            .find(Locator::Css("form[action='/settings'] button[type=submit]"))
            .await
            .unwrap();
        submit(self.browser, button).await;
        Settings::landed(self.browser).await
    }

    async fn labels_of(&self, kind: &str) -> Vec<Element> {
        let path = format!("//fieldset[legend[normalize-space()='{kind}']]//label");
        self.browser
            .client()
            .find_all(Locator::XPath(&path))
            .await
            .unwrap()
    }

    async fn all(&self, css: &str) -> Vec<Element> {
        self.browser
            .client()
            .find_all(Locator::Css(css))
            .await
            .unwrap()
    }
}

/// An element's text as one line (the default mark is laid out beside its choice).
async fn words(e: &Element) -> String {
    let text = e.text().await.unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn xpath(browser: &Browser, path: &str) -> Element {
    browser
        .client()
        .find(Locator::XPath(path))
        .await
        .unwrap_or_else(|e| panic!("no `{path}`: {e}"))
}

/// Click `element` (a submit button, a link) and wait for the next page: the current one is
/// marked first, so that an element of the page being left is never taken for one of the next.
async fn submit(browser: &Browser, element: Element) {
    browser
        .client()
        .execute("document.documentElement.dataset.left = '1';", vec![])
        .await
        .unwrap();
    element.click().await.unwrap();
    browser
        .client()
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("html:not([data-left])"))
        .await
        .unwrap_or_else(|e| panic!("no next page: {e}"));
}
