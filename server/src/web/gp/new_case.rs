//! The new-case page: the form, and sending it (its photos go through the case service's intake,
//! and the case is created atomically, as through the API).

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;
use telederm_schemas as wire;

use super::sending::{self, Sent};
use crate::{
    error::ApiError,
    http::{upload, AppState},
    web::{
        body_map::{self, View},
        errors::WebError,
        form::FieldErrors,
        home_of,
        i18n::Lang,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

/// What the GP entered, kept when a send is refused.
#[derive(Debug, Default)]
pub struct Form {
    pub priority: String,
    pub patient_ref: String,
    pub age: String,
    pub sex: String,
    pub body_site: String,
    pub question: String,
    pub duration: String,
    pub phototype: String,
    pub evolution: String,
    pub history: String,
    pub treatments: String,
    pub consent: bool,
}

#[derive(Template)]
#[template(path = "gp/new_case.html")]
struct NewCasePage {
    ctx: Ctx,
    form: Form,
    errors: FieldErrors,
    body_map: Vec<View>,
}

/// The empty form. Someone who may not submit cases is sent to their own home.
#[get("/cases/new")]
pub(super) async fn form(
    state: web::Data<AppState>,
    me: SignedIn,
) -> Result<HttpResponse, WebError> {
    if state.cases.may_submit(me.user()).is_err() {
        return Ok(see_other(home_of(me.user())));
    }
    let empty = Form {
        priority: "routine".into(),
        ..Form::default()
    };
    page(&me, StatusCode::OK, empty, FieldErrors::default())
}

/// Send the case: `multipart/form-data` (the CSRF token in the URL, checked before the body is
/// read). Created: to the case page. Refused: the form again with what to fix, everything kept
/// (with the page's script, only the list of what to fix, and the chosen photos stay chosen).
#[post("/cases/new")]
pub(super) async fn send(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    if state.cases.may_submit(me.user()).is_err() {
        return Ok(see_other(home_of(me.user())));
    }
    let lang = me.lang();
    let sent = match upload::read_form(&req, payload, &state.uploads, me.user().id).await {
        Ok(sent) => sent,
        Err(refusal) => {
            let upload::FormRefused { error, fields } = *refusal;
            if let ApiError::Internal(e) = error {
                return Err(WebError::Internal(e));
            }
            let errors = FieldErrors::from_api(lang, &error);
            return refused(&req, &me, Form::from_fields(&fields), errors);
        }
    };
    let entered = Form::from_fields(&sent);
    let (case, mut errors) = entered.parse(lang);
    if sent.photos.is_empty() {
        errors.invalid(lang, "photos");
    }
    let Some(case) = case.filter(|_| errors.is_empty()) else {
        return refused(&req, &me, entered, errors);
    };
    match state.cases.submit(me.user(), &case, sent.photos).await {
        Ok(case) => Ok(sending::done(
            &req,
            &format!("/cases/{}?done=sent", case.id),
        )),
        Err(e) => match ApiError::from(e) {
            ApiError::Internal(e) => Err(WebError::Internal(e)),
            e => refused(&req, &me, entered, FieldErrors::from_api(lang, &e)),
        },
    }
}

fn refused(
    req: &HttpRequest,
    me: &SignedIn,
    entered: Form,
    errors: FieldErrors,
) -> Result<HttpResponse, WebError> {
    match sending::how(req) {
        Sent::ByScript => sending::errors(me.ctx(), errors),
        Sent::ByBrowser => page(me, StatusCode::UNPROCESSABLE_ENTITY, entered, errors),
    }
}

fn page(
    me: &SignedIn,
    status: StatusCode,
    entered: Form,
    errors: FieldErrors,
) -> Result<HttpResponse, WebError> {
    let page = NewCasePage {
        body_map: body_map::views(me.lang()),
        ctx: me.ctx(),
        form: entered,
        errors,
    };
    layout::render(status, &page)
}

impl Form {
    fn from_fields(sent: &upload::FormUpload) -> Form {
        let text = |name| sent.field(name).to_owned();
        Form {
            priority: text("priority"),
            patient_ref: text("patient_ref"),
            age: text("age"),
            sex: text("sex"),
            body_site: text("body_site"),
            question: text("question"),
            duration: text("duration"),
            phototype: text("phototype"),
            evolution: text("evolution"),
            history: text("history"),
            treatments: text("treatments"),
            consent: sent.field("consent") == "yes",
        }
    }

    /// The case as the API takes it, or what to fix (the case service checks the rest).
    fn parse(&self, lang: Lang) -> (Option<wire::NewCase>, FieldErrors) {
        let mut errors = FieldErrors::default();
        let mut required = |field: &str, value: &str| {
            if value.is_empty() {
                errors.invalid(lang, field);
            }
        };
        required("patient_ref", &self.patient_ref);
        required("body_site", &self.body_site);
        required("question", &self.question);
        let priority = self.priority.parse::<wire::Priority>().ok();
        let age = self.age.parse::<u16>().ok().filter(|a| *a <= 130);
        let sex = self.sex.parse::<wire::Sex>().ok();
        let phototype = match self.phototype.as_str() {
            "" => Some(None),
            p => p
                .parse::<u8>()
                .ok()
                .filter(|p| (1..=6).contains(p))
                .map(Some),
        };
        for (field, ok) in [
            ("priority", priority.is_some()),
            ("age", age.is_some()),
            ("sex", sex.is_some()),
            ("phototype", phototype.is_some()),
            ("consent", self.consent),
        ] {
            if !ok {
                errors.invalid(lang, field);
            }
        }
        let optional = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        let case = match (priority, age, sex, phototype) {
            (Some(priority), Some(age), Some(sex), Some(phototype)) => Some(wire::NewCase {
                priority,
                patient_ref: self.patient_ref.clone(),
                age,
                sex,
                body_site: self.body_site.clone(),
                question: self.question.clone(),
                consent: self.consent,
                phototype,
                duration: optional(&self.duration),
                evolution: optional(&self.evolution),
                history: optional(&self.history),
                treatments: optional(&self.treatments),
            }),
            _ => None,
        };
        (case, errors)
    }
}
