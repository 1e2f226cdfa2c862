//! Shows, their episodes and their scenes.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::aliases::{self, AliasTable};
use crate::dates::check_date;
use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, Lookup, require, resolve};
use crate::names::{clean_lookup_name, clean_name, clean_optional, clean_optional_lookup_name, name_key};

/// A drama series or film, e.g. Lovers of the Red Sky (홍천기), SBS, 2021.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Show {
    pub id: i64,
    pub title: String,
    pub native_title: Option<String>,
    pub aliases: Vec<String>,
    pub network: Option<String>,
    pub year: Option<i32>,
}

/// What the fan says about a show, to add or to replace it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShowInput {
    pub title: String,
    pub native_title: Option<String>,
    pub aliases: Vec<String>,
    pub network: Option<String>,
    pub year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Episode {
    pub id: i64,
    pub show_id: i64,
    pub number: i64,
    pub title: Option<String>,
    /// YYYY-MM-DD
    pub air_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Scene {
    pub id: i64,
    pub show_id: i64,
    /// The episode's number, when the scene belongs to one.
    pub episode: Option<i64>,
    pub title: String,
    pub description: Option<String>,
}

/// What the fan says about a scene, to add or to replace it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SceneInput {
    pub episode: Option<i64>,
    pub title: String,
    pub description: Option<String>,
}

pub(crate) const SHOW_LOOKUP: Lookup = Lookup {
    kind: EntityKind::Show,
    key: name_key,
    ids_by_key: "SELECT id FROM show WHERE title_key = ?1 OR native_key = ?1
                 UNION SELECT show_id FROM show_alias WHERE key = ?1",
    label: "SELECT title || coalesce(' (' || native_title || ')', '') || coalesce(', ' || year, '')
            FROM show WHERE id = ?1",
};

pub(crate) const SCENE_LOOKUP: Lookup = Lookup {
    kind: EntityKind::Scene,
    key: name_key,
    ids_by_key: "SELECT id FROM scene WHERE title_key = ?1 AND (?2 IS NULL OR show_id = ?2)",
    label: "SELECT scene.title || ' — ' || show.title FROM scene JOIN show ON show.id = scene.show_id
            WHERE scene.id = ?1",
};

/// Checks a YYYY-MM-DD date (the form yt-dlp's upload_date becomes).
fn check_year(year: Option<i32>) -> Result<Option<i32>> {
    match year {
        Some(y) if !(1880..=2200).contains(&y) => {
            Err(Error::invalid("year", format!("{y} is not a plausible year")))
        }
        other => Ok(other),
    }
}

fn show_from_row(row: &Row<'_>) -> rusqlite::Result<Show> {
    Ok(Show {
        id: row.get("id")?,
        title: row.get("title")?,
        native_title: row.get("native_title")?,
        aliases: Vec::new(),
        network: row.get("network")?,
        year: row.get("year")?,
    })
}

pub(crate) fn load_show(conn: &Connection, id: i64) -> Result<Show> {
    let show = conn
        .query_row("SELECT * FROM show WHERE id = ?1", [id], show_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(EntityKind::Show, format!("#{id}")))?;
    Ok(Show { aliases: aliases::list(conn, AliasTable::Show, id)?, ..show })
}

/// The id of an episode by number, creating the episode when the show has none yet:
/// an episode number is a fact about the show, not something to set up first.
pub(crate) fn ensure_episode(conn: &Connection, show_id: i64, number: i64) -> Result<i64> {
    if number < 0 {
        return Err(Error::invalid("episode", format!("{number} is not an episode number")));
    }
    conn.execute("INSERT OR IGNORE INTO episode (show_id, number) VALUES (?1, ?2)", [show_id, number])?;
    Ok(conn.query_row(
        "SELECT id FROM episode WHERE show_id = ?1 AND number = ?2",
        [show_id, number],
        |r| r.get(0),
    )?)
}

impl Library {
    /// Adds a show. A show with the same title (or native title) and year is
    /// an [`Error::AlreadyExists`].
    pub fn add_show(&mut self, input: &ShowInput) -> Result<i64> {
        self.edit(format!("add show \"{}\"", input.title.trim()), |tx| {
            if let Some(id) = same_show(tx, input)? {
                let title = clean_name("title", &input.title)?;
                return Err(Error::AlreadyExists { kind: EntityKind::Show, name: title, id });
            }
            insert_show(tx, input)
        })
    }

    /// Replaces what is known about a show (its episodes, scenes and clips stay).
    pub fn update_show(&mut self, id: i64, input: &ShowInput) -> Result<()> {
        self.edit(format!("change show #{id}"), |tx| {
            require(tx, EntityKind::Show, id)?;
            let (title, native) = show_names(input)?;
            tx.execute(
                "UPDATE show SET title = ?2, title_key = ?3, native_title = ?4, native_key = ?5,
                 network = ?6, year = ?7 WHERE id = ?1",
                params![
                    id,
                    title,
                    name_key(&title),
                    native,
                    native.as_deref().map(name_key),
                    clean_optional("network", input.network.as_deref())?,
                    check_year(input.year)?
                ],
            )?;
            aliases::replace(tx, AliasTable::Show, id, &input.aliases)
        })
    }

    /// Adds more names a show is known by.
    pub fn add_show_aliases(&mut self, id: i64, names: &[String]) -> Result<()> {
        self.edit(format!("add aliases to show #{id}: {}", names.join(", ")), |tx| {
            require(tx, EntityKind::Show, id)?;
            aliases::add(tx, AliasTable::Show, id, names)
        })
    }

    /// Deletes a show with its episodes, scenes and roles. Clips stay in the
    /// library, no longer linked to it; credits keep the characters' names as
    /// text (as [`Library::delete_role`] does); no file is touched.
    pub fn delete_show(&mut self, id: i64) -> Result<()> {
        self.edit(format!("delete show #{id}"), |tx| {
            require(tx, EntityKind::Show, id)?;
            for table in ["credit", "marker_person"] {
                tx.execute(
                    &format!(
                        "UPDATE {table} SET character = (SELECT character FROM role WHERE role.id = {table}.role_id)
                         WHERE role_id IN (SELECT id FROM role WHERE show_id = ?1)"
                    ),
                    [id],
                )?;
            }
            tx.execute("DELETE FROM show WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    pub fn show(&self, id: i64) -> Result<Show> {
        load_show(&self.conn, id)
    }

    /// Every show, by title.
    pub fn shows(&self) -> Result<Vec<Show>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM show ORDER BY title_key, year, id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| load_show(&self.conn, id)).collect()
    }

    /// Finds a show by `#id`, title, native title or alias.
    pub fn find_show(&self, reference: &str) -> Result<i64> {
        resolve(&self.conn, &SHOW_LOOKUP, reference, None)
    }

    /// Adds an episode; its number must be new for the show.
    pub fn add_episode(
        &mut self,
        show_id: i64,
        number: i64,
        title: Option<&str>,
        air_date: Option<&str>,
    ) -> Result<i64> {
        self.edit(format!("add episode {number} to show #{show_id}"), |tx| {
            require(tx, EntityKind::Show, show_id)?;
            if number < 0 {
                return Err(Error::invalid("number", format!("{number} is not an episode number")));
            }
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM episode WHERE show_id = ?1 AND number = ?2",
                    [show_id, number],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = existing {
                let show = load_show(tx, show_id)?.title;
                return Err(Error::AlreadyExists {
                    kind: EntityKind::Episode,
                    name: format!("{show} episode {number}"),
                    id,
                });
            }
            tx.execute(
                "INSERT INTO episode (show_id, number, title, air_date) VALUES (?1, ?2, ?3, ?4)",
                params![show_id, number, clean_optional("title", title)?, check_date("air date", air_date)?],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Changes an episode's title and air date.
    pub fn update_episode(&mut self, id: i64, title: Option<&str>, air_date: Option<&str>) -> Result<()> {
        self.edit(format!("change episode #{id}"), |tx| {
            require(tx, EntityKind::Episode, id)?;
            tx.execute(
                "UPDATE episode SET title = ?2, air_date = ?3 WHERE id = ?1",
                params![id, clean_optional("title", title)?, check_date("air date", air_date)?],
            )?;
            Ok(())
        })
    }

    /// Deletes an episode; its scenes and clips stay with the show.
    pub fn delete_episode(&mut self, id: i64) -> Result<()> {
        self.edit(format!("delete episode #{id}"), |tx| {
            require(tx, EntityKind::Episode, id)?;
            tx.execute("DELETE FROM episode WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// A show's episode by number.
    pub fn find_episode(&self, show_id: i64, number: i64) -> Result<i64> {
        self.conn
            .query_row("SELECT id FROM episode WHERE show_id = ?1 AND number = ?2", [show_id, number], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| {
                Error::not_found(EntityKind::Episode, format!("episode {number} of show #{show_id}"))
            })
    }

    /// A show's episodes in order.
    pub fn episodes(&self, show_id: i64) -> Result<Vec<Episode>> {
        require(&self.conn, EntityKind::Show, show_id)?;
        load_episodes(&self.conn, show_id)
    }

    /// Adds a scene to a show, in an episode when `input.episode` is set
    /// (the episode is created if the show does not have it yet).
    pub fn add_scene(&mut self, show_id: i64, input: &SceneInput) -> Result<i64> {
        self.edit(format!("add scene \"{}\" to show #{show_id}", input.title.trim()), |tx| {
            require(tx, EntityKind::Show, show_id)?;
            let title = clean_lookup_name("scene title", &input.title)?;
            let episode_id = input.episode.map(|n| ensure_episode(tx, show_id, n)).transpose()?;
            tx.execute(
                "INSERT INTO scene (show_id, episode_id, title, title_key, description) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![show_id, episode_id, title, name_key(&title), clean_optional("description", input.description.as_deref())?],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Replaces a scene's episode, title and description.
    pub fn update_scene(&mut self, id: i64, input: &SceneInput) -> Result<()> {
        self.edit(format!("change scene #{id}"), |tx| {
            let show_id: i64 = tx
                .query_row("SELECT show_id FROM scene WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::not_found(EntityKind::Scene, format!("#{id}")))?;
            let title = clean_lookup_name("scene title", &input.title)?;
            let episode_id = input.episode.map(|n| ensure_episode(tx, show_id, n)).transpose()?;
            tx.execute(
                "UPDATE scene SET episode_id = ?2, title = ?3, title_key = ?4, description = ?5 WHERE id = ?1",
                params![id, episode_id, title, name_key(&title), clean_optional("description", input.description.as_deref())?],
            )?;
            Ok(())
        })
    }

    /// Deletes a scene; markers and clips that named it stay.
    pub fn delete_scene(&mut self, id: i64) -> Result<()> {
        self.edit(format!("delete scene #{id}"), |tx| {
            require(tx, EntityKind::Scene, id)?;
            tx.execute("DELETE FROM scene WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    pub fn scene(&self, id: i64) -> Result<Scene> {
        load_scenes(&self.conn, "scene.id = ?1", id)?
            .pop()
            .ok_or_else(|| Error::not_found(EntityKind::Scene, format!("#{id}")))
    }

    /// A show's scenes, in episode order.
    pub fn scenes(&self, show_id: i64) -> Result<Vec<Scene>> {
        require(&self.conn, EntityKind::Show, show_id)?;
        load_scenes(&self.conn, "scene.show_id = ?1", show_id)
    }

    /// Finds a scene by `#id` or title, within one show when `show_id` is given.
    pub fn find_scene(&self, reference: &str, show_id: Option<i64>) -> Result<i64> {
        resolve(&self.conn, &SCENE_LOOKUP, reference, show_id)
    }
}

/// The show `input` describes, if the library has it: same title or native
/// title, and the same year when both say one.
pub(crate) fn same_show(conn: &Connection, input: &ShowInput) -> Result<Option<i64>> {
    let (title, native) = show_names(input)?;
    Ok(conn
        .query_row(
            "SELECT id FROM show WHERE (title_key = ?1 OR native_key = ?1 OR native_key = ?2 OR title_key = ?2)
             AND (year IS NULL OR ?3 IS NULL OR year = ?3) ORDER BY id LIMIT 1",
            params![name_key(&title), native.as_deref().map(name_key), check_year(input.year)?],
            |r| r.get(0),
        )
        .optional()?)
}

/// Inserts a show without looking for one of the same name (callers do that).
pub(crate) fn insert_show(conn: &Connection, input: &ShowInput) -> Result<i64> {
    let (title, native) = show_names(input)?;
    conn.execute(
        "INSERT INTO show (title, title_key, native_title, native_key, network, year)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            title,
            name_key(&title),
            native,
            native.as_deref().map(name_key),
            clean_optional("network", input.network.as_deref())?,
            check_year(input.year)?
        ],
    )?;
    let id = conn.last_insert_rowid();
    aliases::add(conn, AliasTable::Show, id, &input.aliases)?;
    Ok(id)
}

fn show_names(input: &ShowInput) -> Result<(String, Option<String>)> {
    Ok((
        clean_lookup_name("title", &input.title)?,
        clean_optional_lookup_name("native title", input.native_title.as_deref())?,
    ))
}

pub(crate) fn load_scenes(conn: &Connection, filter: &str, value: i64) -> Result<Vec<Scene>> {
    let sql = format!(
        "SELECT scene.id, scene.show_id, episode.number, scene.title, scene.description
         FROM scene LEFT JOIN episode ON episode.id = scene.episode_id
         WHERE {filter} ORDER BY episode.number IS NULL, episode.number, scene.id"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([value], |r| {
        Ok(Scene {
            id: r.get(0)?,
            show_id: r.get(1)?,
            episode: r.get(2)?,
            title: r.get(3)?,
            description: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn load_episodes(conn: &Connection, show_id: i64) -> Result<Vec<Episode>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, show_id, number, title, air_date FROM episode WHERE show_id = ?1 ORDER BY number",
    )?;
    let rows = statement.query_map([show_id], |r| {
        Ok(Episode {
            id: r.get(0)?,
            show_id: r.get(1)?,
            number: r.get(2)?,
            title: r.get(3)?,
            air_date: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
