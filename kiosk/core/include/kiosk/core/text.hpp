#pragma once
/// Which code points the kiosk treats as invisible: one definition for scanned payloads, the
/// wedge scanner, `kiosk event`, badges and the window (issue 10: it existed five times).
#include <cstddef>
#include <string>
#include <string_view>

namespace kiosk::core::text {

/// C0 controls (U+0000–U+001F), DEL, C1 controls (U+0080–U+009F).
constexpr bool isControl(char32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/// Bidirectional controls: they make a screen or a badge show text in another order than it
/// is stored. Marks (U+061C, U+200E, U+200F), embeddings and overrides (U+202A–U+202E),
/// isolates (U+2066–U+2069).
constexpr bool isBidiControl(char32_t cp) {
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/// Zero-width characters: U+200B–U+200D (space, non-joiner, joiner), U+2060–U+2064 (word
/// joiner and the invisible operators), U+FEFF (BOM / zero-width no-break space), U+180E.
constexpr bool isZeroWidth(char32_t cp) {
    return (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || cp == 0x180E;
}

/// The one predicate: a code point that draws nothing yet changes what text says or how it is
/// shown. Controls, bidi controls, zero-width characters, the line and paragraph separators
/// U+2028/U+2029, the soft hyphen, the deprecated format characters U+2065–U+206F, variation
/// selectors U+FE00–U+FE0F and tag characters U+E0000–U+E007F.
constexpr bool isInvisible(char32_t cp) {
    return isControl(cp) || isBidiControl(cp) || isZeroWidth(cp) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x00AD || (cp >= 0x2065 && cp <= 0x206F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xE0000 && cp <= 0xE007F);
}

/// `s` without zero-width characters (what `kiosk event` does to names and venues; invalid
/// UTF-8 bytes are kept as they are).
std::string stripZeroWidth(std::string_view s);

/// `s` without the blanks (space, tab, CR, LF) around it: what a form field holds.
std::string trimBlanks(std::string_view s);

/// Byte offset of the first code point of `s` that `pred` selects, or std::string_view::npos
/// (invalid UTF-8 is skipped byte by byte: check utf8::isValid first).
std::size_t findFirst(std::string_view s, bool (*pred)(char32_t));

}  // namespace kiosk::core::text
