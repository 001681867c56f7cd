// Keyboard-wedge scanners and the debouncer. Both are pure state machines with time passed in.
//
// The layout repair: a scanner configured for a US keyboard sends US key positions; a machine set
// to Belgian AZERTY turns them into other characters ("1" arrives as "&", "a" as "q", ":" as
// "M"). We invert that table, and use the result only when the text as typed fits none of our
// payload shapes and the repaired text fits one (docs/scanner.md, "Keyboard-wedge scanners").
#include <kiosk/core/text.hpp>
#include <kiosk/core/utf8.hpp>
#include <kiosk/scanner.hpp>

#include <algorithm>
#include <unordered_map>

namespace kiosk::scanner {

// ---------------------------------------------------------------------------------------------
// Debouncer

Debouncer::Debouncer(std::chrono::milliseconds absence) : m_absence(absence) {}

bool Debouncer::accept(std::string_view text, SteadyTime now) {
    // Forget codes absent for longer than the absence window; what remains is "still in view".
    std::erase_if(m_seen, [&](const Seen& s) { return now - s.last > m_absence; });
    for (auto& s : m_seen) {
        if (s.text == text) {
            s.last = std::max(s.last, now);
            return false;
        }
    }
    m_seen.push_back({std::string(text), now});
    return true;
}

void Debouncer::reset() {
    m_seen.clear();
}

// ---------------------------------------------------------------------------------------------
// UTF-8 helpers

namespace {

using core::text::isControl;

// ---------------------------------------------------------------------------------------------
// Payload shapes (FORMATS.md, core/payload.hpp). Deliberately strict: they decide whether a
// burst is garbled, so a loose shape would turn good text into bad.

bool allOf(std::string_view s, bool (*pred)(char)) {
    return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isPretixChar(char c) {
    static constexpr std::string_view alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    return alphabet.find(c) != std::string_view::npos;
}
bool isBase64Char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '+' || c == '/' || c == '=';
}
bool isBase32Char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7') || (c >= 'a' && c <= 'z');
}
bool isUpperAlnum(char c) {
    return (c >= 'A' && c <= 'Z') || isDigit(c);
}

bool fitsKnownPayload(std::string_view s) {
    if (s.size() > 4 && s.substr(0, 4) == "KQ1:") return allOf(s.substr(4), isBase32Char);
    if (s.size() >= 12 && s.size() <= 64 && allOf(s, isPretixChar)) return true;
    if (s.size() >= 10 && s.size() <= 40 && allOf(s, isDigit)) return true;
    if (s.size() == 9 && s.substr(0, 2) == "A-" && allOf(s.substr(2), isUpperAlnum)) return true;
    // pretix signed: reversed base64 of a binary envelope; decoded first byte 0x01 means the
    // reversed text ends in "A" + one of "QRST" (…AQA in practice).
    if (s.size() >= 80 && s.size() <= 200 && allOf(s, isBase64Char)) return true;
    return false;
}

// US key → what Belgian AZERTY (Linux "be" layout) types for it. Dead keys (US "[" and "{",
// which AZERTY types as the dead circumflex / diaeresis) are left out: the character they
// produce depends on the next key, and none of our alphabets except Indico's JSON uses them.
const std::unordered_map<char32_t, char32_t>& azertyToUs() {
    static const std::unordered_map<char32_t, char32_t> map = [] {
        const std::u32string us =
            U"1234567890-=!@#$%^&*()_+"
            U"aqwzAQWZ;:mM,<.>/?]}'\"\\|`~";
        const std::u32string be =
            U"&é\"'(§è!çà)-1234567890°_"
            U"qazwQAZWmM,?;.:/=+$*ù%µ£²³";
        std::unordered_map<char32_t, char32_t> m;
        for (std::size_t i = 0; i < us.size(); ++i) m[be[i]] = us[i];
        return m;
    }();
    return map;
}

}  // namespace

std::string repairKeyboardLayout(std::string_view typed) {
    if (fitsKnownPayload(typed)) return std::string(typed);
    const auto& map = azertyToUs();
    std::u32string fixed;
    for (char32_t c : core::utf8::decode(typed)) {
        auto it = map.find(c);
        fixed += it == map.end() ? c : it->second;
    }
    std::string out = core::utf8::encode(fixed);
    return fitsKnownPayload(out) ? out : std::string(typed);
}

// ---------------------------------------------------------------------------------------------
// WedgeDecoder

WedgeDecoder::WedgeDecoder(WedgeOptions options) : m_options(options) {}

void WedgeDecoder::reset() {
    m_buffer.clear();
    m_slow = false;
}

std::optional<std::string> WedgeDecoder::onChar(char32_t cp, SteadyTime at) {
    // A gap longer than maxGap means a person typed what came before: start over from here so
    // a scan that follows a stray keystroke still counts.
    if (!m_buffer.empty() && at - m_last > m_options.maxGap) m_buffer.clear();
    m_last = at;
    if (isControl(cp) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    // A QR code holds at most ~3 KB; a runaway burst (a key stuck down) is not a scan.
    if (m_buffer.size() >= 4096) {
        m_buffer.clear();
        m_slow = true;
        return std::nullopt;
    }
    m_buffer += cp;
    return std::nullopt;
}

std::optional<std::string> WedgeDecoder::onKey(WedgeKey key, SteadyTime at) {
    switch (key) {
        case WedgeKey::Other:
            return std::nullopt;  // Shift presses between characters, etc.
        case WedgeKey::Backspace:
        case WedgeKey::Escape:
            reset();
            return std::nullopt;
        case WedgeKey::Enter:
        case WedgeKey::Tab:
            break;
    }
    const bool fast = !m_buffer.empty() && at - m_last <= m_options.maxGap;
    const bool longEnough = m_buffer.size() >= m_options.minLength;
    std::u32string burst;
    burst.swap(m_buffer);
    m_slow = false;
    if (!fast || !longEnough) return std::nullopt;
    return repairKeyboardLayout(core::utf8::encode(burst));
}

}  // namespace kiosk::scanner
