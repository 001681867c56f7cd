// 5,000 hostile names: every one renders through libharu without an error, every glyph drawn is
// in the font it is drawn with, every line stays inside its box, and what no font can draw (CJK,
// RTL, emoji) is reported instead of printed as boxes. The layout is the renderer's own
// (BadgeRenderer::layoutText); which glyphs a font file has is asked of fontconfig (fc-query).
#include "badge_fixture.hpp"

#include <kiosk/core/utf8.hpp>

#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace kiosk;
using namespace badge_test;

namespace {

constexpr double kPtPerMm = 72.0 / 25.4;
/// The only invisible format character in the pools (emoji sequences): dropped silently, not
/// reported.
constexpr char32_t kZeroWidthJoiner = U'\u200D';

std::u32string decodeUtf8(std::string_view s) {
    return core::utf8::decode(s);
}
std::string encodeUtf8(std::u32string_view s) {
    return core::utf8::encode(s);
}

/// The characters a TrueType file has glyphs for, as fontconfig reads its cmap (fc-query's
/// "charset": hex code points and ranges), cached per file.
const std::set<std::pair<char32_t, char32_t>>& charsetOf(const std::string& fontFile) {
    static std::map<std::string, std::set<std::pair<char32_t, char32_t>>> cache;
    auto it = cache.find(fontFile);
    if (it != cache.end()) return it->second;
    int status = -1;
    const std::string out = run("fc-query --format '%{charset}' " + quote(fontFile), &status);
    REQUIRE_MESSAGE(status == 0, "fc-query " << fontFile);
    std::set<std::pair<char32_t, char32_t>> ranges;
    std::istringstream in(out);
    std::string range;
    while (in >> range) {
        const auto dash = range.find('-');
        const auto lo = static_cast<char32_t>(std::stoul(range.substr(0, dash), nullptr, 16));
        const auto hi = dash == std::string::npos
                            ? lo
                            : static_cast<char32_t>(std::stoul(range.substr(dash + 1), nullptr, 16));
        ranges.insert({lo, hi});
    }
    REQUIRE_MESSAGE(ranges.size() > 10, "no charset for " << fontFile);
    return cache.emplace(fontFile, std::move(ranges)).first->second;
}
bool fontHasGlyph(const std::string& fontFile, char32_t c) {
    const auto& ranges = charsetOf(fontFile);
    auto it = ranges.upper_bound({c, U'\U0010FFFF'});
    if (it == ranges.begin()) return false;
    --it;
    return it->first <= c && c <= it->second;
}

// Pools a name can be drawn from; `drawable` says whether our chain must typeset them.
struct Pool {
    std::u32string chars;
    bool drawable;
};

std::vector<Pool> pools() {
    return {
        {U"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-'", true},
        {U"áàâäãåąćčçďđéèêëěęğíìîïıłľĺńňñóòôöõőøřŕśšşșťţțúùûüůűýÿźżžßæœþðŉ", true},
        {U"ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρςστυφχψωάέήίόύώϊϋΐΰἀἁὰᾶ", true},
        {U"АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўђћџљњ", true},
        {U"\u0301\u0300\u0308\u0327\u030C\u0323\u0331\u0342", true},           // combining marks
        {U"中文汉字日本語ひらがなカタカナ한국어", false},                      // CJK
        {U"العربيةעבריתفارسی", false},                                         // RTL
        {U"\U0001F600\U0001F389\U0001F44D\U0001F3F3\u200D\U0001F308", false},  // emoji (+ZWJ)
    };
}

std::u32string hostileName(std::mt19937& rng, const std::vector<Pool>& ps, bool& expectDropped) {
    std::uniform_int_distribution<int> lenDist(1, 300);
    std::uniform_int_distribution<int> poolDist(0, static_cast<int>(ps.size()) - 1);
    const int len = lenDist(rng);
    // Most names mix one or two pools; a third carry spaces, the rest none at all.
    const int p1 = poolDist(rng), p2 = poolDist(rng);
    const bool spaces = rng() % 3 == 0;
    std::u32string s;
    expectDropped = false;
    for (int i = 0; i < len; ++i) {
        if (spaces && i > 0 && rng() % 9 == 0) {
            s.push_back(' ');
            continue;
        }
        const Pool& p = ps[static_cast<size_t>(rng() % 4 == 0 ? p2 : p1)];
        const char32_t c = p.chars[rng() % p.chars.size()];
        if (!p.drawable && c != kZeroWidthJoiner) expectDropped = true;
        s.push_back(c);
    }
    return s;
}

}  // namespace

TEST_CASE("5000 hostile names: no libharu error - glyphs exist - inside the box - unsupported reported") {
    printing::BadgeRenderer renderer;
    auto tpl = renderer.loadTemplate("default");
    REQUIRE(tpl.ok());
    // The name box of the default template, where these names go.
    const printing::TemplateElement* nameBox = nullptr;
    for (const auto& el : tpl->elements)
        if (el.field == "display_name") nameBox = &el;
    REQUIRE(nameBox != nullptr);
    REQUIRE_FALSE(nameBox->withoutLogo.has_value());  // the box is the element's own
    // A name-only badge keeps 5,000 full renders within the test budget.
    printing::BadgeTemplate nameOnly = *tpl;
    nameOnly.elements = {*nameBox};
    const double boxW = nameBox->w * kPtPerMm, boxH = nameBox->h * kPtPerMm;

    // Characters the typesetting policy must never draw (no shaping, no bidi, no emoji), even
    // where a font has glyphs for them.
    std::set<char32_t> undrawable;
    const auto ps = pools();
    for (const Pool& p : ps)
        if (!p.drawable)
            for (char32_t c : p.chars)
                if (c != kZeroWidthJoiner) undrawable.insert(c);

    std::mt19937 rng(20180316);
    int dropped = 0, truncated = 0, twoLines = 0, rendered = 0, chunkExpected = 0;
    std::vector<printing::BadgeContent> chunk;
    TempDir out;
    for (int i = 0; i < 5000; ++i) {
        bool expectDropped = false;
        const std::u32string name = hostileName(rng, ps, expectDropped);
        const std::string utf8 = encodeUtf8(name);

        printing::BadgeContent c;
        c.attendeeId = "h" + std::to_string(i);
        c.displayName = utf8;
        // The family name (here the first word) stays whole when the name breaks.
        const std::string family = utf8.substr(0, utf8.find(' '));
        c.lastName = family;

        auto layout = renderer.layoutText(c, nameOnly);
        REQUIRE_MESSAGE(layout.ok(), layout.error().message << " for " << utf8);
        REQUIRE(layout->texts.size() == 1);
        const printing::TextLayout& b = layout->texts.front();
        CHECK(b.element == 0);
        const double blockH =
            b.lines.empty() ? 0 : b.ascentPt + b.descentPt + (b.lines.size() - 1) * b.lineHeightPt;
        CHECK_MESSAGE(blockH <= boxH + 0.01, utf8);
        for (const printing::TextLine& l : b.lines) {
            CHECK_MESSAGE(l.widthPt <= boxW + 0.01, utf8);
            for (const printing::TextRun& r : l.runs) {
                REQUIRE_FALSE(r.fontFile.empty());
                for (char32_t ch : decodeUtf8(r.text)) {
                    if (ch == ' ') continue;
                    CHECK_MESSAGE(fontHasGlyph(r.fontFile, ch), "U+" << std::hex << static_cast<unsigned>(ch)
                                                                     << " in " << utf8 << " from "
                                                                     << r.fontFile);
                    CHECK_MESSAGE(undrawable.count(ch) == 0,
                                  "U+" << std::hex << static_cast<unsigned>(ch) << " drawn in " << utf8);
                }
            }
        }
        CHECK_MESSAGE(b.dropped.empty() != expectDropped, utf8);
        bool layoutWarned = false;
        for (const auto& w : layout->warnings)
            layoutWarned = layoutWarned || w.code == "badge.unsupported_script";
        CHECK(layoutWarned == expectDropped);
        dropped += !b.dropped.empty();
        truncated += b.truncated;
        twoLines += b.lines.size() == 2;

        // Every name goes through libharu: most eight to an A4 sheet (the same layout, font subset
        // and drawing code, one document per eight), every tenth alone as a badge, to keep the
        // test within its time budget on a shared machine.
        chunk.push_back(c);
        chunkExpected += expectDropped;
        if (chunk.size() == 8 || i == 4999) {
            auto sheet = renderer.renderSheets(chunk, nameOnly, printing::SheetLayout::A4_8xA7);
            REQUIRE_MESSAGE(sheet.ok(), sheet.error().message << " for a sheet ending with " << utf8);
            CHECK(sheet->bytes.compare(0, 5, "%PDF-") == 0);
            int warned = 0;
            for (const auto& w : sheet->warnings) warned += w.code == "badge.unsupported_script";
            CHECK(warned == chunkExpected);
            rendered += static_cast<int>(chunk.size());
            chunk.clear();
            chunkExpected = 0;
        }
        std::optional<std::string> single;
        if (i % 10 == 0) {
            auto pdf = renderer.renderBadge(c, nameOnly);
            REQUIRE_MESSAGE(pdf.ok(), pdf.error().message << " for " << utf8);
            CHECK(pdf->bytes.compare(0, 5, "%PDF-") == 0);
            bool warned = false;
            for (const auto& w : pdf->warnings) warned = warned || w.code == "badge.unsupported_script";
            CHECK(warned == expectDropped);
            single = std::move(pdf->bytes);
        }
        // A sample goes through poppler: it must open and show exactly the characters we drew.
        if (i % 250 == 0) {
            const fs::path file = out.path / ("h" + std::to_string(i) + ".pdf");
            REQUIRE(single.has_value());
            writeFile(file, *single);
            int status = -1;
            const std::string text = run("pdftotext -enc UTF-8 " + quote(file.string()) + " -", &status);
            CHECK(status == 0);
            std::string drawn;
            for (const printing::TextLine& l : b.lines)
                for (const printing::TextRun& r : l.runs) drawn += r.text;
            std::string got;
            for (char ch : text)
                if (ch != ' ' && ch != '\n' && ch != '\f') got.push_back(ch);
            std::string want;
            for (char ch : drawn)
                if (ch != ' ') want.push_back(ch);
            if (want.find('\xCC') == std::string::npos && want.find('\xCD') == std::string::npos)  // no marks
                CHECK_MESSAGE(got == want, "drawn " << drawn << " extracted " << text);
        }
    }
    CHECK(rendered == 5000);
    // The generator must actually exercise every path.
    CHECK(dropped > 500);
    CHECK(truncated > 500);
    CHECK(twoLines > 100);
}

namespace {
/// The default template's name box on its own: 93 × 25 mm, bold 30 pt shrinking to 15, two lines.
printing::BadgeTemplate nameBoxTemplate() {
    printing::TemplateElement el;
    el.kind = printing::TemplateElement::Kind::Text;
    el.field = "display_name";
    el.x = 6;
    el.y = 37;
    el.w = 93;
    el.h = 25;
    el.fontSize = 30;
    el.minFontSize = 15;
    el.maxLines = 2;
    el.bold = true;
    printing::BadgeTemplate t;
    t.name = "name-box";
    t.elements = {el};
    return t;
}

/// The name as laid out in that box; `family` is kept whole when the name breaks.
printing::TextLayout fitName(printing::BadgeRenderer& renderer, const std::string& name,
                             const std::string& family = {}) {
    printing::BadgeContent c;
    c.attendeeId = "fit";
    c.displayName = name;
    c.lastName = family;
    auto layout = renderer.layoutText(c, nameBoxTemplate());
    REQUIRE_MESSAGE(layout.ok(), layout.error().message);
    REQUIRE(layout->texts.size() == 1);
    return layout->texts.front();
}

std::string lineText(const printing::TextLine& l) {
    std::string s;
    for (const auto& r : l.runs) s += r.text;
    return s;
}
}  // namespace

TEST_CASE("auto-fit: shrink - then two lines with the family name whole - then ellipsis") {
    printing::BadgeRenderer renderer;
    const double boxW = 93 * kPtPerMm;

    const auto a = fitName(renderer, "Zoë Dvořák");
    REQUIRE(a.lines.size() == 1);
    CHECK(a.sizePt == 30);
    CHECK_FALSE(a.shrunk);

    const auto b = fitName(renderer, "Maria del Carmen Esperanza Van den Bossche-Nzeyimana",
                           "Van den Bossche-Nzeyimana");
    REQUIRE(b.lines.size() == 2);
    CHECK(lineText(b.lines[1]) == "Van den Bossche-Nzeyimana");
    CHECK(b.sizePt >= 15);
    CHECK_FALSE(b.truncated);

    std::string longName;
    for (int i = 0; i < 200; ++i) longName += "ж";
    const auto c = fitName(renderer, longName);
    REQUIRE(c.lines.size() == 1);
    CHECK(c.truncated);
    CHECK(c.sizePt == 15);
    const std::string cut = c.lines[0].runs.back().text;
    CHECK(cut.size() >= 3);
    CHECK(cut.compare(cut.size() - 3, 3, "…") == 0);
    CHECK(c.lines[0].widthPt <= boxW);

    const auto d = fitName(renderer, "Anna 王小明");
    CHECK(d.dropped == "王小明");
    REQUIRE(d.lines.size() == 1);
    CHECK(lineText(d.lines[0]) == "Anna");

    const auto e = fitName(renderer, "Rene\u0301e");  // decomposed é composes to the precomposed letter
    REQUIRE(e.lines.size() == 1);
    REQUIRE(e.lines[0].runs.size() == 1);
    CHECK(e.lines[0].runs[0].text == "Renée");
}
