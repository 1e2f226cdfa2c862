//! A query's filters, each resolved once: names become ids (a few small
//! queries), and the ids become what the search asks of clips
//! (`Restriction`), of a word query's documents (`Facets`), of markers
//! (`Filters::markers_of`) and of where words may match (`in:`, `lang:`).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{Connection, ToSql, params_from_iter};

use super::query::{Compare, Filter, Within};
use super::text::{Facet, facet};
use crate::db::id_array;
use crate::error::Result;
use crate::names::name_key;
use crate::tags::tag_key;

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
/// Scenes of that title.
const SCENES: &str = "SELECT id FROM scene WHERE title_key = ?1x";
/// Roles of that character name.
const ROLES: &str = "SELECT id FROM role WHERE character_key = ?1x OR native_key = ?1x";

/// A narrow filter lists at most this many clips.
const DRIVING: usize = 2000;

/// What a query's filters ask, every name resolved to ids once.
pub(super) struct Filters {
    /// The filters as conditions on clips; `None` when none is left to check in SQL.
    pub(super) restriction: Option<Restriction>,
    /// With words, the cast, show and tag filters, as facets the documents must carry.
    pub(super) facets: Facets,
    /// Where words may match (`in:`); empty: anywhere.
    pub(super) within: Vec<Within>,
    /// The languages cues may match in (`lang:`); empty: any.
    pub(super) langs: Vec<String>,
    resolved: Vec<Resolved>,
}

/// One filter with its names resolved to ids.
enum Resolved {
    Show(Vec<i64>),
    Episodes(i64, i64),
    Scene(Vec<i64>),
    Cast(Vec<i64>),
    Character { key: String, roles: Vec<i64> },
    Tag { tags: Vec<i64>, negated: bool },
    Lang(String),
    Within(Within),
    Duration(Compare, i64),
    Added(Compare, String),
    Missing,
    Offline,
    Untagged,
}

impl Resolved {
    fn new(conn: &Connection, filter: &Filter) -> Result<Resolved> {
        Ok(match filter {
            Filter::Show(name) => Resolved::Show(id_list(conn, SHOWS, &name_key(name))?),
            Filter::Episodes(from, to) => Resolved::Episodes(*from, *to),
            Filter::Scene(name) => Resolved::Scene(id_list(conn, SCENES, &name_key(name))?),
            Filter::Cast(name) => Resolved::Cast(id_list(conn, PEOPLE, &name_key(name))?),
            Filter::Character(name) => {
                let key = name_key(name);
                Resolved::Character { roles: id_list(conn, ROLES, &key)?, key }
            }
            Filter::Tag { name, negated } => {
                Resolved::Tag { tags: id_list(conn, TAGS, &tag_key(name))?, negated: *negated }
            }
            Filter::Lang(lang) => Resolved::Lang(lang.clone()),
            Filter::Within(within) => Resolved::Within(*within),
            Filter::Duration(compare, ms) => Resolved::Duration(*compare, *ms),
            Filter::Added(compare, date) => Resolved::Added(*compare, date.clone()),
            Filter::Missing => Resolved::Missing,
            Filter::Offline => Resolved::Offline,
            Filter::Untagged => Resolved::Untagged,
        })
    }

    /// With words, the filters that are facet clauses of the FTS query rather than conditions.
    fn is_facet(&self) -> bool {
        matches!(self, Resolved::Show(_) | Resolved::Cast(_) | Resolved::Tag { negated: false, .. })
    }
}

/// The ids `sql` finds for a name's key.
fn id_list(conn: &Connection, sql: &str, key: &str) -> Result<Vec<i64>> {
    let sql = sql.replace("?1x", "?1");
    let mut statement = conn.prepare_cached(&sql)?;
    let ids = statement.query_map([key], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Binds `value` as the next numbered parameter and returns its placeholder (`?n`).
fn bind(values: &mut Vec<Box<dyn ToSql>>, value: impl ToSql + 'static) -> String {
    values.push(Box::new(value));
    format!("?{}", values.len())
}

/// Binds ids and returns what an `IN` takes: `rarray(?n)`, the ids as one
/// array (none, for no such name, matches nothing). One id is bound alone,
/// `(?n)`: SQLite seeks `IN (?n)` as `= ?n`, where an array is first copied
/// into a temporary table and walked on every row checked.
fn bind_ids(values: &mut Vec<Box<dyn ToSql>>, ids: &[i64]) -> String {
    match ids {
        [id] => format!("({})", bind(values, *id)),
        _ => format!("rarray({})", bind(values, id_array(ids.iter().copied()))),
    }
}

/// A marker: its id, start and end.
pub(super) type MarkerSpan = (i64, i64, Option<i64>);

impl Filters {
    /// Resolves the filters; `words` says whether the query has words (then the
    /// cast, show and tag filters become facets rather than conditions).
    pub(super) fn new(conn: &Connection, filters: &[Filter], words: bool) -> Result<Filters> {
        let resolved = filters.iter().map(|f| Resolved::new(conn, f)).collect::<Result<Vec<_>>>()?;
        let within =
            resolved.iter().filter_map(|f| if let Resolved::Within(w) = f { Some(*w) } else { None });
        let langs =
            resolved.iter().filter_map(|f| if let Resolved::Lang(l) = f { Some(l.clone()) } else { None });
        Ok(Filters {
            restriction: Restriction::new(conn, &resolved, words)?,
            facets: Facets::new(&resolved, words),
            within: within.collect(),
            langs: langs.collect(),
            resolved,
        })
    }

    /// The markers of `clips` that the marker-level filters (cast, character,
    /// scene, tag) point at, by clip, in time order.
    pub(super) fn markers_of(
        &self,
        conn: &Connection,
        clips: &[i64],
    ) -> Result<HashMap<i64, Vec<MarkerSpan>>> {
        let mut conditions: Vec<String> = Vec::new();
        let mut values: Vec<Box<dyn ToSql>> = Vec::new();
        // Each marker is checked through its keys.
        for filter in &self.resolved {
            let condition = match filter {
                Resolved::Cast(people) => format!(
                    "EXISTS (SELECT 1 FROM marker_person WHERE marker_id = m.id AND person_id IN {})",
                    bind_ids(&mut values, people)
                ),
                Resolved::Character { key, roles } => {
                    let roles = bind_ids(&mut values, roles);
                    let key = bind(&mut values, key.clone());
                    format!(
                        "EXISTS (SELECT 1 FROM marker_person mp WHERE mp.marker_id = m.id
                                 AND (mp.role_id IN {roles} OR outtake_name_key(mp.character) = {key}))"
                    )
                }
                Resolved::Scene(scenes) => format!("m.scene_id IN {}", bind_ids(&mut values, scenes)),
                Resolved::Tag { tags, negated: false } => format!(
                    "EXISTS (SELECT 1 FROM marker_tag WHERE marker_id = m.id AND tag_id IN {})",
                    bind_ids(&mut values, tags)
                ),
                _ => continue,
            };
            conditions.push(condition);
        }
        let mut out: HashMap<i64, Vec<MarkerSpan>> = HashMap::new();
        if conditions.is_empty() {
            return Ok(out);
        }
        let clips = bind_ids(&mut values, clips);
        let sql = format!(
            "SELECT m.clip_id, m.id, m.start_ms, m.end_ms FROM marker m WHERE m.clip_id IN {clips} AND {} ORDER BY m.start_ms",
            conditions.join(" AND ")
        );
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map(params_from_iter(values.iter()), |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
        })?;
        for row in rows {
            let (clip_id, span): (i64, MarkerSpan) = row?;
            out.entry(clip_id).or_default().push(span);
        }
        Ok(out)
    }
}

/// What the filters ask of a clip, as SQL over `clip c`. Each condition
/// checks one clip through indexes (`EXISTS … WHERE clip_id = c.id …`), so
/// applying it to the candidates of a word query costs little. A
/// filters-only query walks clips newest first and stops at the page limit;
/// when one filter is narrow, its clips are listed up front and drive the
/// walk instead. With words, the cast, show and tag filters are not here but
/// in `Facets`.
pub(super) struct Restriction {
    conditions: Vec<String>,
    /// The parameters the conditions (and the driving clips) are bound to.
    values: Vec<Box<dyn ToSql>>,
    /// The clips of the narrowest filter, when few enough to drive a query.
    driving: Option<Vec<i64>>,
    /// `c.id IN …`: the driving clips as a condition, bound in `values`.
    driving_condition: Option<String>,
}

/// One filter as SQL: its condition over `clip c` and, for a filter that
/// may be narrow, a query listing its clips.
struct Check {
    condition: String,
    clips: Option<Narrow>,
}

/// A query listing the clips of one filter, with the ids it takes as `?1`.
struct Narrow {
    sql: String,
    ids: Rc<Vec<Value>>,
}

impl Narrow {
    fn new(sql: String, ids: &[i64]) -> Option<Narrow> {
        Some(Narrow { sql, ids: id_array(ids.iter().copied()) })
    }
}

impl Check {
    fn only(condition: String) -> Option<Check> {
        Some(Check { condition, clips: None })
    }
}

/// `filter` as SQL over `clip c` (None for `in:`, which only steers words);
/// values it needs are bound in `values`.
fn check(filter: &Resolved, values: &mut Vec<Box<dyn ToSql>>) -> Option<Check> {
    match filter {
        Resolved::Show(shows) => Some(Check {
            condition: format!("c.show_id IN {}", bind_ids(values, shows)),
            clips: Narrow::new("SELECT id FROM clip WHERE show_id IN rarray(?1)".into(), shows),
        }),
        Resolved::Episodes(from, to) => Check::only(format!(
            "c.episode_id IN (SELECT id FROM episode WHERE number BETWEEN {from} AND {to})"
        )),
        Resolved::Scene(ids) => {
            let scenes = bind_ids(values, ids);
            Some(Check {
                condition: format!(
                    "(EXISTS (SELECT 1 FROM clip_scene WHERE clip_id = c.id AND scene_id IN {scenes})
                      OR EXISTS (SELECT 1 FROM marker WHERE clip_id = c.id AND scene_id IN {scenes}))"
                ),
                clips: Narrow::new(
                    "SELECT clip_id FROM clip_scene WHERE scene_id IN rarray(?1) UNION ALL SELECT clip_id FROM marker WHERE scene_id IN rarray(?1)".into(),
                    ids,
                ),
            })
        }
        Resolved::Cast(ids) => {
            let people = bind_ids(values, ids);
            Some(Check {
                condition: format!(
                    "(EXISTS (SELECT 1 FROM credit WHERE clip_id = c.id AND person_id IN {people})
                      OR EXISTS (SELECT 1 FROM marker m JOIN marker_person mp ON mp.marker_id = m.id
                                 WHERE m.clip_id = c.id AND mp.person_id IN {people}))"
                ),
                clips: Narrow::new(
                    "SELECT clip_id FROM credit WHERE person_id IN rarray(?1)
                     UNION ALL SELECT m.clip_id FROM marker_person mp JOIN marker m ON m.id = mp.marker_id WHERE mp.person_id IN rarray(?1)"
                        .into(),
                    ids,
                ),
            })
        }
        Resolved::Character { key, roles } => {
            let roles = bind_ids(values, roles);
            let key = bind(values, key.clone());
            let credited =
                |table: &str| format!("({table}.role_id IN {roles} OR outtake_name_key({table}.character) = {key})");
            Check::only(format!(
                "(EXISTS (SELECT 1 FROM credit cr WHERE cr.clip_id = c.id AND {})
                  OR EXISTS (SELECT 1 FROM marker m JOIN marker_person mp ON mp.marker_id = m.id WHERE m.clip_id = c.id AND {}))",
                credited("cr"),
                credited("mp")
            ))
        }
        Resolved::Tag { tags: ids, negated } => {
            let tags = bind_ids(values, ids);
            let tagged = format!(
                "(EXISTS (SELECT 1 FROM clip_tag WHERE clip_id = c.id AND tag_id IN {tags})
                  OR EXISTS (SELECT 1 FROM marker m JOIN marker_tag mt ON mt.marker_id = m.id
                             WHERE m.clip_id = c.id AND mt.tag_id IN {tags}))"
            );
            if *negated {
                return Check::only(format!("NOT {tagged}"));
            }
            Some(Check {
                condition: tagged,
                clips: Narrow::new(
                    "SELECT clip_id FROM clip_tag WHERE tag_id IN rarray(?1)
                     UNION ALL SELECT m.clip_id FROM marker_tag mt JOIN marker m ON m.id = mt.marker_id WHERE mt.tag_id IN rarray(?1)"
                        .into(),
                    ids,
                ),
            })
        }
        Resolved::Lang(lang) => {
            let lang = bind(values, lang.clone());
            Check::only(format!("EXISTS (SELECT 1 FROM cue WHERE clip_id = c.id AND lang = {lang})"))
        }
        Resolved::Duration(compare, ms) => Check::only(format!("c.duration_ms {} {ms}", operator(*compare))),
        Resolved::Added(compare, date) => {
            let date = bind(values, date.clone());
            Check::only(format!("substr(c.added_at, 1, 10) {} {date}", operator(*compare)))
        }
        Resolved::Missing => {
            Check::only("NOT EXISTS (SELECT 1 FROM file WHERE clip_id = c.id AND status <> 'missing')".into())
        }
        Resolved::Offline => Check::only(
            "EXISTS (SELECT 1 FROM file WHERE clip_id = c.id AND status = 'offline')
             AND NOT EXISTS (SELECT 1 FROM file WHERE clip_id = c.id AND status = 'present')"
                .into(),
        ),
        Resolved::Untagged => Check::only(
            "NOT EXISTS (SELECT 1 FROM clip_tag WHERE clip_id = c.id)
             AND NOT EXISTS (SELECT 1 FROM marker m JOIN marker_tag mt ON mt.marker_id = m.id WHERE m.clip_id = c.id)"
                .into(),
        ),
        Resolved::Within(_) => None,
    }
}

/// The clips of the narrowest filter of `narrow` (queries listing each
/// narrowing filter's clips), sorted, when it has at most `DRIVING`.
fn driving_clips(conn: &Connection, narrow: Vec<Narrow>) -> Result<Option<Vec<i64>>> {
    let mut driving: Option<Vec<i64>> = None;
    for Narrow { sql, ids } in narrow {
        // UNION ALL streams, so a wide filter stops after DRIVING + 1 rows.
        let mut clips: Vec<i64> = conn
            .prepare_cached(&format!("SELECT * FROM ({sql}) LIMIT {}", DRIVING + 1))?
            .query_map([ids], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if clips.len() <= DRIVING {
            clips.sort_unstable();
            clips.dedup();
            if driving.as_ref().is_none_or(|d| clips.len() < d.len()) {
                driving = Some(clips);
            }
        }
    }
    Ok(driving)
}

impl Restriction {
    /// The filters as SQL conditions on clips, except that with words the
    /// cast, show and tag filters become facets the words' FTS queries match
    /// (one intersection inside FTS5 rather than a check per clip).
    fn new(conn: &Connection, filters: &[Resolved], words: bool) -> Result<Option<Restriction>> {
        let mut conditions: Vec<String> = Vec::new();
        let mut values: Vec<Box<dyn ToSql>> = Vec::new();
        // For each narrowing filter: the query listing its clips.
        let mut narrow: Vec<Narrow> = Vec::new();
        for filter in filters.iter().filter(|f| !(words && f.is_facet())) {
            if let Some(check) = check(filter, &mut values) {
                conditions.push(check.condition);
                narrow.extend(check.clips);
            }
        }
        if conditions.is_empty() {
            return Ok(None);
        }
        let driving = driving_clips(conn, narrow)?;
        // The driving clips are exactly those its filter allows: when that filter
        // is the only one, nothing is left to check per clip. (With others, its
        // condition stays: it steers SQLite's plan away from worse indexes.)
        if driving.is_some() && conditions.len() == 1 {
            conditions.clear();
        }
        let driving_condition =
            driving.as_deref().map(|clips| format!("c.id IN {}", bind_ids(&mut values, clips)));
        Ok(Some(Restriction { conditions, values, driving, driving_condition }))
    }

    /// Whether a narrow filter's clips can drive the query.
    pub(super) fn drives(&self) -> bool {
        self.driving.is_some()
    }

    /// The driving clips (sorted) when no other condition is left to check.
    fn alone(&self) -> Option<&[i64]> {
        self.driving.as_deref().filter(|_| self.conditions.is_empty())
    }

    fn select(&self, extra: Option<String>) -> String {
        let mut conditions: Vec<String> = extra.into_iter().collect();
        conditions.extend(self.driving_condition.iter().cloned());
        conditions.extend(self.conditions.iter().cloned());
        format!("SELECT c.id FROM clip c WHERE {}", conditions.join(" AND "))
    }

    /// Which of `clips` the filters allow.
    pub(super) fn among(&self, conn: &Connection, clips: impl Iterator<Item = i64>) -> Result<HashSet<i64>> {
        if let Some(driving) = self.alone() {
            return Ok(clips.filter(|c| driving.binary_search(c).is_ok()).collect());
        }
        let clips = id_array(clips);
        if clips.is_empty() {
            return Ok(HashSet::new());
        }
        // The clips asked about are bound after the restriction's own values.
        let sql = self.select(Some(format!("c.id IN rarray(?{})", self.values.len() + 1)));
        let mut statement = conn.prepare(&sql)?;
        let params = self.values.iter().map(|v| v.as_ref()).chain([&clips as &dyn ToSql]);
        let ids =
            statement.query_map(params_from_iter(params), |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// The newest allowed clips, `limit` of them when given.
    pub(super) fn newest(&self, conn: &Connection, limit: Option<usize>) -> Result<Vec<i64>> {
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

/// What the cast, show and tag filters ask of a word query's documents.
pub(super) enum Facets {
    /// No such filter.
    Any,
    Match(FacetFilter),
    /// A filter names something no clip has: nothing matches.
    Nothing,
}

/// Facets a document's clip must have: one of each group's tokens.
pub(super) struct FacetFilter {
    groups: Vec<Vec<String>>,
    /// The same as an FTS expression over the facets column.
    expression: String,
}

impl Facets {
    /// With words, the cast, show and tag filters' facets; without, `Any`.
    fn new(filters: &[Resolved], words: bool) -> Facets {
        let mut facets = Facets::Any;
        for filter in filters.iter().filter(|_| words) {
            match filter {
                Resolved::Show(shows) => facets.require(Facet::Show, shows),
                Resolved::Cast(people) => facets.require(Facet::Person, people),
                Resolved::Tag { tags, negated: false } => facets.require(Facet::Tag, tags),
                _ => {}
            }
        }
        facets
    }

    pub(super) fn filter(&self) -> Option<&FacetFilter> {
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
    pub(super) fn narrow(&self, expression: &str) -> String {
        format!("({expression}) AND {}", self.expression)
    }

    /// Which of `clips` have these facets (as the index has them, in `search_facet`).
    pub(super) fn among(&self, conn: &Connection, clips: impl Iterator<Item = i64>) -> Result<HashSet<i64>> {
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
