//! Subtitle files (SRT, WebVTT, SAMI) in any encoding fans meet — UTF-8 with or
//! without BOM, UTF-16 with BOM, CP949/EUC-KR — turned into timed cues.
//! Pure functions: bytes in, cues out.

mod sami;
mod timed;

use unicode_normalization::UnicodeNormalization;

use crate::sources::CueInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubtitleFormat {
    Srt,
    Vtt,
    Sami,
}

impl SubtitleFormat {
    pub fn from_extension(ext: &str) -> Option<SubtitleFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "srt" => Some(SubtitleFormat::Srt),
            "vtt" => Some(SubtitleFormat::Vtt),
            "smi" | "sami" => Some(SubtitleFormat::Sami),
            _ => None,
        }
    }
}

/// The cues of one language (a SAMI file may hold several).
#[derive(Debug, Clone, PartialEq)]
pub struct SubtitleTrack {
    pub lang: Option<String>,
    pub cues: Vec<CueInput>,
}

/// Text with the encoding it was read as.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SubtitleError {
    #[error("no subtitle lines found (expected {format} timings such as {example})")]
    NoCues { format: &'static str, example: &'static str },
    #[error("line {line}: this is not a WebVTT file (it must start with WEBVTT)")]
    NotVtt { line: usize },
}

/// Decodes subtitle bytes: a BOM decides when there is one, then strict UTF-8,
/// then a guess (chardetng), which reads Korean CP949 as EUC-KR (encoding_rs's
/// EUC-KR is the CP949 superset).
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Decoded { text: text.into_owned(), encoding: encoding.name() };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded { text: text.to_string(), encoding: "UTF-8" };
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let encoding = detector.guess(None, true);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded { text: text.into_owned(), encoding: encoding.name() }
}

/// Reads a subtitle file into tracks of cues. Bad cues are dropped one by
/// one; a file with no usable cue at all is an error.
pub fn read_subtitles(bytes: &[u8], format: SubtitleFormat) -> Result<Vec<SubtitleTrack>, SubtitleError> {
    let text = decode(bytes).text;
    let tracks = match format {
        SubtitleFormat::Srt => vec![SubtitleTrack { lang: None, cues: timed::srt(&text) }],
        SubtitleFormat::Vtt => vec![SubtitleTrack { lang: None, cues: timed::vtt(&text)? }],
        SubtitleFormat::Sami => sami::parse(&text),
    };
    let tracks: Vec<SubtitleTrack> = tracks.into_iter().filter(|t| !t.cues.is_empty()).collect();
    if tracks.is_empty() {
        let (format, example) = match format {
            SubtitleFormat::Srt => ("SRT", "00:01:02,500 --> 00:01:04,000"),
            SubtitleFormat::Vtt => ("WebVTT", "00:01:02.500 --> 00:01:04.000"),
            SubtitleFormat::Sami => ("SAMI", "<SYNC Start=62500>"),
        };
        return Err(SubtitleError::NoCues { format, example });
    }
    Ok(tracks)
}

/// The language in a subtitle's file name beside its video:
/// `Title [id]` + `Title [id].ko.vtt` → `ko`; `Title [id].srt` → none.
pub fn lang_from_file_name(video_stem: &str, subtitle_file_name: &str) -> Option<String> {
    let rest = subtitle_file_name.strip_prefix(video_stem)?.strip_prefix('.')?;
    let (lang, _ext) = rest.rsplit_once('.')?;
    let plausible = !lang.is_empty()
        && lang.len() <= 16
        && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && lang.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    plausible.then(|| lang.to_string())
}

/// Cleans cue text: tags removed, entities decoded, lines trimmed, NFC.
pub(crate) fn clean_cue_text(raw: &str) -> String {
    let mut text = String::with_capacity(raw.len());
    let mut in_tag = false;
    let mut in_brace = false;
    for c in raw.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '{' if !in_tag => in_brace = true, // ASS-style overrides like {\an8}
            '}' if in_brace => in_brace = false,
            _ if in_tag || in_brace => {}
            _ => text.push(c),
        }
    }
    let text = decode_entities(&text);
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines.join("\n").nfc().collect()
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(|c: char| c == ';' || c == '&' || c.is_whitespace()).map(|i| i + 1);
        let decoded = end
            .filter(|e| rest.as_bytes().get(*e) == Some(&b';'))
            .and_then(|e| entity(&rest[1..e]).map(|c| (c, e)));
        match decoded {
            Some((c, end)) => {
                if let Some(c) = c {
                    out.push(c);
                }
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// An entity's character; `Some(None)` for ones that mean nothing visible.
fn entity(name: &str) -> Option<Option<char>> {
    let c = match name.to_ascii_lowercase().as_str() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "lrm" | "rlm" => return Some(None),
        other => {
            let code = if let Some(hex) = other.strip_prefix("#x") {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                other.strip_prefix('#')?.parse().ok()?
            };
            return char::from_u32(code).map(Some);
        }
    };
    Some(Some(c))
}

#[cfg(test)]
mod tests;
