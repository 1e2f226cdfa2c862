//! ISO base media boxes in memory: iterating a payload's children, and telling
//! where a child claims more bytes than its parent holds.

use super::bytes::{u32_at, u64_at};

/// Iterates the child boxes of a payload: (type, payload). Stops at the first malformed size.
pub(super) fn boxes(data: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let (kind, payload, size) = box_at(data, at)?;
        at += size;
        Some((kind, payload))
    })
}

/// The box at `at`: (type, payload, whole size), when it fits in `data`.
fn box_at(data: &[u8], at: usize) -> Option<(&[u8], &[u8], usize)> {
    let size32 = u32_at(data, at)? as usize;
    let kind = data.get(at + 4..at + 8)?;
    let (size, header) = match size32 {
        0 => (data.len() - at, 8),
        1 => (usize::try_from(u64_at(data, at + 8)?).ok()?, 16),
        n => (n, 8),
    };
    if size < header || at.checked_add(size)? > data.len() {
        return None;
    }
    Some((kind, &data[at + header..at + size], size))
}

pub(super) fn child<'a>(data: &'a [u8], kind: &[u8]) -> Option<&'a [u8]> {
    boxes(data).find(|(k, _)| *k == kind).map(|(_, payload)| payload)
}

/// Why the children of `data` do not fill it, if they do not: the type of the
/// first box that claims more bytes than remain (or is too small to be a box),
/// and a sentence saying so. Up to 7 trailing zero bytes are allowed
/// (QuickTime ends some lists with a zero word).
pub(super) fn damage(data: &[u8]) -> Option<(Vec<u8>, String)> {
    let mut at = 0usize;
    while at < data.len() {
        if let Some((_, _, size)) = box_at(data, at) {
            at += size;
            continue;
        }
        let rest = &data[at..];
        if rest.len() < 8 && rest.iter().all(|b| *b == 0) {
            return None;
        }
        let kind = rest.get(4..8).unwrap_or(b"?").to_vec();
        let claimed = u32_at(data, at).map_or("a partial size".into(), |n| format!("{n} bytes"));
        // Box types are Latin-1 (`©nam`); control characters are not shown.
        let name: String =
            kind.iter().map(|b| char::from(*b)).map(|c| if c.is_control() { '?' } else { c }).collect();
        return Some((kind, format!("box '{name}' claims {claimed} where {} remain", rest.len())));
    }
    None
}
