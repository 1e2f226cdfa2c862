//! A generated library (as an Outtake export, imported in one transaction):
//! shows with casts, people with Korean and romanised names, tags, clips with
//! credits, markers and subtitle cues whose words follow a Zipf distribution.

use std::fmt::Write;

use crate::words::{Rng, Zipf};

pub struct Size {
    pub clips: usize,
    pub cues: usize,
    pub markers: usize,
}

const SHOWS: usize = 200;
const PEOPLE: usize = 2000;
const CAST_PER_SHOW: usize = 6;
pub const TAGS: &[&str] = &[
    "mood:emotional",
    "mood:funny",
    "mood:sweet",
    "mood:tense",
    "type:blooper",
    "type:action",
    "type:kiss",
    "type:interview",
    "type:rehearsal",
    "type:script-reading",
    "type:making-of",
    "type:ending",
    "place:set",
    "place:palace",
    "place:village",
    "place:studio",
    "weather:rain",
    "weather:snow",
    "season:winter",
    "season:summer",
];
const FAMILY: &[(&str, &str)] = &[
    ("김", "Kim"),
    ("이", "Lee"),
    ("박", "Park"),
    ("최", "Choi"),
    ("정", "Jung"),
    ("강", "Kang"),
    ("조", "Jo"),
    ("윤", "Yoon"),
    ("장", "Jang"),
    ("임", "Lim"),
    ("한", "Han"),
    ("안", "Ahn"),
    ("송", "Song"),
    ("홍", "Hong"),
];
const GIVEN: &[(&str, &str)] = &[
    ("유", "Yoo"),
    ("정", "Jung"),
    ("효", "Hyo"),
    ("섭", "Seop"),
    ("명", "Myung"),
    ("원", "Won"),
    ("석", "Seok"),
    ("광", "Kwang"),
    ("일", "Il"),
    ("지", "Ji"),
    ("민", "Min"),
    ("수", "Soo"),
    ("현", "Hyun"),
    ("우", "Woo"),
    ("서", "Seo"),
    ("연", "Yeon"),
    ("하", "Ha"),
    ("람", "Ram"),
    ("은", "Eun"),
    ("혜", "Hye"),
];

/// The person of an index: (romanised name, Hangul name); index 0 is Kim Yoo Jung.
pub fn person(index: usize) -> (String, String) {
    if index == 0 {
        return ("Kim Yoo Jung".into(), "김유정".into());
    }
    let (fh, fr) = FAMILY[index % FAMILY.len()];
    let (ah, ar) = GIVEN[(index / FAMILY.len()) % GIVEN.len()];
    let (bh, br) = GIVEN[(index / (FAMILY.len() * GIVEN.len())) % GIVEN.len()];
    let n = index / (FAMILY.len() * GIVEN.len() * GIVEN.len());
    let suffix = if n > 0 { format!(" {}", n + 1) } else { String::new() };
    (format!("{fr} {ar} {br}{suffix}"), format!("{fh}{ah}{bh}{suffix}"))
}

pub fn show_title(index: usize, zipf: &Zipf) -> String {
    if index == 0 {
        return "Lovers of the Red Sky".into();
    }
    let (a, _) = zipf.word(60 + index % 97);
    let (b, _) = zipf.word(20 + index % 61);
    format!("The {a} and the {b} {index}")
}

fn json(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
}

/// The export JSON of a whole generated library.
pub fn library(size: &Size, seed: u64) -> String {
    let zipf = Zipf::new(1.07);
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(size.cues * 110 + size.clips * 400);
    out.push_str("{\"format\":\"outtake-library\",\"version\":1,\"shows\":[");
    for s in 0..SHOWS {
        let native = if s == 0 { ",\"native_title\":\"홍천기\"" } else { "" };
        let episodes: Vec<String> = (1..=16).map(|n| format!("{{\"number\":{n}}}")).collect();
        let _ = write!(
            out,
            "{}{{\"id\":{},\"title\":{}{native},\"year\":2021,\"episodes\":[{}]}}",
            if s > 0 { "," } else { "" },
            s + 1,
            json(&show_title(s, &zipf)),
            episodes.join(",")
        );
    }
    out.push_str("],\"people\":[");
    for p in 0..PEOPLE {
        let (name, native) = person(p);
        let roles: Vec<String> = (0..SHOWS)
            .filter(|s| (s * CAST_PER_SHOW..(s + 1) * CAST_PER_SHOW).any(|slot| slot % PEOPLE == p))
            .map(|s| {
                format!(
                    "{{\"id\":{},\"show\":{},\"character\":{}}}",
                    s * PEOPLE + p + 1,
                    s + 1,
                    json(&format!("{} {}", zipf.word(30 + p % 50).0, p))
                )
            })
            .collect();
        let _ = write!(
            out,
            "{}{{\"id\":{},\"name\":{},\"native_name\":{},\"roles\":[{}]}}",
            if p > 0 { "," } else { "" },
            p + 1,
            json(&name),
            json(&native),
            roles.join(",")
        );
    }
    out.push_str("],\"tags\":[");
    for (t, tag) in TAGS.iter().enumerate() {
        let (ns, name) = tag.split_once(':').expect("namespaced");
        let _ = write!(
            out,
            "{}{{\"id\":{},\"namespace\":{},\"name\":{}}}",
            if t > 0 { "," } else { "" },
            t + 1,
            json(ns),
            json(name)
        );
    }
    out.push_str("],\"clips\":[");
    let markers_per_clip = size.markers as f64 / size.clips as f64;
    let cues_per_clip = size.cues as f64 / size.clips as f64;
    for c in 0..size.clips {
        if c > 0 {
            out.push(',');
        }
        clip(&mut out, c, &zipf, &mut rng, markers_per_clip, cues_per_clip);
    }
    out.push_str("],\"watched_folders\":[]}");
    out
}

/// Picks `count` per clip on average (a fractional part becomes a chance).
fn how_many(rng: &mut Rng, average: f64) -> usize {
    let whole = average.floor() as usize;
    whole + usize::from(rng.unit() < average - whole as f64)
}

fn clip(out: &mut String, c: usize, zipf: &Zipf, rng: &mut Rng, markers: f64, cues: f64) {
    let show = (rng.unit() < 0.8).then(|| rng.below(SHOWS));
    let words = 3 + rng.below(4);
    let title = format!("[Making] {} {}", zipf.sentence(rng, words), c);
    let duration = 60_000 + rng.below(1_200_000) as i64;
    let cast: Vec<usize> = match show {
        Some(s) => (0..2).map(|_| (s * CAST_PER_SHOW + rng.below(CAST_PER_SHOW)) % PEOPLE).collect(),
        None => vec![rng.below(PEOPLE)],
    };
    let credits: Vec<String> = cast
        .iter()
        .enumerate()
        .filter(|(i, p)| !cast[..*i].contains(p))
        .map(|(_, p)| match show {
            Some(s) => format!("{{\"person\":{},\"role\":{}}}", p + 1, s * PEOPLE + p + 1),
            None => format!("{{\"person\":{}}}", p + 1),
        })
        .collect();
    let tags: Vec<String> = (0..rng.below(3))
        .map(|_| (rng.below(TAGS.len()) + 1).to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let _ = write!(
        out,
        "{{\"id\":{},\"title\":{},\"duration_ms\":{duration},\"added_at\":\"2026-0{}-1{}T10:00:00Z\",\"show\":{},\"episode\":{},\"tags\":[{}],\"credits\":[{}],\"files\":[{{\"path\":\"/bench/clip-{c}.mp4\",\"size\":{},\"oshash\":\"{:016x}\",\"status\":\"present\"}}],\"markers\":[",
        c + 1,
        json(&title),
        1 + c % 9,
        c % 10,
        show.map_or("null".into(), |s| (s + 1).to_string()),
        show.map_or("null".into(), |_| (1 + rng.below(16)).to_string()),
        tags.join(","),
        credits.join(","),
        1_000_000 + c,
        (c as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    );
    let marker_count = how_many(rng, markers);
    for m in 0..marker_count {
        let start = duration * m as i64 / (marker_count as i64 + 1);
        let who = cast[rng.below(cast.len())];
        let role = show.map_or("null".into(), |s| (s * PEOPLE + who + 1).to_string());
        let tag = rng.below(TAGS.len()) + 1;
        let words = 2 + rng.below(4);
        let title = zipf.sentence(rng, words);
        let _ = write!(
            out,
            "{}{{\"start_ms\":{start},\"end_ms\":{},\"title\":{},\"cast\":[{{\"person\":{},\"role\":{role}}}],\"tags\":[{tag}],\"created_at\":\"2026-01-01T00:00:00Z\"}}",
            if m > 0 { "," } else { "" },
            start + 5000,
            json(&title),
            who + 1
        );
    }
    out.push_str("],\"cues\":[");
    let count = how_many(rng, cues);
    for q in 0..count {
        let start = duration * q as i64 / count.max(1) as i64;
        let lang = if rng.unit() < 0.5 { "ko" } else { "en" };
        let words = 4 + rng.below(8);
        let text = zipf.sentence(rng, words);
        let _ = write!(
            out,
            "{}{{\"lang\":\"{lang}\",\"start_ms\":{start},\"end_ms\":{},\"text\":{}}}",
            if q > 0 { "," } else { "" },
            start + 2000,
            json(&text)
        );
    }
    out.push_str("]}");
}
