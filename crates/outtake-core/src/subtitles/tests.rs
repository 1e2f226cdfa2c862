//! Subtitle reading: every real fixture, each syntax edge, and arbitrary bytes.

use super::*;

fn fixtures() -> Option<std::path::PathBuf> {
    let dir =
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/real/subs"));
    if dir.is_dir() {
        Some(dir.to_path_buf())
    } else {
        eprintln!("shared/fixtures/real/subs is absent: real subtitle fixtures skipped");
        None
    }
}

fn cue(start_ms: i64, end_ms: i64, text: &str) -> CueInput {
    CueInput { start_ms, end_ms, text: text.into() }
}

#[test]
fn real_fixtures() {
    let Some(dir) = fixtures() else { return };
    // (file, format, encoding, cue count at least, (index, expected cue), lang)
    type Row<'a> = (&'a str, SubtitleFormat, &'a str, usize, (usize, CueInput), Option<&'a str>);
    let rows: &[Row] = &[
        (
            "smi2srt__cp949_01.smi",
            SubtitleFormat::Sami,
            "EUC-KR",
            250,
            (0, cue(48_300, 51_100, "First kissから始まる\n첫키스로 시작하는")),
            Some("ko"),
        ),
        (
            "smi2srt__utf16le_bom_01.smi",
            SubtitleFormat::Sami,
            "UTF-16LE",
            10,
            (0, cue(23_482, 25_008, "그렇구만")),
            Some("ko"),
        ),
        (
            "smi2srt__utf8_bom_01.smi",
            SubtitleFormat::Sami,
            "UTF-8",
            10,
            (0, cue(1_500, 5_300, "어떤 마술의 금서목록-외전-")),
            Some("ko"),
        ),
        (
            "smi2srt__railgun01_utf8.srt",
            SubtitleFormat::Srt,
            "UTF-8",
            10,
            (1, cue(18_558, 20_686, "저거 괜찮나?")),
            None,
        ),
        (
            "pinchflat__subtitle.srt",
            SubtitleFormat::Srt,
            "UTF-8",
            3,
            (0, cue(0, 2_500, "Welcome to the Example Subtitle File!")),
            None,
        ),
        (
            "gpac__elephants-dream-subtitles-de.vtt",
            SubtitleFormat::Vtt,
            "UTF-8",
            4,
            (2, cue(20_417, 21_917, "...die Enthaupter.")),
            None,
        ),
        (
            "vtttest__index_numbers.vtt",
            SubtitleFormat::Vtt,
            "UTF-8",
            4,
            (0, cue(10_520, 15_625, "Hi, welcome to the specialization and\ninformation visualization.")),
            None,
        ),
        (
            "vtttest__youtube-dl.en.vtt",
            SubtitleFormat::Vtt,
            "UTF-8",
            5,
            (0, cue(160, 3_540, "Hi I’m John Green and this is Crash Course\nEuropean History.")),
            None,
        ),
    ];
    for (name, format, encoding, at_least, (index, expected), lang) in rows {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        assert_eq!(decode(&bytes).encoding, *encoding, "{name}");
        let tracks = read_subtitles(&bytes, *format).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(tracks.len(), 1, "{name}");
        let track = &tracks[0];
        assert_eq!(track.lang.as_deref(), *lang, "{name}");
        assert!(track.cues.len() >= *at_least, "{name}: {} cues", track.cues.len());
        assert_eq!(track.cues[*index], *expected, "{name}");
        for pair in track.cues.windows(2) {
            assert!(pair[0].start_ms <= pair[1].start_ms, "{name}: cues out of order");
            if name.contains("youtube") {
                assert_ne!(pair[0].text, pair[1].text, "{name}: a line repeated in consecutive cues");
            }
        }
        assert!(
            track.cues.iter().all(|c| c.end_ms >= c.start_ms && !c.text.is_empty() && !c.text.contains('<')),
            "{name}"
        );
    }
}

#[test]
fn srt_edges() {
    let rows: &[(&str, Vec<CueInput>)] = &[
        ("1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\n\r\n", vec![cue(1000, 2500, "Hello")]),
        ("00:01.5 --> 00:02.0\nno index, short times\n", vec![cue(1500, 2000, "no index, short times")]),
        (
            "1\n00:00:01.000 --> 00:00:02.000\n<i>in</i> {\\an8}<font color=\"red\">red</font>\n2\n00:00:03,000 --> 00:00:04,000\nnext\n",
            vec![cue(1000, 2000, "in red"), cue(3000, 4000, "next")],
        ),
        (
            "\n\n\n1\n00:00:05,000 --> 00:00:04,000\nbackwards\n\n2\n00:00:06,000 --> 00:00:07,000\n\n",
            vec![cue(5000, 5000, "backwards")],
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nTom &amp; Jerry &lt;3 &#54620;&#xAE00;\n",
            vec![cue(1000, 2000, "Tom & Jerry <3 한글")],
        ),
        (
            "1\n00:00:01,000 --> 00:99:02,000\nbad end\n\n2\n00:00:03,000 --> 00:00:04,000\n  two\n  lines  \n",
            vec![cue(3000, 4000, "two\nlines")],
        ),
    ];
    for (text, expected) in rows {
        let tracks = read_subtitles(text.as_bytes(), SubtitleFormat::Srt).unwrap();
        assert_eq!(&tracks[0].cues, expected, "{text:?}");
    }
    let error = read_subtitles(b"just some text", SubtitleFormat::Srt).unwrap_err();
    assert!(error.to_string().contains("00:01:02,500 --> 00:01:04,000"), "{error}");
}

#[test]
fn vtt_edges() {
    let text = "\u{feff}WEBVTT - with a title\n\nNOTE a comment\nspanning lines\n\nSTYLE\n::cue { color: red }\n\n\
                intro\n00:01.000 --> 00:02.000 align:start position:10%\n<v Kim Yoo Jung>괜찮아요</v> <00:00:01.500><c.yellow>정말</c>\n\n\
                00:00:03.000 --> 00:00:04.000\nA &lrm;B&nbsp;C\n";
    let cues = &read_subtitles(text.as_bytes(), SubtitleFormat::Vtt).unwrap()[0].cues;
    assert_eq!(cues, &[cue(1000, 2000, "괜찮아요 정말"), cue(3000, 4000, "A B C")]);
    let error =
        read_subtitles(b"1\n00:00:01,000 --> 00:00:02,000\nsrt really\n", SubtitleFormat::Vtt).unwrap_err();
    assert_eq!(error, SubtitleError::NotVtt { line: 1 });
}

#[test]
fn youtube_rolling_captions_collapse() {
    let text = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nwe went to\n\n\
                00:00:02.000 --> 00:00:02.010\nwe went to\n\n\
                00:00:02.010 --> 00:00:04.000\nwe went to\nthe horse farm\n\n\
                00:00:04.000 --> 00:00:04.010\nthe horse farm\n\n\
                00:00:04.010 --> 00:00:06.000\nthe horse farm\nand she laughed\n";
    let cues = &read_subtitles(text.as_bytes(), SubtitleFormat::Vtt).unwrap()[0].cues;
    let texts: Vec<&str> = cues.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["we went to", "the horse farm", "and she laughed"]);
}

#[test]
fn sami_edges() {
    let text = "<SAMI><HEAD><STYLE TYPE=\"text/css\"><!--\n.KRCC { Name:한국어; lang:ko-KR; }\n.ENCC { Name:English; lang: en-US; }\n--></STYLE></HEAD><BODY>\n\
                <SYNC Start=1000><P Class=KRCC>첫 줄<br>둘째 줄\n<P Class=ENCC>first<BR/>second\n\
                <sync start=\"2500\"><p class=krcc>&nbsp;\n\
                <SYNC Start=3000><P Class=KRCC><font color=#fcc5ca>눈물이</font> 나요\n\
                <SYNC Start=oops><P Class=KRCC>broken start\n</BODY></SAMI>";
    let tracks = read_subtitles(text.as_bytes(), SubtitleFormat::Sami).unwrap();
    let by_lang: Vec<(Option<&str>, &Vec<CueInput>)> =
        tracks.iter().map(|t| (t.lang.as_deref(), &t.cues)).collect();
    assert_eq!(
        by_lang,
        [
            (Some("en"), &vec![cue(1000, 6000, "first\nsecond")]),
            (Some("ko"), &vec![cue(1000, 2500, "첫 줄\n둘째 줄"), cue(3000, 8000, "눈물이 나요")]),
        ]
    );
}

#[test]
fn decoding() {
    let text = "눈물이 나요";
    let mut utf16be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        utf16be.extend(unit.to_be_bytes());
    }
    assert_eq!(decode(&utf16be), Decoded { text: text.into(), encoding: "UTF-16BE" });
    let (cp949, _, _) =
        encoding_rs::EUC_KR.encode("자막 개조는 싱크수정 및 개인소장에 한해서 인정하겠습니다. 눈물이 나요");
    let decoded = decode(&cp949);
    assert_eq!(decoded.encoding, "EUC-KR");
    assert!(decoded.text.ends_with("눈물이 나요"));
    assert_eq!(decode(b"\xEF\xBB\xBFplain").text, "plain");
    // NFD Hangul (as some tools write it) comes out NFC.
    let nfd = "\u{1100}\u{1161}\u{11AB}";
    assert_eq!(clean_cue_text(nfd), "간");
}

#[test]
fn languages_from_file_names() {
    let stem = "[Making] Red Sky [abc123def45]";
    let rows = [
        ("[Making] Red Sky [abc123def45].ko.vtt", Some("ko")),
        ("[Making] Red Sky [abc123def45].en-US.srt", Some("en-US")),
        ("[Making] Red Sky [abc123def45].srt", None),
        ("[Making] Red Sky [abc123def45].info.json", Some("info")),
        ("Other [zzz].ko.vtt", None),
        ("[Making] Red Sky [abc123def45].한국어.smi", None),
    ];
    for (name, lang) in rows {
        assert_eq!(lang_from_file_name(stem, name).as_deref(), lang, "{name}");
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let seeds: [&[u8]; 3] = [
        b"1\n00:00:01,000 --> 00:00:02,000\nHello\n\n",
        b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>x</v>\n",
        b"<SAMI><STYLE>.KRCC{lang:ko}</STYLE><SYNC Start=1><P Class=KRCC>a<br>b",
    ];
    for round in 0..5000 {
        let seed = seeds[round % 3];
        let mut bytes = seed.to_vec();
        for _ in 0..(next() % 8) {
            let at = (next() as usize) % (bytes.len() + 1);
            match next() % 4 {
                0 if !bytes.is_empty() => {
                    let last = bytes.len() - 1;
                    bytes[at.min(last)] = next() as u8;
                }
                1 => bytes.insert(at, next() as u8),
                2 => bytes.truncate(at),
                _ => bytes.extend_from_slice(&seed[..(next() as usize) % seed.len()]),
            }
        }
        if round % 10 == 0 {
            bytes = (0..(next() % 300)).map(|_| next() as u8).collect();
        }
        for format in [SubtitleFormat::Srt, SubtitleFormat::Vtt, SubtitleFormat::Sami] {
            if let Ok(tracks) = read_subtitles(&bytes, format) {
                assert!(tracks.iter().all(|t| t.cues.iter().all(|c| c.end_ms >= c.start_ms)));
            }
        }
    }
}
