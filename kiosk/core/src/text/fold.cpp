// Search folding (see foldForSearch in kiosk/core/payload.hpp): Unicode case folding, compatibility
// decomposition and combining marks dropped, by utf8proc (Debian's libutf8proc, the Unicode data
// Julia and PostgreSQL's tooling rely on) instead of a generated table of our own. utf8proc knows
// every script; only the letters Unicode gives no decomposition (ł, ø, đ, æ, þ …) need the
// spelling a person types on a plain keyboard, listed below.
#include "text/utf8.hpp"

#include <kiosk/core/payload.hpp>

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <iterator>

namespace kiosk::core {

namespace {

struct Plain {
    char32_t cp;  ///< a lower-case letter without a decomposition (after case folding)
    const char* typed;
};
// Sorted by code point. Upper-case forms need no entry: case folding runs first.
constexpr Plain kPlain[] = {
    {U'æ', "ae"}, {U'ð', "d"}, {U'ø', "o"},  {U'þ', "th"}, {U'đ', "d"}, {U'ħ', "h"}, {U'ı', "i"}, {U'ĸ', "k"},
    {U'ł', "l"},  {U'ŋ', "n"}, {U'œ', "oe"}, {U'ŧ', "t"},  {U'ƀ', "b"}, {U'ƈ', "c"}, {U'ƒ', "f"}, {U'ƙ', "k"},
    {U'ƚ', "l"},  {U'ƥ', "p"}, {U'ƫ', "t"},  {U'ƭ', "t"},  {U'ƴ', "y"}, {U'ƶ', "z"}, {U'ǥ', "g"}, {U'ȥ', "z"},
    {U'ȼ', "c"},  {U'ɇ', "e"}, {U'ɉ', "j"},  {U'ɍ', "r"},  {U'ɏ', "y"}, {U'ɓ', "b"}, {U'ɖ', "d"}, {U'ɗ', "d"},
    {U'ɨ', "i"},  {U'ʈ', "t"}, {U'ʉ', "u"},  {U'ⱥ', "a"},  {U'ⱦ', "t"},
};

constexpr auto kOptions = static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                                         UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);

void appendFolded(std::string& out, char32_t cp) {
    const auto it = std::lower_bound(std::begin(kPlain), std::end(kPlain), cp,
                                     [](const Plain& p, char32_t c) { return p.cp < c; });
    if (it != std::end(kPlain) && it->cp == cp)
        out += it->typed;
    else
        utf8::append(out, cp);
}

}  // namespace

std::string foldForSearch(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::array<utf8proc_int32_t, 32> buf{};
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8::decodeAt(s, i, cp);
        if (n == 0) {  // invalid UTF-8: dropped, as everywhere in search
            ++i;
            continue;
        }
        i += n;
        if (cp < 0x80) {
            out += (cp >= 'A' && cp <= 'Z') ? static_cast<char>(cp - 'A' + 'a') : static_cast<char>(cp);
            continue;
        }
        int boundclass = 0;
        const auto count =
            utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf.data(),
                                    static_cast<utf8proc_ssize_t>(buf.size()), kOptions, &boundclass);
        if (count < 0 || count > static_cast<utf8proc_ssize_t>(buf.size())) {
            utf8::append(out, cp);  // unassigned or a decomposition longer than any Unicode has
            continue;
        }
        for (utf8proc_ssize_t k = 0; k < count; ++k) appendFolded(out, static_cast<char32_t>(buf[k]));
    }
    return out;
}

}  // namespace kiosk::core
