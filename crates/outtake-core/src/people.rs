//! People (actors, crew, hosts) and the roles they play in shows.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::aliases::{self, AliasTable};
use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, Lookup, require, resolve};
use crate::names::{clean_lookup_name, clean_optional_lookup_name, name_key};

/// One person, known by every name in `name`, `native_name` and `aliases`
/// (김유정 / Kim Yoo Jung / Kim Yoo-jung).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub native_name: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonInput {
    pub name: String,
    pub native_name: Option<String>,
    pub aliases: Vec<String>,
}

/// A person plays a character in a show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Role {
    pub id: i64,
    pub person_id: i64,
    pub person: String,
    pub show_id: i64,
    pub show: String,
    pub character: String,
    pub native_character: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoleInput {
    pub character: String,
    pub native_character: Option<String>,
}

pub(crate) const PERSON_LOOKUP: Lookup = Lookup {
    kind: EntityKind::Person,
    key: name_key,
    ids_by_key: "SELECT id FROM person WHERE name_key = ?1 OR native_key = ?1
                 UNION SELECT person_id FROM person_alias WHERE key = ?1",
    label: "SELECT name || coalesce(' (' || native_name || ')', '') FROM person WHERE id = ?1",
};

pub(crate) const ROLE_LOOKUP: Lookup = Lookup {
    kind: EntityKind::Role,
    key: name_key,
    ids_by_key: "SELECT id FROM role WHERE (character_key = ?1 OR native_key = ?1)
                 AND (?2 IS NULL OR show_id = ?2)",
    label: "SELECT role.character || ' (' || person.name || ' in ' || show.title || ')'
            FROM role JOIN person ON person.id = role.person_id JOIN show ON show.id = role.show_id
            WHERE role.id = ?1",
};

const ROLE_SELECT: &str = "SELECT role.id, role.person_id, person.name, role.show_id, show.title,
        role.character, role.native_character
    FROM role JOIN person ON person.id = role.person_id JOIN show ON show.id = role.show_id";

pub(crate) fn load_person(conn: &Connection, id: i64) -> Result<Person> {
    let (name, native_name) = conn
        .query_row("SELECT name, native_name FROM person WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::not_found(EntityKind::Person, format!("#{id}")))?;
    Ok(Person { id, name, native_name, aliases: aliases::list(conn, AliasTable::Person, id)? })
}

pub(crate) fn load_roles(conn: &Connection, filter: &str, value: i64) -> Result<Vec<Role>> {
    let sql = format!("{ROLE_SELECT} WHERE {filter} ORDER BY show.title_key, role.id");
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([value], |r| {
        Ok(Role {
            id: r.get(0)?,
            person_id: r.get(1)?,
            person: r.get(2)?,
            show_id: r.get(3)?,
            show: r.get(4)?,
            character: r.get(5)?,
            native_character: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The person ids whose name, native name or alias keys to `key`.
pub(crate) fn people_named(conn: &Connection, key: &str) -> Result<Vec<i64>> {
    let mut statement = conn.prepare_cached(PERSON_LOOKUP.ids_by_key)?;
    let rows = statement.query_map(params![key], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Inserts a person without looking for one of the same name (callers do that).
pub(crate) fn insert_person(conn: &Connection, input: &PersonInput) -> Result<i64> {
    let (name, native) = person_names(input)?;
    conn.execute(
        "INSERT INTO person (name, name_key, native_name, native_key) VALUES (?1, ?2, ?3, ?4)",
        params![name, name_key(&name), native, native.as_deref().map(name_key)],
    )?;
    let id = conn.last_insert_rowid();
    aliases::add(conn, AliasTable::Person, id, &input.aliases)?;
    Ok(id)
}

fn person_names(input: &PersonInput) -> Result<(String, Option<String>)> {
    Ok((
        clean_lookup_name("name", &input.name)?,
        clean_optional_lookup_name("native name", input.native_name.as_deref())?,
    ))
}

impl Library {
    /// Adds a person. If any of their names already belongs to someone this is
    /// an [`Error::AlreadyExists`]: add the new name as an alias instead.
    pub fn add_person(&mut self, input: &PersonInput) -> Result<i64> {
        self.edit(format!("add person \"{}\"", input.name.trim()), |tx| {
            let (name, native) = person_names(input)?;
            for candidate in std::iter::once(&name).chain(native.as_ref()).chain(&input.aliases) {
                if let Some(id) = people_named(tx, &name_key(candidate))?.first() {
                    return Err(Error::AlreadyExists {
                        kind: EntityKind::Person,
                        name: candidate.clone(),
                        id: *id,
                    });
                }
            }
            insert_person(tx, input)
        })
    }

    /// Replaces a person's names (their roles and credits stay).
    pub fn update_person(&mut self, id: i64, input: &PersonInput) -> Result<()> {
        self.edit(format!("change person #{id}"), |tx| {
            require(tx, EntityKind::Person, id)?;
            let (name, native) = person_names(input)?;
            tx.execute(
                "UPDATE person SET name = ?2, name_key = ?3, native_name = ?4, native_key = ?5 WHERE id = ?1",
                params![id, name, name_key(&name), native, native.as_deref().map(name_key)],
            )?;
            aliases::replace(tx, AliasTable::Person, id, &input.aliases)
        })
    }

    pub fn add_person_aliases(&mut self, id: i64, names: &[String]) -> Result<()> {
        self.edit(format!("add aliases to person #{id}: {}", names.join(", ")), |tx| {
            require(tx, EntityKind::Person, id)?;
            aliases::add(tx, AliasTable::Person, id, names)
        })
    }

    /// Deletes a person with their roles, credits and marker appearances.
    /// Clips and markers themselves stay.
    pub fn delete_person(&mut self, id: i64) -> Result<()> {
        self.edit(format!("delete person #{id}"), |tx| {
            require(tx, EntityKind::Person, id)?;
            tx.execute("DELETE FROM person WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    pub fn person(&self, id: i64) -> Result<Person> {
        load_person(&self.conn, id)
    }

    /// Everyone, by name.
    pub fn people(&self) -> Result<Vec<Person>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM person ORDER BY name_key, id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| load_person(&self.conn, id)).collect()
    }

    /// Finds a person by `#id`, name, native name or alias.
    pub fn find_person(&self, reference: &str) -> Result<i64> {
        resolve(&self.conn, &PERSON_LOOKUP, reference, None)
    }

    /// Folds `from` into `into`: `from`'s names become aliases of `into`, and
    /// their roles, credits and marker appearances move over. `from` is gone after.
    pub fn merge_people(&mut self, from: i64, into: i64) -> Result<()> {
        if from == into {
            return Err(Error::invalid("merge", "a person cannot be merged into themselves"));
        }
        self.edit(format!("merge person #{from} into #{into}"), |tx| {
            let source = load_person(tx, from)?;
            require(tx, EntityKind::Person, into)?;
            let mut names = vec![source.name.clone()];
            names.extend(source.native_name.clone());
            names.extend(source.aliases.iter().cloned());
            let target = load_person(tx, into)?;
            let own = [Some(name_key(&target.name)), target.native_name.as_deref().map(name_key)];
            names.retain(|n| !own.contains(&Some(name_key(n))));
            aliases::add(tx, AliasTable::Person, into, &names)?;
            move_roles(tx, from, into)?;
            // Where both were credited, the one credit left keeps what either said
            // about the character (the target's, when both said something).
            for table in ["credit", "marker_person"] {
                let owner = if table == "credit" { "clip_id" } else { "marker_id" };
                tx.execute(
                    &format!(
                        "INSERT INTO {table} ({owner}, person_id, role_id, character)
                         SELECT {owner}, ?2, role_id, character FROM {table} WHERE person_id = ?1 AND true
                         ON CONFLICT ({owner}, person_id) DO UPDATE SET
                             role_id = CASE WHEN role_id IS NULL AND character IS NULL
                                            THEN excluded.role_id ELSE role_id END,
                             character = CASE WHEN role_id IS NULL AND character IS NULL
                                              THEN excluded.character ELSE character END"
                    ),
                    [from, into],
                )?;
            }
            tx.execute("DELETE FROM person WHERE id = ?1", [from])?;
            Ok(())
        })
    }

    /// Says that a person plays a character in a show.
    pub fn add_role(&mut self, person_id: i64, show_id: i64, input: &RoleInput) -> Result<i64> {
        self.edit(
            format!("add role \"{}\" for person #{person_id} in show #{show_id}", input.character.trim()),
            |tx| insert_role(tx, person_id, show_id, input),
        )
    }

    pub fn update_role(&mut self, id: i64, input: &RoleInput) -> Result<()> {
        self.edit(format!("change role #{id}"), |tx| {
            require(tx, EntityKind::Role, id)?;
            let character = clean_lookup_name("character", &input.character)?;
            let native = clean_optional_lookup_name("native character", input.native_character.as_deref())?;
            tx.execute(
                "UPDATE role SET character = ?2, character_key = ?3, native_character = ?4, native_key = ?5
                 WHERE id = ?1",
                params![id, character, name_key(&character), native, native.as_deref().map(name_key)],
            )?;
            Ok(())
        })
    }

    /// Deletes a role; credits that named it keep the character's name as text.
    pub fn delete_role(&mut self, id: i64) -> Result<()> {
        self.edit(format!("delete role #{id}"), |tx| {
            require(tx, EntityKind::Role, id)?;
            for table in ["credit", "marker_person"] {
                tx.execute(
                    &format!(
                        "UPDATE {table} SET character = (SELECT character FROM role WHERE id = ?1)
                         WHERE role_id = ?1"
                    ),
                    [id],
                )?;
            }
            tx.execute("DELETE FROM role WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    pub fn role(&self, id: i64) -> Result<Role> {
        load_roles(&self.conn, "role.id = ?1", id)?
            .pop()
            .ok_or_else(|| Error::not_found(EntityKind::Role, format!("#{id}")))
    }

    /// Every role a person plays.
    pub fn roles_of(&self, person_id: i64) -> Result<Vec<Role>> {
        require(&self.conn, EntityKind::Person, person_id)?;
        load_roles(&self.conn, "role.person_id = ?1", person_id)
    }

    /// A show's cast.
    pub fn cast_of(&self, show_id: i64) -> Result<Vec<Role>> {
        require(&self.conn, EntityKind::Show, show_id)?;
        load_roles(&self.conn, "role.show_id = ?1", show_id)
    }

    /// Finds a role by `#id` or character name (native too), within one show when given.
    pub fn find_role(&self, reference: &str, show_id: Option<i64>) -> Result<i64> {
        resolve(&self.conn, &ROLE_LOOKUP, reference, show_id)
    }
}

pub(crate) fn insert_role(conn: &Connection, person_id: i64, show_id: i64, input: &RoleInput) -> Result<i64> {
    require(conn, EntityKind::Person, person_id)?;
    require(conn, EntityKind::Show, show_id)?;
    let character = clean_lookup_name("character", &input.character)?;
    let native = clean_optional_lookup_name("native character", input.native_character.as_deref())?;
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM role WHERE person_id = ?1 AND show_id = ?2 AND character_key = ?3",
            params![person_id, show_id, name_key(&character)],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Err(Error::AlreadyExists { kind: EntityKind::Role, name: character, id });
    }
    conn.execute(
        "INSERT INTO role (person_id, show_id, character, character_key, native_character, native_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![person_id, show_id, character, name_key(&character), native, native.as_deref().map(name_key)],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Moves `from`'s roles to `into`; where `into` already plays that character,
/// the duplicate role's credits point at `into`'s role and it is dropped.
fn move_roles(conn: &Connection, from: i64, into: i64) -> Result<()> {
    let duplicates: Vec<(i64, i64)> = conn
        .prepare(
            "SELECT a.id, b.id FROM role a JOIN role b
             ON b.person_id = ?2 AND b.show_id = a.show_id AND b.character_key = a.character_key
             WHERE a.person_id = ?1",
        )?
        .query_map([from, into], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (old, new) in duplicates {
        for table in ["credit", "marker_person"] {
            conn.execute(&format!("UPDATE {table} SET role_id = ?2 WHERE role_id = ?1"), [old, new])?;
        }
        conn.execute("DELETE FROM role WHERE id = ?1", [old])?;
    }
    conn.execute("UPDATE role SET person_id = ?2 WHERE person_id = ?1", [from, into])?;
    Ok(())
}
