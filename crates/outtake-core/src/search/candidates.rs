//! Reading a word query's candidates from the two FTS tables — clip and
//! marker documents first, subtitle cues after — on the clips the filters
//! allow.
//!
//! Ranking every match is what makes plain FTS5 slow on common words (bm25
//! scores each of them). Here each table is first asked for at most
//! `CANDIDATES` matches without ranking; only when that finds them all is the
//! ranked query run (its cost is then bounded too). A word too common to rank
//! keeps the index's order, newest first.
//!
//! FTS rowids are the negated ids of `search_doc` and `cue` rows, so reading
//! in ascending rowid order — which FTS5 does fastest — reads newest first.
//!
//! With words, the cast, show and tag filters are facet clauses of the FTS
//! query itself (every document and cue carries its clip's facets, see
//! migration 0007), so FTS5 intersects the word's doclist with the facet's
//! instead of the word being looked up clip by clip.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{Connection, ToSql, params};

use super::HitKind;
use super::filters::{FacetFilter, Filters};
use super::query::{Query, Sort, Within, without};
use crate::db::id_array;
use crate::error::Result;

/// Matches read per table for a query without filters, at the least (a page
/// of more than 100 clips reads two per clip).
const CANDIDATES: usize = 200;
/// With filters many matches are thrown away, so more are read.
const CANDIDATES_FILTERED: usize = 5000;

/// The cues matched (as `f`), with their scores. Signs and songs
/// (`cue.kind`, migration 0012) rank below what people say: 100 lower than a
/// line of dialogue that matches as well — more than any cue's bm25 score,
/// so every spoken line comes first — and below words spread over a clip.
/// Lines a machine made (read off the picture or heard, migration 0015) rank
/// below every line a human wrote: 200 lower.
const CUES: &str = "SELECT c.clip_id, c.lang, c.id, c.start_ms, c.end_ms,
        f.score - CASE c.kind WHEN 'dialogue' THEN 0.0 ELSE 100.0 END - 200.0 * c.machine AS score
    FROM ({}) f JOIN cue c ON c.id = f.id";

/// A matched document before snippets: kind, id of the marker/cue/clip, times, score.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub(super) clip_id: i64,
    pub(super) kind: HitKind,
    pub(super) ref_id: i64,
    pub(super) start_ms: Option<i64>,
    pub(super) end_ms: Option<i64>,
    pub(super) score: f64,
    /// A cue's language.
    pub(super) lang: Option<String>,
}

/// What the reads of one search share: the connection, and whether one of
/// them stopped before every match was read (then more clips may match than
/// a page shows). The search running them owns it and asks at the end.
pub(super) struct Reads<'c> {
    pub(super) conn: &'c Connection,
    stopped_early: bool,
}

impl<'c> Reads<'c> {
    pub(super) fn new(conn: &'c Connection) -> Reads<'c> {
        Reads { conn, stopped_early: false }
    }

    /// Notes a read that stopped before every match was read, when `stopped`.
    pub(super) fn stopped_early_if(&mut self, stopped: bool) {
        self.stopped_early |= stopped;
    }

    /// Whether a read stopped before every match was read.
    pub(super) fn stopped_early(&self) -> bool {
        self.stopped_early
    }
}

fn unique_clips(found: &[Found]) -> impl Iterator<Item = i64> {
    found.iter().map(|f| f.clip_id).collect::<HashSet<_>>().into_iter()
}

/// The matches of the words `fts` in the clips the filters allow, enough for
/// a page of `limit` clips; then the clips whose words are spread over
/// several documents.
pub(super) fn word_matches(
    reads: &mut Reads<'_>,
    query: &Query,
    fts: &str,
    filters: &Filters,
    limit: usize,
) -> Result<Vec<Found>> {
    let restriction = filters.restriction.as_ref();
    let filtered = restriction.is_some() || !filters.langs.is_empty();
    // With filters many matches are thrown away, so more are read;
    // a big page (the app asks for 200 clips) reads two matches a clip.
    let k = if filtered { CANDIDATES_FILTERED } else { CANDIDATES.max(limit * 2) };
    // A narrow filter's clips bound the word search itself.
    // Every filter is applied to it first, so a page's worth of clips
    // found in it is a whole page.
    let driving: Option<HashSet<i64>> = match restriction {
        Some(r) if r.drives() => Some(r.newest(reads.conn, None)?.into_iter().collect()),
        _ => None,
    };
    // A wide filter is checked on the candidates: read a few first, and
    // more only while the page is not full (each read is a superset of
    // the one before: the same ranked set, or more of the newest).
    let tries: &[usize] = if filtered && driving.is_none() && query.sort == Sort::Relevance {
        &[CANDIDATES, CANDIDATES * 5, k]
    } else {
        &[k]
    };
    let mut found = Vec::new();
    for &k in tries {
        // Only the last, widest read says whether reading stopped early.
        reads.stopped_early = false;
        found = matches(reads, query, fts, filters, driving.as_ref(), k, limit)?;
        let read_all = found.len() < k;
        let clips = match restriction {
            Some(restriction) => {
                // `among` answers a subset of the clips asked about.
                let allowed = restriction.among(reads.conn, unique_clips(&found))?;
                found.retain(|hit| allowed.contains(&hit.clip_id));
                allowed.len()
            }
            None => unique_clips(&found).count(),
        };
        if read_all || clips >= limit {
            break;
        }
    }
    let spread = spread_matches(reads, query, filters, &found, limit)?;
    found.extend(spread);
    Ok(found)
}

/// Matches in clip/marker documents, then in cues, respecting `in:` and `lang:`;
/// only in clips with the filters' facets, and only in `allowed` clips when
/// given (then reading matches stops once `clip_limit` clips have some).
fn matches(
    reads: &mut Reads<'_>,
    query: &Query,
    fts: &str,
    filters: &Filters,
    allowed: Option<&HashSet<i64>>,
    k: usize,
    clip_limit: usize,
) -> Result<Vec<Found>> {
    let (within, langs) = (&filters.within, &filters.langs);
    let facets = filters.facets.filter();
    let wants = |w: Within| within.is_empty() || within.contains(&w);
    let ids_of = |clips: &HashSet<i64>| id_array(clips.iter().copied());
    let clip_ids = allowed.map(ids_of);
    let mut found = Vec::new();
    if wants(Within::Titles) || wants(Within::Notes) || wants(Within::Markers) {
        let expression = match (wants(Within::Titles), wants(Within::Notes), within.is_empty()) {
            (_, _, true) => fts.to_string(),
            (true, false, _) => format!("{{title names}} : ({fts})"),
            (false, true, _) => format!("{{body}} : ({fts})"),
            _ => fts.to_string(),
        };
        let only_markers = !within.is_empty() && within.iter().all(|w| *w == Within::Markers);
        let docs = "SELECT d.clip_id, d.kind, d.ref_id, d.start_ms, d.end_ms, f.score FROM ({}) f
                    JOIN search_doc d ON d.id = f.id";
        let reading =
            reading(clip_ids.as_ref().map(|clips| Scope { docs: "search_doc", clips, clip_limit }), facets);
        for hit in candidates(reads, "fts_meta", &expression, k, docs, reading)? {
            if allowed.is_some_and(|a| !a.contains(&hit.clip_id))
                || (only_markers && hit.kind != HitKind::Marker)
            {
                continue;
            }
            found.push(Found { score: 100.0 + hit.score, ..hit });
        }
    }
    let sources: Vec<&str> =
        [(Within::Subs, "'file'"), (Within::Screen, "'screen'"), (Within::Speech, "'speech'")]
            .into_iter()
            .filter(|(w, _)| within.contains(w))
            .map(|(_, source)| source)
            .collect();
    if within.is_empty() || !sources.is_empty() {
        // Clips matched in titles, names or notes rank above the others: when
        // they already fill the page, only their subtitles can still show.
        let matched: HashSet<i64> = unique_clips(&found).collect();
        let page_full = allowed.is_some() && query.sort == Sort::Relevance && matched.len() >= clip_limit;
        let clip_ids = if page_full { Some(ids_of(&matched)) } else { clip_ids };
        let reading =
            reading(clip_ids.as_ref().map(|clips| Scope { docs: "cue", clips, clip_limit }), facets);
        // `in:` names which lines: only those sources (written here, never typed text).
        let select = match sources.is_empty() {
            true => CUES.to_string(),
            false => format!("{CUES} WHERE c.source IN ({})", sources.join(", ")),
        };
        for hit in candidates(reads, "fts_cue", fts, k, &select, reading)? {
            let lang = hit.lang.as_deref().unwrap_or("");
            if allowed.is_some_and(|a| !a.contains(&hit.clip_id))
                || (!langs.is_empty() && !langs.iter().any(|l| l == lang))
            {
                continue;
            }
            found.push(hit);
        }
    }
    Ok(found)
}

/// How `candidates` reads a table.
#[derive(Clone, Copy)]
enum Reading<'a> {
    /// Ranked by bm25 when few documents match, else the newest.
    Ranked,
    /// Only the documents of a few clips (and with these facets, if any).
    Scoped(Scope<'a>, Option<&'a FacetFilter>),
    /// Only documents of clips with these facets.
    Faceted(&'a FacetFilter),
}

fn reading<'a>(scope: Option<Scope<'a>>, facets: Option<&'a FacetFilter>) -> Reading<'a> {
    match (scope, facets) {
        (Some(scope), facets) => Reading::Scoped(scope, facets),
        (None, Some(facets)) => Reading::Faceted(facets),
        (None, None) => Reading::Ranked,
    }
}

/// Clips where every word matches somewhere, though no single document has
/// them all (`김유정 눈물`: her name in the cast, the word in a subtitle). Their
/// hits are the documents matching any of the words; they rank after clips
/// that matched in one place. Skipped when one place already filled the page.
fn spread_matches(
    reads: &mut Reads<'_>,
    query: &Query,
    filters: &Filters,
    found: &[Found],
    limit: usize,
) -> Result<Vec<Found>> {
    let already: HashSet<i64> = found.iter().map(|f| f.clip_id).collect();
    if query.terms.len() < 2 || already.len() >= limit {
        return Ok(Vec::new());
    }
    let mut common: Option<HashSet<i64>> = None;
    for term in &query.terms {
        let clips = clips_matching(reads, term, filters.facets.filter())?;
        common = Some(match common {
            None => clips,
            Some(so_far) => so_far.intersection(&clips).copied().collect(),
        });
        // No clip has all the words read so far: the rest cannot add one
        // (each term is a query reading up to CANDIDATES_FILTERED matches).
        if common.as_ref().is_some_and(HashSet::is_empty) {
            break;
        }
    }
    let mut spread: HashSet<i64> =
        common.unwrap_or_default().into_iter().filter(|c| !already.contains(c)).collect();
    if let Some(restriction) = &filters.restriction {
        spread = restriction.among(reads.conn, spread.into_iter())?;
    }
    if spread.is_empty() {
        return Ok(Vec::new());
    }
    let any = without(&format!("({})", query.terms.join(" OR ")), &query.excluded);
    let mut hits = matches(reads, query, &any, filters, Some(&spread), CANDIDATES_FILTERED, limit)?;
    for hit in &mut hits {
        hit.score -= 50.0;
    }
    Ok(hits)
}

/// The clips with a document (clip, marker or cue) matching one term (and with the facets).
fn clips_matching(reads: &mut Reads<'_>, term: &str, facets: Option<&FacetFilter>) -> Result<HashSet<i64>> {
    let docs = "SELECT d.clip_id, d.kind, d.ref_id, d.start_ms, d.end_ms, f.score FROM ({}) f JOIN search_doc d ON d.id = f.id";
    let cues =
        "SELECT c.clip_id, 'cue', c.id, c.start_ms, c.end_ms, f.score FROM ({}) f JOIN cue c ON c.id = f.id";
    let mut clips: HashSet<i64> = HashSet::new();
    clips.extend(
        candidates(reads, "fts_meta", term, CANDIDATES_FILTERED, docs, reading(None, facets))?
            .into_iter()
            .map(|f| f.clip_id),
    );
    clips.extend(
        candidates(reads, "fts_cue", term, CANDIDATES_FILTERED, cues, reading(None, facets))?
            .into_iter()
            .map(|f| f.clip_id),
    );
    Ok(clips)
}

/// The documents of a few clips: the rows of `docs` (`search_doc` or `cue`,
/// whose negated ids are the FTS rowids) that belong to `clips`.
#[derive(Clone, Copy)]
struct Scope<'a> {
    docs: &'static str,
    clips: &'a Rc<Vec<Value>>,
    /// Reading stops once this many clips have matches.
    clip_limit: usize,
}

/// A rowid-range seek costs about as much as streaming this many matches
/// (measured on the benchmark library: a seek is a fresh FTS5 query, ~6–15 µs
/// when it reads in ascending rowid order — several times that in descending
/// order — and a streamed match ~0.1–0.2 µs).
const ROWS_PER_SEEK: usize = 24;
/// Rowids of one clip further apart than this start another range.
const RANGE_GAP: i64 = 64;

/// Matches within a few clips (`scope` says which documents), until
/// `scope.clip_limit` clips have some. Two ways, whichever reads less: when
/// the query matches few rows overall, its matches are streamed newest first
/// and kept when they are the clips'; when it matches many (a common word),
/// each clip's documents — a run of rowids, as they are written together —
/// are asked for their matches with one rowid-range query each, newest clips
/// first. (An `IN` list of rowids makes FTS5 redo the query per value.) The
/// count that picks the way reads at most the stream's budget.
/// Returns the ids (`docs`' ids, not FTS rowids) of the matches kept.
fn scoped(
    reads: &mut Reads<'_>,
    table: &str,
    expression: &str,
    k: usize,
    scope: Scope<'_>,
) -> Result<Vec<i64>> {
    let conn = reads.conn;
    let docs_sql = format!("SELECT id, clip_id FROM {} WHERE clip_id IN rarray(?1)", scope.docs);
    let wanted: HashMap<i64, i64> = conn
        .prepare_cached(&docs_sql)?
        .query_map([scope.clips], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let ranges = rowid_ranges(&wanted);
    let budget = ranges.len() * ROWS_PER_SEEK;
    let count_sql = format!("SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ?1 LIMIT ?2)");
    let matching: i64 =
        conn.prepare_cached(&count_sql)?.query_row(params![expression, budget as i64 + 1], |r| r.get(0))?;
    let mut kept: Vec<i64> = Vec::new();
    let mut clips: HashSet<i64> = HashSet::new();
    // Keeps a match of a wanted clip; false once enough are kept (and then
    // more may match).
    let mut stopped = false;
    let mut keep = |rowid: i64| -> bool {
        let Some(clip) = wanted.get(&rowid) else { return true };
        // Enough clips: stop at the first match of one more.
        if clips.insert(*clip) && clips.len() > scope.clip_limit {
            stopped = true;
            return false;
        }
        kept.push(rowid);
        stopped = kept.len() >= k;
        !stopped
    };
    if matching as usize <= budget {
        let sql = format!("SELECT -rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid");
        let mut statement = conn.prepare_cached(&sql)?;
        let mut rows = statement.query([expression])?;
        while let Some(row) = rows.next()? {
            if !keep(row.get(0)?) {
                break;
            }
        }
    } else {
        let sql = format!(
            "SELECT -rowid FROM {table} WHERE {table} MATCH ?1 AND rowid BETWEEN -?3 AND -?2 ORDER BY rowid"
        );
        let mut statement = conn.prepare_cached(&sql)?;
        'ranges: for (low, high) in ranges {
            let mut rows = statement.query(params![expression, low, high])?;
            while let Some(row) = rows.next()? {
                if !keep(row.get(0)?) {
                    break 'ranges;
                }
            }
        }
    }
    reads.stopped_early_if(stopped);
    Ok(kept)
}

/// The wanted rowids as ranges that each hold one clip's documents (rows of
/// other clips in a small gap are skipped by the caller), newest first.
fn rowid_ranges(wanted: &HashMap<i64, i64>) -> Vec<(i64, i64)> {
    let mut rowids: Vec<i64> = wanted.keys().copied().collect();
    rowids.sort_unstable();
    let mut ranges: Vec<(i64, i64, i64)> = Vec::new();
    for rowid in rowids {
        let clip = wanted[&rowid];
        match ranges.last_mut() {
            Some((_, high, of)) if *of == clip && rowid - *high <= RANGE_GAP => *high = rowid,
            _ => ranges.push((rowid, rowid, clip)),
        }
    }
    ranges.into_iter().rev().map(|(low, high, _)| (low, high)).collect()
}

/// Up to `k` matches of `table` (`reading` says which and in what order).
/// `select` wraps the rowids (as `f.id`, `f.score`) to read the documents in
/// the same statement.
fn candidates(
    reads: &mut Reads<'_>,
    table: &str,
    expression: &str,
    k: usize,
    select: &str,
    reading: Reading<'_>,
) -> Result<Vec<Found>> {
    let conn = reads.conn;
    // The rowids already found (bound as one array), or None to run the ranked
    // query; and facets still to check on what it finds.
    let (expression, rowids, check): (String, Option<Vec<i64>>, Option<&FacetFilter>) = match reading {
        Reading::Scoped(scope, facets) => {
            let expression = facets.map_or_else(|| expression.to_string(), |f| f.narrow(expression));
            let rowids = scoped(reads, table, &expression, k, scope)?;
            (expression, Some(rowids), None)
        }
        Reading::Ranked => {
            // One unranked pass, newest first: more than `k` matches means the
            // words are too common to rank, and the newest `k` are already here.
            let mut found = newest(conn, table, expression, k)?;
            if found.is_empty() {
                return Ok(Vec::new());
            }
            let rowids = (found.len() > k).then(|| {
                reads.stopped_early_if(true);
                found.truncate(k);
                found
            });
            (expression.to_string(), rowids, None)
        }
        // bm25 first counts every document holding each phrase (for its
        // weight): cheap for rare words, dear for common ones and for a facet,
        // which many documents hold. So words that match few documents are
        // ranked alone and their clips' facets checked after; common words are
        // narrowed to the facets inside FTS5 and read newest first, unranked.
        Reading::Faceted(facets) => {
            let found = newest(conn, table, expression, CANDIDATES)?;
            if found.is_empty() {
                return Ok(Vec::new());
            }
            if found.len() <= CANDIDATES {
                (expression.to_string(), None, Some(facets))
            } else {
                let expression = facets.narrow(expression);
                let mut found = newest(conn, table, &expression, k)?;
                reads.stopped_early_if(found.len() > k);
                found.truncate(k);
                (expression, Some(found), None)
            }
        }
    };
    if rowids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let inner = match rowids {
        None => format!(
            "SELECT -rowid AS id, -rank AS score FROM {table} WHERE {table} MATCH ?1 ORDER BY rank LIMIT {k}"
        ),
        Some(_) => "SELECT value AS id, 0.0 AS score FROM rarray(?1)".to_string(),
    };
    // `score` is the select's own (a cue's is lowered for signs), `f.score` where it has none.
    let sql = format!("{} ORDER BY score DESC, f.id DESC", select.replace("{}", &inner));
    let mut statement = conn.prepare_cached(&sql)?;
    let array: Rc<Vec<Value>>;
    let params: &[&dyn ToSql] = match rowids {
        None => &[&expression.as_str()],
        Some(rowids) => {
            array = id_array(rowids);
            &[&array]
        }
    };
    let rows = statement.query_map(params, |r| {
        // Cue rows carry their language where documents carry their kind.
        let kind: String = r.get(1)?;
        let (kind, lang) = match kind.as_str() {
            "marker" => (HitKind::Marker, None),
            "clip" => (HitKind::Clip, None),
            _ => (HitKind::Cue, Some(kind)),
        };
        Ok(Found {
            clip_id: r.get(0)?,
            kind,
            lang,
            ref_id: r.get(2)?,
            start_ms: r.get(3)?,
            end_ms: r.get(4)?,
            score: r.get(5)?,
        })
    })?;
    let mut found: Vec<Found> = rows.collect::<rusqlite::Result<_>>()?;
    if let Some(facets) = check {
        let allowed = facets.among(conn, unique_clips(&found))?;
        found.retain(|hit| allowed.contains(&hit.clip_id));
    }
    Ok(found)
}

/// Up to `limit + 1` rowids matching `expression`, newest first (unranked).
fn newest(conn: &Connection, table: &str, expression: &str, limit: usize) -> Result<Vec<i64>> {
    let sql = format!("SELECT -rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid LIMIT ?2");
    let rowids = conn
        .prepare_cached(&sql)?
        .query_map(params![expression, limit as i64 + 1], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rowids)
}
