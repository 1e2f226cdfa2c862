//! Subtitle reading as a whole: the public API, every real fixture, and
//! arbitrary bytes that must never make it panic.

use unicode_normalization::UnicodeNormalization;

use super::*;
use crate::cues::CueKind;

fn cue(start_ms: i64, end_ms: i64, text: &str) -> CueInput {
    CueInput::new(start_ms, end_ms, text)
}

#[test]
fn formats_from_extensions() {
    let rows = [
        ("srt", Some(SubtitleFormat::Srt)),
        ("SRT", Some(SubtitleFormat::Srt)),
        (".vtt", Some(SubtitleFormat::Vtt)),
        ("Vtt", Some(SubtitleFormat::Vtt)),
        ("smi", Some(SubtitleFormat::Sami)),
        ("SAMI", Some(SubtitleFormat::Sami)),
        ("ass", Some(SubtitleFormat::Ass)),
        (".SSA", Some(SubtitleFormat::Ass)),
        ("json", None),
        ("", None),
        ("srt ", None),
    ];
    for (ext, format) in rows {
        assert_eq!(SubtitleFormat::from_extension(ext), format, "{ext:?}");
    }
}

#[test]
fn languages_from_file_names() {
    let stem = "[Making] Lovers of the Red Sky ep.1 [abc123def45]";
    let rows = [
        (".ko.vtt", Some("ko")),
        (".en-US.srt", Some("en-US")),
        (".zh-Hans.vtt", Some("zh-Hans")),
        (".en-orig.vtt", Some("en-orig")),
        (".pt_BR.srt", Some("pt-BR")),
        (".kor.SMI", Some("kor")),
        (".srt", None),
        (".live_chat.json", None),
        (".info.json", None),
        (".ko.json", None),
        (".forced.srt", None),
        (".ko.forced.srt", None),
        (".한국어.smi", None),
        (".k.vtt", None),
        (".en-toolongsubtag.vtt", None),
        (" (1).ko.vtt", None),
        ("ko.vtt", None),
    ];
    for (tail, lang) in rows {
        let name = format!("{stem}{tail}");
        assert_eq!(lang_from_file_name(stem, &name).as_deref(), lang, "{name}");
    }
    assert_eq!(lang_from_file_name(stem, "Other clip [zzz].ko.vtt"), None);
    assert_eq!(lang_from_file_name("", ".ko.vtt"), Some("ko".into()));
}

#[test]
fn reading_dispatches_by_format() {
    let srt = "1\n00:00:01,000 --> 00:00:02,000\n괜찮아요\n";
    let tracks = read_subtitles(srt.as_bytes(), SubtitleFormat::Srt).unwrap();
    assert_eq!(tracks, [SubtitleTrack { lang: None, cues: vec![cue(1000, 2000, "괜찮아요")] }]);
    // The same bytes are not WebVTT, and not SAMI.
    let error = read_subtitles(srt.as_bytes(), SubtitleFormat::Vtt).unwrap_err();
    assert_eq!(error, SubtitleError::NotVtt { line: 1, found: "1".into() });
    let error = read_subtitles(srt.as_bytes(), SubtitleFormat::Sami).unwrap_err();
    assert!(matches!(error, SubtitleError::NoTimings { line: 1, .. }), "{error}");
    // CP949 bytes read as Hangul through every format.
    let (smi, _, _) =
        encoding_rs::EUC_KR.encode("<SAMI><BODY><SYNC Start=1000><P Class=KRCC>홍천기, 눈물이 나요");
    let tracks = read_subtitles(&smi, SubtitleFormat::Sami).unwrap();
    assert_eq!(
        tracks,
        [SubtitleTrack {
            lang: Some("ko".into()), cues: vec![cue(1000, 6000, "홍천기, 눈물이 나요")]
        }]
    );
}

#[test]
fn the_error_names_the_line() {
    let text = "1\n00:00:01,000 --> 00:00:02,000\n\n\n\n\n\n\n\n\n12\n00:01:xx,000 --> 00:01:03,000\nhello\n";
    let error = read_subtitles(text.as_bytes(), SubtitleFormat::Srt).unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("line 12: \"00:01:xx,000 --> 00:01:03,000\" is not a timing line"),
        "{message}"
    );
}

fn fixtures() -> Option<std::path::PathBuf> {
    let dir =
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/real/subs"));
    if dir.is_dir() {
        Some(dir.to_path_buf())
    } else {
        eprintln!("note: {} is absent, real subtitle fixtures skipped", dir.display());
        None
    }
}

/// A real file: how it decodes, how many cues, a few cues read off the file by hand.
struct Fixture {
    name: &'static str,
    format: SubtitleFormat,
    encoding: &'static str,
    lang: Option<&'static str>,
    count: usize,
    samples: Vec<(usize, CueInput)>,
}

fn fixture_table() -> Vec<Fixture> {
    use SubtitleFormat::{Sami, Srt, Vtt};
    let f = |name, format, encoding, lang, count, samples| Fixture {
        name,
        format,
        encoding,
        lang,
        count,
        samples,
    };
    vec![
        f(
            "smi2srt__cp949_01.smi",
            Sami,
            "EUC-KR",
            Some("ko"),
            299,
            vec![
                (0, cue(48_300, 51_100, "First kissから始まる\n첫키스로 시작하는")),
                (4, cue(62_700, 67_500, "제로의 사역마\nCaption by Feelsogood")),
                (5, cue(68_600, 74_700, "月が二つ消えない空\n두 개의 달이 사라지지 않는 하늘")),
                (298, cue(1_417_000, 1_420_000, "다음 화!\n평민의 사역마")),
            ],
        ),
        f(
            "smi2srt__utf16le_bom_01.smi",
            Sami,
            "UTF-16LE",
            Some("ko"),
            532,
            vec![
                (0, cue(23_482, 25_008, "그렇구만")),
                (1, cue(25_008, 27_377, "모든 게 신선했다")),
                (3, cue(31_777, 36_820, "수많은 보석을 담아넣은\n보물상자 같은 추억이 되었다!")),
                (4, cue(42_131, 49_001, "신이 된 날\nsub by 별명따위")),
                (531, cue(1_450_907, 1_452_322, "sub by 별명따위")),
            ],
        ),
        f(
            "smi2srt__utf8_bom_01.smi",
            Sami,
            "UTF-8",
            Some("ko"),
            417,
            vec![
                (0, cue(1_500, 5_300, "어떤 마술의 금서목록-외전-")),
                (1, cue(18_558, 20_686, "저거 괜찮나?")),
                (10, cue(44_777, 50_530, "사용하는 기술에 2~30년\n차이가 있다고 합니다")),
                (
                    416,
                    cue(
                        1_508_640,
                        1_510_943,
                        "02화: 땡볕 아래에서 작업할 땐\n수분 보급이 필수랍니다\n다음 주도 뜨겁다는데",
                    ),
                ),
            ],
        ),
        f(
            "smi2srt__railgun01_utf8.srt",
            Srt,
            "UTF-8",
            None,
            417,
            vec![
                (0, cue(1_500, 5_300, "어떤 마술의 금서목록-외전-")),
                (1, cue(18_558, 20_686, "저거 괜찮나?")),
                (
                    416,
                    cue(
                        1_508_640,
                        1_510_943,
                        "02화: 땡볕 아래에서 작업할 땐수분 보급이\n필수랍니다 다음 주도 뜨겁다는데",
                    ),
                ),
            ],
        ),
        f(
            "pinchflat__subtitle.srt",
            Srt,
            "UTF-8",
            None,
            9,
            vec![
                (0, cue(0, 2_500, "Welcome to the Example Subtitle File!")),
                (
                    3,
                    cue(
                        12_000,
                        15_000,
                        "Each subtitle entry consists of a number, a timecode,\nand the subtitle text.",
                    ),
                ),
                (8, cue(36_000, 40_000, "Enjoy adding subtitles to your videos!")),
            ],
        ),
        f(
            "gpac__elephants-dream-subtitles-de.vtt",
            Vtt,
            "UTF-8",
            None,
            77,
            vec![
                (0, cue(15_042, 18_042, "Auf der linken Seite sehen wir...")),
                (2, cue(20_417, 21_917, "...die Enthaupter.")),
                (76, cue(537_333, 540_000, "...es ist da.")),
            ],
        ),
        f(
            "vtttest__index_numbers.vtt",
            Vtt,
            "UTF-8",
            None,
            92,
            vec![
                (0, cue(10_520, 15_625, "Hi, welcome to the specialization and\ninformation visualization.")),
                (91, cue(412_900, 416_250, "into the specialization in\ninformation visualization.")),
            ],
        ),
        f(
            "vtttest__youtube-dl.en.vtt",
            Vtt,
            "UTF-8",
            None,
            13,
            vec![
                (0, cue(160, 3_540, "Hi I’m John Green and this is Crash Course\nEuropean History.")),
                (6, cue(28_880, 37_719, "[Intro]\nSo, population was rising in 18th century")),
            ],
        ),
    ]
}

#[test]
fn real_fixtures() {
    let Some(dir) = fixtures() else { return };
    for fixture in fixture_table() {
        let name = fixture.name;
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decode(&bytes).encoding, fixture.encoding, "{name}");
        let tracks = read_subtitles(&bytes, fixture.format).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(tracks.len(), 1, "{name}");
        let track = &tracks[0];
        assert_eq!(track.lang.as_deref(), fixture.lang, "{name}");
        assert_eq!(track.cues.len(), fixture.count, "{name}");
        for (index, expected) in &fixture.samples {
            assert_eq!(&track.cues[*index], expected, "{name} cue {index}");
        }
        assert!(!track.cues.is_empty(), "{name}");
        assert_well_formed(track, fixture.format, name);
        assert!(!track.cues.iter().any(|c| c.text.contains('\u{FFFD}')), "{name}: undecodable bytes");
        if name.starts_with("smi2srt") {
            let hangul = track.cues.iter().flat_map(|c| c.text.chars()).filter(|c| is_hangul(*c)).count();
            assert!(hangul > 1000, "{name}: only {hangul} Hangul syllables");
        }
    }
}

#[test]
fn youtube_download_has_no_repeated_lines() {
    let Some(dir) = fixtures() else { return };
    let bytes = std::fs::read(dir.join("vtttest__youtube-dl.en.vtt")).unwrap();
    let cues = &read_subtitles(&bytes, SubtitleFormat::Vtt).unwrap()[0].cues;
    let lines: Vec<&str> = cues.iter().flat_map(|c| c.text.lines()).collect();
    assert_eq!(lines.len(), 24);
    for pair in lines.windows(2) {
        assert_ne!(pair[0], pair[1], "a line repeated");
    }
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// What every track promises, whatever the input: WebVTT may give a track
/// without cues (a valid file with none); WebVTT and ASS keep an end before
/// its start as written, SRT and SAMI mend it.
fn assert_well_formed(track: &SubtitleTrack, format: SubtitleFormat, name: &str) {
    assert!(!track.cues.is_empty() || format == SubtitleFormat::Vtt, "{name}: an empty track");
    for pair in track.cues.windows(2) {
        assert!(pair[0].start_ms <= pair[1].start_ms, "{name}: cues out of order");
    }
    let as_written = matches!(format, SubtitleFormat::Vtt | SubtitleFormat::Ass);
    for cue in &track.cues {
        assert!(0 <= cue.start_ms && (as_written || cue.start_ms <= cue.end_ms), "{name}: {cue:?}");
        assert!(!cue.text.is_empty() && cue.text == cue.text.trim(), "{name}: {cue:?}");
        assert!(!cue.text.contains("\n\n"), "{name}: blank line in {cue:?}");
        assert!(
            !cue.text.chars().any(|c| c.is_control() && c != '\n'),
            "{name}: control character in {cue:?}"
        );
        assert!(cue.text.nfc().eq(cue.text.chars()), "{name}: not NFC: {cue:?}");
    }
}

/// xorshift64: deterministic, so a failure can be replayed, and no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces that steer mutations toward the parsers' edges.
const TOKENS: &[&str] = &[
    "-->",
    " --> ",
    "00:00:01,000",
    "00:01.000",
    "99999:59:59,999",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "WEBVTT\n",
    "NOTE ",
    "<SYNC Start=",
    "<P Class=KRCC>",
    "<br>",
    "&nbsp;",
    "&#x110000;",
    "&#",
    "&",
    "<",
    ">",
    "{\\",
    "<!--",
    "-->",
    "\u{feff}",
    "99999999999999999999",
    "<STYLE>.A{lang:ko}</STYLE>",
    "홍천기",
    "\u{0}",
    "[Events]\n",
    "Format: Layer, Start, End, Style, Text\n",
    "Dialogue: ",
    "0:00:01.00,",
    "{\\pos(1,2)}",
    "{\\k20}",
    "{\\p1}",
    "\\N",
    "{",
    "}",
];

const SEEDS: &[&str] = &[
    "1\n00:00:01,000 --> 00:00:02,000\n<i>Hello</i>\n\n2\n00:00:03,000 --> 00:00:04,000\n{\\an8}안녕\n",
    "WEBVTT\n\nNOTE x\n\nid\n00:01.000 --> 00:02.000 align:start\n<v A>x</v> <00:00:01.500><c>y</c>\n",
    "<SAMI><STYLE>.KRCC{lang:ko}</STYLE><BODY><SYNC Start=1><P Class=KRCC>a<br>b<SYNC Start=9>&nbsp;",
    "[Script Info]\nWrapStyle: 0\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\i1}a\\Nb, c\nComment: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,x\nDialogue: 0,0:00:03.00,0:00:04.00,Sign,,0,0,0,,{\\pos(1,2)}d\n",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(8) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if !bytes.is_empty() => {
                let last = bytes.len() - 1;
                bytes[at.min(last)] = rng.next() as u8;
            }
            1 => bytes.insert(at, rng.next() as u8),
            2 => bytes.splice(at..at, TOKENS[rng.below(TOKENS.len())].bytes()).for_each(drop),
            3 => bytes.truncate(at),
            4 => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let from = rng.below(bytes.len());
                let chunk = bytes[from..(from + rng.below(200)).min(bytes.len())].to_vec();
                bytes.splice(at..at, chunk).for_each(drop);
            }
        }
    }
    bytes
}

fn garbage(rng: &mut Rng) -> Vec<u8> {
    let alphabet = b"0123456789:,.-> <>/SYNCPstart=&;#\n\r\tWEBVTT";
    let len = rng.below(400);
    match rng.below(3) {
        0 => (0..len).map(|_| rng.next() as u8).collect(),
        1 => (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect(),
        _ => (0..rng.below(40)).flat_map(|_| TOKENS[rng.below(TOKENS.len())].bytes()).collect(),
    }
}

fn utf16le(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()
}

#[test]
fn arbitrary_input_never_panics() {
    let real: Vec<Vec<u8>> = fixtures()
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .filter_map(|entry| std::fs::read(entry.ok()?.path()).ok())
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let formats = [SubtitleFormat::Srt, SubtitleFormat::Vtt, SubtitleFormat::Sami, SubtitleFormat::Ass];
    let mut read = [0; 4];
    for round in 0..5000 {
        let mut bytes = match round % 10 {
            0..=2 => garbage(&mut rng),
            3 if !real.is_empty() => {
                let seed = &real[rng.below(real.len())];
                mutate(&mut rng, seed)
            }
            _ => {
                let seed = SEEDS[rng.below(SEEDS.len())].as_bytes();
                mutate(&mut rng, seed)
            }
        };
        if rng.below(20) == 0 {
            bytes = utf16le(&bytes);
        }
        for (n, format) in formats.into_iter().enumerate() {
            match read_subtitles(&bytes, format) {
                Ok(tracks) => {
                    read[n] += 1;
                    tracks.iter().for_each(|t| assert_well_formed(t, format, &format!("round {round}")));
                }
                Err(error) => assert!(error.to_string().starts_with("line "), "round {round}: {error}"),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let stem = text.get(..text.len() / 2).unwrap_or("");
        let _ = lang_from_file_name(stem, &text);
    }
    // Mutated seeds mostly stay readable: the test exercises the parsers,
    // not just their errors. (Each format has one seed of four.)
    eprintln!("inputs read per format: {read:?}");
    assert!(read.iter().all(|&n| n > 100), "only {read:?} inputs read");
}

/// The same words said at two moments are two cues, in every format — also
/// when the moments are back to back.
#[test]
fn the_same_line_twice_stays_two_cues() {
    let files = [
        (
            SubtitleFormat::Srt,
            "1\n00:00:01,000 --> 00:00:02,000\n괜찮아요\n\n2\n00:00:02,000 --> 00:00:03,000\n괜찮아요\n\n3\n00:00:10,000 --> 00:00:11,000\n괜찮아요\n",
        ),
        (
            SubtitleFormat::Vtt,
            "WEBVTT\n\n00:01.000 --> 00:02.000\n괜찮아요\n\n00:02.000 --> 00:03.000\n괜찮아요\n\n00:10.000 --> 00:11.000\n괜찮아요\n",
        ),
        (
            SubtitleFormat::Sami,
            "<SAMI><BODY><SYNC Start=1000><P Class=KRCC>괜찮아요<SYNC Start=2000><P Class=KRCC>괜찮아요\
             <SYNC Start=3000><P Class=KRCC>&nbsp;<SYNC Start=10000><P Class=KRCC>괜찮아요<SYNC Start=11000><P Class=KRCC>&nbsp;</BODY></SAMI>",
        ),
        (
            SubtitleFormat::Ass,
            "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
             Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,괜찮아요\n\
             Dialogue: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,괜찮아요\n\
             Dialogue: 0,0:00:10.00,0:00:11.00,Default,,0,0,0,,괜찮아요\n",
        ),
    ];
    for (format, text) in files {
        let tracks = read_subtitles(text.as_bytes(), format).unwrap();
        let times: Vec<(i64, i64, &str)> =
            tracks[0].cues.iter().map(|c| (c.start_ms, c.end_ms, c.text.as_str())).collect();
        assert_eq!(
            times,
            [(1000, 2000, "괜찮아요"), (2000, 3000, "괜찮아요"), (10_000, 11_000, "괜찮아요")],
            "{format}"
        );
    }
}

/// A fansub release's file as Aegisub writes it: script info, several
/// styles, override tags, `\N`, comments, a sign and an opening song.
pub(crate) const FANSUB_ASS: &str = "[Script Info]
; Script generated by Aegisub 3.2.2
Title: 홍천기 메이킹 1화
ScriptType: v4.00+
WrapStyle: 0
PlayResX: 1920
PlayResY: 1080

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Noto Sans CJK KR,72,&H00FFFFFF,&H000000FF,&H00000000,&H96000000,-1,0,0,0,100,100,0,0,1,3,1,2,60,60,50,1
Style: Italics,Noto Sans CJK KR,72,&H00FFFFFF,&H000000FF,&H00000000,&H96000000,-1,-1,0,0,100,100,0,0,1,3,1,2,60,60,50,1
Style: Sign,Noto Serif CJK KR,60,&H00202020,&H000000FF,&H00FFFFFF,&H00000000,0,0,0,0,100,100,0,0,1,0,0,8,10,10,10,1
Style: OP-Korean,Noto Sans CJK KR,54,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,8,10,10,30,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Comment: 0,0:00:00.00,0:00:05.00,Default,,0,0,0,,-- 타이밍: 별명따위 --
Dialogue: 0,0:00:01.50,0:00:04.20,OP-Korean,,0,0,0,karaoke,{\\k40}붉은 {\\k35}하늘 {\\k60}아래
Dialogue: 0,0:00:05.00,0:00:07.35,Default,김유정,0,0,0,,{\\i1}괜찮아요,{\\i0} 정말\\N괜찮아요.
Dialogue: 0,0:00:07.35,0:00:09.00,Default,안효섭,0,0,0,,{\\an8}말 타는 장면, 찍을게요!
Dialogue: 0,0:00:08.00,0:00:12.00,Sign,,0,0,0,,{\\fad(200,200)\\pos(960,120)\\blur1}도화서
Dialogue: 1,0:00:08.00,0:00:12.00,Sign,,0,0,0,,{\\p1\\pos(960,120)}m 0 0 l 400 0 400 80 0 80{\\p0}
Dialogue: 0,0:00:09.00,0:00:11.00,Italics,,0,0,0,,(속마음) 눈물이 나요
Dialogue: 0,0:00:11.00,0:00:13.00,Default,,0,0,0,,{TL: 홍천기 = Hong Chun Gi}홍천기\\h씨!
Comment: 0,0:00:13.00,0:00:14.00,Default,,0,0,0,,Dialogue: 0,0:00:13.00,0:00:14.00,Default,,0,0,0,,hidden
";

#[test]
fn fansub_ass_in_every_encoding() {
    use crate::cues::CueKind::{Dialogue, Sign, Song};
    let expected = vec![
        (1_500, 4_200, "붉은 하늘 아래", Song),
        (5_000, 7_350, "괜찮아요, 정말\n괜찮아요.", Dialogue),
        (7_350, 9_000, "말 타는 장면, 찍을게요!", Dialogue),
        (8_000, 12_000, "도화서", Sign),
        (9_000, 11_000, "(속마음) 눈물이 나요", Dialogue),
        (11_000, 13_000, "홍천기 씨!", Dialogue),
    ];
    let utf16 = |big: bool| -> Vec<u8> {
        let units = std::iter::once(0xFEFF).chain(FANSUB_ASS.encode_utf16());
        units.flat_map(|u| if big { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    };
    let encodings: Vec<(&str, Vec<u8>)> = vec![
        ("UTF-8", FANSUB_ASS.as_bytes().to_vec()),
        ("UTF-8", [b"\xEF\xBB\xBF".as_slice(), FANSUB_ASS.as_bytes()].concat()),
        ("UTF-16LE", utf16(false)),
        ("UTF-16BE", utf16(true)),
        ("EUC-KR", encoding_rs::EUC_KR.encode(FANSUB_ASS).0.into_owned()),
    ];
    for (encoding, bytes) in encodings {
        assert_eq!(decode(&bytes).encoding, encoding);
        let tracks = read_subtitles(&bytes, SubtitleFormat::Ass).unwrap();
        let cues: Vec<(i64, i64, &str, CueKind)> =
            tracks[0].cues.iter().map(|c| (c.start_ms, c.end_ms, c.text.as_str(), c.kind)).collect();
        assert_eq!(cues, expected, "{encoding}");
        assert_well_formed(&tracks[0], SubtitleFormat::Ass, encoding);
    }
}
