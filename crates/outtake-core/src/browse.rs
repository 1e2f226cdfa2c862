//! What the app's library views show: pages of clip cards in a chosen order,
//! search results grouped into cards, and the sidebar's facets with counts.
//!
//! These are read-only views over the same tables the rest of the core
//! writes; they exist so a window can show 100k clips a page at a time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::clips::FileStatus;
use crate::cues::CueSource;
use crate::db::id_array;
use crate::error::{EntityKind, Error, Result};
use crate::library::Library;
use crate::search::HitKind;
use crate::search::SavedSearch;

/// The most clips one page may hold: a screenful many times over.
pub const MAX_PAGE: usize = 500;

/// A clip as a card in a grid: enough to draw it without another call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClipCard {
    pub id: i64,
    pub title: String,
    pub duration_ms: Option<i64>,
    pub status: FileStatus,
    pub show: Option<String>,
    pub episode: Option<i64>,
    /// Names of the people credited on the clip, first credited first (at most a few).
    pub cast: Vec<String>,
    /// When the clip entered the library (RFC 3339, UTC).
    pub added_at: String,
    /// The frame the fan chose as the poster (ms), if they did: the window's
    /// poster URL carries it, so a new choice (or its undo) shows at once.
    pub poster_ms: Option<i64>,
}

/// The orders the library grid offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ClipSort {
    /// Newest first.
    Added,
    Title,
    /// Longest first.
    Duration,
}

impl ClipSort {
    /// The SQL order of clips (each has an index: migration 0005).
    fn order_by(self) -> &'static str {
        match self {
            ClipSort::Added => "added_at DESC, id DESC",
            ClipSort::Title => "title_key, id",
            ClipSort::Duration => "duration_ms DESC NULLS LAST, id",
        }
    }
}

/// A slice of the whole library in one order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClipPage {
    pub total: i64,
    pub offset: i64,
    pub clips: Vec<ClipCard>,
}

/// Where in a clip a search matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hit {
    pub kind: HitKind,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// The matched text with the query's words between `**`; plain text, never markup.
    pub snippet: String,
    pub score: f64,
    /// A line a machine made (read off the picture, heard) and the fan has not edited.
    pub machine: bool,
    /// Where a line came from (a subtitle file, the picture, speech); `None` for other hits.
    pub source: Option<CueSource>,
}

/// One clip of a search's results and the places it matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchClip {
    pub clip: ClipCard,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResults {
    pub clips: Vec<SearchClip>,
    /// More clips may match than these (the search read the newest matches
    /// of words too common to read whole, or the page is full).
    pub more: bool,
    /// How long the search took inside the core.
    pub elapsed_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EpisodeFacet {
    pub number: i64,
    pub title: Option<String>,
    pub clips: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SceneFacet {
    pub id: i64,
    pub title: String,
    pub clips: i64,
}

/// A show in the sidebar, with its episodes and scenes; counts are clips.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShowFacet {
    pub id: i64,
    pub title: String,
    pub native_title: Option<String>,
    pub clips: i64,
    pub episodes: Vec<EpisodeFacet>,
    pub scenes: Vec<SceneFacet>,
}

/// A person in the sidebar: clips they are credited in, on the clip or a marker.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonFacet {
    pub id: i64,
    pub name: String,
    pub native_name: Option<String>,
    pub clips: i64,
}

/// A tag in the sidebar by its full name (`mood:emotional`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagFacet {
    pub id: i64,
    pub name: String,
    pub clips: i64,
}

/// What is happening to a watched folder. The core knows only whether it is
/// reachable; the app's importer says whether it is watched natively, polled
/// or being scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum FolderState {
    Watching,
    Polling,
    Offline,
    Scanning,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FolderView {
    pub id: i64,
    pub path: String,
    pub state: FolderState,
    /// Clips with a copy under this folder.
    pub clips: i64,
    /// Files under this folder that could not be imported (videos and sidecars:
    /// what `import_problems` lists under it).
    pub problems: i64,
}

/// The sidebar: every way into the library, with counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Facets {
    pub total: i64,
    pub untagged: i64,
    pub missing: i64,
    pub shows: Vec<ShowFacet>,
    pub people: Vec<PersonFacet>,
    pub tags: Vec<TagFacet>,
    pub saved: Vec<SavedSearch>,
    pub folders: Vec<FolderView>,
}

/// The sidebar's facets as read at a stamp ([`Library::facets`]).
#[derive(Debug, Clone)]
struct KeptFacets((i64, u64), Facets);

/// Every clip's id in one order, as read at `stamp` ([`Library::clip_page`]).
#[derive(Debug)]
struct Order {
    sort: ClipSort,
    stamp: (i64, u64),
    ids: Vec<i64>,
}

/// How many credited names a card carries.
const CARD_CAST: usize = 4;

impl Library {
    /// A page of the whole library in `sort` order; `limit` is capped at [`MAX_PAGE`].
    ///
    /// The first page is read straight from the order's index. A deeper one
    /// is a slice of every id in that order, read once (one index walk) and
    /// kept until the library changes: OFFSET would walk the index up to the
    /// page every time, ~15 ms for the last page of 100k clips, where the
    /// slice costs only the page's cards.
    pub fn clip_page(&self, sort: ClipSort, offset: usize, limit: usize) -> Result<ClipPage> {
        let limit = limit.min(MAX_PAGE);
        if offset == 0 && !self.order_is_current(sort)? {
            let total: i64 = self.conn.query_row("SELECT count(*) FROM clip", [], |r| r.get(0))?;
            let mut statement = self
                .conn
                .prepare_cached(&format!("SELECT id FROM clip ORDER BY {} LIMIT ?1", sort.order_by()))?;
            let ids =
                statement.query_map([limit as i64], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
            return Ok(ClipPage { total, offset: 0, clips: cards(&self.conn, &ids)? });
        }
        if !self.order_is_current(sort)? {
            let ids = self.clip_ids(sort)?;
            self.keep(Order { sort, stamp: self.stamp()?, ids });
        }
        let kept = self.kept.borrow();
        let ids = &kept.iter().find_map(|k| k.downcast_ref::<Order>()).expect("the order was just kept").ids;
        let page = &ids[offset.min(ids.len())..(offset + limit).min(ids.len())];
        Ok(ClipPage { total: ids.len() as i64, offset: offset as i64, clips: cards(&self.conn, page)? })
    }

    /// Keeps `value` in place of the one of its type kept before.
    fn keep<T: std::any::Any + Send>(&self, value: T) {
        let mut kept = self.kept.borrow_mut();
        kept.retain(|k| !k.is::<T>());
        kept.push(Box::new(value));
    }

    /// What tells a change of the library: another connection's commits
    /// (`data_version`) and this one's own writes.
    fn stamp(&self) -> Result<(i64, u64)> {
        let version: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok((version, self.conn.total_changes()))
    }

    fn order_is_current(&self, sort: ClipSort) -> Result<bool> {
        let stamp = self.stamp()?;
        let kept = self.kept.borrow();
        Ok(kept
            .iter()
            .find_map(|k| k.downcast_ref::<Order>())
            .is_some_and(|o| o.sort == sort && o.stamp == stamp))
    }

    /// Every clip's id in `sort` order (what "select all" picks in the grid).
    pub fn clip_ids(&self, sort: ClipSort) -> Result<Vec<i64>> {
        let order = sort.order_by();
        let mut statement = self.conn.prepare_cached(&format!("SELECT id FROM clip ORDER BY {order}"))?;
        let ids = statement.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// The cards of the given clips, in the given order.
    pub fn clip_cards(&self, ids: &[i64]) -> Result<Vec<ClipCard>> {
        cards(&self.conn, ids)
    }

    /// Runs a search and groups its hits into cards, best clips first.
    pub fn search_results(&self, text: &str, limit: usize) -> Result<SearchResults> {
        let started = std::time::Instant::now();
        let page = self.search_page(text, limit)?;
        // Hits come grouped by clip; the groups' cards are read together.
        let mut groups: Vec<(i64, Vec<Hit>)> = Vec::new();
        for hit in page.hits {
            if groups.last().is_none_or(|(clip_id, _)| *clip_id != hit.clip_id) {
                groups.push((hit.clip_id, Vec::new()));
            }
            let group = groups.last_mut().expect("a group was just pushed");
            group.1.push(Hit {
                kind: hit.kind,
                start_ms: hit.start_ms,
                end_ms: hit.end_ms,
                snippet: hit.snippet,
                score: hit.score,
                machine: hit.machine,
                source: hit.source,
            });
        }
        let ids: Vec<i64> = groups.iter().map(|(clip_id, _)| *clip_id).collect();
        let clips = cards(&self.conn, &ids)?
            .into_iter()
            .zip(groups)
            .map(|(clip, (_, hits))| SearchClip { clip, hits })
            .collect();
        Ok(SearchResults { clips, more: page.more, elapsed_ms: started.elapsed().as_secs_f64() * 1000.0 })
    }

    /// The languages of a clip's subtitle cues, most cues first.
    pub fn cue_languages(&self, clip_id: i64) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT lang FROM cue WHERE clip_id = ?1 GROUP BY lang ORDER BY count(*) DESC, lang",
        )?;
        let langs = statement.query_map([clip_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(langs)
    }

    /// The path of a copy of the clip that can be played now: the first
    /// present one, exactly as the disk names it.
    pub fn playable_path(&self, clip_id: i64) -> Result<Option<PathBuf>> {
        let path = self
            .conn
            .query_row(
                "SELECT path, path_hex FROM file WHERE clip_id = ?1 AND status = 'present' ORDER BY id LIMIT 1",
                [clip_id],
                |r| crate::paths::from_row(r, 0, 1),
            )
            .optional()?;
        Ok(path.map(|p| p.to_path_buf()))
    }

    /// A copy of the clip that is on the disk now: `playable_path` when its
    /// file is there. A drive unplugged since the last scan still has its
    /// copies marked present; readers skip them with one `stat` instead of
    /// starting ffmpeg on each.
    pub fn reachable_path(&self, clip_id: i64) -> Result<Option<PathBuf>> {
        Ok(self.playable_path(clip_id)?.filter(|path| path.is_file()))
    }

    /// The path of one copy of a clip, by the copy's id, exactly as the disk names it.
    pub fn file_path(&self, file_id: i64) -> Result<PathBuf> {
        self.conn
            .query_row("SELECT path, path_hex FROM file WHERE id = ?1", [file_id], |r| {
                crate::paths::from_row(r, 0, 1)
            })
            .optional()?
            .map(|p| p.to_path_buf())
            .ok_or_else(|| Error::NotFound { kind: EntityKind::Clip, name: format!("file #{file_id}") })
    }

    /// The cached poster of a clip, when one has been made.
    pub fn clip_poster(&self, clip_id: i64) -> Result<Option<PathBuf>> {
        let Some(oshash) = self.fingerprint_of(clip_id)? else { return Ok(None) };
        // The fan's frame once it is made; until then the poster there was.
        let chosen = self.poster_path(clip_id, &oshash)?.filter(|path| path.is_file());
        Ok(chosen.or_else(|| self.clip_thumbnail(&oshash).filter(|path| path.is_file())))
    }

    /// The cached frame at a marker's start, when one has been made.
    pub fn marker_frame(&self, marker_id: i64) -> Result<Option<PathBuf>> {
        let found: Option<(i64, i64)> = self
            .conn
            .query_row("SELECT clip_id, start_ms FROM marker WHERE id = ?1", [marker_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((clip_id, start_ms)) = found else { return Ok(None) };
        let Some(oshash) = self.fingerprint_of(clip_id)? else { return Ok(None) };
        Ok(self.marker_thumbnail(&oshash, start_ms).filter(|path| path.is_file()))
    }

    /// The fingerprint thumbnails are named by: that of the first present copy, else of any copy.
    pub(crate) fn fingerprint_of(&self, clip_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT oshash FROM file WHERE clip_id = ?1 AND oshash IS NOT NULL
                 ORDER BY status = 'present' DESC, id LIMIT 1",
                [clip_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The sidebar's facets. Folders are `watching` when reachable, else `offline`.
    pub fn facets(&self) -> Result<Facets> {
        // Read again only when the library changed since the last read: the
        // window asks after every change it hears of, and often twice.
        // The folders are always read again: whether one is there is the
        // disk's to say, not the library's.
        let stamp = self.stamp()?;
        let kept = self.kept.borrow().iter().find_map(|k| k.downcast_ref::<KeptFacets>()).cloned();
        if let Some(KeptFacets(at, facets)) = kept
            && at == stamp
        {
            return Ok(Facets { folders: folder_views(&self.conn)?, ..facets });
        }
        let facets = self.read_facets()?;
        self.keep(KeptFacets(stamp, facets.clone()));
        Ok(facets)
    }

    /// Forgets the order and the facets kept between reads, as a change of
    /// the library would (the benchmark measures reads after a change so).
    #[doc(hidden)]
    pub fn forget_kept_reads(&self) {
        self.kept.borrow_mut().clear();
    }

    fn read_facets(&self) -> Result<Facets> {
        let conn = &self.conn;
        let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
        // Every count but the scenes' and the folders' is kept by triggers
        // as the library changes (migration 0017): a few small reads.
        let counts = crate::search::sidebar_counts(conn)?;
        Ok(Facets {
            total: count("SELECT count(*) FROM clip")?,
            untagged: counts.untagged,
            missing: count("SELECT count(*) FROM missing_clip")?,
            shows: show_facets(conn, &counts)?,
            people: person_facets(conn, &counts.people)?,
            tags: tag_facets(conn, &counts.tags)?,
            saved: self.saved_searches()?,
            folders: folder_views(conn)?,
        })
    }
}

/// The cards of `ids`, in that order, read with two statements for the
/// whole page: one per card and one per card's cast made a 120-card page
/// 240 statements (~1.5 ms of a grid page's round trip).
fn cards(conn: &Connection, ids: &[i64]) -> Result<Vec<ClipCard>> {
    let list = id_array(ids.iter().copied());
    let mut statement = conn.prepare_cached(
        "SELECT c.id, c.title, c.duration_ms, s.title, e.number, c.added_at, c.poster_ms,
            CASE WHEN EXISTS (SELECT 1 FROM file WHERE clip_id = c.id AND status = 'present') THEN 'present'
                 WHEN EXISTS (SELECT 1 FROM file WHERE clip_id = c.id AND status = 'offline') THEN 'offline'
                 ELSE 'missing' END
         FROM rarray(?1) j JOIN clip c ON c.id = j.value
         LEFT JOIN show s ON s.id = c.show_id LEFT JOIN episode e ON e.id = c.episode_id
         ORDER BY j.rowid",
    )?;
    let found = statement
        .query_map([&list], |r| {
            Ok(ClipCard {
                id: r.get(0)?,
                title: r.get(1)?,
                duration_ms: r.get(2)?,
                show: r.get(3)?,
                episode: r.get(4)?,
                added_at: r.get(5)?,
                poster_ms: r.get(6)?,
                status: FileStatus::parse(&r.get::<_, String>(7)?).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e))
                })?,
                cast: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if found.len() < ids.len() {
        let gone =
            ids.iter().find(|id| !found.iter().any(|card| card.id == **id)).copied().unwrap_or_default();
        return Err(Error::NotFound { kind: EntityKind::Clip, name: format!("#{gone}") });
    }
    // The first CARD_CAST people of each clip, in the order they were credited.
    let mut statement = conn.prepare_cached(
        "SELECT clip_id, name FROM (
            SELECT c.clip_id, p.name, c.rowid AS credited,
                   row_number() OVER (PARTITION BY c.clip_id ORDER BY c.rowid) AS n
            FROM credit c JOIN person p ON p.id = c.person_id
            WHERE c.clip_id IN rarray(?1))
         WHERE n <= ?2 ORDER BY clip_id, credited",
    )?;
    let mut cast: HashMap<i64, Vec<String>> = HashMap::new();
    let rows =
        statement.query_map(params![list, CARD_CAST as i64], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))?;
    for row in rows {
        let (clip_id, name) = row?;
        cast.entry(clip_id).or_default().push(name);
    }
    Ok(found
        .into_iter()
        .map(|mut card| {
            card.cast = cast.get(&card.id).cloned().unwrap_or_default();
            card
        })
        .collect())
}

fn show_facets(conn: &Connection, counts: &crate::search::SidebarCounts) -> Result<Vec<ShowFacet>> {
    let clips = |of: &HashMap<i64, i64>, id: i64| of.get(&id).copied().unwrap_or(0);
    let mut statement =
        conn.prepare_cached("SELECT id, title, native_title FROM show ORDER BY title_key, id")?;
    let shows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<(i64, String, Option<String>)>>>()?;
    let mut episodes =
        conn.prepare_cached("SELECT id, number, title FROM episode WHERE show_id = ?1 ORDER BY number")?;
    // A scene counts the clips placed in it and the clips with a marker in it.
    let mut scenes = conn.prepare_cached(
        "SELECT sc.id, sc.title,
            (SELECT count(*) FROM (SELECT clip_id FROM clip_scene WHERE scene_id = sc.id
                                   UNION SELECT clip_id FROM marker WHERE scene_id = sc.id))
         FROM scene sc WHERE sc.show_id = ?1 ORDER BY sc.episode_id NULLS LAST, sc.title_key",
    )?;
    let mut facets = Vec::with_capacity(shows.len());
    for (id, title, native_title) in shows {
        let episodes = episodes
            .query_map([id], |r| {
                Ok(EpisodeFacet {
                    number: r.get(1)?,
                    title: r.get(2)?,
                    clips: clips(&counts.episodes, r.get(0)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let scenes = scenes
            .query_map([id], |r| Ok(SceneFacet { id: r.get(0)?, title: r.get(1)?, clips: r.get(2)? }))?
            .collect::<rusqlite::Result<_>>()?;
        facets.push(ShowFacet { id, title, native_title, clips: clips(&counts.shows, id), episodes, scenes });
    }
    Ok(facets)
}

fn person_facets(conn: &Connection, clips: &HashMap<i64, i64>) -> Result<Vec<PersonFacet>> {
    let mut statement =
        conn.prepare_cached("SELECT id, name, native_name FROM person ORDER BY name_key, id")?;
    let people = statement
        .query_map([], |r| {
            let id = r.get(0)?;
            Ok(PersonFacet {
                id,
                name: r.get(1)?,
                native_name: r.get(2)?,
                clips: clips.get(&id).copied().unwrap_or(0),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(people)
}

fn tag_facets(conn: &Connection, clips: &HashMap<i64, i64>) -> Result<Vec<TagFacet>> {
    let mut statement =
        conn.prepare_cached("SELECT id, coalesce(namespace || ':', '') || name FROM tag ORDER BY key")?;
    let tags = statement
        .query_map([], |r| {
            let id = r.get(0)?;
            Ok(TagFacet { id, name: r.get(1)?, clips: clips.get(&id).copied().unwrap_or(0) })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tags)
}

fn folder_views(conn: &Connection) -> Result<Vec<FolderView>> {
    // A folder's files are those whose path starts with the folder and a separator;
    // the range keeps `/clips` from counting `/clips2`.
    let mut statement = conn.prepare_cached(
        "SELECT w.id, w.path,
            (SELECT count(DISTINCT clip_id) FROM file
             WHERE path > w.path || '/' AND path < w.path || '0'),
            (SELECT count(*) FROM import_problem WHERE path > w.path || '/' AND path < w.path || '0')
              + (SELECT count(*) FROM sidecar WHERE error IS NOT NULL AND path > w.path || '/' AND path < w.path || '0')
         FROM watched_folder w ORDER BY w.path",
    )?;
    let folders = statement
        .query_map([], |r| {
            let path: String = r.get(1)?;
            let state = if Path::new(&path).is_dir() { FolderState::Watching } else { FolderState::Offline };
            Ok(FolderView { id: r.get(0)?, path, state, clips: r.get(2)?, problems: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(folders)
}
