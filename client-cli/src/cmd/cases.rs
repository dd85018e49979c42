//! `case ...`: what GPs and dermatologists do to a case.

use clap::{Args, Subcommand};
use telederm_schemas::{
    AnswerRequest, Case, CaseSummary, CloseRequest, InfoRequest, Management, OutcomeRequest,
};
use uuid::Uuid;

use super::{args, show, submit, Context};
use crate::output::{self, time};

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Send a case with its photos (GP).
    Submit(submit::SubmitArgs),
    /// Your cases, newest first (GP).
    List,
    /// One case: the answer, the requests for information and the history.
    Show { id: Uuid },
    /// Answer a request for information, with new photos if asked (GP).
    Reply(ReplyArgs),
    /// Withdraw a case nobody has taken yet (GP).
    Cancel { id: Uuid },
    /// Close an answered case (GP).
    Close {
        id: Uuid,
        /// How useful the answer was, 1 to 5.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        rating: Option<u8>,
    },
    /// Record what happened next: visit, biopsy, histology (GP or answering dermatologist).
    Outcome(OutcomeArgs),
    /// Take a case from the queue (dermatologist).
    Claim { id: Uuid },
    /// Give a claimed case back to the queue (dermatologist).
    Release { id: Uuid },
    /// Ask the GP for more information or new photos (dermatologist).
    RequestInfo(RequestInfoArgs),
    /// Answer a claimed case (dermatologist).
    Answer(AnswerArgs),
}

#[derive(Debug, Args)]
pub struct ReplyArgs {
    pub id: Uuid,
    #[arg(long)]
    pub message: String,
    /// KIND:FILE, repeatable (kinds: overview, closeup, dermoscopy).
    #[arg(long = "photo", value_parser = args::photo)]
    pub photos: Vec<args::PhotoArg>,
}

#[derive(Debug, Args)]
pub struct OutcomeArgs {
    pub id: Uuid,
    #[arg(long, value_parser = args::date)]
    pub in_person_date: Option<chrono::NaiveDate>,
    #[arg(long, value_parser = args::date)]
    pub biopsy_date: Option<chrono::NaiveDate>,
    #[arg(long, value_parser = args::date)]
    pub histology_date: Option<chrono::NaiveDate>,
    /// The histology result, as the report says it.
    #[arg(long)]
    pub histology: Option<String>,
    #[arg(long, value_parser = args::date)]
    pub treatment_date: Option<chrono::NaiveDate>,
}

#[derive(Debug, Args)]
pub struct RequestInfoArgs {
    pub id: Uuid,
    #[arg(long)]
    pub message: String,
    /// Ask for new photos too.
    #[arg(long)]
    pub new_photos: bool,
}

#[derive(Debug, Args)]
pub struct AnswerArgs {
    pub id: Uuid,
    #[arg(long)]
    pub diagnosis: String,
    /// reassure, treat, follow_up_photos, in_person_consult, urgent_biopsy_or_excision.
    #[arg(long, value_parser = args::wire_enum::<Management>)]
    pub management: Management,
    #[arg(long)]
    pub report: String,
    #[arg(long)]
    pub icd10: Option<String>,
    /// Within how many days (for a consultation or a biopsy).
    #[arg(long)]
    pub delay_days: Option<u16>,
}

pub async fn run(ctx: &Context, cmd: CaseCommand) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    let path = |id: Uuid, action: &str| format!("api/v1/cases/{id}/{action}");
    let case: Case = match cmd {
        CaseCommand::Submit(a) => return submit::submit(ctx, &client, a).await,
        CaseCommand::List => return list(ctx, &client).await,
        CaseCommand::Show { id } => client.get(&format!("api/v1/cases/{id}")).await?,
        CaseCommand::Reply(a) => submit::reply(&client, a).await?,
        CaseCommand::Cancel { id } => client.post(&path(id, "cancel"), &()).await?,
        CaseCommand::Close { id, rating } => {
            client
                .post(&path(id, "close"), &CloseRequest { rating })
                .await?
        }
        CaseCommand::Outcome(a) => {
            let body = OutcomeRequest {
                in_person_date: a.in_person_date,
                biopsy_date: a.biopsy_date,
                histology_result: a.histology,
                histology_date: a.histology_date,
                treatment_date: a.treatment_date,
            };
            client.post(&path(a.id, "outcome"), &body).await?
        }
        CaseCommand::Claim { id } => client.post(&path(id, "claim"), &()).await?,
        CaseCommand::Release { id } => {
            client.post_empty(&path(id, "release"), &()).await?;
            eprintln!("Case {id} is back in the queue");
            return Ok(());
        }
        CaseCommand::RequestInfo(a) => {
            let body = InfoRequest {
                message: a.message,
                wants_new_photos: a.new_photos,
            };
            client.post(&path(a.id, "request-info"), &body).await?
        }
        CaseCommand::Answer(a) => {
            let body = AnswerRequest {
                diagnosis: a.diagnosis,
                icd10: a.icd10,
                management: a.management,
                delay_days: a.delay_days,
                report: a.report,
            };
            client.post(&path(a.id, "answer"), &body).await?
        }
    };
    show::print_case(ctx.output, &case)
}

async fn list(ctx: &Context, client: &crate::client::Client) -> anyhow::Result<()> {
    let cases: Vec<CaseSummary> = client.get("api/v1/cases").await?;
    let rows = cases
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                name(&c.status),
                name(&c.priority),
                c.patient_ref.clone(),
                c.body_site.clone(),
                time(c.submitted_at),
                c.due_at.map(time).unwrap_or_default(),
            ]
        })
        .collect::<Vec<_>>();
    output::print_list(
        ctx.output,
        &cases,
        &[
            "ID",
            "STATUS",
            "PRIORITY",
            "PATIENT",
            "SITE",
            "SUBMITTED",
            "DUE",
        ],
        &rows,
    )
}

/// A wire enum by its API name.
pub fn name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
