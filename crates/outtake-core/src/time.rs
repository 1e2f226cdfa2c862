//! Times inside a clip, as fans type them: `83.5`, `1:23`, `01:01:23.500`.

use crate::error::{Error, Result};

/// Parses a clip time into milliseconds. `field` names the input in errors.
pub fn parse_time(field: &str, text: &str) -> Result<i64> {
    let text = text.trim();
    let bad = |why: &str| {
        Error::invalid(field, format!("\"{text}\" is not a time ({why}); write 83.5, 1:23 or 01:01:23.500"))
    };
    if text.is_empty() {
        return Err(bad("empty"));
    }
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() > 3 {
        return Err(bad("too many colons"));
    }
    let (whole, last) = parts.split_at(parts.len() - 1);
    let mut ms: i64 = 0;
    for (i, part) in whole.iter().enumerate() {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) || part.len() > 6 {
            return Err(bad("hours and minutes are whole numbers"));
        }
        let value: i64 = part.parse().map_err(|_| bad("number too large"))?;
        if i > 0 && value >= 60 {
            return Err(bad("minutes run 0 to 59"));
        }
        ms = ms * 60 + value;
    }
    let seconds_ms = parse_seconds(last[0]).ok_or_else(|| bad("seconds are a number like 23 or 23.5"))?;
    if !whole.is_empty() && seconds_ms >= 60_000 {
        return Err(bad("seconds run 0 to 59"));
    }
    Ok(ms * 60_000 + seconds_ms)
}

/// `23`, `23.5`, `23.500` → milliseconds (finer digits are rounded).
fn parse_seconds(text: &str) -> Option<i64> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty() || int.len() > 9 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (text.contains('.') && frac.is_empty()) {
        return None;
    }
    let mut ms = int.parse::<i64>().ok()? * 1000;
    let digits: Vec<i64> = frac.bytes().map(|b| i64::from(b - b'0')).collect();
    for (i, scale) in [100, 10, 1].iter().enumerate() {
        ms += digits.get(i).copied().unwrap_or(0) * scale;
    }
    if digits.get(3).is_some_and(|d| *d >= 5) {
        ms += 1;
    }
    Some(ms)
}

/// Formats milliseconds as `M:SS.mmm` or `H:MM:SS.mmm` (no fraction when whole).
pub fn format_time(ms: i64) -> String {
    let ms = ms.max(0);
    let (hours, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    let (seconds, millis) = (rest / 1000, rest % 1000);
    let head = if hours > 0 { format!("{hours}:{minutes:02}") } else { minutes.to_string() };
    if millis == 0 { format!("{head}:{seconds:02}") } else { format!("{head}:{seconds:02}.{millis:03}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_fans_type() {
        let rows = [
            ("0", 0),
            ("83.5", 83_500),
            ("83.25", 83_250),
            ("83.0005", 83_001),
            ("1:23", 83_000),
            ("1:23.5", 83_500),
            ("01:01:23.500", 3_683_500),
            ("100:00", 6_000_000),
            (" 7 ", 7_000),
        ];
        for (text, ms) in rows {
            assert_eq!(parse_time("start", text).unwrap(), ms, "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for text in ["", "abc", "1:2:3:4", "1:60", "1:00:60", "-5", "1.", ".5", "1:-2", "1::2", "1e3"] {
            let error = parse_time("start", text).unwrap_err().to_string();
            assert!(error.starts_with("start: "), "{text}: {error}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for ms in [0, 999, 83_500, 3_683_500, 59_999] {
            assert_eq!(parse_time("t", &format_time(ms)).unwrap(), ms);
        }
        assert_eq!(format_time(83_500), "1:23.500");
        assert_eq!(format_time(3_600_000), "1:00:00");
    }
}
