//! A case the dermatologist has taken (`/review/{id}`): the photo viewer and the answer.

use fantoccini::{elements::Element, Locator};

use crate::browser::Browser;

pub struct Review<'b> {
    browser: &'b Browser,
}

/// What a viewer pane shows: its image's rendered transform (scale and translation, from the
/// computed `matrix(...)`), the photo's own size, and the image's address.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub scale: f64,
    pub translate: (f64, f64),
    pub natural: (u64, u64),
    pub src: String,
}

impl<'b> Review<'b> {
    pub async fn landed(browser: &'b Browser) -> Review<'b> {
        // Its script has run and shown the first photo.
        browser.text("[data-viewer][data-ready]").await;
        Review { browser }
    }

    async fn find(&self, css: &str) -> Element {
        self.browser
            .client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Press `key` with no field focused (a keyboard shortcut).
    pub async fn press(&self, key: &str) {
        self.find("h1").await.click().await.unwrap();
        self.find("body").await.send_keys(key).await.unwrap();
    }

    /// What pane `n` (1 or 2) shows, once its photo has loaded and the viewer has painted
    /// (Panzoom paints on the next animation frame).
    pub async fn shown(&self, n: usize) -> Shown {
        let value = self
            .browser
            .client()
            .execute_async(
                "const [n, done] = arguments; \
                 const pane = document.querySelectorAll('[data-viewer-pane]')[n - 1]; \
                 const img = pane.querySelector('img[data-viewer-image]:not([hidden])'); \
                 const report = () => { \
                   const m = new DOMMatrix(getComputedStyle(img).transform); \
                   done([m.a, m.e, m.f, img.naturalWidth, img.naturalHeight, img.currentSrc]); }; \
                 const painted = () => requestAnimationFrame(() => requestAnimationFrame(report)); \
                 if (img.complete && img.naturalWidth) painted(); \
                 else img.addEventListener('load', painted, { once: true });",
                vec![serde_json::json!(n)],
            )
            .await
            .unwrap();
        let v = value.as_array().unwrap();
        let f = |i: usize| v[i].as_f64().unwrap();
        Shown {
            scale: f(0),
            translate: (f(1), f(2)),
            natural: (v[3].as_u64().unwrap(), v[4].as_u64().unwrap()),
            src: v[5].as_str().unwrap().to_owned(),
        }
    }

    /// The zoom shown in the toolbar ("100 %").
    pub async fn scale_label(&self) -> String {
        self.find("[data-viewer-scale]").await.text().await.unwrap()
    }

    /// Type `text` in the ICD-10 field and return the codes the list offers then.
    pub async fn search_icd10(&self, text: &str) -> Vec<String> {
        self.find("#icd10").await.send_keys(text).await.unwrap();
        self.browser
            .client()
            .wait()
            .at_most(crate::browser::WAIT)
            .for_element(Locator::Css("#icd10-options option"))
            .await
            .unwrap();
        let mut offered = Vec::new();
        for option in self
            .browser
            .client()
            .find_all(Locator::Css("#icd10-options option"))
            .await
            .unwrap()
        {
            offered.push(option.attr("value").await.unwrap().unwrap_or_default());
        }
        offered
    }

    /// Answer: the ICD-10 entry as offered, a management by its label, the report; returns the
    /// notice of the queue it lands on.
    pub async fn answer(&self, icd10: &str, management: &str, report: &str) -> String {
        let field = self.find("#icd10").await;
        field.clear().await.unwrap();
        field.send_keys(icd10).await.unwrap();
        let choice =
            format!("//fieldset[@id='management']//label[normalize-space()='{management}']");
        self.browser
            .client()
            .find(Locator::XPath(&choice))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.find("#report").await.send_keys(report).await.unwrap();
        self.click("form[data-answer-form] button[type=submit]")
            .await;
        self.browser.text(".notice.ok").await
    }
}
