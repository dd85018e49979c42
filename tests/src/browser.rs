//! Browser tests: Debian's Chromium, headless, driven through chromedriver (WebDriver) by
//! fantoccini, against the real server (`spawn_app`) on whichever database the run uses.
//!
//! `Browser::start()` gives a fresh Chromium (empty profile) with its own chromedriver, or
//! `None` when Chromium or chromedriver is not installed: the test then skips, unless the run
//! requires the browser (`TELEDERM_REQUIRE_BROWSER=1` or `CI` set), where it fails. `ops/test.sh`
//! installs both. Helpers: `screenshot(name)` (phone and desktop PNGs under
//! `target/ui-screenshots/`), `axe()` (serious and critical accessibility violations) and
//! `headers::security_headers(url)`. Pages are driven through page objects (`crate::pages`).
//! Nothing sleeps: elements are waited for with fantoccini's `wait()`.

pub mod axe;
mod driver;
pub mod headers;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::optional::Optional;
use driver::Driver;

/// A screen size the pages must work at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
}

/// A phone held in the consultation room (an iPhone 12 to 15's viewport).
pub const PHONE: Size = Size {
    name: "phone",
    width: 390,
    height: 844,
};
pub const DESKTOP: Size = Size {
    name: "desktop",
    width: 1280,
    height: 900,
};
/// A tablet on its side (a dermatologist away from its desk).
pub const TABLET: Size = Size {
    name: "tablet",
    width: 1024,
    height: 768,
};

/// Longest an element is waited for.
pub const WAIT: Duration = Duration::from_secs(20);

/// Browsers running at once in one test binary: each Chromium takes most of a core while a page
/// loads, and the machines have two.
static SLOTS: Semaphore = Semaphore::const_new(2);

/// The flags this machine needs: headless, no sandbox (tests run as root in CI), and no
/// background traffic (the network is closed: Chromium's calls home would be refused, many at a
/// time).
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
];

/// The browser tests: they need Chromium, chromedriver and axe-core.
const BROWSER_TESTS: Optional = Optional {
    tests: "browser test",
    require_var: "TELEDERM_REQUIRE_BROWSER",
};

/// Whether a missing browser or axe-core fails the test instead of skipping it.
pub fn required() -> bool {
    BROWSER_TESTS.required()
}

/// A test cannot run for want of `what`: it fails when the browser is required, else it skips.
pub(crate) fn unavailable<T>(what: &str) -> Option<T> {
    BROWSER_TESTS.unavailable(what)
}

/// A program from `$env_var`, else from the `PATH`.
fn program(env_var: &str, name: &str) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env_var) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The build's `target/` folder.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// Where screenshots go: `target/ui-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("ui-screenshots")
}

/// One headless Chromium, its chromedriver and its profile, for one test. Dropping it ends them
/// all; `close` ends the session first, politely.
pub struct Browser {
    client: Client,
    // Dropped in this order: the processes, then their profile folder, then the slot.
    _driver: Driver,
    _profile: tempfile::TempDir,
    _slot: SemaphorePermit<'static>,
}

impl Browser {
    /// A fresh Chromium asking for French pages (the app's first language), at desktop size;
    /// `None`: skip the test.
    pub async fn start() -> Option<Browser> {
        Browser::start_in("fr-FR,fr").await
    }

    /// As `start`, with `accept_language` (e.g. `en-GB,en`) as the browser's languages.
    pub async fn start_in(accept_language: &str) -> Option<Browser> {
        let Some(chromedriver) = program("TELEDERM_CHROMEDRIVER", "chromedriver") else {
            return unavailable("chromedriver is not installed (Debian: chromium-driver)");
        };
        let Some(chromium) = program("TELEDERM_CHROMIUM", "chromium") else {
            return unavailable("chromium is not installed (Debian: chromium)");
        };
        let slot = SLOTS
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let profile = tempfile::tempdir().unwrap();
        let driver = Driver::start(&chromedriver).await;
        let mut args: Vec<String> = FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!(
            "--window-size={},{}",
            DESKTOP.width, DESKTOP.height
        ));
        args.push(format!(
            "--lang={}",
            accept_language.split(',').next().unwrap_or("fr")
        ));
        let capabilities = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": { "intl": { "accept_languages": accept_language } },
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("built as an object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .unwrap_or_else(|e| panic!("chromedriver could not start Chromium: {e}"));
        let browser = Browser {
            client,
            _driver: driver,
            _profile: profile,
            _slot: slot,
        };
        browser.resize(DESKTOP).await;
        Some(browser)
    }

    /// The WebDriver client, for what the helpers here do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Load `url` (WebDriver returns once the page has loaded).
    pub async fn open(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Wait for the element `css` to be there (at most `WAIT`) and return its visible text.
    pub async fn text(&self, css: &str) -> String {
        let element = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"));
        element.text().await.unwrap()
    }

    /// Make the viewport (what the page lays out in) `size`.
    pub async fn resize(&self, size: Size) {
        let (width, height) = (size.width, size.height);
        let (mut outer_w, mut outer_h) = (width, height);
        // The window may have a frame around the page (headless has none today), and after a
        // full-page shot Chromium sometimes lays the page out in a shorter window than asked for
        // the first time: ask again for what is missing, a few times at most.
        for _ in 0..4 {
            self.client.set_window_size(outer_w, outer_h).await.unwrap();
            let (inner_w, inner_h) = self.viewport().await;
            if (inner_w, inner_h) == (width, height) {
                return;
            }
            outer_w = outer_w + width - inner_w.min(width) - inner_w.saturating_sub(width);
            outer_h = outer_h + height - inner_h.min(height) - inner_h.saturating_sub(height);
        }
        assert_eq!(self.viewport().await, (width, height), "{size:?}");
    }

    /// The page's viewport, in CSS pixels.
    pub async fn viewport(&self) -> (u32, u32) {
        let size = self
            .client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await
            .unwrap();
        let number = |i: usize| size[i].as_u64().unwrap_or_default() as u32;
        (number(0), number(1))
    }

    /// The page as it is now at phone and at desktop size, written to
    /// `target/ui-screenshots/<name>-phone.png` and `<name>-desktop.png` (which it returns); the
    /// window is left at desktop size.
    pub async fn screenshot(&self, name: &str) -> Vec<PathBuf> {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let mut written = Vec::new();
        for size in [PHONE, DESKTOP] {
            self.resize(size).await;
            let png = self.client.screenshot().await.unwrap();
            let path = dir.join(format!("{name}-{}.png", size.name));
            std::fs::write(&path, png).unwrap();
            written.push(path);
        }
        written
    }

    /// As `screenshot`, of the whole page: the window is made as tall as the page (as far as
    /// Chromium lets it) for each shot, then left at desktop size.
    pub async fn screenshot_page(&self, name: &str) -> Vec<PathBuf> {
        self.screenshot_page_at(name, &[PHONE, DESKTOP]).await
    }

    /// As `screenshot_page`, at these sizes.
    pub async fn screenshot_page_at(&self, name: &str, sizes: &[Size]) -> Vec<PathBuf> {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let mut written = Vec::new();
        for &size in sizes {
            self.resize(size).await;
            let height = self
                .client
                .execute("return document.documentElement.scrollHeight;", vec![])
                .await
                .unwrap()
                .as_u64()
                .unwrap_or(u64::from(size.height)) as u32;
            // Headless Chromium caps a window's height (near its screen's): past it, the shot
            // shows the top of the page.
            let tall = height.clamp(size.height, 6000);
            self.client.set_window_size(size.width, tall).await.unwrap();
            self.client
                .execute("window.scrollTo(0, 0);", vec![])
                .await
                .unwrap();
            let png = self.client.screenshot().await.unwrap();
            let path = dir.join(format!("{name}-{}.png", size.name));
            std::fs::write(&path, png).unwrap();
            written.push(path);
        }
        self.resize(DESKTOP).await;
        written
    }

    /// What the page weighs as loaded, photos aside: the document and every script, style and
    /// font it fetched, decoded, in bytes; with each one's address and size.
    pub async fn page_weight(&self) -> (u64, Vec<(String, u64)>) {
        let entries = self
            .client
            .execute(
                "return [...performance.getEntriesByType('navigation'), \
                         ...performance.getEntriesByType('resource')] \
                   .filter((e) => e.initiatorType !== 'img') \
                   .map((e) => [e.name, e.decodedBodySize]);",
                vec![],
            )
            .await
            .unwrap();
        let list: Vec<(String, u64)> = serde_json::from_value(entries).unwrap();
        (list.iter().map(|(_, n)| n).sum(), list)
    }

    /// The page's cumulative layout shift since it loaded (0: nothing moved; under 0.1 is what
    /// browsers call good), shifts right after an input aside, as browsers count them.
    pub async fn layout_shift(&self) -> f64 {
        // Buffered entries are handed over at `observe`: taken at once, not waited for.
        let score = self
            .client
            .execute(
                "const seen = new PerformanceObserver(() => {}); \
                 seen.observe({ type: 'layout-shift', buffered: true }); \
                 const shifts = seen.takeRecords(); \
                 seen.disconnect(); \
                 return shifts.filter((e) => !e.hadRecentInput) \
                   .reduce((sum, e) => sum + e.value, 0);",
                vec![],
            )
            .await
            .unwrap();
        score.as_f64().unwrap()
    }

    /// End the session (Chromium quits), then chromedriver.
    pub async fn close(self) {
        let Browser { client, .. } = self;
        let _ = client.close().await;
    }
}
