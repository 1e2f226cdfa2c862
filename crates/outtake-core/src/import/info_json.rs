//! yt-dlp's `NAME.info.json` sidecar: what the download page said about a clip.

use serde::Deserialize;

/// The fields Outtake uses; everything else in the file is ignored.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct InfoJson {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub uploader: Option<String>,
    pub channel: Option<String>,
    /// YYYYMMDD
    pub upload_date: Option<String>,
    pub timestamp: Option<f64>,
    pub webpage_url: Option<String>,
    pub original_url: Option<String>,
    pub tags: Option<Vec<String>>,
    pub categories: Option<Vec<String>>,
    pub duration: Option<f64>,
    pub chapters: Option<Vec<Chapter>>,
    pub series: Option<String>,
    pub season_number: Option<i64>,
    pub episode_number: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Chapter {
    pub start_time: f64,
    pub end_time: Option<f64>,
    pub title: Option<String>,
}

/// The longest title and other one-line field kept from a download (longer is cut).
pub const MAX_TITLE_CHARS: usize = 500;
/// The longest description kept.
pub const MAX_DESCRIPTION_CHARS: usize = 50_000;
/// At most this many chapters become markers (a real video has a few dozen).
pub const MAX_CHAPTERS: usize = 500;

/// Parses an info.json; the error names the line and column at fault.
pub fn parse(bytes: &[u8]) -> Result<InfoJson, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    if !value.is_object() {
        return Err("is not a JSON object".into());
    }
    // Fields of an unexpected type are dropped one by one rather than failing the whole file:
    // extractors differ (a number where a string was expected, null lists).
    let object = value.as_object().expect("checked above");
    let mut info = InfoJson::default();
    let text_of = |key: &str, max: usize, one_line: bool| {
        object
            .get(key)
            .and_then(|v| v.as_str())
            .map(|s| crate::names::text_from_file(s, max, one_line))
            .filter(|s| !s.is_empty())
    };
    let text = |key: &str| text_of(key, MAX_TITLE_CHARS, true);
    let strings = |key: &str| {
        object.get(key).and_then(|v| v.as_array()).map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(|s| crate::names::text_from_file(s, MAX_TITLE_CHARS, true)))
                .collect()
        })
    };
    info.id = text("id");
    info.title = text("title").or_else(|| text("fulltitle"));
    info.description = text_of("description", MAX_DESCRIPTION_CHARS, false);
    info.uploader = text("uploader");
    info.channel = text("channel");
    info.upload_date = text("upload_date");
    info.timestamp = object.get("timestamp").and_then(|v| v.as_f64());
    info.webpage_url = text("webpage_url");
    info.original_url = text("original_url");
    info.tags = strings("tags");
    info.categories = strings("categories");
    info.duration = object.get("duration").and_then(|v| v.as_f64()).filter(|d| d.is_finite() && *d >= 0.0);
    info.chapters = object.get("chapters").and_then(|v| v.as_array()).map(|chapters| {
        chapters
            .iter()
            .take(MAX_CHAPTERS)
            .filter_map(|c| Chapter::deserialize(c).ok())
            .map(|mut c| {
                c.title = c.title.map(|t| crate::names::text_from_file(&t, MAX_TITLE_CHARS, true));
                c
            })
            .collect()
    });
    info.series = text("series");
    info.season_number = object.get("season_number").and_then(|v| v.as_i64());
    info.episode_number = object.get("episode_number").and_then(|v| v.as_i64());
    Ok(info)
}

impl InfoJson {
    /// `upload_date` as YYYY-MM-DD, when it is a real date.
    pub fn published(&self) -> Option<String> {
        let date = self.upload_date.as_deref()?.trim();
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (year, month, day) = (&date[..4], &date[4..6], &date[6..]);
        let valid = ("01"..="12").contains(&month) && ("01"..="31").contains(&day);
        valid.then(|| format!("{year}-{month}-{day}"))
    }

    /// The uploader's name (the channel when the uploader is not given).
    pub fn uploader_name(&self) -> Option<String> {
        self.uploader.clone().or_else(|| self.channel.clone())
    }

    /// The page the clip came from.
    pub fn url(&self) -> Option<String> {
        self.webpage_url.clone().or_else(|| self.original_url.clone())
    }

    /// Chapters as (start ms, end ms, title), in order, with nonsense dropped.
    pub fn chapter_markers(&self) -> Vec<(i64, Option<i64>, String)> {
        let mut markers: Vec<(i64, Option<i64>, String)> = self
            .chapters
            .iter()
            .flatten()
            .filter(|c| c.start_time.is_finite() && c.start_time >= 0.0)
            .filter_map(|c| {
                let title = c.title.as_deref()?.trim();
                let start = (c.start_time * 1000.0).round() as i64;
                let end = c
                    .end_time
                    .filter(|e| e.is_finite())
                    .map(|e| (e * 1000.0).round() as i64)
                    .filter(|e| *e >= start);
                (!title.is_empty()).then(|| (start, end, title.to_string()))
            })
            .collect();
        markers.sort_by_key(|(start, _, _)| *start);
        markers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_yt_dlp_info_json() {
        let json = r#"{
            "id": "dQw4w9WgXcQ", "title": "[Making] Lovers of the Red Sky EP.3",
            "description": "Behind the scenes", "uploader": "SBS Drama", "channel": "SBS",
            "upload_date": "20210914", "webpage_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "tags": ["김유정", "안효섭", 7], "duration": 612.5,
            "chapters": [{"start_time": 83.5, "end_time": 100.0, "title": "Sealing ceremony"},
                         {"start_time": 0.0, "end_time": 83.5, "title": "Intro"},
                         {"start_time": 200.0, "end_time": 150.0, "title": "Backwards end"},
                         {"start_time": 300.0, "title": "  "}],
            "formats": [{"format_id": "137"}], "episode_number": "not a number"
        }"#;
        let info = parse(json.as_bytes()).unwrap();
        assert_eq!(info.id.as_deref(), Some("dQw4w9WgXcQ"));
        assert_eq!(info.published().as_deref(), Some("2021-09-14"));
        assert_eq!(info.uploader_name().as_deref(), Some("SBS Drama"));
        assert_eq!(info.tags, Some(vec!["김유정".to_string(), "안효섭".to_string()]));
        assert_eq!(info.episode_number, None);
        assert_eq!(
            info.chapter_markers(),
            vec![
                (0, Some(83_500), "Intro".to_string()),
                (83_500, Some(100_000), "Sealing ceremony".to_string()),
                (200_000, None, "Backwards end".to_string()),
            ]
        );
    }

    #[test]
    fn malformed_files_say_where() {
        let rows: &[(&[u8], &str)] = &[
            (b"{\"id\": \"x\",\n \"title\": }", "line 2, column"),
            (b"{\"id\": \"x\"", "line 1, column"),
            (b"[1, 2]", "not a JSON object"),
            (b"", "line 1, column 0"),
        ];
        for (bytes, expected) in rows {
            let error = parse(bytes).unwrap_err();
            assert!(error.contains(expected), "{error}");
        }
        assert_eq!(parse(b"\xEF\xBB\xBF{\"title\": \"BOM\"}").unwrap().title.as_deref(), Some("BOM"));
    }

    #[test]
    fn dates() {
        for (raw, expected) in
            [("20210914", Some("2021-09-14")), ("20211314", None), ("2021-09-14", None), ("", None)]
        {
            let info = InfoJson { upload_date: Some(raw.into()), ..InfoJson::default() };
            assert_eq!(info.published().as_deref(), expected, "{raw}");
        }
    }
}
