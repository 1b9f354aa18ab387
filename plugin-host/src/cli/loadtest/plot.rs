//! `--plot`: the run over time, drawn with plotters as an SVG — p50 and p99 latency,
//! throughput, quotes with errors and resident memory, each against seconds with labelled
//! ticks — and, after `--floor`, the floor's figures as dashed lines beside ours.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::floor::FloorReport;
use super::report::Sample;

/// Width and height of the whole picture, in pixels.
const SIZE: (u32, u32) = (1100, 760);
const FONT: &str = "sans-serif";

/// The chart of `samples` (and of `floor`, when it ran), titled `title`.
pub fn svg(title: &str, samples: &[Sample], floor: Option<&FloorReport>) -> Result<String, String> {
    let mut out = String::new();
    draw(&mut out, title, samples, floor).map_err(|e| format!("cannot draw the chart: {e}"))?;
    Ok(out)
}

type Failed = Box<dyn std::error::Error>;

fn draw(
    out: &mut String,
    title: &str,
    samples: &[Sample],
    floor: Option<&FloorReport>,
) -> Result<(), Failed> {
    let root = SVGBackend::with_string(out, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, (FONT, 18))?;
    let panels = root.split_evenly((2, 2));
    let t_max = samples.iter().map(|s| s.t_s).fold(0.0, f64::max).max(0.001);
    let series = |f: fn(&Sample) -> Option<f64>| -> Vec<(f64, f64)> {
        samples
            .iter()
            .filter_map(|s| Some((s.t_s, f(s)?)))
            .collect()
    };

    let p50 = series(|s| s.p50_ms);
    let p99 = series(|s| s.p99_ms);
    panel(
        &panels[0],
        "Latency per interval (ms)",
        t_max,
        &[("p50", &p50, BLUE), ("p99", &p99, RED)],
        floor.map(|f| ("floor p99", f.p99_ms)),
    )?;
    let throughput = series(|s| Some(s.quotes_per_s));
    panel(
        &panels[1],
        "Throughput (quotes/s)",
        t_max,
        &[("ours", &throughput, BLUE)],
        floor.map(|f| ("floor", f.quotes_per_s)),
    )?;
    let errors = series(|s| Some(s.errors as f64));
    panel(
        &panels[2],
        "Quotes with errors per interval",
        t_max,
        &[("errors", &errors, RED)],
        None,
    )?;
    let rss = series(|s| s.rss_mb);
    panel(
        &panels[3],
        "Resident memory (MB)",
        t_max,
        &[("rss", &rss, GREEN)],
        None,
    )?;
    root.present()?;
    Ok(())
}

/// A line of a panel: its label, its points and its colour.
type Line<'a> = (&'a str, &'a [(f64, f64)], RGBColor);

/// One panel: `lines` against seconds up to `t_max`, and `level` as a dashed line.
fn panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    caption: &str,
    t_max: f64,
    lines: &[Line<'_>],
    level: Option<(&str, f64)>,
) -> Result<(), Failed> {
    let highest = lines
        .iter()
        .flat_map(|(_, points, _)| points.iter().map(|p| p.1))
        .chain(level.map(|l| l.1))
        .fold(0.0, f64::max);
    let y_max = if highest > 0.0 { highest * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 15))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..t_max, 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_desc("seconds")
        .x_labels(8)
        .y_labels(6)
        .label_style((FONT, 11))
        .draw()?;
    for (label, points, color) in lines {
        let color = *color;
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(*label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2)));
    }
    if let Some((label, value)) = level {
        let style = BLACK.mix(0.7).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, value), (t_max, value)],
                6,
                4,
                style,
            ))?
            .label(format!("{label} {}", short(value)))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 11))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(())
}

/// A figure for a legend: three significant digits at most.
fn short(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::loadtest::floor::Ratios;

    fn sample(t_s: f64, quotes_per_s: f64, p99_ms: f64, errors: u64) -> Sample {
        Sample {
            t_s,
            quotes_per_s,
            rss_mb: Some(40.0 + t_s),
            p50_ms: Some(p99_ms / 4.0),
            p99_ms: Some(p99_ms),
            errors,
        }
    }

    #[test]
    fn the_chart_has_four_panels_with_labelled_ticks_and_the_floor_beside_ours() {
        let samples = [
            sample(0.25, 1000.0, 48.0, 0),
            sample(0.5, 1400.0, 52.0, 3),
            sample(0.75, 1500.0, 51.0, 0),
        ];
        let floor = FloorReport {
            kind: "http",
            quotes: 1000,
            quotes_per_s: 1800.0,
            cpu_ms_per_quote: Some(0.1),
            p50_ms: 10.0,
            p99_ms: 50.5,
            ratio: Ratios {
                cpu_per_quote: Some(1.4),
                quotes_per_s: 0.8,
                p99: 1.02,
            },
        };
        let svg = svg("a < b", &samples, Some(&floor)).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
        for caption in [
            "Latency per interval (ms)",
            "Throughput (quotes/s)",
            "Quotes with errors per interval",
            "Resident memory (MB)",
        ] {
            assert!(svg.contains(caption), "{caption}");
        }
        // Ticks carry their values, not only the axes' maximum.
        for tick in ["\n0.5\n", "\n1500.0\n", "\n50.0\n"] {
            assert!(svg.contains(tick), "tick {tick:?}: {svg}");
        }
        assert!(svg.contains("floor p99 50.5"), "{svg}");
        assert!(svg.contains("floor 1800"), "{svg}");
        assert!(svg.contains("a &lt; b"), "the title is escaped");
        assert!(svg.matches("<polyline").count() >= 6, "one line per series");
    }

    #[test]
    fn a_run_too_short_to_sample_still_draws() {
        let svg = svg("empty", &[], None).unwrap();
        assert!(svg.contains("Throughput (quotes/s)"));
    }
}
