// UTF-8 handling and the typesetting policy: which characters a badge may draw.
#include "badge_internal.hpp"

#include <kiosk/core/text.hpp>

#include <hb.h>

#include <cstdio>

namespace kiosk::printing::detail {

bool isCombiningMark(char32_t c) {
    const auto cat = hb_unicode_general_category(hb_unicode_funcs_get_default(), c);
    return cat == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
           cat == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
           cat == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

std::u32string composeCanonical(const std::u32string& s) {
    hb_unicode_funcs_t* uf = hb_unicode_funcs_get_default();
    std::u32string out;
    out.reserve(s.size());
    for (char32_t c : s) {
        if (!out.empty() && isCombiningMark(c)) {
            hb_codepoint_t composed = 0;
            if (hb_unicode_compose(uf, out.back(), c, &composed)) {
                out.back() = composed;
                continue;
            }
        }
        out.push_back(c);
    }
    return out;
}

bool invisibleFormat(char32_t c) {
    return core::text::isInvisible(c);
}

bool typesettable(char32_t c) {
    struct Range {
        char32_t from, to;
    };
    // Blocks drawn glyph by glyph correctly without shaping or bidi reordering.
    static constexpr Range kAllowed[] = {
        {0x0020, 0x007E}, {0x00A0, 0x036F},  // Latin-1, Extended-A/B, IPA, modifiers, combining marks
        {0x0370, 0x03FF},                    // Greek
        {0x0400, 0x052F},                    // Cyrillic + supplement
        {0x0531, 0x058F},                    // Armenian
        {0x10A0, 0x10FF}, {0x1C90, 0x1CBF},  // Georgian
        {0x1C80, 0x1C8F}, {0x1D00, 0x1DFF},  // Cyrillic Ext-C, phonetic extensions, marks supplement
        {0x1E00, 0x1FFF},                    // Latin Extended Additional, Greek Extended
        {0x2010, 0x205E}, {0x2070, 0x20CF},  // punctuation, super/subscripts, currency
        {0x2100, 0x218F}, {0x2190, 0x23FF},  // letterlike, number forms, arrows, math, technical
        {0x2460, 0x24FF}, {0x2500, 0x27BF},  // enclosed alphanumerics, boxes, shapes, dingbats
        {0x2C60, 0x2C7F}, {0x2DE0, 0x2DFF},  // Latin Ext-C, Cyrillic Ext-A
        {0xA640, 0xA69F}, {0xA720, 0xA7FF},  // Cyrillic Ext-B, Latin Ext-D
        {0xAB30, 0xAB6F}, {0xFB00, 0xFB06},  // Latin Ext-E, Latin ligatures
    };
    for (const auto& r : kAllowed)
        if (c >= r.from && c <= r.to) return true;
    return false;
}

std::string describeCodepoints(const std::u32string& s, size_t max) {
    std::string out;
    char buf[16];
    for (size_t i = 0; i < s.size() && i < max; ++i) {
        std::snprintf(buf, sizeof buf, "%sU+%04X", i ? " " : "", static_cast<unsigned>(s[i]));
        out += buf;
    }
    if (s.size() > max) out += " …";
    return out;
}

}  // namespace kiosk::printing::detail
