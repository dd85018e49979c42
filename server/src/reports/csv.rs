//! The reports as CSV, one row per group (the SLA report ends with a `total` row). Durations in
//! seconds, days as integers, shares as fractions: a spreadsheet formats them as it likes.

use telederm_schemas as wire;

/// A name a spreadsheet would take for a formula (`=`, `+`, `-`, `@`) is quoted with `'`.
fn text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub fn sla_csv(report: &wire::SlaReport) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        report.group_by.as_str(),
        "label",
        "cases",
        "answered",
        "first_response_median_secs",
        "first_response_p90_secs",
        "first_response_p95_secs",
        "first_response_max_secs",
        "breaches",
        "breach_rate",
        "open",
        "at_risk",
        "info_request_share",
        "new_photos_share",
    ])?;
    for g in report.groups.iter().chain(std::iter::once(&report.total)) {
        w.write_record([
            text(&g.key),
            text(g.label.as_deref().unwrap_or_default()),
            g.cases.to_string(),
            g.answered.to_string(),
            opt(g.first_response.median_secs),
            opt(g.first_response.p90_secs),
            opt(g.first_response.p95_secs),
            opt(g.first_response.max_secs),
            g.breaches.to_string(),
            format!("{:.4}", g.breach_rate),
            g.open.to_string(),
            g.at_risk.to_string(),
            format!("{:.4}", g.info_request_share),
            format!("{:.4}", g.new_photos_share),
        ])?;
    }
    finish(w)
}

pub fn outcomes_csv(report: &wire::OutcomesReport) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "territory",
        "cases",
        "with_outcome",
        "in_person_count",
        "in_person_median_days",
        "in_person_p90_days",
        "in_person_max_days",
        "biopsy_count",
        "biopsy_median_days",
        "biopsy_p90_days",
        "biopsy_max_days",
        "histology_count",
        "histology_median_days",
        "histology_p90_days",
        "histology_max_days",
    ])?;
    for g in &report.groups {
        let mut row = vec![
            text(&g.territory),
            g.cases.to_string(),
            g.with_outcome.to_string(),
        ];
        for d in [
            &g.to_in_person_days,
            &g.to_biopsy_days,
            &g.to_histology_days,
        ] {
            row.extend([d.count.to_string(), opt(d.median), opt(d.p90), opt(d.max)]);
        }
        w.write_record(row)?;
    }
    finish(w)
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    // The writer only writes the UTF-8 strings given to it.
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_names_are_quoted() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("Dr Léa Fabre"), "Dr Léa Fabre");
    }
}
