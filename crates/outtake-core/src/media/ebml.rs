//! EBML, the binary format under Matroska and WebM: element headers read from a
//! stream, and the children of an element already in memory.

use std::io::Read;

/// At most this many children are listed of one element.
const MAX_ELEMENTS: usize = 100_000;

/// An element header: id, payload size (None = unknown), header length.
pub(super) fn header(reader: &mut impl Read) -> Option<(u32, Option<u64>, u64)> {
    let (id, id_len) = vint(reader, true)?;
    let (size, size_len) = vint(reader, false)?;
    let all_ones = (1u64 << (7 * size_len)) - 1;
    let size = (size != all_ones).then_some(size);
    Some((u32::try_from(id).ok()?, size, u64::from(id_len + size_len)))
}

/// An EBML variable-length integer (kept with its marker bit for ids).
fn vint(reader: &mut impl Read, keep_marker: bool) -> Option<(u64, u32)> {
    let mut first = [0u8; 1];
    reader.read_exact(&mut first).ok()?;
    let len = first[0].leading_zeros() + 1;
    if len > 8 || (keep_marker && len > 4) {
        return None;
    }
    let mut value = u64::from(if keep_marker { first[0] } else { first[0] & (0xFFu16 >> len) as u8 });
    for _ in 1..len {
        let mut byte = [0u8; 1];
        reader.read_exact(&mut byte).ok()?;
        value = (value << 8) | u64::from(byte[0]);
    }
    Some((value, len))
}

/// Children of an in-memory master element: (id, payload).
pub(super) fn children(data: &[u8]) -> Vec<(u32, &[u8])> {
    let mut out = Vec::new();
    let mut cursor = std::io::Cursor::new(data);
    while (cursor.position() as usize) < data.len() && out.len() < MAX_ELEMENTS {
        let Some((id, size, _)) = header(&mut cursor) else { break };
        let start = cursor.position() as usize;
        let end = size.map_or(data.len(), |s| start.saturating_add(s as usize)).min(data.len());
        out.push((id, &data[start..end]));
        cursor.set_position(end as u64);
    }
    out
}

pub(super) fn float(data: &[u8]) -> Option<f64> {
    match data.len() {
        4 => Some(f64::from(f32::from_be_bytes(data.try_into().ok()?))),
        8 => Some(f64::from_be_bytes(data.try_into().ok()?)),
        _ => None,
    }
}

/// The children of an element that fit in it, and why the rest do not when
/// they do not: a child that claims more bytes than its parent has left (a
/// damaged or lying size), or a header cut short.
pub(super) fn exact_children(data: &[u8]) -> (Vec<(u32, &[u8])>, Option<String>) {
    let mut out = Vec::new();
    let mut cursor = std::io::Cursor::new(data);
    while (cursor.position() as usize) < data.len() && out.len() < MAX_ELEMENTS {
        let at = cursor.position();
        let Some((id, size, _)) = header(&mut cursor) else {
            return (out, Some(format!("a damaged element header at byte {at}")));
        };
        let start = (cursor.position() as usize).min(data.len());
        let left = data.len() - start;
        let size = size.unwrap_or(left as u64);
        if size > left as u64 {
            return (out, Some(format!("element {id:#X} claims {size} bytes where {left} remain")));
        }
        out.push((id, &data[start..start + size as usize]));
        cursor.set_position((start + size as usize) as u64);
    }
    (out, None)
}
