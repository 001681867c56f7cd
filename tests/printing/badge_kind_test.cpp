// A badge per kind of attendee (issue 12): the organiser maps categories and ticket types to a
// template, a band colour and a role word; the kiosk's printer, the desk's reprints (both
// through renderBadgeFor), `kiosk badge` and `kiosk badges` follow it. Checked with pdftotext,
// pdfinfo and the rasterised band.
#include "badge_fixture.hpp"

#include <fstream>
#include <iterator>

using namespace kiosk;
using namespace badge_test;

namespace {

std::string pdfText(const fs::path& pdf) {
    return squash(run("pdftotext -enc UTF-8 " + quote(pdf.string()) + " -"));
}

size_t count(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
}

std::string idOf(core::Database& db, const std::string& lastName) {
    auto all = db.attendees();
    REQUIRE(all.ok());
    for (const auto& a : *all)
        if (a.lastName == lastName) return a.id;
    FAIL("no attendee " << lastName);
    return {};
}

}  // namespace

TEST_CASE("badge per kind: the demo's keynote and guest speakers get the speaker badge, others the default") {
    DemoDb demo;
    TempDir out;
    for (const char* speaker : {"Mukendi Tshibangu", "Popescu"}) {
        // Whatever the kiosk's default template, the organiser's rule wins (the print worker's path).
        auto r = printing::renderBadgeFor(demo.db, idOf(demo.db, speaker), "a7");
        REQUIRE_MESSAGE(r.ok(), r.error().message);
        CHECK(r->templateName == "speaker");
        CHECK(r->widthMm == doctest::Approx(105));
        writeFile(out.path / "s.pdf", r->bytes);
        const std::string t = pdfText(out.path / "s.pdf");
        // The role word on the top band and on the bottom band.
        CHECK_MESSAGE(count(t, "INTERVENANT·E") + count(t, "SPEAKER") == 2, t);
    }
    auto all = demo.db.attendees();
    REQUIRE(all.ok());
    int participants = 0;
    for (const auto& a : *all) {
        if (a.category != "participant") continue;
        auto r = printing::renderBadgeFor(demo.db, a.id, "a7");
        REQUIRE(r.ok());
        CHECK(r->templateName == "a7");
        if (++participants == 5) break;
    }
    CHECK(participants == 5);
}

TEST_CASE(
    "badge per kind: kiosk event --badge-for / --band-colour / --role, used by kiosk badge and badges") {
    DemoDb demo;
    const std::string exe = KIOSK_EXE;
    const std::string db = quote(demo.path().string());
    // A person with an institution's ticket and a journalist.
    auto all = demo.db.attendees();
    REQUIRE(all.ok());
    std::string vip, press;
    for (const auto& a : *all) {
        if (a.category == "press" && press.empty()) press = a.id;
        if (a.ticketType == "Institution / Instelling" && vip.empty()) vip = a.id;
    }
    REQUIRE_FALSE(press.empty());
    REQUIRE_FALSE(vip.empty());
    int status = -1;
    std::string out = run("(" + exe + " event --db " + db +
                              " --badge-for 'ticket:Institution / Instelling=a7' --band-colour "
                              "'press=#00aa00' --role press=PRESSE 2>&1)",
                          &status);
    REQUIRE_MESSAGE(status == 0, out);
    CHECK_MESSAGE(out.find("badges       ticket:Institution / Instelling: template a7") != std::string::npos,
                  out);
    CHECK_MESSAGE(out.find("press: band #00aa00, role \"PRESSE\"") != std::string::npos, out);
    CHECK_MESSAGE(out.find("speaker: template speaker") != std::string::npos, out);

    // The press badge: the organiser's word and colour on the band.
    TempDir t;
    run(exe + " badge --db " + db + " --attendee " + press + " --out " + quote((t.path / "p.pdf").string()),
        &status);
    REQUIRE(status == 0);
    CHECK(pdfText(t.path / "p.pdf").find("PRESSE") != std::string::npos);
    run("pdftoppm -r 50 -singlefile " + quote((t.path / "p.pdf").string()) + " " +
        quote((t.path / "p").string()));
    std::ifstream in(t.path / "p.ppm", std::ios::binary);
    const std::string ppm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    int w = 0, h = 0, max = 0, consumed = 0;
    REQUIRE(std::sscanf(ppm.c_str(), "P6 %d %d %d%n", &w, &h, &max, &consumed) == 3);
    // default template: the band is 124..148 mm; 2 mm from the left edge is clear of the text.
    const size_t at = static_cast<size_t>(consumed) + 1 +
                      (static_cast<size_t>(145 / 25.4 * 50) * w + static_cast<size_t>(2 / 25.4 * 50)) * 3;
    REQUIRE(at + 2 < ppm.size());
    CHECK(static_cast<unsigned char>(ppm[at]) <= 8);
    CHECK(static_cast<unsigned char>(ppm[at + 1]) >= 0xa0);

    // Institutions' tickets get the A7 template.
    const auto memberBadge = t.path / "m.pdf";
    auto person = demo.db.attendee(vip);
    REQUIRE(person.ok());
    REQUIRE((*person)->ticketType == "Institution / Instelling");
    run(exe + " badge --db " + db + " --attendee " + vip + " --out " + quote(memberBadge.string()), &status);
    REQUIRE(status == 0);
    const auto [mw, mh] = pageSizePt(memberBadge);
    CHECK(mw == doctest::Approx(74 * 72 / 25.4).epsilon(0.01));
    CHECK(mh == doctest::Approx(105 * 72 / 25.4).epsilon(0.01));

    // Sheets: one set per template.
    run(exe + " badges --db " + db + " --out " + quote((t.path / "sheets").string()) + " --sheet a4-4xa6",
        &status);
    REQUIRE(status == 0);
    CHECK(fs::exists(t.path / "sheets" / "sheets-a4-4xa6-001.pdf"));
    CHECK(fs::exists(t.path / "sheets" / "sheets-a4-4xa6-speaker-001.pdf"));
    CHECK(fs::exists(t.path / "sheets" / "sheets-a4-4xa6-a7-001.pdf"));

    // A template that does not load is refused, and nothing changes.
    out = run("(" + exe + " event --db " + db + " --badge-for press=no-such-template 2>&1)", &status);
    CHECK(status == 2);
    CHECK(out.find("template.not_found") != std::string::npos);
    out = run("(" + exe + " event --db " + db + " --band-colour press=green 2>&1)", &status);
    CHECK(status == 2);
    CHECK(out.find("badge.bad_rule") != std::string::npos);
    out = run("(" + exe + " event --db " + db + " --json)", &status);
    CHECK(out.find("\"band_colour\":\"#00aa00\"") != std::string::npos);

    // Back to the default badge.
    out = run("(" + exe + " event --db " + db +
                  " --no-badge-for press --no-badge-for 'ticket:institution / instelling' 2>&1)",
              &status);
    REQUIRE_MESSAGE(status == 0, out);
    CHECK(out.find("PRESSE") == std::string::npos);
    CHECK(out.find("ticket:Institution") == std::string::npos);
    run(exe + " badge --db " + db + " --attendee " + vip + " --out " + quote(memberBadge.string()), &status);
    CHECK(pageSizePt(memberBadge).first == doctest::Approx(105 * 72 / 25.4).epsilon(0.01));
}

TEST_CASE("badge per kind in a template file: badgeFor and categoryLabels") {
    DemoDb demo;
    TempDir t;
    const fs::path tpl = t.path / "mine.json";
    std::ifstream base(fs::path(KIOSK_ASSETS_DIR) / "templates" / "default.json");
    std::string json((std::istreambuf_iterator<char>(base)), std::istreambuf_iterator<char>());
    const std::string key = "\"categoryColors\"";
    json.replace(json.find(key), key.size(),
                 "\"badgeFor\": {\"Press\": \"a7\"},\n  \"categoryLabels\": {\"participant\": {\"fr\": "
                 "\"MEMBRE\", \"nl\": \"LID\", \"en\": \"MEMBER\"}},\n  " +
                     key);
    writeFile(tpl, json);
    auto all = demo.db.attendees();
    REQUIRE(all.ok());
    bool sawPress = false, sawParticipant = false;
    for (const auto& a : *all) {
        auto r = printing::renderBadgeFor(demo.db, a.id, tpl.string());
        REQUIRE_MESSAGE(r.ok(), r.error().message);
        if (a.category == "press") {
            CHECK(r->templateName == "a7");
            sawPress = true;
        }
        if (a.category == "participant" && !sawParticipant) {
            writeFile(t.path / "b.pdf", r->bytes);
            const std::string text = pdfText(t.path / "b.pdf");
            const std::string word = a.language == core::Language::Fr   ? "MEMBRE"
                                     : a.language == core::Language::Nl ? "LID"
                                                                        : "MEMBER";
            CHECK_MESSAGE(text.find(word) != std::string::npos, text);
            sawParticipant = true;
        }
    }
    CHECK(sawPress);
    CHECK(sawParticipant);
}
