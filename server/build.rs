//! Rebuild when a file is added to a folder the binary embeds: the macros that embed page assets
//! (rust-embed), templates (askama), translations (fluent-templates) and migrations (sqlx) track
//! the files they saw, not the folders.
fn main() {
    for dir in ["static", "templates", "locales", "migrations"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
