// An organiser's own event on its badges: its name, dates, logo and colours come from the event
// (kiosk event), never from the demo the templates were drawn for. Checked as a user would:
// pdftotext, pdfimages, a pixel of the rasterised header.
#include "badge_fixture.hpp"

#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <sstream>

using namespace kiosk;
using namespace badge_test;

namespace {

/// A new event with one participant, made through the CLI as an organiser does.
struct OrganiserDb {
    TempDir dir;
    fs::path path = dir.path / "civic.kiosk";
    std::string exe = KIOSK_EXE;
    std::string attendeeId;

    explicit OrganiserDb(const std::string& eventArgs) {
        int status = -1;
        run(exe + " event --db " + quote(path.string()) + " " + eventArgs, &status);
        REQUIRE(status == 0);
        auto db = core::Database::open(path.string(), core::Database::Mode::OpenExisting);
        REQUIRE(db.ok());
        core::Attendee a;
        a.firstName = "Amina";
        a.lastName = "Haddad";
        a.organisation = "Open Data Ghent";
        a.category = "participant";
        a.language = core::Language::Fr;
        auto added = db->addAttendee(a, "test");
        REQUIRE(added.ok());
        attendeeId = added->id;
    }
    /// `kiosk event` with its error messages (stderr) in the returned text.
    std::string event(const std::string& args, int* status) const {
        return run("(" + exe + " event --db " + quote(path.string()) + " " + args + " 2>&1)", status);
    }
    /// `kiosk badge` with a template; returns the PDF's path.
    fs::path badge(const std::string& templateName) const {
        const fs::path out = dir.path / ("badge-" + templateName + ".pdf");
        int status = -1;
        run(exe + " badge --db " + quote(path.string()) + " --attendee " + attendeeId + " --template " +
                templateName + " --out " + quote(out.string()),
            &status);
        REQUIRE_MESSAGE(status == 0, templateName);
        return out;
    }
};

std::string text(const fs::path& pdf) {
    return squash(run("pdftotext -enc UTF-8 " + quote(pdf.string()) + " -"));
}

int imageCount(const fs::path& pdf) {
    // pdfimages -list: two header lines, then one line per image (an alpha mask is its own line).
    const std::string list = run("pdfimages -list " + quote(pdf.string()));
    int lines = 0, images = 0;
    std::istringstream in(list);
    for (std::string line; std::getline(in, line);)
        if (++lines > 2 && line.find(" image ") != std::string::npos) ++images;
    return images;
}

/// RGB of the pixel at (xMm, yMm) of page 1, rasterised at 50 dpi.
std::array<int, 3> pixel(const fs::path& pdf, double xMm, double yMm) {
    run("pdftoppm -r 50 -singlefile " + quote(pdf.string()) + " " + quote(pdf.string()));
    std::ifstream in(pdf.string() + ".ppm", std::ios::binary);
    const std::string ppm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    int w = 0, h = 0, max = 0, consumed = 0;
    REQUIRE(std::sscanf(ppm.c_str(), "P6 %d %d %d%n", &w, &h, &max, &consumed) == 3);
    const size_t start = static_cast<size_t>(consumed) + 1;
    const int x = static_cast<int>(xMm / 25.4 * 50), y = static_cast<int>(yMm / 25.4 * 50);
    REQUIRE(x < w);
    REQUIRE(y < h);
    const size_t at = start + (static_cast<size_t>(y) * w + x) * 3;
    REQUIRE(at + 2 < ppm.size());
    return {static_cast<unsigned char>(ppm[at]), static_cast<unsigned char>(ppm[at + 1]),
            static_cast<unsigned char>(ppm[at + 2])};
}

}  // namespace

TEST_CASE("an organiser's badge shows its own event - never RRBSI - on every shipped template") {
    OrganiserDb ev("--name 'Civic Tech Summit 2026' --venue 'Vooruit' --city Gent");
    for (const auto& name : printing::templateNames()) {
        if (name == "bench") continue;  // the ReportLab peer's content, for the benchmark only
        const std::string t = text(ev.badge(name));
        CHECK_MESSAGE(t.find("Civic Tech Summit 2026") != std::string::npos, name << ": " << t);
        CHECK_MESSAGE(t.find("RRBSI") == std::string::npos, name << ": " << t);
        CHECK_MESSAGE(t.find("Amina Haddad") != std::string::npos, name << ": " << t);
        // No --starts: no date at all, not the epoch's.
        CHECK_MESSAGE(t.find("1970") == std::string::npos, name << ": " << t);
        CHECK_MESSAGE(imageCount(ev.badge(name)) == 0, name);  // no logo given, none drawn
    }
}

TEST_CASE("the badge takes the event's short name, tagline, dates, colour and logo") {
    OrganiserDb ev("--name 'Civic Tech Summit 2026' --city Gent");
    int status = -1;
    const fs::path logo = fs::path(KIOSK_ASSETS_DIR) / "images" / "rrbsi-2018-logo.png";
    const std::string shown = ev.event(
        "--short-name 'CTS 26' --tagline 'Open data for every city' --starts '2026-03-16 09:00' "
        "--ends '2026-03-17 17:00' --colour '#8B0000' --accent-colour '#00AA00' --logo " +
            quote(logo.string()),
        &status);
    REQUIRE_MESSAGE(status == 0, shown);
    CHECK(shown.find("#8b0000") != std::string::npos);
    CHECK(shown.find("logo         4 KiB") != std::string::npos);
    const fs::path pdf = ev.badge("default");
    const std::string t = text(pdf);
    CHECK_MESSAGE(t.find("CTS 26") != std::string::npos, t);
    CHECK_MESSAGE(t.find("Open data for every city") != std::string::npos, t);
    CHECK_MESSAGE(t.find("16–17 mars 2026") != std::string::npos, t);  // the attendee reads French
    CHECK(imageCount(pdf) >= 1);
    // The header is the event's dark red, the rule under it its green (default template: header
    // 0..31 mm, rule at 31..32.4 mm; x = 100 mm is clear of logo and text).
    const auto header = pixel(pdf, 100, 28);
    CHECK(std::abs(header[0] - 0x8B) <= 4);
    CHECK(header[1] <= 4);
    CHECK(header[2] <= 4);
    const auto rule = pixel(pdf, 100, 31.7);
    CHECK(rule[0] <= 16);
    CHECK(rule[1] >= 0x90);

    // Without the logo the title moves into its place; the colours stay.
    ev.event("--logo ''", &status);
    REQUIRE(status == 0);
    CHECK(imageCount(ev.badge("default")) == 0);
}

TEST_CASE("kiosk event refuses a bad colour or logo and keeps what it had") {
    OrganiserDb ev("--name 'Civic Tech Summit 2026'");
    int status = -1;
    std::string out = ev.event("--colour red", &status);
    CHECK(status == 2);
    CHECK(out.find("event.bad_colour") != std::string::npos);
    CHECK(out.find("#rrggbb") != std::string::npos);

    const fs::path logo = fs::path(KIOSK_ASSETS_DIR) / "images" / "rrbsi-2018-logo.png";
    REQUIRE(ev.event("--logo " + quote(logo.string()), &status).find("KiB") != std::string::npos);
    REQUIRE(status == 0);
    const fs::path fake = ev.dir.path / "logo.png";
    writeFile(fake, "this is a text file named like a picture\n");
    out = ev.event("--logo " + quote(fake.string()), &status);
    CHECK(status == 2);
    CHECK(out.find("event.bad_logo") != std::string::npos);
    // A PNG signature over garbage: only libharu can tell, and it is asked before storing.
    writeFile(fake, std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, 'x'));
    out = ev.event("--logo " + quote(fake.string()), &status);
    CHECK(status == 2);
    CHECK(out.find("event.bad_logo") != std::string::npos);
    // A real PNG cut short: libpng would abort() inside libharu; it is refused instead.
    std::ifstream real(logo, std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(real)), std::istreambuf_iterator<char>());
    writeFile(fake, png.substr(0, png.size() / 2));
    out = ev.event("--logo " + quote(fake.string()), &status);
    CHECK(status == 2);
    CHECK(out.find("event.bad_logo") != std::string::npos);
    out = ev.event("--logo " + quote((ev.dir.path / "missing.png").string()), &status);
    CHECK(status == 2);
    // The logo set before is still there.
    CHECK(imageCount(ev.badge("default")) >= 1);
    out = ev.event("", &status);
    CHECK(out.find("colours      the template's") != std::string::npos);
}

TEST_CASE("the demo's branding comes from its event row") {
    DemoDb demo;
    auto ev = demo.db.event();
    REQUIRE(ev.ok());
    CHECK((*ev)->shortName == "RRBSI 2018");
    auto all = demo.db.attendees();
    REQUIRE(all.ok());
    auto content = printing::badgeContentFor(demo.db, all->front().id);
    REQUIRE(content.ok());
    CHECK(content->eventShortName == "RRBSI 2018");
    // Renamed, the same file's badges say the new name: nothing of the demo is in the template.
    core::Event renamed = **ev;
    renamed.shortName = "Assemblée 2027";
    REQUIRE(demo.db.setEvent(renamed).ok());
    auto tpl = printing::sharedRenderer().loadTemplate("default");
    REQUIRE(tpl.ok());
    auto again = printing::badgeContentFor(demo.db, all->front().id);
    REQUIRE(again.ok());
    auto pdf = printing::renderBadgePdf(*again, *tpl);
    REQUIRE(pdf.ok());
    TempDir out;
    writeFile(out.path / "b.pdf", *pdf);
    const std::string t = text(out.path / "b.pdf");
    CHECK_MESSAGE(t.find("Assemblée 2027") != std::string::npos, t);
    CHECK_MESSAGE(t.find("RRBSI 2018") == std::string::npos, t);
}

TEST_CASE("a damaged logo put into the database by hand leaves the badge without it - no crash") {
    OrganiserDb ev("--name 'Civic Tech Summit 2026'");
    const fs::path logo = fs::path(KIOSK_ASSETS_DIR) / "images" / "rrbsi-2018-logo.png";
    std::ifstream real(logo, std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(real)), std::istreambuf_iterator<char>());
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(ev.path.string().c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, "UPDATE event SET logo = ?1", -1, &st, nullptr) == SQLITE_OK);
    const std::string cut = png.substr(0, png.size() / 2);
    sqlite3_bind_blob(st, 1, cut.data(), static_cast<int>(cut.size()), SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    const fs::path pdf = ev.badge("default");  // exit status 0 is checked there
    CHECK(imageCount(pdf) == 0);
    CHECK(text(pdf).find("Civic Tech Summit 2026") != std::string::npos);
}
