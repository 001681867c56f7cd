// The invisible-character helpers of kiosk/core/text.hpp.
#include <kiosk/core/text.hpp>
#include <kiosk/core/utf8.hpp>

namespace kiosk::core::text {

std::string stripZeroWidth(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8::decodeAt(s, i, cp);
        if (n == 0) {
            out += s[i++];
            continue;
        }
        if (!isZeroWidth(cp)) out.append(s.substr(i, n));
        i += n;
    }
    return out;
}

std::size_t findFirst(std::string_view s, bool (*pred)(char32_t)) {
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8::decodeAt(s, i, cp);
        if (n == 0) {
            ++i;
            continue;
        }
        if (pred(cp)) return i;
        i += n;
    }
    return std::string_view::npos;
}

std::string trimBlanks(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

}  // namespace kiosk::core::text
