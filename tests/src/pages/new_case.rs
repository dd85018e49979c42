//! The new-case page (`/cases/new`): the case's fields, the body map, photos checked as they are
//! chosen, and the send button.

use std::path::Path;

use fantoccini::{elements::Element, Locator};

use super::case_page::CasePage;
use crate::{browser::Browser, TestApp};

pub struct NewCase<'b> {
    browser: &'b Browser,
}

/// What the GP types or picks.
pub struct Entry<'a> {
    pub patient_ref: &'a str,
    pub age: &'a str,
    /// The label of the sex's choice, as shown ("Femme").
    pub sex: &'a str,
    /// A region of the body map, by its name as shown ("avant-bras gauche").
    pub body_site: &'a str,
    pub question: &'a str,
    pub consent: bool,
}

impl<'b> NewCase<'b> {
    pub async fn open(browser: &'b Browser, app: &TestApp) -> NewCase<'b> {
        browser.open(&app.url("/cases/new")).await;
        browser.text("h1").await;
        NewCase { browser }
    }

    async fn find(&self, css: &str) -> Element {
        self.browser
            .client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
    }

    async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Fill the case's fields, picking the body site on the map.
    pub async fn fill(&self, entry: &Entry<'_>) {
        self.type_into("#patient_ref", entry.patient_ref).await;
        self.type_into("#age", entry.age).await;
        let sex = format!(
            "//fieldset[@id='sex']//label[normalize-space()='{}']",
            entry.sex
        );
        self.browser
            .client()
            .find(Locator::XPath(&sex))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let region = format!(".region[data-site='{}']", entry.body_site);
        self.find(&region).await.click().await.unwrap();
        self.type_into("#question", entry.question).await;
        let consent = self.find("#consent").await;
        if consent.is_selected().await.unwrap() != entry.consent {
            consent.click().await.unwrap();
        }
    }

    /// The body site field's value.
    pub async fn body_site(&self) -> String {
        self.find("#body_site")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Add an empty photo slot ("Ajouter une photo").
    pub async fn add_slot(&self) {
        self.find("[data-add-photo]").await.click().await.unwrap();
    }

    /// Choose `file` in the `slot`-th photo slot (from 1), of `kind` (overview, closeup,
    /// dermoscopy), and wait for the server's verdict, which is returned as shown.
    pub async fn choose_photo(&self, slot: usize, kind: &str, file: &Path) -> String {
        let slot_css = format!("[data-photo-slots] > [data-photo-slot]:nth-child({slot})");
        let select = self.find(&format!("{slot_css} select[name=kind]")).await;
        select.select_by_value(kind).await.unwrap();
        let input = self.find(&format!("{slot_css} input[type=file]")).await;
        input.send_keys(&file.display().to_string()).await.unwrap();
        self.browser
            .text(&format!("{slot_css}[data-checked] [data-check-result]"))
            .await
    }

    /// Press "Envoyer la demande", expecting the case page.
    pub async fn send(&self) -> CasePage<'b> {
        self.find("form[data-send] button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
        CasePage::landed(self.browser).await
    }

    /// Press "Envoyer la demande", expecting a refusal: what to fix, as listed.
    pub async fn send_refused(&self) -> Vec<String> {
        self.find("form[data-send] button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
        self.browser.text("[data-send-errors] .notice").await;
        let mut fixes = Vec::new();
        for li in self
            .browser
            .client()
            .find_all(Locator::Css("[data-send-errors] li"))
            .await
            .unwrap()
        {
            fixes.push(li.text().await.unwrap());
        }
        fixes
    }

    /// The `aria-invalid` fields, by id.
    pub async fn invalid_fields(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for field in self
            .browser
            .client()
            .find_all(Locator::Css("[aria-invalid=true]"))
            .await
            .unwrap()
        {
            ids.push(field.attr("id").await.unwrap().unwrap_or_default());
        }
        ids
    }
}
