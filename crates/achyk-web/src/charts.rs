//! Server-rendered SVG charts. Every chart has a data table beside it on its page (for screen
//! readers and for copying), so the SVG is labelled as an image and its bars carry titles.

use crate::map::escape;

/// A horizontal bar chart: one bar per (label, value, value in words), longest first as given.
pub fn bars(rows: &[(String, f64, String)], label: &str) -> String {
    const WIDTH: f64 = 600.0;
    const LABEL: f64 = 190.0;
    const ROW: f64 = 28.0;
    /// Room after the longest bar for its value in words ("6,437,299,300 som" at 13 px).
    const VALUE_ROOM: f64 = 170.0;
    /// Characters of a label kept before "…": in Chromium with DejaVu Sans a Cyrillic label
    /// takes about 7.5 units a character at 13 px, so 22 (with the ellipsis) fill about 165 of
    /// the 182 units left of the bars, where 27 ran past the chart's left edge.
    const LABEL_CHARACTERS: usize = 21;
    let maximum = rows.iter().map(|row| row.1).fold(0.0, f64::max);
    let height = ROW * rows.len().max(1) as f64;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(label)
    );
    for (index, (name, value, words)) in rows.iter().enumerate() {
        let y = index as f64 * ROW;
        let length = if maximum > 0.0 {
            (WIDTH - LABEL - VALUE_ROOM) * value / maximum
        } else {
            0.0
        };
        let short: String = name.chars().take(LABEL_CHARACTERS).collect();
        let short = if short.chars().count() < name.chars().count() {
            format!("{}…", short.trim_end())
        } else {
            short
        };
        svg.push_str(&format!(
            "<g><title>{title}</title><text x=\"{text_x:.0}\" y=\"{text_y:.0}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1b1f24\">{short}</text>\
             <rect x=\"{LABEL:.0}\" y=\"{bar_y:.0}\" width=\"{length:.1}\" height=\"{bar_height:.0}\" fill=\"#3182bd\"></rect>\
             <text x=\"{value_x:.0}\" y=\"{text_y:.0}\" font-size=\"13\" fill=\"#1b1f24\">{words}</text></g>",
            title = escape(&format!("{name}: {words}")),
            text_x = LABEL - 8.0,
            text_y = y + ROW * 0.65,
            short = escape(&short),
            bar_y = y + 5.0,
            bar_height = ROW - 10.0,
            value_x = LABEL + length + 6.0,
            words = escape(words),
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_long_as_their_share_of_the_largest() {
        let svg = bars(
            &[
                ("open".into(), 40.0, "40".into()),
                ("direct".into(), 10.0, "10".into()),
            ],
            "methods",
        );
        // The longest bar takes the room left by the labels: 600 − 190 − 170 = 240; a quarter
        // of it is 60.
        assert!(svg.contains("width=\"240.0\""), "{svg}");
        assert!(svg.contains("width=\"60.0\""), "{svg}");
        assert!(svg.contains("<title>direct: 10</title>"));
    }

    #[test]
    fn a_long_label_is_shortened_to_fit_left_of_the_bars() {
        let name = "прямая закупка (один источник)";
        let svg = bars(&[(name.into(), 1.0, "1".into())], "methods");
        // The first 21 characters and an ellipsis; the whole name stays in the title.
        assert!(svg.contains(">прямая закупка (один…</text>"), "{svg}");
        assert!(svg.contains(&format!("<title>{name}: 1</title>")), "{svg}");
    }
}
