//! The dashboard's charts: SVG drawn on the server by `plotters`, put inline in the page. Each
//! is readable without colour (solid line and dots, dashed line and triangles, dotted target,
//! counts written on the bars) and has its numbers in a table beside it. plotters writes
//! presentation attributes (`fill`, `stroke`), never a `style` attribute nor a script, which the
//! CSP would refuse: the tests below make sure.

use plotters::{
    coord::ranged1d::SegmentValue,
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

const SIZE: (u32, u32) = (640, 300);
const MEDIAN: RGBColor = RGBColor(0x1d, 0x4e, 0x89);
const P90: RGBColor = RGBColor(0xb3, 0x58, 0x06);
const TARGET: RGBColor = RGBColor(0xa1, 0x1d, 0x2b);
const BAR: RGBColor = RGBColor(0x4a, 0x6f, 0x8a);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const GRID: RGBColor = RGBColor(0xd5, 0xda, 0xe0);

/// The words of a chart, in the page's language.
pub struct Words {
    /// What the chart shows, for those who do not see it (its accessible name).
    pub title: String,
    pub y_axis: String,
}

/// One line of a response-time chart: a value per week (hours), or none that week.
pub struct Line {
    pub legend: String,
    pub hours: Vec<Option<f64>>,
}

/// First-response median (solid, dots) and p90 (dashed, triangles) week by week against the
/// targets (dotted lines, their value in the legend).
pub fn response_times(
    words: &Words,
    weeks: &[String],
    median: &Line,
    p90: &Line,
    targets: &[(String, f64)],
) -> String {
    // Headroom above the highest line or target, for the legend in the top left corner.
    let top = median
        .hours
        .iter()
        .chain(&p90.hours)
        .flatten()
        .copied()
        .chain(targets.iter().map(|(_, t)| *t))
        .fold(1.0_f64, f64::max)
        * 1.6;
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let n = weeks.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..top)?;
        let label = week_label(weeks);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(weeks.len())
            .x_label_formatter(&label)
            .y_labels(6)
            .y_label_formatter(&whole)
            .y_desc(words.y_axis.as_str())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .label_style(("sans-serif", 19).into_font().color(&INK))
            .axis_desc_style(("sans-serif", 19).into_font().color(&INK))
            .draw()?;
        let points = |line: &Line| -> Vec<(SegmentValue<i32>, f64)> {
            line.hours
                .iter()
                .enumerate()
                .filter_map(|(i, h)| h.map(|h| (SegmentValue::CenterOf(i as i32), h)))
                .collect()
        };
        chart
            .draw_series(LineSeries::new(points(median), MEDIAN.stroke_width(2)).point_size(4))?
            .label(median.legend.as_str())
            .legend(|(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(-8, 0), (8, 0)], MEDIAN.stroke_width(2))
                    + Circle::new((0, 0), 4, MEDIAN.filled())
            });
        let p90_points = points(p90);
        chart
            .draw_series(DashedLineSeries::new(
                p90_points.clone(),
                6,
                4,
                P90.stroke_width(2),
            ))?
            .label(p90.legend.as_str())
            .legend(|(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(-8, 0), (-2, 0)], P90.stroke_width(2))
                    + PathElement::new(vec![(2, 0), (8, 0)], P90.stroke_width(2))
                    + TriangleMarker::new((0, 0), 5, P90.filled())
            });
        chart.draw_series(
            p90_points
                .into_iter()
                .map(|p| TriangleMarker::new(p, 5, P90.filled())),
        )?;
        for (legend, hours) in targets {
            let line = [
                (SegmentValue::Exact(0), *hours),
                (SegmentValue::Last, *hours),
            ];
            chart
                .draw_series(DashedLineSeries::new(line, 2, 4, TARGET.stroke_width(2)))?
                .label(legend.as_str())
                .legend(|(x, y)| {
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(-8, 0), (-5, 0)], TARGET.stroke_width(2))
                        + PathElement::new(vec![(-1, 0), (2, 0)], TARGET.stroke_width(2))
                        + PathElement::new(vec![(6, 0), (8, 0)], TARGET.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(INK)
            .label_font(("sans-serif", 19).into_font().color(&INK))
            .draw()?;
        root.present()?;
        Ok(())
    })();
    finish(svg, drawn.is_ok(), &words.title)
}

/// One bar per label, its count written above it.
pub fn bars(words: &Words, labels: &[String], counts: &[u64]) -> String {
    // Whole counts on the axis: at most about six steps of it.
    let top = (counts.iter().copied().max().unwrap_or(0) as f64 * 1.25)
        .ceil()
        .max(4.0);
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let n = labels.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..top)?;
        let label = week_label(labels);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(labels.len())
            .x_label_formatter(&label)
            .y_desc(words.y_axis.as_str())
            .y_labels(top as usize + 1)
            .y_label_formatter(&whole)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .label_style(("sans-serif", 19).into_font().color(&INK))
            .axis_desc_style(("sans-serif", 19).into_font().color(&INK))
            .draw()?;
        chart.draw_series(counts.iter().enumerate().map(|(i, c)| {
            let i = i as i32;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
                    (SegmentValue::Exact(i + 1), *c as f64),
                ],
                BAR.filled(),
            );
            bar.set_margin(0, 0, 12, 12);
            bar
        }))?;
        chart.draw_series(counts.iter().enumerate().map(|(i, c)| {
            Text::new(
                c.to_string(),
                (SegmentValue::CenterOf(i as i32), *c as f64 + top * 0.06),
                ("sans-serif", 20)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            )
        }))?;
        root.present()?;
        Ok(())
    })();
    finish(svg, drawn.is_ok(), &words.title)
}

/// An axis value, whole numbers only (counts; hours to the hour): others are left unlabelled.
fn whole(v: &f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// The label of the week (or band) at a segment's centre; none elsewhere.
fn week_label(labels: &[String]) -> impl Fn(&SegmentValue<i32>) -> String + '_ {
    move |v| match v {
        SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// The chart named for assistive technologies and sized by the stylesheet; nothing when it
/// could not be drawn (the table beside it still gives the numbers).
fn finish(svg: String, drawn: bool, title: &str) -> String {
    if !drawn {
        tracing::warn!("a dashboard chart could not be drawn");
        return String::new();
    }
    let title = attribute(title);
    svg.replacen(
        "<svg ",
        &format!("<svg class=\"chart\" role=\"img\" aria-label=\"{title}\" focusable=\"false\" "),
        1,
    )
}

fn attribute(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words {
        Words {
            title: "Délai \"médian\" <test>".into(),
            y_axis: "heures".into(),
        }
    }

    fn weeks() -> Vec<String> {
        (1..=8).map(|d| format!("{d} nov.")).collect()
    }

    fn assert_csp_safe(svg: &str) {
        assert!(
            svg.starts_with("<svg class=\"chart\" role=\"img\""),
            "{svg}"
        );
        assert!(svg.contains("aria-label=\"Délai &quot;médian&quot; &lt;test&gt;\""));
        for refused in ["style=", "<style", "<script", "javascript:", "href="] {
            assert!(!svg.contains(refused), "{refused} in {svg}");
        }
    }

    #[test]
    fn a_response_chart_has_its_lines_labels_and_no_style() {
        let median = Line {
            legend: "médiane".into(),
            hours: vec![
                Some(2.0),
                None,
                Some(30.5),
                Some(1.0),
                None,
                None,
                None,
                Some(4.0),
            ],
        };
        let p90 = Line {
            legend: "p90".into(),
            hours: vec![
                Some(5.0),
                None,
                Some(60.0),
                Some(2.0),
                None,
                None,
                None,
                Some(9.0),
            ],
        };
        let svg = response_times(
            &words(),
            &weeks(),
            &median,
            &p90,
            &[("cible 48 h".into(), 48.0)],
        );
        assert_csp_safe(&svg);
        for text in ["médiane", "p90", "cible 48 h", "1 nov.", "8 nov.", "heures"] {
            assert!(svg.contains(text), "{text}");
        }
        assert!(svg.contains("<polygon"), "triangles for the p90");
        assert!(svg.contains("<circle"), "dots for the median");
    }

    #[test]
    fn bars_write_their_counts() {
        let labels = vec!["< 1 j".to_owned(), "1-2 j".to_owned(), "> 7 j".to_owned()];
        let svg = bars(&words(), &labels, &[3, 0, 12]);
        assert_csp_safe(&svg);
        assert!(svg.contains("&lt; 1 j"));
        assert!(svg.contains(">\n12\n</text>"), "the count above its bar");
        assert_eq!(
            svg.matches("<rect").count(),
            1 + 3,
            "the background and the bars"
        );
    }
}
