//! ICD-10 codes found as the dermatologist types (`GET /icd10?icd10=naev`): the options of the
//! answer form's list, in the page's language.

use actix_web::{get, http::StatusCode, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::is_dermatologist;
use crate::{
    domain::icd10,
    web::{errors::WebError, form, i18n::Lang, layout, session::SignedIn},
};

#[derive(Deserialize, Default)]
struct Query {
    #[serde(default)]
    icd10: String,
}

#[derive(Template)]
#[template(path = "derm/icd10_options.html")]
struct Options {
    options: Vec<String>,
}

#[get("/icd10")]
pub(super) async fn options(me: SignedIn, req: HttpRequest) -> Result<HttpResponse, WebError> {
    if !is_dermatologist(me.user()) {
        return Err(WebError::NotFound);
    }
    let query: Query = form::query(&req);
    let options = icd10::search(&query.icd10)
        .into_iter()
        .map(|c| {
            let label = match me.lang() {
                Lang::Fr => c.french,
                Lang::En => c.english,
            };
            format!("{} · {label}", c.code)
        })
        .collect();
    layout::render(StatusCode::OK, &Options { options })
}
