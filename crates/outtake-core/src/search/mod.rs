//! Search: one box that finds any moment — clip titles and notes, shows,
//! cast and characters by any name, tags, markers and subtitle lines —
//! offline, in milliseconds, Korean included. See `query.rs` for the language
//! and `candidates.rs` for how it stays fast on common words.

mod candidates;
mod filters;
pub(crate) mod index;
pub mod query;
mod run;
mod snippet;
pub mod text;

use serde::Serialize;

pub(crate) use index::{SidebarCounts, sidebar_counts};
pub(crate) use run::timed_hits;
pub use run::{SearchHit, SearchPage};

use crate::error::{EntityKind, Result};
use crate::library::{Library, Lookup, resolve};
use crate::names::{clean_lookup_name, name_key};

/// A named query kept in the library: a smart collection.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SavedSearch {
    pub id: i64,
    pub name: String,
    pub query: String,
}

const SAVED_SEARCH_LOOKUP: Lookup = Lookup {
    kind: EntityKind::SavedSearch,
    key: name_key,
    ids_by_key: "SELECT id FROM saved_search WHERE key = ?1",
    label: "SELECT name FROM saved_search WHERE id = ?1",
};

/// What a search hit is: the clip itself, a marker, a subtitle cue or a scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum HitKind {
    Clip,
    Marker,
    Cue,
    Scene,
}

impl HitKind {
    /// The word `--json` and the CLI's lines use.
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Clip => "clip",
            HitKind::Marker => "marker",
            HitKind::Cue => "cue",
            HitKind::Scene => "scene",
        }
    }
}

impl std::fmt::Display for HitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Library {
    /// Runs a query; hits come grouped by clip, best clips first, at most `limit` clips.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<SearchHit>> {
        Ok(self.search_page(text, limit)?.hits)
    }

    /// `search`, saying also whether more clips may match than the page holds.
    pub fn search_page(&self, text: &str, limit: usize) -> Result<SearchPage> {
        let query = query::parse(text)?;
        run::run(&self.conn, &query, limit.max(1))
    }

    /// Saves (or replaces) a named search; the query must parse.
    pub fn save_search(&mut self, name: &str, text: &str) -> Result<i64> {
        query::parse(text)?;
        let name = clean_lookup_name("name", name)?;
        let text = text.trim().to_string();
        self.edit(format!("save search \"{}\"", name.trim()), |tx| {
            tx.execute(
                "INSERT INTO saved_search (name, key, query) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET name = excluded.name, query = excluded.query",
                rusqlite::params![name, name_key(&name), text],
            )?;
            Ok(tx.query_row("SELECT id FROM saved_search WHERE key = ?1", [name_key(&name)], |r| r.get(0))?)
        })
    }

    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>> {
        let mut statement = self.conn.prepare("SELECT id, name, query FROM saved_search ORDER BY key")?;
        let rows = statement
            .query_map([], |r| Ok(SavedSearch { id: r.get(0)?, name: r.get(1)?, query: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A saved search by `#id`, bare id or name, as every lookup finds things.
    pub fn saved_search(&self, reference: &str) -> Result<SavedSearch> {
        let id = resolve(&self.conn, &SAVED_SEARCH_LOOKUP, reference, None)?;
        Ok(self.conn.query_row("SELECT id, name, query FROM saved_search WHERE id = ?1", [id], |r| {
            Ok(SavedSearch { id: r.get(0)?, name: r.get(1)?, query: r.get(2)? })
        })?)
    }

    /// Merges the search index's segments into one. Bulk writes (a big import)
    /// leave many small segments that every query must visit; afterwards
    /// queries touch one. Takes seconds on a large library.
    pub fn optimize_search_index(&mut self) -> Result<()> {
        self.conn.execute("INSERT INTO fts_meta (fts_meta) VALUES ('optimize')", [])?;
        self.conn.execute("INSERT INTO fts_cue (fts_cue) VALUES ('optimize')", [])?;
        Ok(())
    }

    pub fn delete_saved_search(&mut self, id: i64) -> Result<()> {
        self.edit(format!("forget saved search #{id}"), |tx| {
            tx.execute("DELETE FROM saved_search WHERE id = ?1", [id])?;
            Ok(())
        })
    }
}
