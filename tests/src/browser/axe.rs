//! Accessibility scans with axe-core (the npm package, loaded by the tests only, never served):
//! injected into the page as it is, run over the whole document, and only the violations of
//! impact `serious` or `critical` kept.

use std::path::PathBuf;

use serde::Deserialize;

use super::{target_dir, unavailable, Browser};

/// One axe rule the page breaks, and where.
#[derive(Debug, Clone, Deserialize)]
pub struct Violation {
    /// The rule, e.g. `color-contrast`, `label`, `image-alt`.
    pub id: String,
    /// `serious` or `critical`.
    pub impact: String,
    pub help: String,
    /// CSS selectors of the offending elements.
    pub targets: Vec<String>,
}

/// axe-core's script: `TELEDERM_AXE_JS`, else where `ops/test.sh` installs it
/// (`target/npm/node_modules/axe-core/axe.min.js`).
pub fn axe_js() -> PathBuf {
    std::env::var_os("TELEDERM_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("npm/node_modules/axe-core/axe.min.js"))
}

/// Runs axe on the document, keeps serious and critical results, flattened to selectors.
const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ["violations"] })
  .then(r => done(r.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                 targets: v.nodes.map(n => n.target.join(" ")) }))))
  .catch(e => done({ error: String(e) }));
"#;

impl Browser {
    /// The serious and critical accessibility violations of the page as it is now; `None` when
    /// axe-core is not installed and the browser tests are not required (the check is skipped).
    pub async fn axe(&self) -> Option<Vec<Violation>> {
        let path = axe_js();
        let Ok(source) = std::fs::read_to_string(&path) else {
            return unavailable(&format!(
                "axe-core is not installed at {} (npm install --prefix target/npm axe-core@4)",
                path.display()
            ));
        };
        // WebDriver scripts run as the browser's own, outside the page's Content-Security-Policy.
        self.client()
            .execute(&format!("{source}\nreturn typeof axe;"), vec![])
            .await
            .unwrap();
        let result = self.client().execute_async(RUN, vec![]).await.unwrap();
        if let Some(error) = result.get("error") {
            panic!("axe failed on the page: {error}");
        }
        Some(serde_json::from_value(result).unwrap())
    }

    /// Fail with the list when the page has a serious or critical violation.
    pub async fn assert_accessible(&self, page: &str) {
        if let Some(violations) = self.axe().await {
            assert!(
                violations.is_empty(),
                "{page}: serious or critical accessibility violations: {violations:#?}"
            );
        }
    }
}
