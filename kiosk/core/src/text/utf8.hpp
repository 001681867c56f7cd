#pragma once
// Which code points the core strips from scanned and typed text (decoding: kiosk/core/utf8.hpp).
#include <kiosk/core/text.hpp>
#include <kiosk/core/utf8.hpp>

namespace kiosk::core::text {

/// What sanitizePayload strips and escapeForDisplay escapes: every invisible code point (one
/// definition, kiosk/core/text.hpp). U+2060 (word joiner) and the other zero-width characters
/// the QR format promises to strip are among them.
inline bool isStrippedControl(char32_t cp) {
    return isInvisible(cp);
}

}  // namespace kiosk::core::text
