//! Dates and times at the library's edges: whatever comes in (typed, or in an
//! export file) is checked as a real calendar date or instant with chrono, and
//! stored as ISO text, so SQL compares them as strings.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::error::{Error, Result};
use crate::names::clean_optional;

/// A calendar date `YYYY-MM-DD` (2021-02-30 is not one); blank is `None`.
pub(crate) fn check_date(field: &str, date: Option<&str>) -> Result<Option<String>> {
    let Some(date) = clean_optional(field, date)? else { return Ok(None) };
    let shaped = date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(&date, "%Y-%m-%d") {
        Ok(parsed) if shaped => Ok(Some(parsed.format("%Y-%m-%d").to_string())),
        _ => Err(Error::invalid(field, format!("\"{date}\" is not a date like 2021-08-30"))),
    }
}

/// An instant in RFC 3339 (`2026-01-31T12:00:00Z`, any offset), stored in UTC
/// to the second like the library's own `added_at` times, so they sort as text.
pub(crate) fn check_instant(field: &str, time: &str) -> Result<String> {
    let parsed = DateTime::parse_from_rfc3339(time.trim())
        .map_err(|_| Error::invalid(field, format!("\"{time}\" is not a time like 2026-01-31T12:00:00Z")))?;
    Ok(parsed.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// An optional instant kept as written (a container's creation time keeps its
/// fractions), once it is known to be one.
pub(crate) fn check_optional_instant(field: &str, time: Option<&str>) -> Result<Option<String>> {
    match time.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => {
            check_instant(field, text)?;
            Ok(Some(text.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_dates() {
        let rows: &[(&str, Option<&str>)] = &[
            ("2021-08-30", Some("2021-08-30")),
            ("2024-02-29", Some("2024-02-29")),
            ("2021-02-30", None),
            ("2021-02-29", None),
            ("2021-13-01", None),
            ("2021-8-30", None),
            ("20210830", None),
            ("not a date", None),
            ("+2021-08-30", None),
        ];
        for (raw, expected) in rows {
            assert_eq!(check_date("air date", Some(raw)).ok().flatten().as_deref(), *expected, "{raw}");
        }
        assert_eq!(check_date("air date", Some("  ")).unwrap(), None);
        let error = check_date("air date", Some("2021-02-30")).unwrap_err().to_string();
        assert_eq!(error, "air date: \"2021-02-30\" is not a date like 2021-08-30");
    }

    #[test]
    fn instants_are_stored_in_utc() {
        let rows: &[(&str, Option<&str>)] = &[
            ("2026-01-31T12:00:00Z", Some("2026-01-31T12:00:00Z")),
            ("2026-01-31T21:00:00+09:00", Some("2026-01-31T12:00:00Z")),
            ("2026-01-31T12:00:00.250Z", Some("2026-01-31T12:00:00Z")),
            ("not a date", None),
            ("2026-02-30T12:00:00Z", None),
            ("2026-01-31", None),
            ("", None),
        ];
        for (raw, expected) in rows {
            assert_eq!(check_instant("added_at", raw).ok().as_deref(), *expected, "{raw}");
        }
        assert_eq!(
            check_optional_instant("created", Some("2021-09-14T10:00:00.000000Z")).unwrap().as_deref(),
            Some("2021-09-14T10:00:00.000000Z")
        );
        assert!(check_optional_instant("created", Some("yesterday")).is_err());
    }
}
