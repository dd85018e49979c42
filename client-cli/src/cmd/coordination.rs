//! Coordinators: `sla`, `report`, `audit` (the rota is in `shifts`).

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use telederm_schemas::{
    AuditPage, AuditVerification, OutcomesReport, Priority, SetSlaPolicy, SlaClock, SlaPolicy,
    SlaReport,
};
use uuid::Uuid;

use super::{args, cases::name, show::SYSTEM, Context};
use crate::output::{self, time};

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// The response-time targets of a territory.
    Show {
        #[arg(long)]
        territory: String,
    },
    /// Set the target of one priority.
    Set {
        #[arg(long)]
        territory: String,
        #[arg(long, value_parser = args::wire_enum::<Priority>)]
        priority: Priority,
        /// Target for the first response, in hours.
        #[arg(long)]
        hours: f64,
        /// calendar (every hour counts) or business (working hours only).
        #[arg(long, value_parser = args::wire_enum::<SlaClock>, default_value = "calendar")]
        clock: SlaClock,
    },
}

#[derive(Debug, Args)]
pub struct Period {
    /// Repeatable; default: all your territories.
    #[arg(long)]
    pub territory: Vec<String>,
    /// Cases submitted from: YYYY-MM-DD (midnight) or "YYYY-MM-DD HH:MM", in your local time,
    /// or RFC 3339. Default: 30 days before `--to`.
    #[arg(long, value_parser = args::instant)]
    pub from: Option<DateTime<Utc>>,
    /// ... until (excluded). Default: now.
    #[arg(long, value_parser = args::instant)]
    pub to: Option<DateTime<Utc>>,
    /// json (default) or csv: csv is printed as the server sends it.
    #[arg(long, default_value = "json")]
    pub format: String,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Turnaround against the targets (default period: the last 30 days).
    Sla {
        #[command(flatten)]
        period: Period,
        /// territory, dermatologist or priority.
        #[arg(long, default_value = "territory")]
        by: String,
    },
    /// Days from submission to visit, biopsy and histology (default period: the last 30 days).
    Outcomes {
        #[command(flatten)]
        period: Period,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Audit lines, newest first.
    List {
        #[arg(long)]
        case: Option<Uuid>,
        #[arg(long)]
        actor: Option<Uuid>,
        #[arg(long)]
        action: Option<String>,
        #[arg(long)]
        territory: Option<String>,
        #[arg(long, value_parser = args::instant)]
        from: Option<DateTime<Utc>>,
        #[arg(long, value_parser = args::instant)]
        to: Option<DateTime<Utc>>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Check the hash chain; exit status 1 when a link is broken.
    Verify,
}

pub async fn sla(ctx: &Context, cmd: SlaCommand) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    let policies: Vec<SlaPolicy> = match cmd {
        SlaCommand::Show { territory } => {
            client
                .get(&format!("api/v1/territories/{territory}/sla"))
                .await?
        }
        SlaCommand::Set {
            territory,
            priority,
            hours,
            clock,
        } => {
            let path = format!("api/v1/territories/{territory}/sla/{}", name(&priority));
            let body = SetSlaPolicy {
                target_hours: hours,
                clock,
            };
            client.put(&path, &body).await?
        }
    };
    let rows: Vec<Vec<String>> = policies
        .iter()
        .map(|p| {
            vec![
                p.territory.clone(),
                name(&p.priority),
                format!("{}", p.target_hours),
                name(&p.clock),
                if p.default { "default" } else { "set" }.into(),
            ]
        })
        .collect();
    output::print_list(
        ctx.output,
        &policies,
        &["TERRITORY", "PRIORITY", "HOURS", "CLOCK", "SOURCE"],
        &rows,
    )
}

pub async fn report(ctx: &Context, cmd: ReportCommand) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    let (path, period, by) = match cmd {
        ReportCommand::Sla { period, by } => ("api/v1/reports/sla", period, Some(by)),
        ReportCommand::Outcomes { period } => ("api/v1/reports/outcomes", period, None),
    };
    let mut q: Vec<(&str, String)> = Vec::new();
    q.extend(period.from.map(|t| ("from", t.to_rfc3339())));
    q.extend(period.to.map(|t| ("to", t.to_rfc3339())));
    q.extend(period.territory.iter().map(|t| ("territory", t.clone())));
    q.extend(by.clone().map(|b| ("group_by", b)));
    if period.format == "csv" {
        q.push(("format", "csv".into()));
        let bytes = client.get_bytes(path, &q).await?;
        return output::write_stdout(&String::from_utf8_lossy(&bytes));
    }
    if by.is_some() {
        let r: SlaReport = client.get_query(path, &q).await?;
        print_period(ctx, r.from, r.to);
        let hours = |s: Option<i64>| {
            s.map(|s| format!("{:.1}", s as f64 / 3600.0))
                .unwrap_or_default()
        };
        let rows: Vec<Vec<String>> = r
            .groups
            .iter()
            .chain(std::iter::once(&r.total))
            .map(|g| {
                vec![
                    g.label.clone().unwrap_or_else(|| g.key.clone()),
                    g.cases.to_string(),
                    g.answered.to_string(),
                    hours(g.first_response.median_secs),
                    hours(g.first_response.p90_secs),
                    hours(g.first_response.p95_secs),
                    hours(g.first_response.max_secs),
                    format!("{} ({:.0}%)", g.breaches, g.breach_rate * 100.0),
                    g.open.to_string(),
                    g.at_risk.to_string(),
                    format!("{:.0}%", g.info_request_share * 100.0),
                    format!("{:.0}%", g.new_photos_share * 100.0),
                ]
            })
            .collect();
        let headers = [
            "GROUP",
            "CASES",
            "ANSWERED",
            "MEDIAN_H",
            "P90_H",
            "P95_H",
            "MAX_H",
            "BREACHES",
            "OPEN",
            "AT_RISK",
            "INFO_ASKED",
            "NEW_PHOTOS",
        ];
        output::print_list(ctx.output, &r, &headers, &rows)
    } else {
        let r: OutcomesReport = client.get_query(path, &q).await?;
        print_period(ctx, r.from, r.to);
        let d = |s: &telederm_schemas::DayStats| match s.median {
            Some(m) => format!("{m} (n={})", s.count),
            None => String::new(),
        };
        let rows: Vec<Vec<String>> = r
            .groups
            .iter()
            .map(|g| {
                vec![
                    g.territory.clone(),
                    g.cases.to_string(),
                    g.with_outcome.to_string(),
                    d(&g.to_in_person_days),
                    d(&g.to_biopsy_days),
                    d(&g.to_histology_days),
                ]
            })
            .collect();
        let headers = [
            "TERRITORY",
            "CASES",
            "WITH_OUTCOME",
            "VISIT_DAYS",
            "BIOPSY_DAYS",
            "HISTOLOGY_DAYS",
        ];
        output::print_list(ctx.output, &r, &headers, &rows)
    }
}

/// Which cases a table counts, since the period may be the server's default.
fn print_period(ctx: &Context, from: DateTime<Utc>, to: DateTime<Utc>) {
    if ctx.output == crate::cli::OutputFormat::Table {
        eprintln!("Cases submitted from {} to {}", time(from), time(to));
    }
}

pub async fn audit(ctx: &Context, cmd: AuditCommand) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    match cmd {
        AuditCommand::List {
            case,
            actor,
            action,
            territory,
            from,
            to,
            limit,
        } => {
            let mut q: Vec<(&str, String)> = vec![("limit", limit.to_string())];
            q.extend(case.map(|c| ("case", c.to_string())));
            q.extend(actor.map(|a| ("actor", a.to_string())));
            q.extend(action.map(|a| ("action", a)));
            q.extend(territory.map(|t| ("territory", t)));
            q.extend(from.map(|t| ("from", t.to_rfc3339())));
            q.extend(to.map(|t| ("to", t.to_rfc3339())));
            let page: AuditPage = client.get_query("api/v1/audit", &q).await?;
            let rows: Vec<Vec<String>> = page
                .entries
                .iter()
                .map(|e| {
                    vec![
                        e.seq.to_string(),
                        time(e.at),
                        e.actor
                            .as_ref()
                            .map_or_else(|| SYSTEM.to_owned(), |p| p.name.clone()),
                        e.action.clone(),
                        e.target_id.clone().unwrap_or_default(),
                        e.territory.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            output::print_list(
                ctx.output,
                &page,
                &["SEQ", "AT", "ACTOR", "ACTION", "TARGET", "TERRITORY"],
                &rows,
            )
        }
        AuditCommand::Verify => {
            let v: AuditVerification = client.get("api/v1/audit/verify").await?;
            if ctx.output == crate::cli::OutputFormat::Json {
                output::print_json(&v)?;
            } else if v.intact {
                output::write_stdout(&format!(
                    "intact: {} lines, head {}; {} awaiting their seal\n",
                    v.lines_checked,
                    v.head_hash.clone().unwrap_or_default(),
                    v.lines_pending
                ))?;
            } else {
                output::write_stdout(&format!(
                    "BROKEN at line {}: {}\n",
                    v.first_broken_seq.unwrap_or_default(),
                    v.reason.clone().unwrap_or_default()
                ))?;
            }
            if !v.intact {
                anyhow::bail!("the audit trail is broken");
            }
            Ok(())
        }
    }
}
