#pragma once
// Which code points the core strips from scanned and typed text (decoding: kiosk/core/utf8.hpp).
#include <kiosk/core/utf8.hpp>

namespace kiosk::core::text {

/// Control characters that never belong in a scanned payload: C0, DEL, C1, and the invisible
/// format characters a keyboard wedge or a copy/paste can smuggle in (BOM, zero-width, bidi).
inline bool isStrippedControl(char32_t cp) {
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0xFEFF ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

}  // namespace kiosk::core::text
