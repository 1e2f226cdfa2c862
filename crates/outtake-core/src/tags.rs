//! Tags, optionally namespaced (`mood:emotional`, `type:blooper`), with aliases and parents.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, Lookup, require, resolve};
use crate::names::{clean_lookup_name, clean_name, name_key};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tag {
    pub id: i64,
    pub namespace: Option<String>,
    pub name: String,
    /// `namespace:name`, or just the name.
    pub full_name: String,
    pub aliases: Vec<String>,
    /// Full names of the tags this one is a kind of (`type:blooper` under `type:funny`).
    pub parents: Vec<String>,
}

/// Splits `mood:emotional` into its namespace and name; `emotional` has none.
/// A full-width colon (`ｍｏｏｄ：ｅｍｏｔｉｏｎａｌ`, as CJK keyboards type it) separates too.
pub fn split_tag(text: &str) -> (Option<&str>, &str) {
    match text.split_once([':', '\u{FF1A}']) {
        Some((ns, name)) if !ns.trim().is_empty() && !name.trim().is_empty() => {
            (Some(ns.trim()), name.trim())
        }
        _ => (None, text.trim()),
    }
}

/// The lookup key of a tag as typed: `Mood: Emotional` and `mood:emotional` are one tag.
pub fn tag_key(text: &str) -> String {
    match split_tag(text) {
        (Some(ns), name) => format!("{}:{}", name_key(ns), name_key(name)),
        (None, name) => name_key(name),
    }
}

pub(crate) const TAG_LOOKUP: Lookup = Lookup {
    kind: EntityKind::Tag,
    key: tag_key,
    // A name typed without a namespace also finds `ns:name` tags.
    ids_by_key: "SELECT id FROM tag WHERE key = ?1
                 UNION SELECT tag_id FROM tag_alias WHERE key = ?1
                 UNION SELECT id FROM tag WHERE instr(?1, ':') = 0 AND name_key = ?1",
    label: "SELECT coalesce(namespace || ':', '') || name FROM tag WHERE id = ?1",
};

pub(crate) fn load_tag(conn: &Connection, id: i64) -> Result<Tag> {
    let (namespace, name): (Option<String>, String) = conn
        .query_row("SELECT namespace, name FROM tag WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::not_found(EntityKind::Tag, format!("#{id}")))?;
    let strings = |sql: &str| -> Result<Vec<String>> {
        let mut statement = conn.prepare_cached(sql)?;
        let rows = statement.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    Ok(Tag {
        id,
        full_name: full_name(namespace.as_deref(), &name),
        namespace,
        name,
        aliases: strings("SELECT alias FROM tag_alias WHERE tag_id = ?1 ORDER BY rowid")?,
        parents: strings(
            "SELECT coalesce(t.namespace || ':', '') || t.name FROM tag_parent p JOIN tag t ON t.id = p.parent_id
             WHERE p.tag_id = ?1 ORDER BY p.rowid",
        )?,
    })
}

pub(crate) fn full_name(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{ns}:{name}"),
        None => name.to_string(),
    }
}

/// The id of the tag `text` names, created when no tag or alias has that name.
pub(crate) fn ensure_tag(conn: &Connection, text: &str) -> Result<i64> {
    match resolve(conn, &TAG_LOOKUP, text, None) {
        Err(Error::NotFound { .. }) => insert_tag(conn, text),
        found => found,
    }
}

fn clean_tag(text: &str) -> Result<(Option<String>, String)> {
    let trimmed = text.trim();
    if trimmed.ends_with([':', '\u{FF1A}']) || trimmed.starts_with([':', '\u{FF1A}']) {
        return Err(Error::invalid("tag", format!("\"{trimmed}\" needs a name after the namespace")));
    }
    let (namespace, name) = split_tag(text);
    let namespace = namespace.map(|ns| clean_name("tag namespace", ns)).transpose()?;
    // A bare `#99` would be read as an id; `ep:#99` is still found by its full name.
    let name = if namespace.is_some() { clean_name("tag", name)? } else { clean_lookup_name("tag", name)? };
    Ok((namespace, name))
}

pub(crate) fn insert_tag(conn: &Connection, text: &str) -> Result<i64> {
    let (namespace, name) = clean_tag(text)?;
    let key = tag_key(&full_name(namespace.as_deref(), &name));
    if let Some(id) = tag_id_by_exact_key(conn, &key)? {
        return Err(Error::AlreadyExists { kind: EntityKind::Tag, name: text.trim().to_string(), id });
    }
    conn.execute(
        "INSERT INTO tag (namespace, name, key, name_key) VALUES (?1, ?2, ?3, ?4)",
        params![namespace, name, key, name_key(&name)],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A tag whose own key or one of whose aliases is exactly `key`.
fn tag_id_by_exact_key(conn: &Connection, key: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM tag WHERE key = ?1 UNION SELECT tag_id FROM tag_alias WHERE key = ?1 LIMIT 1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

pub(crate) fn add_alias(conn: &Connection, id: i64, alias: &str) -> Result<()> {
    let alias = clean_lookup_name("tag alias", alias)?;
    let key = tag_key(&alias);
    match tag_id_by_exact_key(conn, &key)? {
        Some(owner) if owner == id => Ok(()),
        Some(owner) => Err(Error::AlreadyExists { kind: EntityKind::Tag, name: alias, id: owner }),
        None => {
            conn.execute(
                "INSERT INTO tag_alias (tag_id, alias, key) VALUES (?1, ?2, ?3)",
                params![id, alias, key],
            )?;
            Ok(())
        }
    }
}

pub(crate) fn add_parent(conn: &Connection, id: i64, parent: i64) -> Result<()> {
    require(conn, EntityKind::Tag, id)?;
    require(conn, EntityKind::Tag, parent)?;
    if id == parent {
        return Err(Error::invalid("tag parent", "a tag cannot be its own parent"));
    }
    // A parent may not already sit below the tag: that would make a loop.
    let loops: bool = conn.query_row(
        "WITH RECURSIVE below(id) AS (SELECT ?1 UNION SELECT p.tag_id FROM tag_parent p JOIN below ON p.parent_id = below.id)
         SELECT EXISTS (SELECT 1 FROM below WHERE id = ?2)",
        [id, parent],
        |r| r.get(0),
    )?;
    if loops {
        let (a, b) = (load_tag(conn, id)?.full_name, load_tag(conn, parent)?.full_name);
        return Err(Error::invalid(
            "tag parent",
            format!("{b} is already under {a}; a tag cannot be its own ancestor"),
        ));
    }
    conn.execute("INSERT OR IGNORE INTO tag_parent (tag_id, parent_id) VALUES (?1, ?2)", [id, parent])?;
    Ok(())
}

impl Library {
    /// Adds a tag (`mood:emotional` or `emotional`); an existing name is an error.
    pub fn add_tag(&mut self, text: &str) -> Result<i64> {
        self.edit(format!("add tag {}", text.trim()), |tx| insert_tag(tx, text))
    }

    /// Renames a tag (namespace included); its clips, markers and aliases stay.
    pub fn rename_tag(&mut self, id: i64, text: &str) -> Result<()> {
        self.edit(format!("rename tag #{id} to {}", text.trim()), |tx| {
            require(tx, EntityKind::Tag, id)?;
            let (namespace, name) = clean_tag(text)?;
            let key = tag_key(&full_name(namespace.as_deref(), &name));
            if let Some(other) = tag_id_by_exact_key(tx, &key)?.filter(|other| *other != id) {
                return Err(Error::AlreadyExists {
                    kind: EntityKind::Tag,
                    name: text.trim().to_string(),
                    id: other,
                });
            }
            tx.execute("DELETE FROM tag_alias WHERE tag_id = ?1 AND key = ?2", params![id, key])?;
            tx.execute(
                "UPDATE tag SET namespace = ?2, name = ?3, key = ?4, name_key = ?5 WHERE id = ?1",
                params![id, namespace, name, key, name_key(&name)],
            )?;
            Ok(())
        })
    }

    pub fn add_tag_alias(&mut self, id: i64, alias: &str) -> Result<()> {
        self.edit(format!("alias tag #{id} as {}", alias.trim()), |tx| {
            require(tx, EntityKind::Tag, id)?;
            add_alias(tx, id, alias)
        })
    }

    /// Puts `id` under `parent`: searching the parent also finds this tag.
    pub fn add_tag_parent(&mut self, id: i64, parent: i64) -> Result<()> {
        self.edit(format!("put tag #{id} under tag #{parent}"), |tx| add_parent(tx, id, parent))
    }

    pub fn remove_tag_parent(&mut self, id: i64, parent: i64) -> Result<()> {
        self.edit(format!("take tag #{id} from under tag #{parent}"), |tx| {
            tx.execute("DELETE FROM tag_parent WHERE tag_id = ?1 AND parent_id = ?2", [id, parent])?;
            Ok(())
        })
    }

    /// Deletes a tag; clips and markers lose it, nothing else changes.
    pub fn delete_tag(&mut self, id: i64) -> Result<()> {
        self.edit(format!("delete tag #{id}"), |tx| {
            require(tx, EntityKind::Tag, id)?;
            tx.execute("DELETE FROM tag WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    pub fn tag(&self, id: i64) -> Result<Tag> {
        load_tag(&self.conn, id)
    }

    /// Every tag, by namespace then name.
    pub fn tags(&self) -> Result<Vec<Tag>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM tag ORDER BY namespace IS NOT NULL, namespace, name_key, id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| load_tag(&self.conn, id)).collect()
    }

    /// Finds a tag by `#id`, full name, alias, or a bare name in any namespace.
    pub fn find_tag(&self, reference: &str) -> Result<i64> {
        resolve(&self.conn, &TAG_LOOKUP, reference, None)
    }

    /// Folds `from` into `into`: its name becomes an alias, its clips, markers,
    /// aliases, parents and children move over. `from` is gone after.
    pub fn merge_tags(&mut self, from: i64, into: i64) -> Result<()> {
        if from == into {
            return Err(Error::invalid("merge", "a tag cannot be merged into itself"));
        }
        self.edit(format!("merge tag #{from} into #{into}"), |tx| {
            let source = load_tag(tx, from)?;
            require(tx, EntityKind::Tag, into)?;
            tx.execute("UPDATE tag_alias SET tag_id = ?2 WHERE tag_id = ?1", [from, into])?;
            for (table, owner) in [("clip_tag", "clip_id"), ("marker_tag", "marker_id")] {
                tx.execute(
                    &format!("INSERT OR IGNORE INTO {table} ({owner}, tag_id) SELECT {owner}, ?2 FROM {table} WHERE tag_id = ?1"),
                    [from, into],
                )?;
            }
            let linked = |sql: &str| -> Result<Vec<i64>> {
                let mut statement = tx.prepare(sql)?;
                let rows = statement.query_map([from, into], |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            };
            let children = linked("SELECT tag_id FROM tag_parent WHERE parent_id = ?1 AND tag_id <> ?2")?;
            let parents = linked("SELECT parent_id FROM tag_parent WHERE tag_id = ?1 AND parent_id <> ?2")?;
            tx.execute("DELETE FROM tag WHERE id = ?1", [from])?;
            // Both go through the loop check: a child of `from` may already sit
            // above `into` (and a parent below it); such a link is skipped.
            let links = children.into_iter().map(|child| (child, into));
            for (tag, parent) in links.chain(parents.into_iter().map(|parent| (into, parent))) {
                match add_parent(tx, tag, parent) {
                    Err(Error::Invalid { .. }) => {}
                    other => other?,
                }
            }
            add_alias(tx, into, &source.full_name)
        })
    }
}
