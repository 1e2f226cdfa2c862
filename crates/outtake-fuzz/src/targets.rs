//! What is fuzzed: the targets, the inputs each makes from its corpus, and
//! the bugs known and not fixed yet. What each checks is in `checks.rs`.

use outtake_core::subtitles::SubtitleFormat;

use crate::checks;
pub use crate::checks::State;
use crate::corpus::Corpus;
use crate::rng::Rng;
use crate::text::{self, Encoding};
use crate::{ebml, json, mp4};

/// A bug the fuzzer finds that is known and not fixed yet: its failures are
/// counted apart and do not fail a run. `repro` must still fail with
/// `message` (a test checks), so an entry goes once the bug is fixed.
#[derive(Debug, Clone, Copy)]
pub struct KnownIssue {
    pub target: &'static str,
    /// Part of the panic message that identifies it.
    pub message: &'static str,
    /// An input that shows it.
    pub repro: fn() -> Vec<u8>,
    pub about: &'static str,
}

pub const KNOWN_ISSUES: &[KnownIssue] = &[KnownIssue {
    target: "import",
    message: "after merging records: ",
    repro: || {
        r#"{"format": "outtake-library", "version": 2, "people": [
                {"id": 1, "name": "Shin Min-a", "native_name": null},
                {"id": 2, "name": "Minah", "native_name": "신민아"},
                {"id": 3, "name": "Shin Min-a", "native_name": "신민아"}]}"#
            .into()
    },
    about: "a library that import merged records into (export.rs) does not always export \
            losslessly: a merged person or show gets a native name another one already has \
            (add_person refuses that), so the export merges the two; a clip's duration is merged \
            in below its markers, so the export is refused ('past the end of the clip'); merged \
            markers come back fewer or in another order. Imports without a merge must round-trip \
            exactly, and do",
}];

/// The kind of input a target makes and the API it calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `search::query::parse`, then the same text searched in a small library.
    Query,
    /// `read_subtitles` of one format, its text in one encoding.
    Subtitles(SubtitleFormat, Encoding),
    /// `import::info_json::parse` and the helpers that read its fields.
    InfoJson,
    /// `Library::import_json`, then `export_json` and the export imported again.
    Import,
    /// `Library::import_pack_json` (a pack from another fan), then the same pack again.
    Pack,
    /// `media::probe_fast_bytes` over MP4/MOV/3GP files.
    Mp4,
    /// `media::probe_fast_bytes` over Matroska/WebM files.
    Matroska,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub kind: Kind,
}

const FORMATS: [(SubtitleFormat, &str, &str); 4] = [
    (SubtitleFormat::Srt, "srt", "srt"),
    (SubtitleFormat::Vtt, "vtt", "vtt"),
    (SubtitleFormat::Sami, "sami", "smi"),
    (SubtitleFormat::Ass, "ass", "ass"),
];

impl Target {
    /// Every target, in the order a full run takes them.
    pub fn all() -> Vec<Target> {
        let mut all = vec![Target { name: "query".into(), kind: Kind::Query }];
        for (format, name, _) in FORMATS {
            for encoding in Encoding::ALL {
                let name = format!("{name}-{}", encoding.name());
                all.push(Target { name, kind: Kind::Subtitles(format, encoding) });
            }
        }
        all.extend([
            Target { name: "info-json".into(), kind: Kind::InfoJson },
            Target { name: "import".into(), kind: Kind::Import },
            Target { name: "pack".into(), kind: Kind::Pack },
            Target { name: "mp4".into(), kind: Kind::Mp4 },
            Target { name: "matroska".into(), kind: Kind::Matroska },
        ]);
        all
    }

    /// The targets `selector` names: `all`, a name, a group (`srt`, `sami`,
    /// `subtitles`), or several of these separated by commas.
    pub fn select(selector: &str) -> Result<Vec<Target>, String> {
        let all = Target::all();
        let mut chosen: Vec<Target> = Vec::new();
        for part in selector.split(',').map(str::trim) {
            let matches: Vec<&Target> = all
                .iter()
                .filter(|t| {
                    part == "all"
                        || t.name == part
                        || t.name.strip_prefix(part).is_some_and(|rest| rest.starts_with('-'))
                        || (part == "subtitles" && matches!(t.kind, Kind::Subtitles(..)))
                })
                .collect();
            if matches.is_empty() {
                let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
                return Err(format!("no target `{part}`; targets: all, subtitles, {}", names.join(", ")));
            }
            for target in matches {
                if !chosen.iter().any(|c| c.name == target.name) {
                    chosen.push(target.clone());
                }
            }
        }
        Ok(chosen)
    }

    /// The corpus folder its seeds come from.
    pub fn corpus(&self) -> &'static str {
        match self.kind {
            Kind::Query => "query",
            Kind::Subtitles(..) => "subtitles",
            Kind::InfoJson => "info-json",
            Kind::Import => "import",
            Kind::Pack => "pack",
            Kind::Mp4 => "mp4",
            Kind::Matroska => "matroska",
        }
    }

    /// The largest input it makes: big enough for quadratic code to show as a hang.
    pub fn max_len(&self) -> usize {
        match self.kind {
            Kind::Query => 4 << 10,
            Kind::Subtitles(..) | Kind::InfoJson | Kind::Mp4 | Kind::Matroska => 128 << 10,
            Kind::Import | Kind::Pack => 256 << 10,
        }
    }

    /// How many executions share one library (imports merge into what the
    /// earlier ones of the batch left; a failure saves the whole batch).
    pub fn batch(&self) -> u64 {
        if matches!(self.kind, Kind::Import | Kind::Pack) { 16 } else { 1 }
    }

    /// Input number `index` of a run with `seed`: the first few are the seeds
    /// as they are, the rest mutated. The same arguments give the same bytes.
    pub fn input(&self, corpus: &Corpus, seed: u64, index: u64) -> Vec<u8> {
        let mut rng = Rng::for_exec(seed, &self.name, index);
        let seeds = &corpus.seeds;
        let mutate = index >= seeds.len() as u64;
        let base = if mutate { rng.below(seeds.len()) } else { index as usize };
        let other = &seeds[rng.below(seeds.len())].bytes;
        let max = self.max_len();
        match self.kind {
            Kind::Subtitles(_, encoding) => {
                let base = if mutate { self.subtitle_seed(&mut rng, corpus) } else { base };
                let dictionary = self.dictionary();
                if mutate {
                    text::subtitle_input(&mut rng, &seeds[base].bytes, other, dictionary, encoding, max)
                } else {
                    text::encode(
                        &mut rng,
                        &outtake_core::subtitles::decode(&seeds[base].bytes).text,
                        encoding,
                    )
                }
            }
            _ if !mutate => seeds[base].bytes.clone(),
            Kind::Query => {
                let mut query = String::from_utf8_lossy(&seeds[base].bytes).into_owned();
                let other = String::from_utf8_lossy(other);
                for _ in 0..rng.stack() {
                    text::mutate(&mut rng, &mut query, QUERY_TOKENS, &other, max);
                }
                query.into_bytes()
            }
            Kind::InfoJson => json::input(&mut rng, &seeds[base].bytes, other, max, false),
            Kind::Import | Kind::Pack => json::input(&mut rng, &seeds[base].bytes, other, max, true),
            Kind::Mp4 | Kind::Matroska => {
                let mut data = seeds[base].bytes.clone();
                for _ in 0..rng.stack() {
                    if self.kind == Kind::Mp4 {
                        mp4::mutate(&mut rng, &mut data, other, max);
                    } else {
                        ebml::mutate(&mut rng, &mut data, other, max);
                    }
                }
                data
            }
        }
    }

    /// A seed of the target's own format three times in four; any subtitle otherwise.
    fn subtitle_seed(&self, rng: &mut Rng, corpus: &Corpus) -> usize {
        let Kind::Subtitles(format, _) = self.kind else { return 0 };
        let extension = FORMATS.iter().find(|(f, _, _)| *f == format).map_or("", |(_, _, e)| e);
        let own: Vec<usize> =
            (0..corpus.seeds.len()).filter(|&i| corpus.seeds[i].name.ends_with(extension)).collect();
        if own.is_empty() || rng.one_in(4) { rng.below(corpus.seeds.len()) } else { *rng.pick(&own) }
    }

    fn dictionary(&self) -> &'static [&'static str] {
        match self.kind {
            Kind::Subtitles(SubtitleFormat::Srt, _) => SRT_TOKENS,
            Kind::Subtitles(SubtitleFormat::Vtt, _) => VTT_TOKENS,
            Kind::Subtitles(SubtitleFormat::Sami, _) => SAMI_TOKENS,
            Kind::Subtitles(SubtitleFormat::Ass, _) => ASS_TOKENS,
            _ => QUERY_TOKENS,
        }
    }

    /// Runs one input, panicking on anything the API promises not to do;
    /// says how far the input got (`imported`, `refused: …`), for the report.
    pub fn exec(&self, state: &mut State, input: &[u8]) -> &'static str {
        match self.kind {
            Kind::Query => checks::query(state, input),
            Kind::Subtitles(format, _) => checks::subtitles(input, format),
            Kind::InfoJson => checks::info_json(input),
            Kind::Import => checks::import(state, input),
            Kind::Pack => checks::pack(state, input),
            Kind::Mp4 => checks::media(input, "fuzz.mp4"),
            Kind::Matroska => checks::media(input, "fuzz.mkv"),
        }
    }
}

/// Tokens of the search language, its filters' values at their edges, and FTS5 syntax it must neutralise.
const QUERY_TOKENS: &[&str] = &[
    "show:",
    "ep:",
    "scene:",
    "cast:",
    "as:",
    "tag:",
    "-tag:",
    "lang:",
    "in:",
    "dur:",
    "added:",
    "is:",
    "sort:",
    "SHOW:",
    "Tag:",
    " OR ",
    "OR",
    "-",
    "\"",
    "\" ",
    " ",
    ":",
    "ep:3-5",
    "ep:-",
    "ep:100000-0",
    "ep:-5",
    "ep:99999999999999999999",
    "dur:<",
    "dur:>",
    "dur:=",
    "dur:<=1:30",
    "dur:1:2:3:4",
    "dur:1e308",
    "dur:1e400",
    "dur:99999999999999999h",
    "dur:0.5m",
    "dur:1:99",
    "dur:999999:59:59.9999",
    "dur:.5",
    "dur:5.",
    "added:>2021-01-01",
    "added:2021-02-30",
    "added:<=",
    "added:99999-01-01",
    "is:missing",
    "is:offline",
    "is:untagged",
    "in:subs",
    "in:markers",
    "sort:title",
    "sort:added",
    "sort:duration",
    "sort:relevance",
    "NEAR(",
    ")",
    "(",
    "*",
    "^",
    "AND",
    "NOT",
    "'",
    "{",
    "}",
    "+",
    "김유정",
    "홍천기",
    "눈물",
    "유정",
    "ㄱ",
    "horse",
    "mood:emotional",
    "type:blooper",
    "\"Ahn Hyo Seop\"",
    "Kim Yoo Jung",
    "cast:\"Kim Yoo Jung\"",
    "as:\"Ha Ram\"",
    "show:\"Red Sky\"",
    "\u{3000}",
    "\u{0}",
    "\u{feff}",
    "\u{301}",
    "🙂",
];

const SRT_TOKENS: &[&str] = &[
    "-->",
    " --> ",
    "00:00:01,000",
    "00:00:01.000",
    "99:59:59,999",
    "9999:59:59,999",
    "00:00:00,000 --> 00:00:00,000",
    "1\n",
    "\n\n",
    "\n1\n",
    "<i>",
    "</i>",
    "<b>",
    "<u>",
    "<font color=\"red\">",
    "</font>",
    "{\\an8}",
    "{\\pos(1,2)}",
    "{",
    "}",
    "&amp;",
    "&lt;",
    "&nbsp;",
    "&#",
    "<br>",
    "X1:100 X2:600",
    "WEBVTT\n\n",
];

const VTT_TOKENS: &[&str] = &[
    "WEBVTT",
    "WEBVTT - title",
    "WEBVTTX",
    "\n\nNOTE ",
    "NOTE\n",
    "STYLE\n::cue { color: red }\n",
    "REGION\nid:fred\n",
    "-->",
    " --> ",
    "00:01.000",
    "00:00:01.000",
    " align:start position:10%",
    "<v Emo>",
    "</v>",
    "<c.yellow>",
    "</c>",
    "<00:00:01.500>",
    "<ruby>",
    "<rt>",
    "&gt;",
    "&amp;",
    "Kind: captions\nLanguage: en\n",
    "\n\n",
    "1\n",
    "\n \n",
];

const ASS_TOKENS: &[&str] = &[
    "[Script Info]\n",
    "ScriptType: v4.00+\n",
    "WrapStyle: 2\n",
    "[V4+ Styles]\n",
    "[Events]\n",
    "[events]\n",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
    "Format: Start, End, Text\n",
    "Format: Text, Start, End\n",
    "Format:\n",
    "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,",
    "Dialogue: ",
    "Comment: ",
    "Picture: ",
    "0:00:01.00",
    "9999999999:00:00.00",
    "0:00:01.5",
    ",",
    ",,",
    "Sign",
    "OP_Romaji",
    "*Default",
    "{\\i1}",
    "{\\pos(640,50)}",
    "{\\move(0,0,1,1)}",
    "{\\k20}",
    "{\\kf",
    "{\\p1}m 0 0 l 1 1",
    "{\\p0}",
    "{\\p",
    "\\N",
    "\\n",
    "\\h",
    "\\",
    "{",
    "}",
    "{comment}",
    "\n",
    "\r\n",
];

const SAMI_TOKENS: &[&str] = &[
    "<SAMI>",
    "</SAMI>",
    "<HEAD>",
    "<BODY>",
    "</BODY>",
    "<SYNC Start=",
    "<SYNC Start=1000 End=2000>",
    "<sync start=\"",
    "<SYNC>",
    "<SYNC Start=-1>",
    "<SYNC Start=99999999999999999999>",
    "<P Class=KRCC>",
    "<P Class=ENCC>",
    "<p class='krcc'>",
    "<P>",
    "<P",
    "&nbsp;",
    "<br>",
    "<BR/>",
    "<font color=#ffffff>",
    "</font>",
    "<STYLE TYPE=\"text/css\"><!--\nP { margin: 0 }\n.KRCC { Name: Korean; lang: ko-KR; }\n.ENCC { Name: English; lang: en-US; }\n--></STYLE>",
    "lang:",
    "lang: ;",
    "<!--",
    "-->",
    ">",
    "<",
    "\"",
    "=",
    "&#",
    "&#44032;",
    "&#xAC00;",
    "&#99999999;",
    "&amp;",
];
