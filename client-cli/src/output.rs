//! Printing data to stdout as a table or as JSON. Messages go to stderr elsewhere, so that
//! `telederm ... --output json | jq` only ever sees data.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::cli::OutputFormat;

impl OutputFormat {
    /// Tables for people, JSON for pipes and scripts.
    pub fn detect() -> Self {
        if io::stdout().is_terminal() {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        }
    }
}

/// Prints one record: `key  value` lines in table mode, the serialised value in json mode.
pub fn print_record<T: Serialize>(
    format: OutputFormat,
    value: &T,
    fields: &[(&str, String)],
) -> anyhow::Result<()> {
    match format {
        OutputFormat::Json => print_json(value),
        OutputFormat::Table => write_stdout(&render_key_values(fields)),
    }
}

/// Prints a list: a table in table mode (a message on stderr when empty), JSON otherwise.
pub fn print_list<T: Serialize>(
    format: OutputFormat,
    value: &T,
    headers: &[&str],
    rows: &[Vec<String>],
) -> anyhow::Result<()> {
    match format {
        OutputFormat::Json => print_json(value),
        OutputFormat::Table if rows.is_empty() => {
            eprintln!("(none)");
            Ok(())
        }
        OutputFormat::Table => write_stdout(&render_table(headers, rows)),
    }
}

/// A time as people read it in tables: in the local time zone (`TZ`, else the system's), to the
/// minute, with its offset so that it cannot be mistaken for another zone's:
/// `2026-12-08 16:37 +01:00`.
pub fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    time_in(t, &chrono::Local)
}

fn time_in<Tz: chrono::TimeZone>(t: chrono::DateTime<chrono::Utc>, zone: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    t.with_timezone(zone)
        .format("%Y-%m-%d %H:%M %:z")
        .to_string()
}

pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    write_stdout(&text)
}

/// Aligned `key  value` lines; an empty value shows as `-` so columns stay readable.
pub fn render_key_values(fields: &[(&str, String)]) -> String {
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    fields
        .iter()
        .map(|(key, value)| {
            let value = if value.is_empty() {
                "-"
            } else {
                value.as_str()
            };
            format!("{key:<width$}  {value}\n")
        })
        .collect()
}

/// A header row and aligned columns, for list commands.
pub fn render_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(headers.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// Writes to stdout; a closed pipe (`telederm ... | head`) is not an error worth reporting.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_are_aligned_and_empty_shows_dash() {
        let text = render_key_values(&[("id", "42".into()), ("display_name", String::new())]);
        assert_eq!(text, "id            42\ndisplay_name  -\n");
    }

    #[test]
    fn times_show_the_local_offset() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-08T15:37:10Z")
            .unwrap()
            .to_utc();
        let paris_winter = chrono::FixedOffset::east_opt(3600).unwrap();
        assert_eq!(time_in(t, &paris_winter), "2026-12-08 16:37 +01:00");
        assert_eq!(time_in(t, &chrono::Utc), "2026-12-08 15:37 +00:00");
    }

    #[test]
    fn table_columns_align() {
        let rows = vec![
            vec!["c-1".to_string(), "queued".to_string()],
            vec!["case-22".to_string(), "closed".to_string()],
        ];
        let text = render_table(&["ID", "STATUS"], &rows);
        assert_eq!(text, "ID       STATUS\nc-1      queued\ncase-22  closed\n");
    }
}
