// 5,000 hostile names: every one renders through libharu without an error, every glyph drawn is
// in the font it is drawn with, every line stays inside its box, and what no font can draw (CJK,
// RTL, emoji) is reported instead of printed as boxes.
#include "badge_fixture.hpp"

#include "../../printing/src/badge_internal.hpp"

#include <random>

using namespace kiosk;
using namespace kiosk::printing::detail;
using namespace badge_test;

namespace {

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
        if (!p.drawable && !invisibleFormat(c)) expectDropped = true;
        s.push_back(c);
    }
    return s;
}

}  // namespace

TEST_CASE("5000 hostile names: no libharu error - glyphs exist - inside the box - unsupported reported") {
    auto fontsR = FontLibrary::create("Noto Sans");
    REQUIRE(fontsR.ok());
    FontLibrary& fonts = **fontsR;
    printing::BadgeRenderer renderer;
    auto tpl = renderer.loadTemplate("default");
    REQUIRE(tpl.ok());
    // The name box of the default template, where these names go.
    const printing::TemplateElement* nameBox = nullptr;
    for (const auto& el : tpl->elements)
        if (el.field == "display_name") nameBox = &el;
    REQUIRE(nameBox != nullptr);
    // A name-only badge keeps 5,000 full renders within the test budget.
    printing::BadgeTemplate nameOnly = *tpl;
    nameOnly.elements = {*nameBox};

    const auto ps = pools();
    std::mt19937 rng(20180316);
    int dropped = 0, truncated = 0, twoLines = 0, rendered = 0, chunkExpected = 0;
    std::vector<printing::BadgeContent> chunk;
    TempDir out;
    for (int i = 0; i < 5000; ++i) {
        bool expectDropped = false;
        const std::u32string name = hostileName(rng, ps, expectDropped);
        const std::string utf8 = encodeUtf8(name);

        FitRequest req;
        req.text = name;
        req.width = nameBox->w * kPtPerMm;
        req.height = nameBox->h * kPtPerMm;
        req.size = nameBox->fontSize;
        req.minSize = nameBox->minFontSize;
        req.maxLines = nameBox->maxLines;
        req.weight = Weight::Bold;
        // As the renderer does for a name: the "family name" (here the first word) stays whole.
        const std::string family = utf8.substr(0, utf8.find(' '));
        req.keepWhole = decodeUtf8(family);
        const TextBlock b = fitText(fonts, req);
        const double blockH =
            b.lines.empty() ? 0 : b.ascent + b.descent + (b.lines.size() - 1) * b.lineHeight;
        CHECK_MESSAGE(blockH <= req.height + 0.01, utf8);
        for (const Line& l : b.lines) {
            CHECK_MESSAGE(l.width <= req.width + 0.01, utf8);
            for (const Run& r : l.runs) {
                REQUIRE(r.face >= 0);
                for (char32_t c : r.text) {
                    if (c == ' ') continue;
                    CHECK_MESSAGE(fonts.hasGlyph(r.face, c),
                                  "U+" << std::hex << static_cast<unsigned>(c) << " in " << utf8);
                    CHECK(typesettable(c));
                }
            }
        }
        CHECK_MESSAGE(b.dropped.empty() != expectDropped, utf8);
        dropped += !b.dropped.empty();
        truncated += b.truncated;
        twoLines += b.lines.size() == 2;

        printing::BadgeContent c;
        c.attendeeId = "h" + std::to_string(i);
        c.displayName = utf8;
        c.lastName = family;
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
            for (const Line& l : b.lines)
                for (const Run& r : l.runs) drawn += encodeUtf8(r.text);
            std::string got;
            for (char ch : text)
                if (ch != ' ' && ch != '\n' && ch != '\f') got.push_back(ch);
            std::string want;
            for (char ch : drawn)
                if (ch != ' ') want.push_back(ch);
            if (want.find("\xCC") == std::string::npos && want.find("\xCD") == std::string::npos)  // no marks
                CHECK_MESSAGE(got == want, "drawn " << drawn << " extracted " << text);
        }
    }
    CHECK(rendered == 5000);
    // The generator must actually exercise every path.
    CHECK(dropped > 500);
    CHECK(truncated > 500);
    CHECK(twoLines > 100);
}

TEST_CASE("auto-fit: shrink - then two lines with the family name whole - then ellipsis") {
    auto fontsR = FontLibrary::create("Noto Sans");
    REQUIRE(fontsR.ok());
    FontLibrary& fonts = **fontsR;
    FitRequest req;
    req.width = 93 * kPtPerMm;
    req.height = 25 * kPtPerMm;
    req.size = 30;
    req.minSize = 15;
    req.maxLines = 2;
    req.weight = Weight::Bold;

    req.text = U"Zoë Dvořák";
    TextBlock a = fitText(fonts, req);
    REQUIRE(a.lines.size() == 1);
    CHECK(a.size == 30);
    CHECK_FALSE(a.shrunk);

    req.text = U"Maria del Carmen Esperanza Van den Bossche-Nzeyimana";
    req.keepWhole = U"Van den Bossche-Nzeyimana";
    TextBlock b = fitText(fonts, req);
    REQUIRE(b.lines.size() == 2);
    std::u32string second;
    for (const auto& r : b.lines[1].runs) second += r.text;
    CHECK(second == U"Van den Bossche-Nzeyimana");
    CHECK(b.size >= 15);
    CHECK_FALSE(b.truncated);

    req.text = std::u32string(200, U'ж');
    req.keepWhole.clear();
    TextBlock c = fitText(fonts, req);
    REQUIRE(c.lines.size() == 1);
    CHECK(c.truncated);
    CHECK(c.size == 15);
    CHECK(c.lines[0].runs.back().text.back() == U'…');
    CHECK(c.lines[0].width <= req.width);

    req.text = U"Anna 王小明";
    TextBlock d = fitText(fonts, req);
    CHECK(d.dropped == U"王小明");
    std::u32string drawn;
    for (const auto& r : d.lines[0].runs) drawn += r.text;
    CHECK(drawn == U"Anna");

    req.text = U"Rene\u0301e";  // decomposed é composes to the precomposed letter
    TextBlock e = fitText(fonts, req);
    CHECK(e.lines[0].runs[0].text == U"Renée");
}
