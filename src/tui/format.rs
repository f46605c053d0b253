//! How numbers and text are written in the panes: thousands separators,
//! hours from watch seconds, signed percentages, text sparklines and
//! truncation with an ellipsis.

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A float with one decimal and thousands separators: `1234.56` → `1,234.6`.
pub fn decimal1(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.abs();
    format!("{sign}{}.{}", thousands(t / 10), t % 10)
}

/// Watch seconds as hours with one decimal.
pub fn hours(seconds: i64) -> String {
    decimal1(seconds as f64 / 3600.0)
}

/// Watch seconds as signed hours: `+12.5`, `-3.0`.
pub fn signed_hours(seconds: i64) -> String {
    let h = decimal1(seconds as f64 / 3600.0);
    if seconds > 0 { format!("+{h}") } else { h }
}

/// A percent change: `+12.3%`, `-4.0%`, or `new` when there is none.
pub fn pct_change(p: Option<f64>) -> String {
    match p {
        Some(p) if p > 0.0 => format!("+{}%", decimal1(p)),
        Some(p) => format!("{}%", decimal1(p)),
        None => "new".to_string(),
    }
}

/// One character per value, scaled to the largest: `▁▂▃▄▅▆▇█`, a space
/// for zero.
pub fn sparkline(values: &[i64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if v <= 0 || max <= 0 {
                ' '
            } else {
                let i = ((v as f64 / max as f64) * 7.0).round() as usize;
                BARS[i.min(7)]
            }
        })
        .collect()
}

/// `s` cut to `width` characters, with `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// The frame of a small spinner for loading states.
pub fn spinner(tick: u64) -> char {
    const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    FRAMES[(tick % FRAMES.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(decimal1(1234.56), "1,234.6");
        assert_eq!(decimal1(-0.04), "0.0");
        assert_eq!(hours(5400), "1.5");
        assert_eq!(signed_hours(3600), "+1.0");
        assert_eq!(signed_hours(-7200), "-2.0");
        assert_eq!(pct_change(Some(12.34)), "+12.3%");
        assert_eq!(pct_change(Some(-4.0)), "-4.0%");
        assert_eq!(pct_change(None), "new");
    }

    #[test]
    fn sparklines_and_truncation() {
        assert_eq!(sparkline(&[0, 1, 2, 4, 8]), " ▂▃▅█");
        assert_eq!(sparkline(&[0, 0]), "  ");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(truncate("Harbor Lights", 6), "Harbo…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abc", 0), "");
    }
}
