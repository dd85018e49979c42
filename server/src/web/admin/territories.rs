//! `/admin/territories`: every territory with its zone and fallbacks (in order), a form to create
//! one and one to change each. Targets, working hours and holidays are on the territory's rota
//! page, linked from here.

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;
use telederm_schemas as wire;

use super::{is_admin, Section};
use crate::{
    http::AppState,
    rota::RotaError,
    web::{
        errors::WebError,
        fields::Fields,
        form::{self, FieldErrors},
        home_of,
        i18n::Lang,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

struct Line {
    code: String,
    name: String,
    timezone: String,
    fallbacks: String,
}

#[derive(Template)]
#[template(path = "admin/territories.html")]
struct TerritoriesPage {
    ctx: Ctx,
    section: Section,
    lines: Vec<Line>,
    /// `new`, or the code of the territory whose form was refused.
    refused: String,
    sent: Fields,
    errors: FieldErrors,
    notice: Option<String>,
}

impl TerritoriesPage {
    /// What form `which` sent as `name` if it was refused, else `default`.
    fn value<'a>(&'a self, which: &str, name: &str, default: &'a str) -> &'a str {
        if self.refused == which {
            self.sent.get(name)
        } else {
            default
        }
    }

    fn error(&self, which: &str, name: &str) -> Option<&str> {
        (self.refused == which)
            .then(|| self.errors.get(name))
            .flatten()
    }
}

#[derive(serde::Deserialize, Default)]
struct Query {
    done: Option<String>,
}

async fn render(
    state: &AppState,
    me: &SignedIn,
    status: StatusCode,
    refused: (String, Fields, FieldErrors),
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let lines = state
        .rota
        .territories()
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("territories: {e}")))?
        .iter()
        .map(|t| Line {
            code: t.code.to_string(),
            name: t.name.as_str().to_owned(),
            timezone: t.timezone.name().to_owned(),
            fallbacks: t
                .fallbacks
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let (which, sent, errors) = refused;
    let page = TerritoriesPage {
        section: Section::Territories,
        lines,
        refused: which,
        sent,
        errors,
        notice,
        ctx: me.ctx(),
    };
    layout::render(status, &page)
}

#[get("/admin/territories")]
pub(super) async fn list(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    if !is_admin(me.user()) {
        return Ok(see_other(home_of(me.user())));
    }
    let query: Query = form::query(&req);
    let notice = query
        .done
        .as_deref()
        .and_then(|d| me.lang().find(&format!("admin-done-{d}")));
    let none = (String::new(), Fields::default(), FieldErrors::default());
    render(&state, &me, StatusCode::OK, none, notice).await
}

/// "84, 06" as the list of codes it names, in order.
fn fallbacks(f: &Fields) -> Vec<String> {
    f.get("fallbacks")
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The service's refusal, field by field in the page's words.
fn refusal(lang: Lang, e: RotaError) -> Result<FieldErrors, WebError> {
    let mut errors = FieldErrors::default();
    match e {
        RotaError::Validation(v) => {
            for f in v.into_fields() {
                errors.invalid_as(
                    lang,
                    "admin-invalid-territory-",
                    &f.field,
                    "admin-invalid-form",
                );
            }
        }
        RotaError::Conflict(_) => errors.add("code", lang.t("admin-invalid-territory-taken")),
        RotaError::NotFound(_) => return Err(WebError::NotFound),
        RotaError::Forbidden => return Err(WebError::Forbidden),
        RotaError::Internal(e) => return Err(WebError::Internal(e)),
    }
    Ok(errors)
}

#[post("/admin/territories")]
pub(super) async fn create(
    state: web::Data<AppState>,
    me: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let f = Fields::parse(&body)?;
    let req = wire::CreateTerritory {
        code: f.get("code").to_owned(),
        name: f.get("name").to_owned(),
        timezone: Some(f.get("timezone").to_owned()).filter(|t| !t.is_empty()),
        fallbacks: fallbacks(&f),
        working_hours: None,
        holidays: Vec::new(),
    };
    match state.rota.create_territory(me.user(), &req).await {
        Ok(_) => Ok(see_other("/admin/territories?done=territory-created")),
        Err(e) => {
            let errors = refusal(me.lang(), e)?;
            let refused = ("new".to_owned(), f, errors);
            render(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, refused, None).await
        }
    }
}

#[post("/admin/territories/{code}")]
pub(super) async fn update(
    state: web::Data<AppState>,
    me: SignedIn,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let f = Fields::parse(&body)?;
    let req = wire::UpdateTerritory {
        name: Some(f.get("name").to_owned()),
        timezone: Some(f.get("timezone").to_owned()),
        fallbacks: Some(fallbacks(&f)),
        ..wire::UpdateTerritory::default()
    };
    match state.rota.update_territory(me.user(), &code, &req).await {
        Ok(_) => Ok(see_other("/admin/territories?done=territory-updated")),
        Err(e) => {
            let errors = refusal(me.lang(), e)?;
            let refused = (code.into_inner(), f, errors);
            render(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, refused, None).await
        }
    }
}
