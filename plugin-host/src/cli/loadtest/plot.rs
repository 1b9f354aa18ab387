//! `--plot`: an SVG written by hand — the latency histogram (log-spaced buckets) on the left,
//! throughput over time on the right.

use std::fmt::Write;

use hdrhistogram::Histogram;

use super::report::Sample;

const W: f64 = 480.0;
const H: f64 = 300.0;
const PAD: f64 = 48.0;

/// The chart for `latency_us` and `samples`, titled `title`.
pub fn svg(title: &str, latency_us: &Histogram<u64>, samples: &[Sample]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
<text x="{cx}" y="18" text-anchor="middle" font-size="14">{title}</text>
"#,
        w = 2.0 * W,
        h = H + 30.0,
        cx = W,
        title = escape(title)
    );
    latency_panel(&mut s, latency_us, 0.0);
    throughput_panel(&mut s, samples, W);
    s.push_str("</svg>\n");
    s
}

/// Bars of quote counts per latency bucket; buckets grow by 1.5× from 10 µs.
fn latency_panel(s: &mut String, h: &Histogram<u64>, x0: f64) {
    let buckets: Vec<(u64, u64)> = if h.is_empty() {
        Vec::new()
    } else {
        h.iter_log(10, 1.5)
            .map(|v| (v.value_iterated_to(), v.count_since_last_iteration()))
            .collect()
    };
    let top = buckets.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f64;
    axes(s, x0, "latency (ms, log buckets)", "quotes");
    let n = buckets.len().max(1) as f64;
    let bw = (W - 2.0 * PAD) / n;
    for (i, (upper, count)) in buckets.iter().enumerate() {
        let bh = (*count as f64 / top) * (H - 2.0 * PAD);
        let x = x0 + PAD + i as f64 * bw;
        let _ = writeln!(
            s,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{bh:.1}" fill="#4a7bd0"><title>≤ {ms:.3} ms: {count}</title></rect>"##,
            y = 30.0 + H - PAD - bh,
            w = (bw - 1.0).max(0.5),
            ms = *upper as f64 / 1000.0,
        );
        // A label on every fourth bucket.
        if i % 4 == 0 {
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" font-size="9">{ms}</text>"#,
                x = x + bw / 2.0,
                y = 30.0 + H - PAD + 12.0,
                ms = short_ms(*upper as f64 / 1000.0),
            );
        }
    }
    label_max(s, x0, top as u64);
}

/// A line of quotes per second over time.
fn throughput_panel(s: &mut String, samples: &[Sample], x0: f64) {
    axes(s, x0, "time (s)", "quotes/s");
    let t_max = samples.last().map_or(1.0, |p| p.t_s).max(0.001);
    let q_max = samples
        .iter()
        .map(|p| p.quotes_per_s)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let points: Vec<String> = samples
        .iter()
        .map(|p| {
            let x = x0 + PAD + p.t_s / t_max * (W - 2.0 * PAD);
            let y = 30.0 + H - PAD - p.quotes_per_s / q_max * (H - 2.0 * PAD);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = writeln!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#d0604a" stroke-width="2"/>"##,
        points.join(" ")
    );
    let _ = writeln!(
        s,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="end" font-size="9">{t_max:.1}</text>"#,
        x = x0 + W - PAD,
        y = 30.0 + H - PAD + 12.0,
    );
    label_max(s, x0, q_max.round() as u64);
}

fn axes(s: &mut String, x0: f64, x_label: &str, y_label: &str) {
    let (left, right) = (x0 + PAD, x0 + W - PAD);
    let (top, bottom) = (30.0 + PAD, 30.0 + H - PAD);
    let _ = writeln!(
        s,
        r#"<path d="M{left},{top} L{left},{bottom} L{right},{bottom}" fill="none" stroke="black"/>
<text x="{cx}" y="{ly}" text-anchor="middle">{x_label}</text>
<text x="{yx}" y="{cy}" text-anchor="middle" transform="rotate(-90 {yx} {cy})">{y_label}</text>"#,
        cx = (left + right) / 2.0,
        ly = bottom + 28.0,
        yx = x0 + 14.0,
        cy = (top + bottom) / 2.0,
    );
}

fn label_max(s: &mut String, x0: f64, value: u64) {
    let _ = writeln!(
        s,
        r#"<text x="{x}" y="{y}" text-anchor="end" font-size="9">{value}</text>"#,
        x = x0 + PAD - 4.0,
        y = 30.0 + PAD + 4.0,
    );
}

fn short_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 1.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_an_svg_with_bars_and_a_line() {
        let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        for v in [120, 150, 900, 4000, 4100] {
            h.record(v).unwrap();
        }
        let samples = vec![
            Sample {
                t_s: 0.25,
                quotes_per_s: 100.0,
                rss_mb: None,
            },
            Sample {
                t_s: 0.5,
                quotes_per_s: 140.0,
                rss_mb: None,
            },
        ];
        let svg = svg("a < b", &h, &samples);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<rect x="));
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("a &lt; b"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
