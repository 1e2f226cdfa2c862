//! Subtitle bytes to text: a BOM decides when there is one, then UTF-16 by its
//! zero bytes, then UTF-8, then a guess (chardetng) for legacy encodings.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// Text with the encoding it was read as (an encoding_rs name: `UTF-8`,
/// `UTF-16LE`, `EUC-KR`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// How many bytes the UTF-16 sniff looks at: enough for a SAMI header.
const SNIFF_BYTES: usize = 4096;

/// Decodes subtitle bytes. Never fails: undecodable bytes become U+FFFD.
///
/// Korean CP949 files come out as `EUC-KR`: encoding_rs's EUC-KR decoder is
/// the CP949 (Unified Hangul Code) superset, so every Hangul syllable reads.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return with(encoding, &bytes[bom..]);
    }
    let encoding =
        bomless_utf16(bytes).unwrap_or_else(|| if is_utf8(bytes) { UTF_8 } else { guess_legacy(bytes) });
    with(encoding, bytes)
}

/// A legacy encoding, guessed from the bytes the way browsers do. File
/// names that are not UTF-8 are read with it too (`paths.rs`).
pub(crate) fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    detector.guess(None, true)
}

fn with(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded { text: text.into_owned(), encoding: encoding.name() }
}

/// UTF-16 written without a BOM (some Windows tools do): the ASCII of the
/// markup leaves a zero byte in every other position. Real text in any
/// 8-bit encoding has no zero bytes at all.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|b| **b == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let mostly = |n: usize| n * 4 >= pairs;
    let hardly = |n: usize| n * 20 <= pairs;
    if mostly(odd) && hardly(even) {
        Some(UTF_16LE)
    } else if mostly(even) && hardly(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// UTF-8, allowing what a truncated download or one damaged byte leaves
/// behind: an incomplete last character, or a few bad bytes among many good
/// multi-byte characters. CP949 read as UTF-8 fails on most Hangul, so it
/// never passes.
fn is_utf8(bytes: &[u8]) -> bool {
    let mut multibyte = 0;
    // Damaged places, not bad bytes: one lost lead byte orphans its continuation bytes too.
    let mut invalid = 0;
    for (i, chunk) in bytes.utf8_chunks().enumerate() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() && (i == 0 || !chunk.valid().is_empty()) {
            invalid += 1;
        }
    }
    let truncated_only = invalid == 1 && std::str::from_utf8(bytes).is_err_and(|e| e.error_len().is_none());
    invalid == 0 || truncated_only || multibyte >= 20 * invalid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        for unit in std::iter::once(0xFEFF).filter(|_| bom).chain(text.encode_utf16()) {
            bytes.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        bytes
    }

    fn cp949(text: &str) -> Vec<u8> {
        encoding_rs::EUC_KR.encode(text).0.into_owned()
    }

    #[test]
    fn encodings() {
        let korean = "자막 개조는 싱크수정 및 개인소장에 한해서 인정하겠습니다. 눈물이 나요";
        // 똠 and 햏 are outside KS X 1001: only CP949's extension has them.
        let extension = "똠방각하 햏자가 김유정의 눈물 장면을 다시 봤습니다. 정말 괜찮아요";
        let mut damaged = "괜찮아요 ".repeat(10).into_bytes();
        damaged[3] = 0xFF;
        let mut truncated = "<SYNC Start=1>괜찮아요".as_bytes().to_vec();
        truncated.pop();
        let rows: Vec<(&str, Vec<u8>, &str, &str)> = vec![
            ("utf-8", "김유정".into(), "UTF-8", "김유정"),
            ("utf-8 bom", [b"\xEF\xBB\xBF".as_slice(), "눈물".as_bytes()].concat(), "UTF-8", "눈물"),
            ("utf-16le bom", utf16("<SAMI>안효섭", false, true), "UTF-16LE", "<SAMI>안효섭"),
            ("utf-16be bom", utf16("<SAMI>안효섭", true, true), "UTF-16BE", "<SAMI>안효섭"),
            ("utf-16le", utf16("WEBVTT\n\n홍천기", false, false), "UTF-16LE", "WEBVTT\n\n홍천기"),
            ("utf-16be", utf16("1\n00:00:01,000", true, false), "UTF-16BE", "1\n00:00:01,000"),
            ("cp949", cp949(korean), "EUC-KR", korean),
            ("cp949 extension", cp949(extension), "EUC-KR", extension),
            ("truncated utf-8", truncated, "UTF-8", "<SYNC Start=1>괜찮아\u{FFFD}"),
            ("empty", Vec::new(), "UTF-8", ""),
        ];
        for (name, bytes, encoding, text) in rows {
            assert_eq!(decode(&bytes), Decoded { text: text.into(), encoding }, "{name}");
        }
        let decoded = decode(&damaged);
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(decoded.text.ends_with("괜찮아요 괜찮아요 "), "{:?}", decoded.text);
    }

    #[test]
    fn korean_read_as_utf8_is_refused() {
        // A short CP949 line must not slip through the lenient UTF-8 check.
        assert!(!is_utf8(&cp949("괜찮아요")));
        assert!(!is_utf8(&cp949("1\n00:00:01,000 --> 00:00:02,000\n고마워요, 정말\n")));
    }
}
