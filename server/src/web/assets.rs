//! Every file of `server/static/`, embedded in the binary and served under a name that carries
//! its content hash (`css/app.css` at `/static/css/app.3f2a9c1e.css`), cached for a year as
//! immutable: a changed file gets a new name, so no browser keeps a stale copy. A name whose
//! hash is not the current one is a 404.

use std::{borrow::Cow, collections::HashMap, sync::LazyLock};

use actix_web::{get, http::header, web, HttpResponse};
use rust_embed::RustEmbed;

/// Where the hashed names are served.
pub const PREFIX: &str = "/static/";
/// Hex digits of the SHA-256 in a name: 32 bits, enough to tell versions of one file apart.
const HASH_CHARS: usize = 8;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Files;

struct Asset {
    /// The logical name (`css/app.css`), the key of `Files`.
    name: String,
    url: String,
    content_type: String,
}

/// The embedded files by logical name, and by served name.
struct Table {
    by_name: HashMap<String, usize>,
    by_served: HashMap<String, usize>,
    assets: Vec<Asset>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut table = Table {
        by_name: HashMap::new(),
        by_served: HashMap::new(),
        assets: Vec::new(),
    };
    for name in Files::iter() {
        let Some(file) = Files::get(&name) else {
            continue;
        };
        let hash = hex::encode(file.metadata.sha256_hash());
        let served = hashed_name(&name, &hash[..HASH_CHARS]);
        let i = table.assets.len();
        table.by_name.insert(name.to_string(), i);
        table.by_served.insert(served.clone(), i);
        table.assets.push(Asset {
            name: name.to_string(),
            url: format!("{PREFIX}{served}"),
            content_type: content_type(file.metadata.mimetype()),
        });
    }
    table
});

/// The URL of a logical name (`css/app.css`); `None` when no such file is embedded (the tests
/// check every name the templates ask for).
pub fn url(name: &str) -> Option<&'static str> {
    let table = &*TABLE;
    let i = *table.by_name.get(name)?;
    Some(table.assets[i].url.as_str())
}

/// `css/app.css` with hash `3f2a9c1e` is `css/app.3f2a9c1e.css`; a name without an extension
/// gets the hash at its end.
fn hashed_name(name: &str, hash: &str) -> String {
    let (dir, file) = match name.rsplit_once('/') {
        Some((dir, file)) => (format!("{dir}/"), file),
        None => (String::new(), name),
    };
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{dir}{stem}.{hash}.{ext}"),
        _ => format!("{dir}{file}.{hash}"),
    }
}

/// Text types say their charset (our files are UTF-8).
fn content_type(mime: &str) -> String {
    let textual = mime.starts_with("text/")
        || matches!(
            mime,
            "application/javascript" | "application/json" | "image/svg+xml"
        );
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    }
}

#[get("/static/{path:.*}")]
async fn serve(path: web::Path<String>) -> HttpResponse {
    let table = &*TABLE;
    let found = table
        .by_served
        .get(path.as_str())
        .map(|&i| &table.assets[i])
        .and_then(|asset| Some((asset, Files::get(&asset.name)?)));
    match found {
        Some((asset, file)) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, asset.content_type.as_str()))
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(match file.data {
                Cow::Borrowed(bytes) => web::Bytes::from_static(bytes),
                Cow::Owned(bytes) => web::Bytes::from(bytes),
            }),
        None => HttpResponse::NotFound().finish(),
    }
}

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(serve);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_hash_before_the_extension() {
        assert_eq!(
            hashed_name("css/app.css", "3f2a9c1e"),
            "css/app.3f2a9c1e.css"
        );
        assert_eq!(
            hashed_name("vendor/htmx-2.0.11.min.js", "00ff00ff"),
            "vendor/htmx-2.0.11.min.00ff00ff.js"
        );
        assert_eq!(hashed_name("LICENSE", "0a0b0c0d"), "LICENSE.0a0b0c0d");
        assert_eq!(hashed_name(".hidden", "0a0b0c0d"), ".hidden.0a0b0c0d");
    }

    #[test]
    fn every_static_file_is_embedded_with_its_type() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
        let mut on_disk = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
                    on_disk.push(rel.replace('\\', "/"));
                }
            }
        }
        assert!(!on_disk.is_empty());
        for name in &on_disk {
            let url = url(name).unwrap_or_else(|| panic!("{name} not embedded"));
            assert!(url.starts_with(PREFIX), "{url}");
        }
        let css = url("css/app.css").unwrap();
        let i = TABLE.by_served[&css[PREFIX.len()..]];
        assert_eq!(TABLE.assets[i].content_type, "text/css; charset=utf-8");
        assert_eq!(content_type("image/png"), "image/png");
        assert!(content_type("text/javascript").ends_with("charset=utf-8"));
    }
}
