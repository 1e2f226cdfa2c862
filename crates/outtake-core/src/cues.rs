//! Subtitle cues: a clip's lines with their times, per language, as read
//! from its subtitle files (or typed), and the search index follows them.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, require};
use crate::names::clean_text;

/// One subtitle line with its times.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cue {
    pub id: i64,
    pub clip_id: i64,
    /// Language from the subtitle file's name (`ko`, `en`); empty when unknown.
    pub lang: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
    /// Dialogue, or a sign or song lyric (from an ASS file's styles and tags).
    pub kind: CueKind,
    /// Where the line came from: a subtitle file (or the fan), the picture, speech.
    pub source: CueSource,
    /// Made by a machine (read off the picture or heard) and not edited by
    /// the fan since: shown as machine-made, ranked below human lines.
    pub machine: bool,
}

/// Where a line came from (`cue.source`, migration 0015).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CueSource {
    /// A subtitle file beside or inside the video, an export, or typed.
    #[default]
    File,
    /// Text burned into the picture, read by OCR.
    Screen,
    /// Speech, transcribed.
    Speech,
}

impl CueSource {
    /// How the `cue.source` column spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            CueSource::File => "file",
            CueSource::Screen => "screen",
            CueSource::Speech => "speech",
        }
    }

    pub(crate) fn from_name(name: &str) -> CueSource {
        [CueSource::Screen, CueSource::Speech].into_iter().find(|s| s.as_str() == name).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CueInput {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
    pub kind: CueKind,
}

impl CueInput {
    /// A line of dialogue.
    pub fn new(start_ms: i64, end_ms: i64, text: impl Into<String>) -> CueInput {
        CueInput { start_ms, end_ms, text: text.into(), kind: CueKind::Dialogue }
    }
}

/// What a cue is: something said, or text that is not (ASS files mark signs
/// and song lyrics by style and tags). Search ranks the others below dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CueKind {
    #[default]
    Dialogue,
    /// On-screen text: a shop sign, a title card, a phone screen.
    Sign,
    /// Sung lyrics: an opening, an ending, karaoke.
    Song,
}

impl CueKind {
    /// How the `cue.kind` column spells it (migration 0012).
    pub fn as_str(self) -> &'static str {
        match self {
            CueKind::Dialogue => "dialogue",
            CueKind::Sign => "sign",
            CueKind::Song => "song",
        }
    }

    /// The kind a `cue.kind` value or an export's `kind` names; `None` for anything else.
    pub fn from_name(name: &str) -> Option<CueKind> {
        [CueKind::Dialogue, CueKind::Sign, CueKind::Song].into_iter().find(|kind| kind.as_str() == name)
    }
}

fn check_lang(lang: &str) -> Result<String> {
    let lang = lang.trim();
    let ok = lang.len() <= 35 && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(Error::invalid("language", format!("\"{lang}\" is not a language tag like ko or en-US")));
    }
    Ok(lang.to_string())
}

pub(crate) fn insert_cues(conn: &Connection, clip_id: i64, lang: &str, cues: &[CueInput]) -> Result<usize> {
    insert_lines(conn, clip_id, lang, cues, CueSource::File, false)
}

/// Stores `cues` as lines from `source`, made by a machine (`machine`) or not.
pub(crate) fn insert_lines(
    conn: &Connection,
    clip_id: i64,
    lang: &str,
    cues: &[CueInput],
    source: CueSource,
    machine: bool,
) -> Result<usize> {
    require(conn, EntityKind::Clip, clip_id)?;
    let lang = check_lang(lang)?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO cue (clip_id, lang, start_ms, end_ms, text, kind, source, machine)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, cue) in cues.iter().enumerate() {
        if cue.start_ms < 0 || cue.end_ms < cue.start_ms {
            return Err(Error::invalid(
                format!("cue {}", i + 1),
                format!("times {}–{} ms run backwards", cue.start_ms, cue.end_ms),
            ));
        }
        let text = clean_text(&format!("cue {}", i + 1), &cue.text)?;
        insert.execute(params![
            clip_id,
            lang,
            cue.start_ms,
            cue.end_ms,
            text,
            cue.kind.as_str(),
            source.as_str(),
            machine
        ])?;
    }
    Ok(cues.len())
}

pub(crate) fn load_cues(conn: &Connection, clip_id: i64, lang: Option<&str>) -> Result<Vec<Cue>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, clip_id, lang, start_ms, end_ms, text, kind, source, machine FROM cue
         WHERE clip_id = ?1 AND (?2 IS NULL OR lang = ?2) ORDER BY lang, start_ms, id",
    )?;
    let rows = statement.query_map(params![clip_id, lang], |r| {
        Ok(Cue {
            id: r.get(0)?,
            clip_id: r.get(1)?,
            lang: r.get(2)?,
            start_ms: r.get(3)?,
            end_ms: r.get(4)?,
            text: r.get(5)?,
            kind: CueKind::from_name(&r.get::<_, String>(6)?).unwrap_or_default(),
            source: CueSource::from_name(&r.get::<_, String>(7)?),
            machine: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Library {
    /// Replaces a clip's subtitle cues in one language (lines read off the
    /// picture or heard stay).
    pub fn replace_cues(&mut self, clip_id: i64, lang: &str, cues: &[CueInput]) -> Result<usize> {
        self.edit(format!("replace the {lang} subtitles of clip #{clip_id}"), |tx| {
            let lang = check_lang(lang)?;
            tx.execute(
                "DELETE FROM cue WHERE clip_id = ?1 AND lang = ?2 AND source = 'file'",
                params![clip_id, lang],
            )?;
            insert_cues(tx, clip_id, &lang, cues)
        })
    }

    /// Changes a line's text (and times, when given). A machine-made line
    /// becomes the fan's own: it ranks as a human line and reading the clip
    /// again leaves it.
    pub fn edit_cue(&mut self, cue_id: i64, text: &str, times: Option<(i64, i64)>) -> Result<Cue> {
        self.edit(format!("edit line #{cue_id}"), |tx| {
            require(tx, EntityKind::Cue, cue_id)?;
            let text = clean_text("line", text)?;
            if text.trim().is_empty() {
                return Err(Error::invalid("line", "is empty (delete the line instead)"));
            }
            if let Some((start, end)) = times
                && (start < 0 || end < start)
            {
                return Err(Error::invalid("line", format!("times {start}–{end} ms run backwards")));
            }
            tx.execute(
                "UPDATE cue SET text = ?2, machine = 0, start_ms = coalesce(?3, start_ms),
                 end_ms = coalesce(?4, end_ms) WHERE id = ?1",
                params![cue_id, text, times.map(|t| t.0), times.map(|t| t.1)],
            )?;
            let clip_id: i64 =
                tx.query_row("SELECT clip_id FROM cue WHERE id = ?1", [cue_id], |r| r.get(0))?;
            let cues = load_cues(tx, clip_id, None)?;
            Ok(cues.into_iter().find(|c| c.id == cue_id).expect("the line just edited"))
        })
    }

    /// Deletes one line.
    pub fn delete_cue(&mut self, cue_id: i64) -> Result<()> {
        self.edit(format!("delete line #{cue_id}"), |tx| {
            require(tx, EntityKind::Cue, cue_id)?;
            tx.execute("DELETE FROM cue WHERE id = ?1", [cue_id])?;
            Ok(())
        })
    }

    /// A clip's cues, in one language or all.
    pub fn cues(&self, clip_id: i64, lang: Option<&str>) -> Result<Vec<Cue>> {
        require(&self.conn, EntityKind::Clip, clip_id)?;
        load_cues(&self.conn, clip_id, lang)
    }
}
