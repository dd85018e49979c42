//! The sign-in page (`/`): e-mail, password, the button; a refusal shows in an alert.

use fantoccini::Locator;

use crate::{browser::Browser, TestApp};

pub struct SignIn<'b> {
    browser: &'b Browser,
}

impl<'b> SignIn<'b> {
    pub async fn open(browser: &'b Browser, app: &TestApp) -> SignIn<'b> {
        browser.open(&app.url("/")).await;
        SignIn { browser }
    }

    /// The page's main heading.
    pub async fn heading(&self) -> String {
        self.browser.text("h1").await
    }

    /// Type the credentials and press the button, as a person does; returns the address the
    /// browser lands on.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let c = self.browser.client();
        c.find(Locator::Id("email"))
            .await
            .unwrap()
            .send_keys(email)
            .await
            .unwrap();
        c.find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys(password)
            .await
            .unwrap();
        c.find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // Signed in (a sign-out button) or refused (the alert): the next page has loaded.
        c.wait()
            .at_most(std::time::Duration::from_secs(10))
            .for_element(Locator::Css("form[action='/sign-out'], #sign-in-error"))
            .await
            .unwrap();
        c.current_url().await.unwrap().to_string()
    }
}
