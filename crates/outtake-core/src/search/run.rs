//! Running a parsed query: filters narrow the clips with plain SQL, words are
//! matched in two FTS tables — clip and marker documents first, subtitle cues
//! after — and hits are grouped by clip.
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
use rusqlite::{Connection, ToSql, params, params_from_iter};
use serde::Serialize;

use super::query::{Compare, Filter, Query, Sort, Within, without};
use super::snippet::{Needles, snippet};
use super::text::{Facet, facet};
use crate::error::Result;
use crate::names::name_key;
use crate::tags::tag_key;

/// Matches read per table for a query without filters, at the least (a page
/// of more than 100 clips reads two per clip).
const CANDIDATES: usize = 200;
/// With filters many matches are thrown away, so more are read.
const CANDIDATES_FILTERED: usize = 5000;
/// Hits shown per clip; the clip's rank uses all of them.
const HITS_PER_CLIP: usize = 5;

/// One place a search matched, as `outtake search --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub clip_id: i64,
    pub title: String,
    pub path: Option<String>,
    /// `clip`, `marker` or `cue`.
    pub kind: &'static str,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// The matched text with the query's words between `**`.
    pub snippet: String,
    pub score: f64,
}

/// A matched document before snippets: kind, id of the marker/cue/clip, times, score.
#[derive(Debug, Clone)]
struct Found {
    clip_id: i64,
    kind: &'static str,
    ref_id: i64,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    score: f64,
    /// A cue's language.
    lang: Option<String>,
}

/// A page of hits, and whether more clips than it holds may match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// True when the search stopped reading matches, or the page held fewer
    /// clips than matched: more words or filters would show the rest.
    pub more: bool,
}

pub(crate) fn run(conn: &Connection, query: &Query, limit: usize) -> Result<SearchPage> {
    let (restriction, facets) = Restriction::new(conn, &query.filters, query.fts.is_some())?;
    // Set wherever reading stops before every match is read.
    let mut more = false;
    let found = match &query.fts {
        // A cast, show or tag no clip has: nothing can match.
        Some(_) if matches!(facets, Facets::Nothing) => Vec::new(),
        Some(fts) => {
            let facets = facets.filter();
            let filtered =
                restriction.is_some() || query.filters.iter().any(|f| matches!(f, Filter::Lang(_)));
            // With filters many matches are thrown away, so more are read;
            // a big page (the app asks for 200 clips) reads two matches a clip.
            let k = if filtered { CANDIDATES_FILTERED } else { CANDIDATES.max(limit * 2) };
            // A narrow filter's clips bound the word search itself.
            // Every filter is applied to it first, so a page's worth of clips
            // found in it is a whole page.
            let driving: Option<HashSet<i64>> = match &restriction {
                Some(r) if r.driving.is_some() => Some(r.newest(conn, None)?.into_iter().collect()),
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
                more = false;
                found = matches(conn, query, fts, facets, driving.as_ref(), k, limit, &mut more)?;
                let read_all = found.len() < k;
                let clips = match &restriction {
                    Some(restriction) => {
                        // `among` answers a subset of the clips asked about.
                        let allowed = restriction.among(conn, unique_clips(&found))?;
                        found.retain(|hit| allowed.contains(&hit.clip_id));
                        allowed.len()
                    }
                    None => unique_clips(&found).count(),
                };
                if read_all || clips >= limit {
                    break;
                }
            }
            let spread = spread_matches(conn, query, facets, restriction.as_ref(), &found, limit, &mut more)?;
            found.extend(spread);
            found
        }
        None => filtered_only(conn, query, restriction.as_ref(), limit, &mut more)?,
    };
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
    sort_clips(conn, query.sort, &mut grouped)?;
    more |= grouped.len() > limit;
    grouped.truncate(limit);
    for (_, found) in &mut grouped {
        // Best first; equally good hits in the order they happen in the clip.
        found.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then(a.start_ms.unwrap_or(-1).cmp(&b.start_ms.unwrap_or(-1)))
        });
        found.truncate(HITS_PER_CLIP);
    }
    // Titles, paths and hit texts for the whole page, a query per kind.
    let titles = clip_titles(conn, grouped.iter().map(|(id, _)| *id))?;
    let texts = hit_texts(conn, grouped.iter().flat_map(|(_, found)| found.iter()))?;
    let needles = Needles::new(&query.highlights);
    let mut hits = Vec::new();
    for (clip_id, found) in grouped {
        let (title, path) = titles.get(&clip_id).cloned().unwrap_or_default();
        for hit in found {
            let text = texts.get(&(hit.kind, hit.ref_id)).map_or("", String::as_str);
            hits.push(SearchHit {
                clip_id,
                title: title.clone(),
                path: path.clone(),
                kind: hit.kind,
                start_ms: hit.start_ms,
                end_ms: hit.end_ms,
                snippet: snippet(text, &needles),
                score: (hit.score * 1000.0).round() / 1000.0,
            });
        }
    }
    Ok(SearchPage { hits, more })
}

fn unique_clips(found: &[Found]) -> impl Iterator<Item = i64> {
    found.iter().map(|f| f.clip_id).collect::<HashSet<_>>().into_iter()
}

/// Matches in clip/marker documents, then in cues, respecting `in:` and `lang:`;
/// only in clips with `facets` (an FTS expression over the facets column) and
/// only in `allowed` clips when given (then reading matches stops once
/// `clip_limit` clips have some).
#[allow(clippy::too_many_arguments)]
fn matches(
    conn: &Connection,
    query: &Query,
    fts: &str,
    facets: Option<&FacetFilter>,
    allowed: Option<&HashSet<i64>>,
    k: usize,
    clip_limit: usize,
    more: &mut bool,
) -> Result<Vec<Found>> {
    let within: Vec<Within> = query
        .filters
        .iter()
        .filter_map(|f| if let Filter::Within(w) = f { Some(*w) } else { None })
        .collect();
    let langs: Vec<&str> = query
        .filters
        .iter()
        .filter_map(|f| if let Filter::Lang(l) = f { Some(l.as_str()) } else { None })
        .collect();
    let wants = |w: Within| within.is_empty() || within.contains(&w);
    let ids_of = |clips: &HashSet<i64>| Rc::new(clips.iter().map(|&c| Value::Integer(c)).collect::<Vec<_>>());
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
        for hit in candidates(conn, "fts_meta", &expression, k, docs, reading, more)? {
            if allowed.is_some_and(|a| !a.contains(&hit.clip_id)) || (only_markers && hit.kind != "marker") {
                continue;
            }
            found.push(Found { score: 100.0 + hit.score, ..hit });
        }
    }
    if wants(Within::Subs) {
        // Clips matched in titles, names or notes rank above the others: when
        // they already fill the page, only their subtitles can still show.
        let matched: HashSet<i64> = unique_clips(&found).collect();
        let page_full = allowed.is_some() && query.sort == Sort::Relevance && matched.len() >= clip_limit;
        let clip_ids = if page_full { Some(ids_of(&matched)) } else { clip_ids };
        let cues = "SELECT c.clip_id, c.lang, c.id, c.start_ms, c.end_ms, f.score FROM ({}) f JOIN cue c ON c.id = f.id";
        let reading =
            reading(clip_ids.as_ref().map(|clips| Scope { docs: "cue", clips, clip_limit }), facets);
        for hit in candidates(conn, "fts_cue", fts, k, cues, reading, more)? {
            let lang = hit.lang.as_deref().unwrap_or("");
            if allowed.is_some_and(|a| !a.contains(&hit.clip_id))
                || (!langs.is_empty() && !langs.contains(&lang))
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
    conn: &Connection,
    query: &Query,
    facets: Option<&FacetFilter>,
    restriction: Option<&Restriction>,
    found: &[Found],
    limit: usize,
    more: &mut bool,
) -> Result<Vec<Found>> {
    let already: HashSet<i64> = found.iter().map(|f| f.clip_id).collect();
    if query.terms.len() < 2 || already.len() >= limit {
        return Ok(Vec::new());
    }
    let mut common: Option<HashSet<i64>> = None;
    for term in &query.terms {
        let clips = clips_matching(conn, term, facets, more)?;
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
    if let Some(restriction) = restriction {
        spread = restriction.among(conn, spread.into_iter())?;
    }
    if spread.is_empty() {
        return Ok(Vec::new());
    }
    let any = without(&format!("({})", query.terms.join(" OR ")), &query.excluded);
    let mut hits = matches(conn, query, &any, facets, Some(&spread), CANDIDATES_FILTERED, limit, more)?;
    for hit in &mut hits {
        hit.score -= 50.0;
    }
    Ok(hits)
}

/// The clips with a document (clip, marker or cue) matching one term (and with the facets).
fn clips_matching(
    conn: &Connection,
    term: &str,
    facets: Option<&FacetFilter>,
    more: &mut bool,
) -> Result<HashSet<i64>> {
    let docs = "SELECT d.clip_id, d.kind, d.ref_id, d.start_ms, d.end_ms, f.score FROM ({}) f JOIN search_doc d ON d.id = f.id";
    let cues =
        "SELECT c.clip_id, 'cue', c.id, c.start_ms, c.end_ms, f.score FROM ({}) f JOIN cue c ON c.id = f.id";
    let mut clips: HashSet<i64> = HashSet::new();
    clips.extend(
        candidates(conn, "fts_meta", term, CANDIDATES_FILTERED, docs, reading(None, facets), more)?
            .into_iter()
            .map(|f| f.clip_id),
    );
    clips.extend(
        candidates(conn, "fts_cue", term, CANDIDATES_FILTERED, cues, reading(None, facets), more)?
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
    conn: &Connection,
    table: &str,
    expression: &str,
    k: usize,
    scope: Scope<'_>,
    more: &mut bool,
) -> Result<Vec<i64>> {
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
    *more |= stopped;
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
    conn: &Connection,
    table: &str,
    expression: &str,
    k: usize,
    select: &str,
    reading: Reading<'_>,
    more: &mut bool,
) -> Result<Vec<Found>> {
    // The rowids already found (bound as one array), or None to run the ranked
    // query; and facets still to check on what it finds.
    let (expression, rowids, check): (String, Option<Vec<i64>>, Option<&FacetFilter>) = match reading {
        Reading::Scoped(scope, facets) => {
            let expression = facets.map_or_else(|| expression.to_string(), |f| f.narrow(expression));
            let rowids = scoped(conn, table, &expression, k, scope, more)?;
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
                *more = true;
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
                *more |= found.len() > k;
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
    let sql = format!("{} ORDER BY f.score DESC, f.id DESC", select.replace("{}", &inner));
    let mut statement = conn.prepare_cached(&sql)?;
    let array: Rc<Vec<Value>>;
    let params: &[&dyn ToSql] = match rowids {
        None => &[&expression.as_str()],
        Some(rowids) => {
            array = Rc::new(rowids.into_iter().map(Value::Integer).collect());
            &[&array]
        }
    };
    let rows = statement.query_map(params, |r| {
        // Cue rows carry their language where documents carry their kind.
        let kind: String = r.get(1)?;
        let (kind, lang) = match kind.as_str() {
            "marker" => ("marker", None),
            "clip" => ("clip", None),
            _ => ("cue", Some(kind)),
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

/// A query of filters alone: each matching clip, plus the markers the
/// cast/character/scene/tag filters point at.
fn filtered_only(
    conn: &Connection,
    query: &Query,
    restriction: Option<&Restriction>,
    limit: usize,
    more: &mut bool,
) -> Result<Vec<Found>> {
    let Some(restriction) = restriction else { return Ok(Vec::new()) };
    // Newest first (one more, to know whether there are more); with another
    // sort every allowed clip is a candidate.
    let page = (query.sort == Sort::Relevance).then_some(limit + 1);
    let mut clips = restriction.newest(conn, page)?;
    if page.is_some_and(|page| clips.len() >= page) {
        *more = true;
        clips.truncate(limit);
    }
    let markers = markers_matching(conn, &query.filters, &clips)?;
    let mut found = Vec::new();
    for clip_id in clips {
        found.push(Found {
            clip_id,
            kind: "clip",
            ref_id: clip_id,
            start_ms: None,
            end_ms: None,
            score: 0.0,
            lang: None,
        });
        for (marker, start, end) in markers.get(&clip_id).into_iter().flatten() {
            found.push(Found {
                clip_id,
                kind: "marker",
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

type MarkerSpan = (i64, i64, Option<i64>);

/// The markers of `clips` that the marker-level filters point at.
fn markers_matching(
    conn: &Connection,
    filters: &[Filter],
    clips: &[i64],
) -> Result<HashMap<i64, Vec<MarkerSpan>>> {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<Box<dyn ToSql>> = Vec::new();
    // Names resolved to ids first; each marker is then checked through its keys.
    for filter in filters {
        let condition = match filter {
            Filter::Cast(name) => {
                let people = ids(conn, PEOPLE, &name_key(name))?;
                format!(
                    "EXISTS (SELECT 1 FROM marker_person WHERE marker_id = m.id AND person_id IN ({people}))"
                )
            }
            Filter::Character(name) => {
                let key = name_key(name);
                let roles =
                    ids(conn, "SELECT id FROM role WHERE character_key = ?1x OR native_key = ?1x", &key)?;
                values.push(Box::new(key));
                format!(
                    "EXISTS (SELECT 1 FROM marker_person mp WHERE mp.marker_id = m.id
                             AND (mp.role_id IN ({roles}) OR outtake_name_key(mp.character) = ?{}))",
                    values.len()
                )
            }
            Filter::Scene(name) => {
                format!(
                    "m.scene_id IN ({})",
                    ids(conn, "SELECT id FROM scene WHERE title_key = ?1x", &name_key(name))?
                )
            }
            Filter::Tag { name, negated: false } => {
                let tags = ids(conn, TAGS, &tag_key(name))?;
                format!("EXISTS (SELECT 1 FROM marker_tag WHERE marker_id = m.id AND tag_id IN ({tags}))")
            }
            _ => continue,
        };
        conditions.push(condition);
    }
    let mut out: HashMap<i64, Vec<MarkerSpan>> = HashMap::new();
    if conditions.is_empty() {
        return Ok(out);
    }
    let clip_list = clips.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT m.clip_id, m.id, m.start_ms, m.end_ms FROM marker m WHERE m.clip_id IN ({clip_list}) AND {} ORDER BY m.start_ms",
        conditions.join(" AND ")
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement
        .query_map(params_from_iter(values.iter()), |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?;
    for row in rows {
        let (clip_id, span): (i64, MarkerSpan) = row?;
        out.entry(clip_id).or_default().push(span);
    }
    Ok(out)
}

/// Shows whose title, native title or alias keys to `?`.
const SHOWS: &str = "SELECT id FROM show WHERE title_key = ?1x OR native_key = ?1x UNION SELECT show_id FROM show_alias WHERE key = ?1x";
/// People whose name, native name or alias keys to `?`.
const PEOPLE: &str = "SELECT id FROM person WHERE name_key = ?1x OR native_key = ?1x UNION SELECT person_id FROM person_alias WHERE key = ?1x";
/// A tag (by name, alias, or bare name in any namespace) and every tag below it.
const TAGS: &str = "WITH RECURSIVE below(id) AS (
        SELECT id FROM tag WHERE key = ?1x OR (instr(?1x, ':') = 0 AND name_key = ?1x)
        UNION SELECT tag_id FROM tag_alias WHERE key = ?1x
        UNION SELECT p.tag_id FROM tag_parent p JOIN below ON p.parent_id = below.id)
    SELECT id FROM below";

/// What the filters ask of a clip, as SQL over `clip c`. Names are resolved
/// to ids first (a few small queries); each condition then checks one clip
/// through indexes (`EXISTS … WHERE clip_id = c.id …`), so applying it to the
/// candidates of a word query costs little. A filters-only query walks clips
/// newest first and stops at the page limit; when one filter is narrow, its
/// clips are listed up front and drive the walk instead. With words, the
/// cast, show and tag filters are not here but in `Facets`.
struct Restriction {
    conditions: Vec<String>,
    values: Vec<Box<dyn ToSql>>,
    /// The clips of the narrowest filter, when few enough to drive a query.
    driving: Option<Vec<i64>>,
}

/// A narrow filter lists at most this many clips.
const DRIVING: usize = 2000;

/// The ids `sql` finds for a name's key.
fn id_list(conn: &Connection, sql: &str, key: &str) -> Result<Vec<i64>> {
    let sql = sql.replace("?1x", "?1");
    let mut statement = conn.prepare_cached(&sql)?;
    let ids = statement.query_map([key], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// The ids `sql` finds for a name's key, as an SQL list.
fn ids(conn: &Connection, sql: &str, key: &str) -> Result<String> {
    let ids = id_list(conn, sql, key)?;
    // No such name: an id no row has, so the filter matches nothing.
    Ok(if ids.is_empty() {
        "-1".into()
    } else {
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    })
}

/// What the cast, show and tag filters ask of a word query's documents.
enum Facets {
    /// No such filter.
    Any,
    Match(FacetFilter),
    /// A filter names something no clip has: nothing matches.
    Nothing,
}

/// Facets a document's clip must have: one of each group's tokens.
struct FacetFilter {
    groups: Vec<Vec<String>>,
    /// The same as an FTS expression over the facets column.
    expression: String,
}

impl Facets {
    fn filter(&self) -> Option<&FacetFilter> {
        match self {
            Facets::Match(filter) => Some(filter),
            _ => None,
        }
    }

    /// Adds a filter: documents must carry one of these facets.
    fn require(&mut self, kind: Facet, ids: &[i64]) {
        if ids.is_empty() {
            *self = Facets::Nothing;
            return;
        }
        let group: Vec<String> = ids.iter().map(|&id| facet(kind, id)).collect();
        let any = group.iter().map(|token| format!("\"{token}\"")).collect::<Vec<_>>().join(" OR ");
        let clause = format!("facets : ({any})");
        *self = match std::mem::replace(self, Facets::Any) {
            Facets::Any => Facets::Match(FacetFilter { groups: vec![group], expression: clause }),
            Facets::Match(mut filter) => {
                filter.groups.push(group);
                filter.expression = format!("{} AND {clause}", filter.expression);
                Facets::Match(filter)
            }
            Facets::Nothing => Facets::Nothing,
        };
    }
}

impl FacetFilter {
    /// An FTS expression narrowed to the documents of clips with these facets.
    fn narrow(&self, expression: &str) -> String {
        format!("({expression}) AND {}", self.expression)
    }

    /// Which of `clips` have these facets (as the index has them, in `search_facet`).
    fn among(&self, conn: &Connection, clips: impl Iterator<Item = i64>) -> Result<HashSet<i64>> {
        let mut statement =
            conn.prepare_cached("SELECT clip_id, facets FROM search_facet WHERE clip_id IN rarray(?1)")?;
        let mut rows = statement.query([id_array(clips)])?;
        let mut allowed = HashSet::new();
        while let Some(row) = rows.next()? {
            let facets: String = row.get(1)?;
            let has: HashSet<&str> = facets.split(' ').collect();
            if self.groups.iter().all(|group| group.iter().any(|token| has.contains(token.as_str()))) {
                allowed.insert(row.get(0)?);
            }
        }
        Ok(allowed)
    }
}

impl Restriction {
    /// The filters as SQL conditions on clips, except that with words the
    /// cast, show and tag filters become facets the words' FTS queries match
    /// (one intersection inside FTS5 rather than a check per clip).
    fn new(conn: &Connection, filters: &[Filter], words: bool) -> Result<(Option<Restriction>, Facets)> {
        let mut conditions: Vec<String> = Vec::new();
        let mut values: Vec<Box<dyn ToSql>> = Vec::new();
        // For each narrowing filter: the query listing its clips (ids inlined).
        let mut narrow: Vec<String> = Vec::new();
        let mut facets = Facets::Any;
        for filter in filters {
            match filter {
                Filter::Show(name) if words => facets.require(Facet::Show, &id_list(conn, SHOWS, &name_key(name))?),
                Filter::Cast(name) if words => {
                    facets.require(Facet::Person, &id_list(conn, PEOPLE, &name_key(name))?)
                }
                Filter::Tag { name, negated: false } if words => {
                    facets.require(Facet::Tag, &id_list(conn, TAGS, &tag_key(name))?)
                }
                Filter::Show(name) => {
                    let shows = ids(conn, SHOWS, &name_key(name))?;
                    conditions.push(format!("c.show_id IN ({shows})"));
                    narrow.push(format!("SELECT id FROM clip WHERE show_id IN ({shows})"));
                }
                Filter::Episodes(from, to) => {
                    conditions.push(format!("c.episode_id IN (SELECT id FROM episode WHERE number BETWEEN {from} AND {to})"))
                }
                Filter::Scene(name) => {
                    let scenes = ids(conn, "SELECT id FROM scene WHERE title_key = ?1x", &name_key(name))?;
                    conditions.push(format!(
                        "(EXISTS (SELECT 1 FROM clip_scene WHERE clip_id = c.id AND scene_id IN ({scenes}))
                          OR EXISTS (SELECT 1 FROM marker WHERE clip_id = c.id AND scene_id IN ({scenes})))"
                    ));
                    narrow.push(format!(
                        "SELECT clip_id FROM clip_scene WHERE scene_id IN ({scenes}) UNION ALL SELECT clip_id FROM marker WHERE scene_id IN ({scenes})"
                    ));
                }
                Filter::Cast(name) => {
                    let people = ids(conn, PEOPLE, &name_key(name))?;
                    conditions.push(format!(
                        "(EXISTS (SELECT 1 FROM credit WHERE clip_id = c.id AND person_id IN ({people}))
                          OR EXISTS (SELECT 1 FROM marker m JOIN marker_person mp ON mp.marker_id = m.id
                                     WHERE m.clip_id = c.id AND mp.person_id IN ({people})))"
                    ));
                    narrow.push(format!(
                        "SELECT clip_id FROM credit WHERE person_id IN ({people})
                         UNION ALL SELECT m.clip_id FROM marker_person mp JOIN marker m ON m.id = mp.marker_id WHERE mp.person_id IN ({people})"
                    ));
                }
                Filter::Character(name) => {
                    let key = name_key(name);
                    let roles = ids(conn, "SELECT id FROM role WHERE character_key = ?1x OR native_key = ?1x", &key)?;
                    let n = values.len() + 1;
                    values.push(Box::new(key));
                    let credited = |table: &str| format!("({table}.role_id IN ({roles}) OR outtake_name_key({table}.character) = ?{n})");
                    conditions.push(format!(
                        "(EXISTS (SELECT 1 FROM credit cr WHERE cr.clip_id = c.id AND {})
                          OR EXISTS (SELECT 1 FROM marker m JOIN marker_person mp ON mp.marker_id = m.id WHERE m.clip_id = c.id AND {}))",
                        credited("cr"),
                        credited("mp")
                    ));
                }
                Filter::Tag { name, negated } => {
                    let tags = ids(conn, TAGS, &tag_key(name))?;
                    let tagged = format!(
                        "(EXISTS (SELECT 1 FROM clip_tag WHERE clip_id = c.id AND tag_id IN ({tags}))
                          OR EXISTS (SELECT 1 FROM marker m JOIN marker_tag mt ON mt.marker_id = m.id
                                     WHERE m.clip_id = c.id AND mt.tag_id IN ({tags})))"
                    );
                    if *negated {
                        conditions.push(format!("NOT {tagged}"));
                    } else {
                        conditions.push(tagged);
                        narrow.push(format!(
                            "SELECT clip_id FROM clip_tag WHERE tag_id IN ({tags})
                             UNION ALL SELECT m.clip_id FROM marker_tag mt JOIN marker m ON m.id = mt.marker_id WHERE mt.tag_id IN ({tags})"
                        ));
                    }
                }
                Filter::Lang(lang) => {
                    let n = values.len() + 1;
                    values.push(Box::new(lang.clone()));
                    conditions.push(format!("EXISTS (SELECT 1 FROM cue WHERE clip_id = c.id AND lang = ?{n})"));
                }
                Filter::Duration(compare, ms) => conditions.push(format!("c.duration_ms {} {ms}", operator(*compare))),
                Filter::Added(compare, date) => {
                    let n = values.len() + 1;
                    values.push(Box::new(date.clone()));
                    conditions.push(format!("substr(c.added_at, 1, 10) {} ?{n}", operator(*compare)));
                }
                Filter::Missing => {
                    conditions.push("NOT EXISTS (SELECT 1 FROM file WHERE clip_id = c.id AND status <> 'missing')".into())
                }
                Filter::Offline => conditions.push(
                    "EXISTS (SELECT 1 FROM file WHERE clip_id = c.id AND status = 'offline')
                     AND NOT EXISTS (SELECT 1 FROM file WHERE clip_id = c.id AND status = 'present')"
                        .into(),
                ),
                Filter::Untagged => conditions.push(
                    "NOT EXISTS (SELECT 1 FROM clip_tag WHERE clip_id = c.id)
                     AND NOT EXISTS (SELECT 1 FROM marker m JOIN marker_tag mt ON mt.marker_id = m.id WHERE m.clip_id = c.id)"
                        .into(),
                ),
                Filter::Within(_) => {}
            }
        }
        if conditions.is_empty() {
            return Ok((None, facets));
        }
        let mut driving: Option<Vec<i64>> = None;
        for sql in narrow {
            // UNION ALL streams, so a wide filter stops after DRIVING + 1 rows.
            let mut clips: Vec<i64> = conn
                .prepare_cached(&format!("SELECT * FROM ({sql}) LIMIT {}", DRIVING + 1))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if clips.len() <= DRIVING {
                clips.sort_unstable();
                clips.dedup();
                if driving.as_ref().is_none_or(|d| clips.len() < d.len()) {
                    driving = Some(clips);
                }
            }
        }
        // The driving clips are exactly those its filter allows: when that filter
        // is the only one, nothing is left to check per clip. (With others, its
        // condition stays: it steers SQLite's plan away from worse indexes.)
        if driving.is_some() && conditions.len() == 1 {
            conditions.clear();
        }
        Ok((Some(Restriction { conditions, values, driving }), facets))
    }

    /// The driving clips (sorted) when no other condition is left to check.
    fn alone(&self) -> Option<&[i64]> {
        self.driving.as_deref().filter(|_| self.conditions.is_empty())
    }

    fn select(&self, extra: Option<String>) -> String {
        let mut conditions: Vec<String> = extra.into_iter().collect();
        if let Some(driving) = &self.driving {
            let list = if driving.is_empty() {
                "-1".into()
            } else {
                driving.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            };
            conditions.push(format!("c.id IN ({list})"));
        }
        conditions.extend(self.conditions.iter().cloned());
        format!("SELECT c.id FROM clip c WHERE {}", conditions.join(" AND "))
    }

    /// Which of `clips` the filters allow.
    fn among(&self, conn: &Connection, clips: impl Iterator<Item = i64>) -> Result<HashSet<i64>> {
        if let Some(driving) = self.alone() {
            return Ok(clips.filter(|c| driving.binary_search(c).is_ok()).collect());
        }
        let list: Vec<String> = clips.map(|c| c.to_string()).collect();
        if list.is_empty() {
            return Ok(HashSet::new());
        }
        let sql = self.select(Some(format!("c.id IN ({})", list.join(","))));
        let mut statement = conn.prepare(&sql)?;
        let ids = statement
            .query_map(params_from_iter(self.values.iter()), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// The newest allowed clips, `limit` of them when given.
    fn newest(&self, conn: &Connection, limit: Option<usize>) -> Result<Vec<i64>> {
        if let Some(driving) = self.alone() {
            return Ok(driving.iter().rev().take(limit.unwrap_or(usize::MAX)).copied().collect());
        }
        let limit = limit.map_or(String::new(), |n| format!(" LIMIT {n}"));
        let sql = format!("{} ORDER BY c.id DESC{limit}", self.select(None));
        let mut statement = conn.prepare(&sql)?;
        let ids = statement
            .query_map(params_from_iter(self.values.iter()), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }
}

fn operator(compare: Compare) -> &'static str {
    match compare {
        Compare::Less => "<",
        Compare::More => ">",
        Compare::Equal => "=",
    }
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

/// Ids bound to a statement as one array (`rarray(?1)`), so the statement is prepared once.
fn id_array(ids: impl Iterator<Item = i64>) -> Rc<Vec<Value>> {
    Rc::new(ids.map(Value::Integer).collect())
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

/// The text each hit shows: a cue's line, a marker's title/quote/note, a clip's title and notes.
fn hit_texts<'a>(
    conn: &Connection,
    hits: impl Iterator<Item = &'a Found>,
) -> Result<HashMap<(&'static str, i64), String>> {
    let mut ids: HashMap<&'static str, Vec<i64>> = HashMap::new();
    for hit in hits {
        ids.entry(hit.kind).or_default().push(hit.ref_id);
    }
    let mut texts = HashMap::new();
    for (kind, list) in ids {
        let sql = match kind {
            "cue" => "SELECT id, text FROM cue WHERE id IN rarray(?1)",
            "marker" => "SELECT id, concat_ws(' — ', title, quote, note) FROM marker WHERE id IN rarray(?1)",
            _ => "SELECT id, concat_ws(' — ', title, description, note) FROM clip WHERE id IN rarray(?1)",
        };
        let mut statement = conn.prepare_cached(sql)?;
        let rows = statement.query_map([id_array(list.into_iter())], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        for row in rows {
            let (id, text) = row?;
            texts.insert((kind, id), text.unwrap_or_default());
        }
    }
    Ok(texts)
}
