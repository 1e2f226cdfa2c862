//! JSON mutations that keep the document parseable, so inputs get past
//! `serde_json` into the code that reads the values: a value swapped for one
//! of another type or at an edge, keys dropped, renamed and added, records
//! duplicated or moved, ids pointed elsewhere. Raw byte damage comes on top,
//! now and then, for the parser itself.

use serde_json::{Map, Number, Value};

use crate::bytes;
use crate::rng::Rng;

/// Strings at the edges: empty, blank, control characters, bidi and NUL,
/// dates real and impossible, paths, huge and tiny numbers as text.
const STRINGS: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "\n\t\r",
    "\u{202e}evil",
    "\u{feff}",
    "김유정",
    "홍천기 — Lovers of the Red Sky",
    "e\u{301}",
    "2021-09-14",
    "2021-02-30",
    "2021-13-01",
    "0000-00-00",
    "9999-12-31",
    "-0001-01-01",
    "20210914",
    "2021-09-14T10:00:00Z",
    "2021-09-14T10:00:00+09:00",
    "2021-09-14T25:61:61Z",
    "1970-01-01T00:00:00Z",
    "+275760-09-13T00:00:00Z",
    "/",
    "/videos/a.mp4",
    "C:\\videos\\a.mp4",
    "../../etc/passwd",
    "present",
    "missing",
    "offline",
    "outtake-library",
    "mood:emotional",
    "a:b:c",
    ":",
    "\"",
    "%",
    "NaN",
    "1e309",
];

/// Keys the readers know (and some they do not), for renames and additions.
const KEYS: &[&str] = &[
    "format",
    "version",
    "shows",
    "people",
    "tags",
    "clips",
    "watched_folders",
    "saved_searches",
    "id",
    "title",
    "native_title",
    "aliases",
    "network",
    "year",
    "episodes",
    "scenes",
    "number",
    "air_date",
    "episode",
    "description",
    "name",
    "native_name",
    "roles",
    "show",
    "character",
    "native_character",
    "namespace",
    "parents",
    "note",
    "source_url",
    "uploader",
    "published",
    "duration_ms",
    "width",
    "height",
    "video_codec",
    "audio_codec",
    "fps",
    "rotation",
    "created",
    "source_id",
    "added_at",
    "title_by_user",
    "show_guessed",
    "files",
    "credits",
    "markers",
    "cues",
    "chapters_taken",
    "path",
    "size",
    "mtime_ms",
    "oshash",
    "status",
    "person",
    "role",
    "start_ms",
    "end_ms",
    "scene",
    "cast",
    "quote",
    "created_at",
    "lang",
    "text",
    "query",
    "fulltitle",
    "channel",
    "upload_date",
    "timestamp",
    "webpage_url",
    "original_url",
    "categories",
    "duration",
    "chapters",
    "start_time",
    "end_time",
    "series",
    "season_number",
    "episode_number",
    "unknown",
];

/// Documents are not grown past this many values.
const MAX_NODES: usize = 20_000;

/// One structure-keeping mutation of `value`; `other` is another seed's
/// document to borrow from. `strict` keeps every value's JSON type and every
/// key known, so a typed reader (the import's) takes the input and its
/// checks, not its parser, meet the damage.
pub fn mutate_value(rng: &mut Rng, value: &mut Value, other: &Value, strict: bool) {
    let count = nodes(value);
    let target = rng.below(count);
    let borrowed = nth(other, rng.below(nodes(other))).cloned().unwrap_or(Value::Null);
    let Some(node) = nth_mut(value, target) else { return };
    match rng.below(10) {
        0..=2 => *node = edge_value(rng, node, strict),
        3 if !strict || same_type(node, &borrowed) => *node = borrowed,
        4 => match node {
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len())).cloned().unwrap_or_default();
                // Dropped, or one time in two renamed.
                if let Some(v) = map.remove(&key)
                    && !strict
                    && rng.one_in(2)
                {
                    map.insert(rng.pick(KEYS).to_string(), v);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                items.remove(rng.below(items.len()));
            }
            _ if !strict => *node = Value::Null,
            _ => {}
        },
        5 => match node {
            Value::Array(items) if !items.is_empty() => {
                // Duplicate records: the same id twice, the same name twice.
                let item = items[rng.below(items.len())].clone();
                let times = if rng.one_in(8) { 1 + rng.below(100) } else { 1 };
                for _ in 0..times {
                    items.insert(rng.below(items.len() + 1), item.clone());
                }
            }
            _ if strict => {}
            Value::Object(map) => {
                map.insert(rng.pick(KEYS).to_string(), edge_value(rng, &Value::Null, false));
            }
            _ => *node = Value::Array(vec![node.clone(), node.clone()]),
        },
        6 => {
            if let Value::Array(items) = node
                && items.len() > 1
            {
                let (a, b) = (rng.below(items.len()), rng.below(items.len()));
                items.swap(a, b);
            }
        }
        7 if !strict || node.is_i64() || node.is_u64() => {
            // Ids and references pointed at another record (or none): small numbers.
            *node = Value::Number(Number::from(rng.below(6) as i64 - 1));
        }
        8 if !strict => {
            let deepest = if rng.one_in(8) { 200 } else { 8 };
            let depth = 1 + rng.below(deepest);
            let mut nested = node.clone();
            for _ in 0..depth {
                nested = if rng.one_in(2) { Value::Array(vec![nested]) } else { wrap(rng, nested) };
            }
            *node = nested;
        }
        _ => {
            if let Value::String(text) = node {
                let extra = rng.pick(STRINGS);
                match rng.below(3) {
                    0 => text.push_str(extra),
                    1 if text.len() < 4096 => *text = text.repeat(1 + rng.below(50)),
                    _ => *text = text.chars().rev().collect(),
                }
            } else {
                *node = edge_value(rng, node, strict);
            }
        }
    }
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) && a.is_f64() == b.is_f64()
}

fn wrap(rng: &mut Rng, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(rng.pick(KEYS).to_string(), value);
    Value::Object(map)
}

/// A number at an edge: whole numbers for whole ones (ids, times, sizes).
fn edge_number(rng: &mut Rng, whole: bool) -> Number {
    let wholes = [0, -1, 1, 2, i64::MAX, i64::MIN, i64::from(i32::MAX) + 1, 100_000, 100_001, 1 << 53];
    if whole || rng.one_in(2) {
        return match rng.below(3) {
            0 => Number::from(bytes::integer(rng, 8) as i64),
            1 if !whole => Number::from(u64::MAX),
            _ => Number::from(*rng.pick(&wholes)),
        };
    }
    let floats = [1e308, -0.5, 5e-324, 0.0005, 29.97, 1e15, -1e308];
    Number::from_f64(*rng.pick(&floats)).expect("finite")
}

/// A value at some edge — of the same type as `like` when `strict`, and
/// most of the time otherwise.
fn edge_value(rng: &mut Rng, like: &Value, strict: bool) -> Value {
    let same_type = strict || rng.below(3) > 0;
    let kind = match like {
        Value::Number(_) if same_type => 0,
        Value::String(_) if same_type => 1,
        Value::Bool(_) if same_type => 2,
        // An absent optional value gets text or a number; a list or record stays as it is.
        Value::Null if strict => rng.below(2),
        Value::Array(_) | Value::Object(_) if strict => return like.clone(),
        _ => rng.below(6),
    };
    match kind {
        0 => Value::Number(edge_number(rng, like.is_i64() || like.is_u64())),
        1 => {
            let text = rng.pick(STRINGS);
            if rng.one_in(10) {
                Value::String(text.repeat(1 + rng.below(2000)))
            } else {
                Value::String(text.to_string())
            }
        }
        2 => Value::Bool(rng.one_in(2)),
        3 => Value::Null,
        4 => Value::Array(Vec::new()),
        _ => Value::Object(Map::new()),
    }
}

fn nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(nodes).sum(),
        Value::Object(map) => map.values().map(nodes).sum(),
        _ => 0,
    }
}

/// The `n`th node in pre-order.
fn nth(value: &Value, n: usize) -> Option<&Value> {
    fn walk<'a>(value: &'a Value, n: &mut usize) -> Option<&'a Value> {
        if *n == 0 {
            return Some(value);
        }
        *n -= 1;
        match value {
            Value::Array(items) => items.iter().find_map(|child| walk(child, n)),
            Value::Object(map) => map.values().find_map(|child| walk(child, n)),
            _ => None,
        }
    }
    walk(value, &mut { n })
}

fn nth_mut(value: &mut Value, n: usize) -> Option<&mut Value> {
    fn walk<'a>(value: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
        if *n == 0 {
            return Some(value);
        }
        *n -= 1;
        match value {
            Value::Array(items) => items.iter_mut().find_map(|child| walk(child, n)),
            Value::Object(map) => map.values_mut().find_map(|child| walk(child, n)),
            _ => None,
        }
    }
    walk(value, &mut { n })
}

/// A JSON input: a seed document mutated as values, written compact or
/// pretty, and now and then damaged as bytes. Seeds that are not JSON get
/// byte mutations only. `typed`: the reader is serde into typed records.
pub fn input(rng: &mut Rng, seed: &[u8], other: &[u8], max_len: usize, typed: bool) -> Vec<u8> {
    let parsed: Option<Value> = serde_json::from_slice(seed).ok();
    // A typed reader gets mostly well-typed documents (see `mutate_value`), and less byte damage.
    let strict = typed && !rng.one_in(8);
    let damage = parsed.is_none() || rng.one_in(if typed { 8 } else { 4 });
    let mut out = match parsed {
        Some(mut value) => {
            let other: Value = serde_json::from_slice(other).unwrap_or(Value::Null);
            for _ in 0..rng.stack() {
                // Duplications compound; past this size the input is cut anyway.
                if nodes(&value) > MAX_NODES {
                    break;
                }
                mutate_value(rng, &mut value, &other, strict);
            }
            let text =
                if rng.one_in(2) { serde_json::to_vec(&value) } else { serde_json::to_vec_pretty(&value) };
            text.unwrap_or_default()
        }
        None => seed.to_vec(),
    };
    if damage {
        for _ in 0..rng.stack() {
            bytes::mutate(rng, &mut out, other, max_len);
        }
    }
    out.truncate(max_len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_walks_every_node_in_order() {
        let value: Value = serde_json::json!({"a": [1, {"b": 2}], "c": 3});
        assert_eq!(nodes(&value), 6);
        let found: Vec<Value> = (0..6).map(|n| nth(&value, n).unwrap().clone()).collect();
        assert_eq!(found[1], serde_json::json!([1, {"b": 2}]));
        assert_eq!(found[5], serde_json::json!(3));
        assert!(nth(&value, 6).is_none());
        let mut copy = value.clone();
        *nth_mut(&mut copy, 4).unwrap() = Value::Null;
        assert_eq!(copy, serde_json::json!({"a": [1, {"b": null}], "c": 3}));
    }

    #[test]
    fn inputs_are_bounded() {
        let seed = br#"{"title": "x", "tags": ["a", "b"], "chapters": [{"start_time": 1.5}]}"#;
        let mut rng = Rng::new(11);
        for _ in 0..2000 {
            let typed = rng.one_in(2);
            assert!(input(&mut rng, seed, b"{\"id\": 1}", 4096, typed).len() <= 4096);
        }
    }
}
