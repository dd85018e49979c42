//! The security headers every page must carry: a strict Content-Security-Policy (`default-src
//! 'self'`, `frame-ancestors 'none'`, no `unsafe-inline` or `unsafe-eval`), `X-Content-Type-Options:
//! nosniff` and `Referrer-Policy: no-referrer`.

use reqwest::header::HeaderMap;

/// What is missing or too loose in the headers of `GET url`, one line each (empty: all good).
pub async fn security_headers(url: &str) -> Vec<String> {
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    problems(res.headers())
}

/// What is missing or too loose in `headers`, one line each.
pub fn problems(headers: &HeaderMap) -> Vec<String> {
    let value = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap_or_default().trim().to_ascii_lowercase())
    };
    let mut problems = Vec::new();
    match value("content-security-policy") {
        None => problems.push("no Content-Security-Policy".to_owned()),
        Some(csp) => {
            let directives: Vec<Vec<&str>> = csp
                .split(';')
                .map(|d| d.split_whitespace().collect())
                .filter(|d: &Vec<&str>| !d.is_empty())
                .collect();
            let has = |wanted: &[&str]| directives.iter().any(|d| d == wanted);
            if !has(&["default-src", "'self'"]) {
                problems.push(format!(
                    "Content-Security-Policy lacks default-src 'self': {csp}"
                ));
            }
            if !has(&["frame-ancestors", "'none'"]) {
                problems.push(format!(
                    "Content-Security-Policy lacks frame-ancestors 'none': {csp}"
                ));
            }
            for loose in ["'unsafe-inline'", "'unsafe-eval'"] {
                if directives.iter().flatten().any(|word| *word == loose) {
                    problems.push(format!("Content-Security-Policy allows {loose}: {csp}"));
                }
            }
        }
    }
    for (name, wanted) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ] {
        match value(name) {
            Some(v) if v == wanted => {}
            Some(v) => problems.push(format!("{name} is `{v}`, not `{wanted}`")),
            None => problems.push(format!("no {name}")),
        }
    }
    problems
}
