//! How many SMS segments a text takes (3GPP TS 23.038 and 23.040), which is what a text costs and whether it
//! arrives as one message. A text written only in the GSM 7-bit alphabet takes 160 septets in one segment, or 153
//! per segment when split (a character of the extension table, such as `€` or `[`, takes two septets and is never
//! split across segments); any other character makes the whole text UCS-2: 70 code units in one segment, or 67 per
//! segment when split (a character outside the Basic Multilingual Plane takes two units, never split). GOV.UK Notify
//! counts the same way.

/// The GSM 03.38 default alphabet (one septet each), escape excluded.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table (escape then the character: two septets each).
const GSM_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// How a text is encoded for sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// GSM 7-bit default alphabet with its extension table.
    Gsm7,
    /// UCS-2 (UTF-16 code units).
    Ucs2,
}

/// A text's size on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub encoding: Encoding,
    /// Septets (GSM 7-bit) or UTF-16 code units (UCS-2).
    pub units: usize,
    /// Segments it is sent in: 0 for an empty text.
    pub segments: usize,
}

/// The units one character takes in GSM 7-bit, or `None` when it is not in the alphabet.
fn gsm_units(c: char) -> Option<usize> {
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The size of `text`: its encoding, its length in that encoding's units, and its segments.
pub fn size(text: &str) -> Size {
    let gsm: Option<Vec<usize>> = text.chars().map(gsm_units).collect();
    let (encoding, units, single, part) = match gsm {
        Some(units) => (Encoding::Gsm7, units, 160, 153),
        None => (Encoding::Ucs2, text.chars().map(char::len_utf16).collect(), 70, 67),
    };
    let total: usize = units.iter().sum();
    let segments = if total == 0 {
        0
    } else if total <= single {
        1
    } else {
        // Fill each segment in turn; a character that does not fit whole starts the next one.
        let mut segments = 1;
        let mut used = 0;
        for u in units {
            if used + u > part {
                segments += 1;
                used = 0;
            }
            used += u;
        }
        segments
    };
    Size { encoding, units: total, segments }
}

/// The text with typographic punctuation replaced by its plain GSM equivalent (curly quotes and apostrophes,
/// dashes, ellipsis, non-breaking spaces), as Notify does before it sends: so that an apostrophe in "wedi’i" does
/// not make a whole text UCS-2, and so that what is counted here is what is sent.
pub fn plain_punctuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '‘' | '’' | 'ʼ' | '′' => out.push('\''),
            '“' | '”' | '″' => out.push('"'),
            '–' | '—' | '‐' | '‑' | '−' => out.push('-'),
            '…' => out.push_str("..."),
            '\u{a0}' | '\u{202f}' | '\u{2009}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_texts_take_160_septets_in_one_segment_and_153_in_each_of_several() {
        assert_eq!(size(""), Size { encoding: Encoding::Gsm7, units: 0, segments: 0 });
        assert_eq!(size(&"a".repeat(160)).segments, 1);
        assert_eq!(size(&"a".repeat(161)).segments, 2);
        assert_eq!(size(&"a".repeat(306)).segments, 2);
        assert_eq!(size(&"a".repeat(307)).segments, 3);
        assert_eq!(size("Carchar EM Caerdydd: £5 @ 2pm, Café Ñ ü").encoding, Encoding::Gsm7);
    }

    #[test]
    fn extension_characters_take_two_septets_and_are_never_split() {
        assert_eq!(size("€").units, 2);
        assert_eq!(size(&"[".repeat(80)), Size { encoding: Encoding::Gsm7, units: 160, segments: 1 });
        assert_eq!(size(&"[".repeat(81)).segments, 2);
        // 152 plain septets, then an escape pair that would straddle the boundary: it starts segment 2.
        let straddling = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(size(&straddling).units, 306);
        assert_eq!(size(&straddling).segments, 3);
    }

    #[test]
    fn one_character_outside_the_alphabet_makes_the_whole_text_ucs2() {
        // Welsh's circumflexed letters are not in the GSM alphabet.
        assert_eq!(size(&format!("{}ŵ", "a".repeat(69))), Size { encoding: Encoding::Ucs2, units: 70, segments: 1 });
        assert_eq!(size(&format!("{}â", "a".repeat(70))).segments, 2);
        assert_eq!(size(&format!("{}â", "a".repeat(133))).segments, 2);
        assert_eq!(size(&format!("{}â", "a".repeat(134))).segments, 3);
        // An emoji is two UTF-16 units, never split.
        assert_eq!(size("🙂").units, 2);
        assert_eq!(size(&format!("{}🙂", "a".repeat(69))).segments, 2);
        // 66 units, then an emoji that would straddle the boundary: it starts segment 2, and 66 more make 3.
        assert_eq!(size(&format!("{}🙂{}", "a".repeat(66), "a".repeat(66))).segments, 3);
    }

    #[test]
    fn typographic_punctuation_becomes_plain_and_keeps_a_text_gsm() {
        let welsh = plain_punctuation("Mae’r ymweliad wedi’i drefnu – “diolch”…");
        assert_eq!(welsh, "Mae'r ymweliad wedi'i drefnu - \"diolch\"...");
        assert_eq!(size(&welsh).encoding, Encoding::Gsm7);
    }
}
