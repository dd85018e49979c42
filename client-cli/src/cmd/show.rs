//! A whole case as people read it: the record, its photos, the answer, the exchanges with the GP
//! and the history. People are shown by name, never by id.

use telederm_schemas::{Case, Person, Photo};

use super::cases::name;
use crate::cli::OutputFormat;
use crate::output::{self, render_key_values, time};

pub fn print_case(format: OutputFormat, case: &Case) -> anyhow::Result<()> {
    if format == OutputFormat::Json {
        return output::print_json(case);
    }
    output::write_stdout(&render_case(case))
}

pub fn render_case(c: &Case) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut out = render_key_values(&[
        ("id", c.id.to_string()),
        ("status", name(&c.status)),
        ("priority", name(&c.priority)),
        ("territory", c.territory.clone()),
        ("gp", c.gp.name.clone()),
        ("patient_ref", c.patient_ref.clone()),
        ("patient", format!("{}, {}", c.age, name(&c.sex))),
        ("body_site", c.body_site.clone()),
        ("question", c.question.clone()),
        (
            "phototype",
            c.phototype.map(|p| p.to_string()).unwrap_or_default(),
        ),
        ("duration", opt(&c.duration)),
        ("evolution", opt(&c.evolution)),
        ("history", opt(&c.history)),
        ("treatments", opt(&c.treatments)),
        ("submitted_at", time(c.submitted_at)),
        ("due_at", c.due_at.map(time).unwrap_or_default()),
        ("claimed_by", who(c.claimed_by_person.as_ref())),
    ]);
    out.push_str("\nphotos:\n");
    for (n, p) in c.photos.iter().enumerate() {
        out.push_str(&format!("  {}. {}\n", n + 1, photo_line(p)));
    }
    if let Some(a) = &c.answer {
        out.push_str("\nanswer:\n");
        out.push_str(&indent(&render_key_values(&[
            ("by", a.dermatologist.name.clone()),
            ("at", time(a.answered_at)),
            ("diagnosis", a.diagnosis.clone()),
            ("icd10", opt(&a.icd10)),
            ("management", name(&a.management)),
            (
                "within_days",
                a.delay_days.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("report", a.report.clone()),
        ])));
    }
    for r in &c.info_requests {
        out.push_str(&format!(
            "\nrequest for information ({}):\n",
            time(r.asked_at)
        ));
        out.push_str(&indent(&render_key_values(&[
            ("by", r.dermatologist.name.clone()),
            ("question", r.message.clone()),
            (
                "new_photos",
                if r.wants_new_photos { "asked" } else { "no" }.into(),
            ),
            ("reply", opt(&r.reply)),
            ("replied_at", r.replied_at.map(time).unwrap_or_default()),
        ])));
    }
    if let Some(o) = &c.outcome {
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        out.push_str("\noutcome:\n");
        out.push_str(&indent(&render_key_values(&[
            ("in_person", date(o.in_person_date)),
            ("biopsy", date(o.biopsy_date)),
            ("histology", date(o.histology_date)),
            ("histology_result", opt(&o.histology_result)),
            ("treatment", date(o.treatment_date)),
            ("recorded_by", o.updated_by_person.name.clone()),
        ])));
    }
    out.push_str("\nhistory:\n");
    for e in &c.events {
        let to = e.to.as_ref().map(name).unwrap_or_default();
        let actor = e.actor.as_ref().map_or(SYSTEM, |p| p.name.as_str());
        let line = format!("  {}  {:<16} {:<15} {}", time(e.at), e.kind, to, actor);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `overview jpeg 1600x1200, removed: gps, camera; warnings: blurred`.
pub fn photo_line(p: &Photo) -> String {
    let mut line = format!(
        "{} {} {}x{} ({})",
        name(&p.kind),
        p.format,
        p.width,
        p.height,
        p.id
    );
    if !p.metadata_removed.is_empty() {
        line.push_str(&format!(", removed: {}", p.metadata_removed.join(", ")));
    }
    if !p.quality_warnings.is_empty() {
        let codes: Vec<&str> = p.quality_warnings.iter().map(|w| w.code.as_str()).collect();
        line.push_str(&format!("; warnings: {}", codes.join(", ")));
    }
    line
}

/// Who acted when no person did (an expired lease, an escalation).
pub const SYSTEM: &str = "system";

/// A person's name, or nothing.
fn who(p: Option<&Person>) -> String {
    p.map(|p| p.name.clone()).unwrap_or_default()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}
