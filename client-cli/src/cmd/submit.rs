//! `case submit` and `case reply`: a multipart upload of the case (or reply) and its photos, with
//! a progress bar on a terminal.

use anyhow::Context as _;
use clap::Args;
use futures_util::stream;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reqwest::multipart::{Form, Part};
use telederm_schemas::{Case, NewCase, Priority, Sex};

use super::{args, cases::name, show, Context};
use crate::client::Client;
use crate::output::{self, time};

/// Bytes per chunk of the upload (and per progress step).
const CHUNK: usize = 64 * 1024;

#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// urgent (suspected melanoma or carcinoma, rapid change, bleeding) or routine.
    #[arg(long, value_parser = args::wire_enum::<Priority>)]
    pub priority: Priority,
    /// Where the lesion is, e.g. "left forearm".
    #[arg(long)]
    pub site: String,
    #[arg(long)]
    pub age: u16,
    /// female, male or other.
    #[arg(long, value_parser = args::wire_enum::<Sex>)]
    pub sex: Sex,
    /// Your own reference for the patient (never a name).
    #[arg(long)]
    pub patient_ref: String,
    #[arg(long)]
    pub question: String,
    /// The patient agreed to the tele-expertise.
    #[arg(long)]
    pub consent: bool,
    /// KIND:FILE, 1 to 10 times (kinds: overview, closeup, dermoscopy).
    #[arg(long = "photo", value_parser = args::photo, required = true)]
    pub photos: Vec<args::PhotoArg>,
    /// Fitzpatrick phototype, 1 to 6.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=6))]
    pub phototype: Option<u8>,
    #[arg(long)]
    pub duration: Option<String>,
    #[arg(long)]
    pub evolution: Option<String>,
    #[arg(long)]
    pub history: Option<String>,
    #[arg(long)]
    pub treatments: Option<String>,
}

pub async fn submit(ctx: &Context, client: &Client, a: SubmitArgs) -> anyhow::Result<()> {
    let case = NewCase {
        priority: a.priority,
        patient_ref: a.patient_ref,
        age: a.age,
        sex: a.sex,
        body_site: a.site,
        question: a.question,
        consent: a.consent,
        phototype: a.phototype,
        duration: a.duration,
        evolution: a.evolution,
        history: a.history,
        treatments: a.treatments,
    };
    let (form, bar) = form("case", &case, &a.photos)?;
    let result: Result<Case, _> = client.post_multipart("api/v1/cases", form).await;
    bar.finish_and_clear();
    let created = result?;
    if ctx.output == crate::cli::OutputFormat::Json {
        return output::print_json(&created);
    }
    eprintln!("Case submitted to territory {}", created.territory);
    let mut text = output::render_key_values(&[
        ("id", created.id.to_string()),
        ("status", name(&created.status)),
        ("due_at", created.due_at.map(time).unwrap_or_default()),
    ]);
    for (p, arg) in created.photos.iter().zip(&a.photos) {
        text.push_str(&format!(
            "photo {}: {}\n",
            arg.path.display(),
            show::photo_line(p)
        ));
    }
    output::write_stdout(&text)
}

pub async fn reply(client: &Client, a: super::cases::ReplyArgs) -> anyhow::Result<Case> {
    let body = telederm_schemas::Reply { message: a.message };
    let path = format!("api/v1/cases/{}/reply", a.id);
    if a.photos.is_empty() {
        return Ok(client.post(&path, &body).await?);
    }
    let (form, bar) = form("reply", &body, &a.photos)?;
    let result = client.post_multipart(&path, form).await;
    bar.finish_and_clear();
    Ok(result?)
}

/// The JSON part, then one part per photo named by its kind; every photo's bytes count towards
/// a progress bar (drawn on stderr, only on a terminal).
fn form<T: serde::Serialize>(
    json_name: &'static str,
    json: &T,
    photos: &[args::PhotoArg],
) -> anyhow::Result<(Form, ProgressBar)> {
    let mut files = Vec::with_capacity(photos.len());
    for p in photos {
        let bytes =
            std::fs::read(&p.path).with_context(|| format!("cannot read {}", p.path.display()))?;
        files.push((p, bytes));
    }
    let total: u64 = files.iter().map(|(_, b)| b.len() as u64).sum();
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("uploading {bar:30} {bytes}/{total_bytes} {bytes_per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut form = Form::new().part(
        json_name,
        Part::text(serde_json::to_string(json)?).mime_str("application/json")?,
    );
    for (p, bytes) in files {
        let len = bytes.len() as u64;
        let file_name = p
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "photo".into());
        let chunks: Vec<Vec<u8>> = bytes.chunks(CHUNK).map(<[u8]>::to_vec).collect();
        let counter = bar.clone();
        let body = stream::iter(chunks.into_iter().map(move |c| {
            counter.inc(c.len() as u64);
            Ok::<_, std::io::Error>(c)
        }));
        let part = Part::stream_with_length(reqwest::Body::wrap_stream(body), len)
            .file_name(file_name)
            .mime_str("application/octet-stream")?;
        form = form.part(name(&p.kind), part);
    }
    Ok((form, bar))
}
