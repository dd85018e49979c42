//! The admin's pages: the overview (`/admin`: keys, parked notifications), users
//! (`/admin/users`) and territories (`/admin/territories`).

use fantoccini::{elements::Element, Locator};

use crate::{
    browser::{Browser, WAIT},
    TestApp,
};

/// Any admin page: each has the same navigation.
pub struct AdminPage<'b> {
    browser: &'b Browser,
}

/// A user to create from the form.
pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    /// The role's label as the form shows it ("Coordinateur").
    pub role: &'a str,
    /// Territory codes ticked as coordinated.
    pub territories: &'a [&'a str],
    pub webhook_url: &'a str,
}

impl<'b> AdminPage<'b> {
    /// `path`: `/admin`, `/admin/users` or `/admin/territories`.
    pub async fn open(browser: &'b Browser, app: &TestApp, path: &str) -> AdminPage<'b> {
        browser.open(&app.url(path)).await;
        AdminPage::landed(browser).await
    }

    pub async fn landed(browser: &'b Browser) -> AdminPage<'b> {
        browser.text(".admin-nav").await;
        AdminPage { browser }
    }

    pub async fn done(&self) -> String {
        self.browser.text(".notice.ok").await
    }

    /// The secret shown once, if the page shows one.
    pub async fn secret(&self) -> Option<String> {
        let found = self
            .browser
            .client()
            .find(Locator::Id("secret-value"))
            .await
            .ok()?;
        Some(found.text().await.unwrap())
    }

    /// The users' names as listed.
    pub async fn user_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.all(".admin-list .line-head strong").await {
            out.push(e.text().await.unwrap());
        }
        out
    }

    /// The key the server seals new data with.
    pub async fn active_key(&self) -> String {
        self.browser.text("#keys p code").await
    }

    pub async fn parked(&self) -> String {
        self.browser.text("#parked").await
    }

    /// Fill the new-user form and send it; the page after.
    pub async fn create_user(self, user: &NewUser<'_>) -> AdminPage<'b> {
        for (id, value) in [
            ("new-display_name", user.name),
            ("new-email", user.email),
            ("new-password", user.password),
            ("new-webhook_url", user.webhook_url),
        ] {
            self.find(&format!("#{id}"))
                .await
                .send_keys(value)
                .await
                .unwrap();
        }
        let role = format!(
            "//fieldset[@id='new-role']//label[normalize-space()='{}']/input",
            user.role
        );
        self.xpath(&role).await.click().await.unwrap();
        for code in user.territories {
            self.find(&format!("#new-territories input[value='{code}']"))
                .await
                .click()
                .await
                .unwrap();
        }
        let button = self.find("#new-user button[type=submit]").await;
        submit(self.browser, button).await;
        AdminPage::landed(self.browser).await
    }

    /// Open the webhook settings of the user named `name` and ask for a new secret.
    pub async fn rotate_secret(self, name: &str) -> AdminPage<'b> {
        let line = format!(
            "//ul[contains(@class,'admin-list')]/li[.//strong[normalize-space()='{name}']]"
        );
        self.xpath(&format!(
            "{line}//details[contains(@class,'change')]/summary"
        ))
        .await
        .click()
        .await
        .unwrap();
        let button = self
            .xpath(&format!("{line}//form[contains(@class,'rotate')]//button"))
            .await;
        submit(self.browser, button).await;
        AdminPage::landed(self.browser).await
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

    async fn xpath(&self, path: &str) -> Element {
        self.browser
            .client()
            .find(Locator::XPath(path))
            .await
            .unwrap_or_else(|e| panic!("no `{path}`: {e}"))
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
