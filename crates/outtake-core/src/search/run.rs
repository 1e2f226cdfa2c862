//! Running a parsed query: its filters are resolved once (`filters.rs`); its
//! words are matched in the FTS tables (`candidates.rs`), or, with no words,
//! the filtered clips are walked newest first; then the hits are grouped by
//! clip, sorted, cut to the page, and given titles, paths and snippets.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use super::HitKind;
use super::candidates::{Found, Reads, word_matches};
use super::filters::{Facets, Filters};
use super::query::{Query, Sort};
use super::snippet::{Needles, snippet};
use crate::cues::CueSource;
use crate::db::id_array;
use crate::error::Result;

/// Hits shown per clip; the clip's rank uses all of them.
const HITS_PER_CLIP: usize = 5;

/// One place a search matched, as `outtake search --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub clip_id: i64,
    pub title: String,
    pub path: Option<String>,
    pub kind: HitKind,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// The matched text with the query's words between `**`.
    pub snippet: String,
    pub score: f64,
    /// A line a machine made (read off the picture, heard) and the fan has not edited.
    pub machine: bool,
    /// Where a line came from (a subtitle file, the picture, speech); `None` for other hits.
    pub source: Option<CueSource>,
}

/// A page of hits, and whether more clips than it holds may match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// True when the search stopped reading matches, or the page held fewer
    /// clips than matched: more words or filters would show the rest.
    pub more: bool,
}

/// The hits of `query`, grouped by clip, at most `limit` clips.
pub(crate) fn run(conn: &Connection, query: &Query, limit: usize) -> Result<SearchPage> {
    let (mut grouped, more) = grouped_hits(conn, query, limit)?;
    for (_, found) in &mut grouped {
        // Best first; equally good hits in the order they happen in the clip.
        found.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then(a.start_ms.unwrap_or(-1).cmp(&b.start_ms.unwrap_or(-1)))
        });
        found.truncate(HITS_PER_CLIP);
    }
    Ok(SearchPage { hits: page_hits(conn, query, grouped)?, more })
}

/// Hits grouped by clip: each clip's id and its hits.
type Grouped = Vec<(i64, Vec<Found>)>;

/// Every hit of `query` in its clips' order, at most `limit` clips, and
/// whether more clips may match.
fn grouped_hits(conn: &Connection, query: &Query, limit: usize) -> Result<(Grouped, bool)> {
    let filters = Filters::new(conn, &query.filters, query.fts.is_some())?;
    // Every read notes in it whether it stopped before reading every match.
    let mut reads = Reads::new(conn);
    let found = match &query.fts {
        // A cast, show or tag no clip has: nothing can match.
        Some(_) if matches!(filters.facets, Facets::Nothing) => Vec::new(),
        Some(fts) => word_matches(&mut reads, query, fts, &filters, limit)?,
        None => filtered_only(&mut reads, query, &filters, limit)?,
    };
    let mut grouped = by_clip(found);
    sort_clips(conn, query.sort, &mut grouped)?;
    let more = reads.stopped_early() || grouped.len() > limit;
    grouped.truncate(limit);
    Ok((grouped, more))
}

/// A hit with a place in time: a marker or a subtitle line (what a reel plays).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimedHit {
    pub clip_id: i64,
    pub kind: HitKind,
    /// The marker's or the cue's id.
    pub id: i64,
    pub start_ms: i64,
    pub end_ms: Option<i64>,
}

/// Every marker and cue hit of `query` (none of a clip's is cut, unlike a
/// page's), clips in the search's order, each clip's hits in time order;
/// hits on a whole clip or scene have no time and are left out.
pub(crate) fn timed_hits(conn: &Connection, query: &Query, clip_limit: usize) -> Result<Vec<TimedHit>> {
    let (grouped, _) = grouped_hits(conn, query, clip_limit)?;
    let mut hits = Vec::new();
    for (clip_id, found) in grouped {
        let mut timed: Vec<TimedHit> = found
            .into_iter()
            .filter(|hit| matches!(hit.kind, HitKind::Marker | HitKind::Cue))
            .filter_map(|hit| {
                let start_ms = hit.start_ms?;
                Some(TimedHit { clip_id, kind: hit.kind, id: hit.ref_id, start_ms, end_ms: hit.end_ms })
            })
            .collect();
        timed.sort_by_key(|hit| (hit.start_ms, hit.end_ms, hit.id));
        timed.dedup_by_key(|hit| (hit.kind, hit.id));
        hits.extend(timed);
    }
    Ok(hits)
}

/// The hits grouped by clip, clips in the order of their first hit.
fn by_clip(found: Vec<Found>) -> Vec<(i64, Vec<Found>)> {
    let mut grouped: Vec<(i64, Vec<Found>)> = Vec::new();
    let mut position: HashMap<i64, usize> = HashMap::new();
    for hit in found {
        match position.get(&hit.clip_id) {
            Some(&at) => grouped[at].1.push(hit),
            None => {
                position.insert(hit.clip_id, grouped.len());
                grouped.push((hit.clip_id, vec![hit]));
            }
        }
    }
    grouped
}

/// The page's hits with their clips' titles and paths and their snippets.
fn page_hits(conn: &Connection, query: &Query, grouped: Vec<(i64, Vec<Found>)>) -> Result<Vec<SearchHit>> {
    // Titles, paths and hit texts for the whole page, a query per kind.
    let titles = clip_titles(conn, grouped.iter().map(|(id, _)| *id))?;
    let texts = hit_texts(conn, grouped.iter().flat_map(|(_, found)| found.iter()))?;
    let needles = Needles::new(&query.highlights);
    let mut hits = Vec::new();
    for (clip_id, found) in grouped {
        let (title, path) = titles.get(&clip_id).cloned().unwrap_or_default();
        for hit in found {
            let (text, machine, source) = texts
                .get(&(hit.kind, hit.ref_id))
                .map_or(("", false, None), |(t, m, s)| (t.as_str(), *m, *s));
            hits.push(SearchHit {
                clip_id,
                title: title.clone(),
                path: path.clone(),
                kind: hit.kind,
                start_ms: hit.start_ms,
                end_ms: hit.end_ms,
                snippet: snippet(text, &needles),
                score: (hit.score * 1000.0).round() / 1000.0,
                machine,
                source,
            });
        }
    }
    Ok(hits)
}

/// A query of filters alone: each matching clip, plus the markers the
/// cast/character/scene/tag filters point at.
fn filtered_only(
    reads: &mut Reads<'_>,
    query: &Query,
    filters: &Filters,
    limit: usize,
) -> Result<Vec<Found>> {
    let Some(restriction) = &filters.restriction else { return Ok(Vec::new()) };
    // Newest first (one more, to know whether there are more); with another
    // sort every allowed clip is a candidate.
    let page = (query.sort == Sort::Relevance).then_some(limit + 1);
    let mut clips = restriction.newest(reads.conn, page)?;
    if page.is_some_and(|page| clips.len() >= page) {
        reads.stopped_early_if(true);
        clips.truncate(limit);
    }
    let markers = filters.markers_of(reads.conn, &clips)?;
    let mut found = Vec::new();
    for clip_id in clips {
        found.push(Found {
            clip_id,
            kind: HitKind::Clip,
            ref_id: clip_id,
            start_ms: None,
            end_ms: None,
            score: 0.0,
            lang: None,
        });
        for (marker, start, end) in markers.get(&clip_id).into_iter().flatten() {
            found.push(Found {
                clip_id,
                kind: HitKind::Marker,
                ref_id: *marker,
                start_ms: Some(*start),
                end_ms: *end,
                score: 0.0,
                lang: None,
            });
        }
    }
    Ok(found)
}

fn sort_clips(conn: &Connection, sort: Sort, grouped: &mut [(i64, Vec<Found>)]) -> Result<()> {
    let column = match sort {
        Sort::Relevance => return Ok(()),
        Sort::Added => "added_at",
        Sort::Duration => "coalesce(duration_ms, 0)",
        Sort::Title => "title_key",
    };
    let mut statement = conn.prepare_cached(&format!("SELECT {column} FROM clip WHERE id = ?1"))?;
    let mut keys: HashMap<i64, rusqlite::types::Value> = HashMap::new();
    for (clip_id, _) in grouped.iter() {
        keys.insert(*clip_id, statement.query_row([clip_id], |r| r.get(0))?);
    }
    let key = |id: &i64| keys.get(id).cloned().unwrap_or(rusqlite::types::Value::Null);
    grouped.sort_by(|(a, _), (b, _)| {
        let ordering = compare_values(&key(a), &key(b));
        if sort == Sort::Title { ordering } else { ordering.reverse() }
    });
    Ok(())
}

fn compare_values(a: &rusqlite::types::Value, b: &rusqlite::types::Value) -> std::cmp::Ordering {
    use rusqlite::types::Value::*;
    match (a, b) {
        (Integer(x), Integer(y)) => x.cmp(y),
        (Text(x), Text(y)) => x.cmp(y),
        (Real(x), Real(y)) => x.total_cmp(y),
        _ => std::cmp::Ordering::Equal,
    }
}

/// Title and best path of each clip.
fn clip_titles(
    conn: &Connection,
    clips: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, (String, Option<String>)>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, title, (SELECT path FROM file WHERE clip_id = clip.id ORDER BY status <> 'present', id LIMIT 1)
         FROM clip WHERE id IN rarray(?1)",
    )?;
    let rows = statement.query_map([id_array(clips)], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a hit shows: its text, whether a machine made it, a cue's source.
type HitText = (String, bool, Option<CueSource>);

/// The text each hit shows: a cue's line, a marker's title/quote/note, a
/// clip's title and notes; whether a machine made it (a cue read off the
/// picture or heard, not edited since); and a cue's source.
fn hit_texts<'a>(
    conn: &Connection,
    hits: impl Iterator<Item = &'a Found>,
) -> Result<HashMap<(HitKind, i64), HitText>> {
    let mut ids: HashMap<HitKind, Vec<i64>> = HashMap::new();
    for hit in hits {
        ids.entry(hit.kind).or_default().push(hit.ref_id);
    }
    let mut texts = HashMap::new();
    for (kind, list) in ids {
        let sql = match kind {
            HitKind::Cue => "SELECT id, text, machine, source FROM cue WHERE id IN rarray(?1)",
            HitKind::Marker => {
                "SELECT id, concat_ws(' — ', title, quote, note), 0, NULL FROM marker WHERE id IN rarray(?1)"
            }
            _ => {
                "SELECT id, concat_ws(' — ', title, description, note), 0, NULL FROM clip WHERE id IN rarray(?1)"
            }
        };
        let mut statement = conn.prepare_cached(sql)?;
        let rows = statement.query_map([id_array(list)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in rows {
            let (id, text, machine, source) = row?;
            let source = source.map(|name| CueSource::from_name(&name));
            texts.insert((kind, id), (text.unwrap_or_default(), machine, source));
        }
    }
    Ok(texts)
}
