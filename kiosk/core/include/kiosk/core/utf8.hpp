#pragma once
// UTF-8 for every part of the kiosk: payload validation, search folding, CSV import, the wedge
// scanner, badge typesetting and the UI's font atlas. Strict: overlong forms, surrogates,
// code points above U+10FFFF and truncated sequences are invalid.
#include <cstddef>
#include <string>
#include <string_view>

namespace kiosk::core::utf8 {

/// Decodes the code point at s[i]: returns the bytes it takes (1–4) and sets cp, or 0 for an
/// invalid sequence. Inline: search folding calls it for every character.
inline std::size_t decodeAt(std::string_view s, std::size_t i, char32_t& cp) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    std::size_t len;
    char32_t min;
    if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((b(k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

/// True when all of s is valid UTF-8 (fast path for ASCII runs).
bool isValid(std::string_view s);

/// Code points of s; each byte of an invalid sequence becomes U+FFFD.
std::u32string decode(std::string_view s);

/// Appends cp as UTF-8 (cp must be a valid scalar value).
void append(std::string& out, char32_t cp);

/// s as UTF-8.
std::string encode(std::u32string_view s);

}  // namespace kiosk::core::utf8
