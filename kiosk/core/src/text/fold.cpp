// Search folding (see foldForSearch in kiosk/core/payload.hpp). The table covers the scripts
// of the attendees we expect in Brussels (Latin incl. Central/Eastern European and Turkish
// letters, Vietnamese, Greek, Cyrillic); other scripts pass through unchanged.
#include "text/utf8.hpp"

#include <kiosk/core/payload.hpp>

#include <algorithm>
#include <iterator>

namespace kiosk::core {

namespace {
struct FoldEntry {
    char32_t cp;
    const char* folded;
};
constexpr FoldEntry kFold[] = {
#include "text/fold_table.inc"
};
}  // namespace

std::string foldForSearch(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8::decodeAt(s, i, cp);
        if (n == 0) {
            ++i;
            continue;
        }
        i += n;
        if (cp < 0x80) {
            out += (cp >= 'A' && cp <= 'Z') ? static_cast<char>(cp - 'A' + 'a') : static_cast<char>(cp);
            continue;
        }
        const auto it = std::lower_bound(std::begin(kFold), std::end(kFold), cp,
                                         [](const FoldEntry& e, char32_t c) { return e.cp < c; });
        if (it != std::end(kFold) && it->cp == cp)
            out += it->folded;
        else
            utf8::append(out, cp);
    }
    return out;
}

}  // namespace kiosk::core
