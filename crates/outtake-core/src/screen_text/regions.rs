//! Finding caption lines in a frame and separating their text from the
//! picture. Tesseract on a whole busy frame reads almost nothing (measured:
//! DESIGN.md); on a tight crop where only the text's colour is left, black
//! on white, it reads well. So: a mask of the pixels near a caption colour
//! (white, or yellow) in this frame and the one sampled before (a caption
//! stays put while the picture moves), its connected components, the ones
//! shaped like glyphs and edged by contrast (an outline, a box, or a picture
//! unlike the text) grouped into lines, and each line cut out of the mask.

/// One decoded frame: `width × height` pixels of RGB.
pub(crate) struct Frame {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

/// The colours captions are drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ink {
    White,
    Yellow,
}

impl Ink {
    fn holds(self, r: u8, g: u8, b: u8) -> bool {
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        match self {
            Ink::White => min >= 180 && max - min <= 60,
            Ink::Yellow => r >= 180 && g >= 160 && b <= 110 && r.abs_diff(g) <= 70,
        }
    }
}

/// A rectangle of a frame, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rect {
    pub x: usize,
    pub y: usize,
    pub w: usize,
    pub h: usize,
}

impl Rect {
    fn right(&self) -> usize {
        self.x + self.w
    }
    fn bottom(&self) -> usize {
        self.y + self.h
    }
    fn union(&self, other: &Rect) -> Rect {
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        Rect { x, y, w: self.right().max(other.right()) - x, h: self.bottom().max(other.bottom()) - y }
    }
    fn vertical_overlap(&self, other: &Rect) -> usize {
        self.bottom().min(other.bottom()).saturating_sub(self.y.max(other.y))
    }
    fn horizontal_gap(&self, other: &Rect) -> usize {
        other.x.saturating_sub(self.right()).max(self.x.saturating_sub(other.right()))
    }
    /// Whether the two are the same place give or take `slack` pixels per edge.
    pub(crate) fn near(&self, other: &Rect, slack: usize) -> bool {
        self.x.abs_diff(other.x) <= slack
            && self.y.abs_diff(other.y) <= slack
            && self.right().abs_diff(other.right()) <= slack
            && self.bottom().abs_diff(other.bottom()) <= slack
    }
}

/// A caption line cut out for Tesseract: black text on white, `w × h` bytes
/// of grey, and where it was in the frame.
#[derive(Debug, Clone)]
pub(crate) struct Crop {
    pub place: Rect,
    pub ink: Ink,
    pub w: usize,
    pub h: usize,
    pub grey: Vec<u8>,
    /// Runs of columns without ink as wide as a space (a fifth of the line's
    /// height or more), in the crop's pixels: Tesseract's own word boxes
    /// put spaces between the syllables of a Hangul word.
    pub spaces: Vec<(usize, usize)>,
}

impl Crop {
    /// Whether `other` shows the same text: nearly the same place and at most
    /// 3% of pixels different (the picture behind an outline moves).
    pub(crate) fn same_as(&self, other: &Crop) -> bool {
        if self.ink != other.ink || !self.place.near(&other.place, 4) {
            return false;
        }
        let (w, h) = (self.w.min(other.w), self.h.min(other.h));
        let mut differ = 0;
        for y in 0..h {
            let (a, b) = (&self.grey[y * self.w..y * self.w + w], &other.grey[y * other.w..y * other.w + w]);
            differ += a.iter().zip(b).filter(|(p, q)| p != q).count();
        }
        differ * 100 <= w * h * 3
    }
}

/// A connected piece of ink that may be a glyph (or part of one: Hangul
/// syllables often come apart into their letters).
#[derive(Debug, Clone, Copy)]
struct Piece {
    rect: Rect,
}

/// How far apart two pixels' colours are: the largest difference of a channel.
/// White text on pink, cyan or yellow differs by 100 or more in one channel
/// (though hardly in brightness); a bright patch fading into the picture
/// differs little from the pixels just past its edge.
fn distance(rgb: &[u8], i: usize, j: usize) -> u8 {
    (0..3).map(|c| rgb[3 * i + c].abs_diff(rgb[3 * j + c])).max().unwrap_or(0)
}

/// Where a frame has each caption colour: one mask per ink, made once per
/// frame (each frame is compared with the one before and the one after).
pub(crate) struct Inks([Vec<bool>; 2]);

const INKS: [Ink; 2] = [Ink::White, Ink::Yellow];

pub(crate) fn inks(frame: &Frame) -> Inks {
    let mut masks = [vec![false; frame.width * frame.height], vec![false; frame.width * frame.height]];
    for (i, p) in frame.rgb.chunks_exact(3).enumerate() {
        masks[0][i] = Ink::White.holds(p[0], p[1], p[2]);
        masks[1][i] = Ink::Yellow.holds(p[0], p[1], p[2]);
    }
    Inks(masks)
}

/// The caption lines of a frame (`now` its inks) that were there in the
/// frame before too, each cut out, in both ink colours.
pub(crate) fn caption_crops(frame: &Frame, now: &Inks, before: &Inks) -> Vec<Crop> {
    let mut crops = Vec::new();
    for (k, ink) in INKS.into_iter().enumerate() {
        let mask: Vec<bool> = now.0[k].iter().zip(&before.0[k]).map(|(now, then)| *now && *then).collect();
        let pieces = glyph_pieces(frame, &mask);
        for line in group_lines(&pieces, frame.height) {
            crops.push(cut(frame, &mask, line, ink));
        }
    }
    crops
}

/// Connected components of the mask (8-neighbours) that are glyph-sized and
/// whose edge is mostly contrast: text is outlined, boxed or brighter than
/// what is around it, where a bright patch of the picture fades into it.
fn glyph_pieces(frame: &Frame, mask: &[bool]) -> Vec<Piece> {
    let (width, height) = (frame.width, frame.height);
    let max_h = height / 6;
    let mut seen = vec![false; mask.len()];
    let mut stack = Vec::new();
    let mut pieces = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        let (mut area, mut edge, mut contrast) = (0usize, 0usize, 0usize);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % width, i / width);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            area += 1;
            let mut on_edge = false;
            let mut contrasting = false;
            for (dx, dy) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1), (-1, -1), (1, -1), (-1, 1), (1, 1)] {
                let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                if nx < 0 || ny < 0 || nx >= width as i64 || ny >= height as i64 {
                    continue;
                }
                let n = ny as usize * width + nx as usize;
                if mask[n] {
                    if !seen[n] {
                        seen[n] = true;
                        stack.push(n);
                    }
                } else if dx == 0 || dy == 0 {
                    on_edge = true;
                    // Two pixels out: anti-aliasing makes the first one a blend.
                    let far = (ny + dy).clamp(0, height as i64 - 1) as usize * width
                        + (nx + dx).clamp(0, width as i64 - 1) as usize;
                    contrasting |= distance(&frame.rgb, i, n).max(distance(&frame.rgb, i, far)) >= 90;
                }
            }
            edge += usize::from(on_edge);
            contrast += usize::from(on_edge && contrasting);
        }
        let rect = Rect { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
        let glyph_sized = rect.h <= max_h && rect.w <= 2 * max_h && area >= 12 && rect.h.max(rect.w) >= 5;
        if glyph_sized && contrast * 10 >= edge * 6 {
            pieces.push(Piece { rect });
        }
    }
    pieces
}

/// Pieces side by side at one height make a line; a line needs a few of them
/// and must be wider than tall. Lines that overlap (the letters of a Hangul
/// syllable sit above each other) are one.
fn group_lines(pieces: &[Piece], frame_height: usize) -> Vec<Rect> {
    let mut sorted: Vec<Piece> = pieces.to_vec();
    sorted.sort_by_key(|p| p.rect.x);
    let mut lines: Vec<(Rect, usize)> = Vec::new();
    for piece in sorted {
        let r = piece.rect;
        let joins = lines.iter_mut().find(|(line, _)| {
            let overlap = line.vertical_overlap(&r);
            overlap * 10 >= r.h.min(line.h) * 4 && line.horizontal_gap(&r) <= line.h.max(r.h) * 3 / 2
        });
        match joins {
            Some((line, count)) => {
                *line = line.union(&r);
                *count += 1;
            }
            None => lines.push((r, 1)),
        }
    }
    // Merge lines that overlap until none do.
    let mut merged = true;
    while merged {
        merged = false;
        'outer: for i in 0..lines.len() {
            for j in i + 1..lines.len() {
                let (a, b) = (lines[i].0, lines[j].0);
                let overlap = a.vertical_overlap(&b);
                if overlap * 2 >= a.h.min(b.h) && a.horizontal_gap(&b) <= a.h.max(b.h) {
                    lines[i] = (a.union(&b), lines[i].1 + lines[j].1);
                    lines.remove(j);
                    merged = true;
                    break 'outer;
                }
            }
        }
    }
    lines
        .into_iter()
        .filter(|(r, count)| *count >= 3 && r.h >= 12 && r.h <= frame_height / 5 && r.w >= r.h * 3 / 2)
        .map(|(r, _)| r)
        .collect()
}

/// The line's ink as black on white, with a margin, doubled when small
/// (Tesseract reads text best at 30 pixels or more).
fn cut(frame: &Frame, mask: &[bool], line: Rect, ink: Ink) -> Crop {
    let pad = (line.h / 4).max(4);
    let x0 = line.x.saturating_sub(pad);
    let y0 = line.y.saturating_sub(pad);
    let x1 = (line.right() + pad).min(frame.width);
    let y1 = (line.bottom() + pad).min(frame.height);
    let scale = if line.h < 30 { 2 } else { 1 };
    let (w, h) = ((x1 - x0) * scale, (y1 - y0) * scale);
    let mut grey = vec![255u8; w * h];
    for y in 0..h {
        for x in 0..w {
            if mask[(y0 + y / scale) * frame.width + x0 + x / scale] {
                grey[y * w + x] = 0;
            }
        }
    }
    let spaces = spaces(&grey, w, h, (pad * scale, w - pad * scale), line.h * scale / 5);
    Crop { place: line, ink, w, h, grey, spaces }
}

/// Runs of ink-free columns at least `least` wide within `within`.
fn spaces(grey: &[u8], w: usize, h: usize, within: (usize, usize), least: usize) -> Vec<(usize, usize)> {
    let inked = |x: usize| (0..h).any(|y| grey[y * w + x] == 0);
    let mut runs = Vec::new();
    let mut start = None;
    for x in within.0..within.1 {
        match (inked(x), start) {
            (false, None) => start = Some(x),
            (true, Some(from)) => {
                if x - from >= least.max(1) {
                    runs.push((from, x));
                }
                start = None;
            }
            _ => {}
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame of one colour with rectangles painted on it.
    fn frame(width: usize, height: usize, background: [u8; 3], paint: &[(Rect, [u8; 3])]) -> Frame {
        let mut rgb: Vec<u8> = std::iter::repeat_n(background, width * height).flatten().collect();
        for (r, colour) in paint {
            for y in r.y..r.bottom() {
                for x in r.x..r.right() {
                    rgb[3 * (y * width + x)..3 * (y * width + x) + 3].copy_from_slice(colour);
                }
            }
        }
        Frame { width, height, rgb }
    }

    /// The captions of a picture that does not move.
    fn still(picture: Frame) -> Vec<Crop> {
        caption_crops(&picture, &inks(&picture), &inks(&picture))
    }

    #[test]
    fn what_moves_is_no_caption() {
        let strokes = |x: usize| -> Vec<(Rect, [u8; 3])> {
            (0..6).map(|i| (rect(x + i * 30, 300, 6, 30), [250; 3])).collect()
        };
        let (then, now) = (frame(640, 360, [0; 3], &strokes(100)), frame(640, 360, [0; 3], &strokes(115)));
        assert!(caption_crops(&now, &inks(&now), &inks(&then)).is_empty());
        assert_eq!(caption_crops(&now, &inks(&now), &inks(&now)).len(), 1);
    }

    fn rect(x: usize, y: usize, w: usize, h: usize) -> Rect {
        Rect { x, y, w, h }
    }

    #[test]
    fn a_row_of_white_strokes_on_a_dark_picture_is_a_line() {
        let strokes: Vec<(Rect, [u8; 3])> =
            (0..6).map(|i| (rect(100 + i * 30, 300, 6, 30), [250; 3])).collect();
        let crops = still(frame(640, 360, [20, 40, 90], &strokes));
        assert_eq!(crops.len(), 1, "{crops:?}");
        let place = crops[0].place;
        assert_eq!((place.x, place.y, place.right(), place.bottom()), (100, 300, 256, 330));
        assert_eq!(crops[0].ink, Ink::White);
        // Black text on white: the first stroke's pixels are black, the gap white.
        let pad = 7;
        assert_eq!(crops[0].grey[(pad + 10) * crops[0].w + pad + 2], 0);
        assert_eq!(crops[0].grey[(pad + 10) * crops[0].w + pad + 15], 255);
        // Gaps of 24 pixels in a line 30 tall: each as wide as a space.
        assert_eq!(
            crops[0].spaces,
            vec![
                (pad + 6, pad + 30),
                (pad + 36, pad + 60),
                (pad + 66, pad + 90),
                (pad + 96, pad + 120),
                (pad + 126, pad + 150)
            ]
        );
    }

    #[test]
    fn a_white_patch_fading_into_the_picture_and_lone_strokes_are_not_lines() {
        let paint = [
            // A big bright area (a sky): not glyph-sized.
            (rect(0, 0, 640, 100), [240; 3]),
            // Two strokes only.
            (rect(100, 300, 6, 30), [250; 3]),
            (rect(130, 300, 6, 30), [250; 3]),
            // Strokes on a picture nearly as bright as they are: no contrast.
            (rect(300, 200, 6, 30), [250; 3]),
            (rect(330, 200, 6, 30), [250; 3]),
            (rect(360, 200, 6, 30), [250; 3]),
        ];
        let mut picture = frame(640, 360, [20, 40, 90], &paint);
        for y in 190..240 {
            for x in 290..380 {
                if !(200..230).contains(&y) || ![300..306, 330..336, 360..366].iter().any(|r| r.contains(&x))
                {
                    picture.rgb[3 * (y * 640 + x)..3 * (y * 640 + x) + 3].copy_from_slice(&[185, 175, 165]);
                }
            }
        }
        assert!(still(picture).is_empty());
    }

    #[test]
    fn yellow_ink_and_letters_stacked_in_a_syllable_make_one_line() {
        let yellow = [250, 220, 40];
        let mut paint = Vec::new();
        for i in 0..4 {
            // A syllable: two letters above, one below.
            paint.push((rect(50 + i * 50, 100, 14, 16), yellow));
            paint.push((rect(70 + i * 50, 100, 5, 34), yellow));
            paint.push((rect(50 + i * 50, 122, 20, 12), yellow));
        }
        let crops = still(frame(640, 360, [0, 0, 0], &paint));
        assert_eq!(crops.len(), 1, "{crops:?}");
        assert_eq!(crops[0].ink, Ink::Yellow);
        assert_eq!((crops[0].place.y, crops[0].place.h), (100, 34));
    }

    #[test]
    fn small_text_is_doubled_and_the_same_caption_is_recognised_again() {
        let strokes: Vec<(Rect, [u8; 3])> =
            (0..5).map(|i| (rect(40 + i * 16, 40, 4, 16), [255; 3])).collect();
        let crops = still(frame(320, 180, [0, 0, 0], &strokes));
        assert_eq!(crops.len(), 1);
        let crop = &crops[0];
        assert_eq!((crop.w, crop.h), ((crop.place.w + 8) * 2, (crop.place.h + 8) * 2));
        let moved = Crop { place: Rect { x: crop.place.x + 2, ..crop.place }, ..crop.clone() };
        assert!(crop.same_as(&moved));
        let mut other = crop.clone();
        other.grey.iter_mut().take(crop.grey.len() / 5).for_each(|p| *p = 255 - *p);
        assert!(!crop.same_as(&other));
    }
}
