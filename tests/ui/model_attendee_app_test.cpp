// The whole KioskApp without a window: a headless Backend runs real frames (ImGui draws, nothing
// is rasterised), a real database in a temp file, the real ScanService fed by wedge keystrokes.
#include <kiosk/ui/font_loader.hpp>
#include "ui_test_event.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <kiosk/core.hpp>
#include <kiosk/core/access.hpp>
#include <kiosk/printing/printer.hpp>
#include <kiosk/scanner.hpp>
#include <kiosk/ui.hpp>

#include <imgui.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

using namespace kiosk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

class HeadlessBackend final : public ui::Backend {
public:
    void pollEvents() override {}
    void newFrame() override {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = {1280, 720};
        io.DeltaTime = 1.f / 60.f;
        io.MousePos = {mouseX, mouseY};
        io.MouseDown[0] = mouseDown;
    }
    void renderAndSwap() override { ++frames; }
    void* updateTexture(void* t, const uint8_t*, int, int) override {
        return t ? t : reinterpret_cast<void*>(1);
    }
    void fontsChanged() override { ++fontBuilds; }
    int framebufferHeight() const override { return 720; }
    float pixelsPerMm() const override { return 96.f / 25.4f; }
    bool quitRequested() const override { return false; }
    int frames = 0;
    int fontBuilds = 0;
    float mouseX = -1, mouseY = -1;  // a finger on a touch screen: where, and whether it is down
    bool mouseDown = false;
};

struct TempDb {
    fs::path dir;
    std::string path;
    TempDb() {
        char tmpl[] = "/tmp/kiosk-ui-model-XXXXXX";
        dir = ::mkdtemp(tmpl);
        path = (dir / "event.kiosk").string();
    }
    ~TempDb() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

struct Fixture {
    TempDb tmp;
    std::string zoeId, ivanId, nikosId;
    std::string zoeCode, ivanCode;

    explicit Fixture(std::string eventId = "ui-test-2026") {
        auto db = core::Database::open(tmp.path, core::Database::Mode::CreateIfMissing);
        REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.error().message));
        ui::test::setOpenEvent(*db, eventId, "Rencontre annuelle — test");
        zoeId = ui::test::addPerson(*db, "Zoë", "Kowalczyk-Øster", "WG 3", core::Language::Fr);
        ivanId = ui::test::addPerson(*db, "Иван", "Петров", "WG 1", core::Language::En);
        nikosId = ui::test::addPerson(*db, "Νίκος", "Παπαδόπουλος", "WG 2", core::Language::Nl);
        auto c1 = db->primaryCode(zoeId);
        auto c2 = db->primaryCode(ivanId);
        REQUIRE(c1.ok());
        REQUIRE(c2.ok());
        zoeCode = *c1;
        ivanCode = *c2;
    }

    std::unique_ptr<ui::KioskApp> makeApp(ui::KeyboardSetting keyboard = ui::KeyboardSetting::Auto) {
        auto db = core::Database::open(tmp.path, core::Database::Mode::OpenExisting);
        REQUIRE(db.ok());
        ui::AppOptions o;
        o.kioskName = "model-test";
        o.assetsDir = KIOSK_ASSETS_DIR;
        o.noCamera = true;
        o.keyboard = keyboard;
        o.statusFile = (tmp.dir / "status.json").string();
        auto scan = std::make_unique<scanner::ScanService>(nullptr);
        auto app = ui::KioskApp::create(std::move(o), std::move(db).value(), std::move(scan), nullptr);
        REQUIRE_MESSAGE(app.ok(), (app.ok() ? "" : app.error().message));
        return std::move(app).value();
    }
};

/// Types like a USB wedge scanner: every character within a few ms, then Enter.
void wedgeType(ui::KioskApp& app, const std::string& text) {
    for (char32_t cp : ui::decodeUtf8(text)) app.onChar(cp);
    app.onKey(ui::Key::Enter);
}

/// Types like a person at the PIN pad: one key every 80 ms (frames run meanwhile), then Enter.
void personTypes(ui::KioskApp& app, HeadlessBackend& b, const std::string& digits) {
    for (char c : digits + "\n") {
        if (c == '\n')
            app.onKey(ui::Key::Enter);
        else
            app.onChar(static_cast<char32_t>(c));
        const auto next = std::chrono::steady_clock::now() + 80ms;
        while (std::chrono::steady_clock::now() < next) {
            app.runFrame(b);
            std::this_thread::sleep_for(5ms);
        }
    }
}

/// Runs frames until the screen is `screen` (or 3 s pass). The check-in worker is asynchronous.
bool runUntil(ui::KioskApp& app, HeadlessBackend& b, const std::string& screen) {
    const auto until = std::chrono::steady_clock::now() + 3s;
    while (std::chrono::steady_clock::now() < until) {
        app.runFrame(b);
        if (app.screenName() == screen) return true;
        std::this_thread::sleep_for(2ms);
    }
    return false;
}

nlohmann::json status(ui::KioskApp& app) {
    return nlohmann::json::parse(app.statusJson());
}

}  // namespace

TEST_CASE("app: a wedge scan checks the attendee in and the welcome shows - a repeat goes to the desk") {
    Fixture f;
    HeadlessBackend b;
    auto app = f.makeApp();
    app->runFrame(b);
    CHECK(app->screenName() == "idle");
    CHECK(app->mode() == ui::Mode::Attendee);

    wedgeType(*app, f.zoeCode);
    REQUIRE(runUntil(*app, b, "welcome"));
    CHECK(status(*app)["outcome"] == "checked_in");
    CHECK(status(*app)["language"] == "fr");  // her registered language
    // The arrival is in the database, recorded by this kiosk.
    auto db = core::Database::open(f.tmp.path, core::Database::Mode::OpenExisting);
    REQUIRE(db.ok());
    auto hist = db->history(f.zoeId);
    REQUIRE(hist.ok());
    REQUIRE(hist->size() == 1);
    CHECK((*hist)[0].kiosk == "model-test");
    CHECK((*hist)[0].actor == "self");

    // Back to idle by the OK button's intent (the same path a tap takes).
    app->runFrame(b);
    wedgeType(*app, f.zoeCode);
    REQUIRE(runUntil(*app, b, "help"));
    auto st = status(*app);
    CHECK(st["outcome"] == "already_checked_in");
    CHECK(!st["caseRef"].get<std::string>().empty());
    // The status file (test hook) carries the same, and no name.
    std::ifstream in(f.tmp.dir / "status.json");
    std::string line;
    std::getline(in, line);
    CHECK(line.find("help") != std::string::npos);
    CHECK(line.find("Zoë") == std::string::npos);
    CHECK(line.find("Kowalczyk") == std::string::npos);
}

TEST_CASE("app: the top bar and the status line follow the language on screen (issue 9)") {
    Fixture f;
    HeadlessBackend b;
    auto app = f.makeApp();
    app->runFrame(b);
    auto lang = [](const char* code) {
        return nlohmann::json::parse(
            std::ifstream(std::string(KIOSK_ASSETS_DIR) + "/lang/" + code + ".json"));
    };
    const auto fr = lang("fr"), en = lang("en");
    auto s = status(*app);
    CHECK(s["topBar"][0] == fr["attendee"]["staff"]);
    CHECK(s["topBar"][1] == fr["attendee"]["larger_text"]);
    CHECK(s["statusLine"].get<std::string>().find(fr["status"]["no_camera"].get<std::string>()) !=
          std::string::npos);

    // Иван reads English: on his welcome the whole screen is English, not English under a French bar.
    wedgeType(*app, f.ivanCode);
    REQUIRE(runUntil(*app, b, "welcome"));
    s = status(*app);
    CHECK(s["language"] == "en");
    CHECK(s["topBar"][0] == en["attendee"]["staff"]);
    CHECK(s["topBar"][1] == en["attendee"]["larger_text"]);
    const std::string line = s["statusLine"];
    CHECK(line.find(en["status"]["no_camera"].get<std::string>()) != std::string::npos);
    CHECK(line.find(fr["status"]["no_camera"].get<std::string>()) == std::string::npos);
    CHECK(line.find('/') == std::string::npos);  // no path on the public screen

    // A refusal stays in the kiosk's language, the bar with it.
    wedgeType(*app, "no-such-code-4711");
    REQUIRE(runUntil(*app, b, "help"));
    s = status(*app);
    CHECK(s["language"] == "fr");
    CHECK(s["topBar"][0] == fr["attendee"]["staff"]);
}

TEST_CASE("app: an unknown code leads to the help-desk screen with a case reference, recorded as refused") {
    Fixture f;
    HeadlessBackend b;
    auto app = f.makeApp();
    app->runFrame(b);
    wedgeType(*app, "abcdefghjkmnpqrstuvwxyz23456789ab");
    REQUIRE(runUntil(*app, b, "help"));
    auto st = status(*app);
    CHECK(st["outcome"] == "unknown_code");
    const std::string ref = st["caseRef"];
    CHECK(!ref.empty());
    auto db = core::Database::open(f.tmp.path, core::Database::Mode::OpenExisting);
    auto refused = db->refusedScans(true, 10);
    REQUIRE(refused.ok());
    REQUIRE(refused->size() == 1);
    CHECK((*refused)[0].caseRef == ref);
    CHECK((*refused)[0].kiosk == "model-test");
}

TEST_CASE("app: slow typing on a keyboard is not a scan") {
    Fixture f;
    HeadlessBackend b;
    auto app = f.makeApp();
    app->runFrame(b);
    for (char c : std::string("hello")) {
        app->onChar(static_cast<char32_t>(c));
        std::this_thread::sleep_for(90ms);
    }
    app->onKey(ui::Key::Enter);
    for (int i = 0; i < 20; ++i) {
        app->runFrame(b);
        std::this_thread::sleep_for(5ms);
    }
    CHECK(app->screenName() == "idle");
}

/// Runs frames until the status line's pinMessage is non-empty and not "checking" (≤ 5 s).
std::string pinVerdict(ui::KioskApp& app, HeadlessBackend& b, const std::string& checking) {
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < until) {
        app.runFrame(b);
        const std::string msg = status(app)["pinMessage"];
        if (app.mode() != ui::Mode::Attendee) return "opened";
        if (!msg.empty() && msg != checking) return msg;
        std::this_thread::sleep_for(5ms);
    }
    return "timeout";
}

TEST_CASE("app: Escape does not leave attendee mode - a wrong PIN never opens the desk") {
    Fixture f;
    REQUIRE(core::setPin(core::pinFileFor(f.tmp.path), "4321").ok());
    HeadlessBackend b;
    auto app = f.makeApp();
    app->runFrame(b);
    app->onKey(ui::Key::Escape);
    app->runFrame(b);
    CHECK(app->mode() == ui::Mode::Attendee);
    CHECK(app->screenName() == "idle");

    app->onKey(ui::Key::F12);  // the staff button's keyboard equivalent
    app->runFrame(b);
    REQUIRE(app->screenName() == "pin");
    auto db = core::Database::open(f.tmp.path, core::Database::Mode::OpenExisting);
    auto strings = nlohmann::json::parse(std::ifstream(std::string(KIOSK_ASSETS_DIR) + "/lang/fr.json"));
    const std::string checking = strings["lock"]["checking"];
    const std::string wrong = strings["lock"]["wrong"];
    bool sawWrong = false;
    for (const char* pin : {"0000", "43210", "1234"}) {
        INFO(pin);
        personTypes(*app, b, pin);
        const std::string verdict = pinVerdict(*app, b, checking);
        CHECK(verdict != "opened");
        CHECK(verdict != "timeout");
        sawWrong = sawWrong || verdict.rfind(wrong, 0) == 0;  // "wrong", or "wait" once throttled
        CHECK(app->mode() == ui::Mode::Attendee);
        CHECK(app->screenName() == "pin");
    }
    CHECK(sawWrong);
    // Positive control: once the delay has run out, the right PIN opens the desk.
    std::this_thread::sleep_for(2100ms);
    personTypes(*app, b, "4321");
    CHECK(pinVerdict(*app, b, checking) == "opened");
    CHECK(app->mode() == ui::Mode::Desk);
}

namespace {

/// Types a PIN on the open pad and returns the verdict (see pinVerdict).
std::string typePin(ui::KioskApp& app, HeadlessBackend& b, const std::string& pin) {
    auto strings = nlohmann::json::parse(std::ifstream(std::string(KIOSK_ASSETS_DIR) + "/lang/fr.json"));
    personTypes(app, b, pin);  // at a person's pace: a burst would be dropped as a scan
    return pinVerdict(app, b, strings["lock"]["checking"]);
}

}  // namespace

TEST_CASE(
    "app: the demo PIN is refused on an event whose id starts with rrbsi- but was not made by kiosk demo") {
    Fixture f("rrbsi-2026");  // an organiser's own event, named like the demo's
    HeadlessBackend b;
    {
        auto app = f.makeApp();
        app->onKey(ui::Key::F12);
        app->runFrame(b);
        REQUIRE(app->screenName() == "pin");
        CHECK(typePin(*app, b, std::string(core::kDemoPin)) != "opened");  // before: opened
        CHECK(app->mode() == ui::Mode::Attendee);
    }

    // Positive control: the database `kiosk demo` made (marked in it) opens with the demo PIN.
    TempDb demo;
    {
        auto db = core::Database::open(demo.path, core::Database::Mode::CreateIfMissing);
        REQUIRE(db.ok());
        REQUIRE(core::createDemoEvent(*db, core::nowUtc()).ok());
        CHECK(db->event().value()->demo);
    }
    auto db = core::Database::open(demo.path, core::Database::Mode::OpenExisting);
    REQUIRE(db.ok());
    ui::AppOptions o;
    o.kioskName = "model-test";
    o.assetsDir = KIOSK_ASSETS_DIR;
    o.noCamera = true;
    auto demoApp = ui::KioskApp::create(std::move(o), std::move(db).value(),
                                        std::make_unique<scanner::ScanService>(nullptr), nullptr);
    REQUIRE(demoApp.ok());
    (*demoApp)->onKey(ui::Key::F12);
    (*demoApp)->runFrame(b);
    CHECK(typePin(**demoApp, b, std::string(core::kDemoPin)) == "opened");
}

TEST_CASE("app: the PIN lockout survives a restart of the kiosk") {
    Fixture f;
    REQUIRE(core::setPin(core::pinFileFor(f.tmp.path), "4321").ok());
    HeadlessBackend b;
    {
        auto app = f.makeApp();
        app->onKey(ui::Key::F12);
        app->runFrame(b);
        // Each wrong try once the previous delay ran out: 0, 1, 2 s, then 4 s after the fourth.
        CHECK(typePin(*app, b, "0000") != "opened");
        CHECK(typePin(*app, b, "1111") != "opened");
        std::this_thread::sleep_for(1100ms);
        CHECK(typePin(*app, b, "2222") != "opened");
        std::this_thread::sleep_for(2100ms);
        CHECK(typePin(*app, b, "3333") != "opened");
    }  // the next try is accepted 4 s later … also after a restart
    auto app = f.makeApp();
    app->onKey(ui::Key::F12);
    app->runFrame(b);
    CHECK(typePin(*app, b, "4321") != "opened");  // before: a restart forgot the delay and opened
    CHECK(app->mode() == ui::Mode::Attendee);
    std::this_thread::sleep_for(4100ms);
    CHECK(typePin(*app, b, "4321") == "opened");
}

TEST_CASE("app: a volunteer's own PIN opens the desk and the desk's actions carry their name") {
    Fixture f;
    REQUIRE(core::setPin(core::pinFileFor(f.tmp.path), "2468").ok());  // the shared desk PIN
    REQUIRE(core::setPin(core::pinFileFor(f.tmp.path), "1357", "Amina").ok());
    HeadlessBackend b;
    auto app = f.makeApp();
    app->onKey(ui::Key::F12);
    app->runFrame(b);
    REQUIRE(typePin(*app, b, "1357") == "opened");
    app->runFrame(b);
    CHECK(status(*app)["deskActor"] == "desk:Amina");
}

TEST_CASE("app: a code scanned while the PIN pad is open is not typed into the PIN (issue 9)") {
    Fixture f;
    REQUIRE(core::setPin(core::pinFileFor(f.tmp.path), "4321").ok());
    HeadlessBackend b;
    auto app = f.makeApp();
    app->onKey(ui::Key::F12);
    app->runFrame(b);
    REQUIRE(app->screenName() == "pin");
    auto frames = [&](std::chrono::milliseconds d) {
        const auto until = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < until) {
            app->runFrame(b);
            std::this_thread::sleep_for(5ms);
        }
    };
    // The volunteer has typed two digits when someone scans a ticket at the kiosk: an
    // Eventbrite barcode is digits only, and the scanner ends it with Enter.
    app->onChar(U'4');
    frames(80ms);
    app->onChar(U'3');
    frames(80ms);
    CHECK(status(*app)["pinTyped"] == 2);
    wedgeType(*app, "43210987654321001");
    frames(150ms);
    // Nothing of the scan reached the PIN: still the person's two digits, no attempt made.
    CHECK(status(*app)["pinTyped"] == 2);
    CHECK(status(*app)["pinMessage"] == "");
    CHECK(status(*app)["pinScansDropped"] == 1);
    CHECK(app->screenName() == "pin");
    // A scan of our own codes (letters, a colon) is dropped the same way.
    wedgeType(*app, f.zoeCode);
    frames(150ms);
    CHECK(status(*app)["pinTyped"] == 2);
    CHECK(status(*app)["pinScansDropped"] == 2);
    // The person finishes the PIN: the desk opens (the scan cost no delay).
    personTypes(*app, b, "21");
    auto strings = nlohmann::json::parse(std::ifstream(std::string(KIOSK_ASSETS_DIR) + "/lang/fr.json"));
    CHECK(pinVerdict(*app, b, strings["lock"]["checking"]) == "opened");
    CHECK(app->mode() == ui::Mode::Desk);
    // And nobody was checked in by the scans.
    auto db = core::Database::open(f.tmp.path, core::Database::Mode::ReadOnly);
    REQUIRE(db.ok());
    CHECK(db->stats().value().checkedIn == 0);
}

TEST_CASE("app: the PIN pad gives way to Escape") {
    Fixture f;
    HeadlessBackend b;
    auto app = f.makeApp();
    app->onKey(ui::Key::F12);
    app->runFrame(b);
    REQUIRE(app->screenName() == "pin");
    app->onKey(ui::Key::Escape);
    app->runFrame(b);
    CHECK(app->screenName() == "idle");
}

TEST_CASE("fonts: every attendee's first name has all its glyphs in the welcome font") {
    Fixture f;
    HeadlessBackend b;
    auto app = f.makeApp();
    app->runFrame(b);  // builds the atlas for 720 px
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    REQUIRE(atlas->Fonts.Size >= 4);
    ImFont* title = atlas->Fonts[2];
    ImFont* body = atlas->Fonts[0];
    for (const char* name : {"Zoë", "Иван", "Νίκος"}) {
        INFO(name);
        CHECK(ui::FontLoader::hasAllGlyphs(title, name));
        CHECK(ui::FontLoader::hasAllGlyphs(body, name));
    }
    // The body font has the full ranges even for names not in this event.
    CHECK(ui::FontLoader::hasAllGlyphs(body, "Łukasz Żółć Ђорђе Αθηνά Nguyễn"));
    CHECK(b.fontBuilds >= 1);
}

TEST_CASE(
    "fonts: a person added while the kiosk runs is welcomed in the large font, letters no one had before") {
    Fixture f;
    HeadlessBackend b;
    auto app = f.makeApp();
    app->runFrame(b);
    const int buildsAtStart = b.fontBuilds;
    // Added by a walk-in or an import after start-up: "Мария" and "Şükrü" have letters (М, я, Ş)
    // that no name at start-up had.
    std::string mariaCode, sukruCode;
    {
        auto db = core::Database::open(f.tmp.path, core::Database::Mode::OpenExisting);
        REQUIRE(db.ok());
        mariaCode =
            *db->primaryCode(ui::test::addPerson(*db, "Мария", "Петрова", "WG 1", core::Language::Fr));
        sukruCode = *db->primaryCode(ui::test::addPerson(*db, "Şükrü", "Dvořák", "WG 2", core::Language::Fr));
    }
    ImFont* title = ImGui::GetIO().Fonts->Fonts[2];
    CHECK_FALSE(ui::FontLoader::hasAllGlyphs(title, "Мария"));
    for (const std::string& code : {mariaCode, sukruCode}) {
        const int generation = status(*app)["generation"];
        wedgeType(*app, code);
        const auto until = std::chrono::steady_clock::now() + 3s;
        while (status(*app)["generation"] == generation && std::chrono::steady_clock::now() < until) {
            app->runFrame(b);
            std::this_thread::sleep_for(2ms);
        }
        REQUIRE(app->screenName() == "welcome");
        app->runFrame(b);
        CHECK(status(*app)["largeFontMissing"] == 0);
        for (int i = 0; i < 3; ++i) app->runFrame(b);
    }
    title = ImGui::GetIO().Fonts->Fonts[2];
    CHECK(ui::FontLoader::hasAllGlyphs(title, "Мария"));
    CHECK(ui::FontLoader::hasAllGlyphs(title, "Şükrü"));
    // One rebuild per new set of letters, not one per frame.
    CHECK(b.fontBuilds - buildsAtStart <= 2);
    const int after = b.fontBuilds;
    for (int i = 0; i < 5; ++i) app->runFrame(b);
    CHECK(b.fontBuilds == after);
}

TEST_CASE(
    "app: the database file deleted while the kiosk runs: no welcome, the status says it is not saved") {
    Fixture f;
    HeadlessBackend b;
    auto app = f.makeApp();
    app->runFrame(b);
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(f.tmp.path + suffix);
    wedgeType(*app, f.zoeCode);
    REQUIRE(runUntil(*app, b, "help"));
    auto st = status(*app);
    CHECK(st["outcome"] == "error");
    const std::string problem = st["writeProblem"];
    CHECK(problem.rfind("db.replaced: ", 0) == 0);
    CHECK(problem.find("deleted") != std::string::npos);
    // A second scan is refused the same way: the kiosk stopped accepting.
    app->runFrame(b);
    wedgeType(*app, f.ivanCode);
    const auto gen = st["generation"].get<int>();
    const auto until = std::chrono::steady_clock::now() + 3s;
    while (status(*app)["generation"].get<int>() == gen && std::chrono::steady_clock::now() < until) {
        app->runFrame(b);
        std::this_thread::sleep_for(2ms);
    }
    CHECK(status(*app)["screen"] == "help");
    CHECK(status(*app)["outcome"] == "error");
}

namespace {

/// A tap at the centre of the on-screen key labelled `label` (from the status file): finger down
/// for a frame, up for a frame, then frames for the text field to take what it typed.
bool tapKey(ui::KioskApp& app, HeadlessBackend& b, const std::string& label) {
    const auto s = status(app);
    if (!s.contains("keyboard")) return false;
    for (const auto& k : s["keyboard"]["keys"]) {
        if (k[0] != label) continue;
        b.mouseX = k[1].get<float>();
        b.mouseY = k[2].get<float>();
        b.mouseDown = true;
        app.runFrame(b);
        b.mouseDown = false;
        for (int i = 0; i < 4; ++i) app.runFrame(b);
        b.mouseX = b.mouseY = -1;
        return true;
    }
    return false;
}

void openDesk(ui::KioskApp& app, HeadlessBackend& b) {
    app.onKey(ui::Key::F12);
    app.runFrame(b);
    REQUIRE(app.screenName() == "pin");
    personTypes(app, b, "4321");
    auto strings = nlohmann::json::parse(std::ifstream(std::string(KIOSK_ASSETS_DIR) + "/lang/fr.json"));
    REQUIRE(pinVerdict(app, b, strings["lock"]["checking"]) == "opened");
    for (int i = 0; i < 5; ++i) app.runFrame(b);
}

}  // namespace

TEST_CASE("app: the desk's on-screen keyboard types into the search field it leaves for a moment (issue 9)") {
    Fixture f;
    REQUIRE(core::setPin(core::pinFileFor(f.tmp.path), "4321").ok());
    HeadlessBackend b;
    auto app = f.makeApp(ui::KeyboardSetting::On);
    openDesk(*app, b);
    auto s = status(*app);
    REQUIRE(s["keyboard"]["shown"] == true);
    CHECK(s["keyboard"]["keys"].size() > 40);
    CHECK(s["deskQuery"] == "");
    // The search field has the focus when the desk opens; each tap types into it.
    for (const char* k : {"\u21E7", "k", "o", "w"}) REQUIRE_MESSAGE(tapKey(*app, b, k), k);
    CHECK(status(*app)["deskQuery"] == "Kow");
    REQUIRE(tapKey(*app, b, "\u232B"));
    CHECK(status(*app)["deskQuery"] == "Ko");
    REQUIRE(tapKey(*app, b, "w"));
    REQUIRE(tapKey(*app, b, "a"));
    CHECK(status(*app)["deskQuery"] == "Kowa");
    // Accents from their layer.
    REQUIRE(tapKey(*app, b, "\u00E0\u00E9"));
    REQUIRE(tapKey(*app, b, "\u00EB"));
    CHECK(status(*app)["deskQuery"] == "Kowa\u00EB");
    REQUIRE(tapKey(*app, b, "abc"));
    REQUIRE(tapKey(*app, b, "\u232B"));
    CHECK(status(*app)["deskQuery"] == "Kowa");
    // Folded away, and back with the small keyboard button.
    REQUIRE(tapKey(*app, b, "\u2328\u2193"));
    CHECK(status(*app)["keyboard"]["shown"] == false);
    REQUIRE(tapKey(*app, b, "\u2328"));
    CHECK(status(*app)["keyboard"]["shown"] == true);
}

TEST_CASE("app: with a real keyboard (the PIN typed on it) the desk shows no on-screen keyboard in auto") {
    Fixture f;
    REQUIRE(core::setPin(core::pinFileFor(f.tmp.path), "4321").ok());
    HeadlessBackend b;
    auto app = f.makeApp(ui::KeyboardSetting::Auto);
    openDesk(*app, b);  // typed on a keyboard
    auto s = status(*app);
    CHECK(s["keyboard"]["shown"] == false);
    // Its button is there all the same, for a volunteer who wants it.
    REQUIRE(s["keyboard"]["keys"].size() == 1);
    REQUIRE(tapKey(*app, b, "\u2328"));
    CHECK(status(*app)["keyboard"]["shown"] == true);
}

TEST_CASE(
    "app: the status line shows the sync agent's state - online, or offline since HH:MM · N to send (11)") {
    Fixture f;
    HeadlessBackend b;
    const auto fr = nlohmann::json::parse(std::ifstream(std::string(KIOSK_ASSETS_DIR) + "/lang/fr.json"));
    const std::string online = fr["status"]["sync_online"];
    {
        // A machine that was never attached to an event server says nothing about it.
        auto app = f.makeApp();
        app->runFrame(b);
        const std::string line = status(*app)["statusLine"];
        CHECK(line.find(online) == std::string::npos);
        CHECK(line.find("hors ligne") == std::string::npos);
    }
    // As `kiosk sync` leaves the file when the server is out of reach: this machine is
    // entrance-1, offline since a known time, 37 rows waiting in the outbox.
    const core::TimePoint since = *core::parseIso8601("2026-12-05T09:42:00Z");
    const long long sinceMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(since.time_since_epoch()).count();
    auto sql = [&](const std::string& text) {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(f.tmp.path.c_str(), &raw) == SQLITE_OK);
        CHECK(sqlite3_exec(raw, text.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    };
    sql("INSERT INTO sync_state(key, value) VALUES ('device', 'entrance-1'), ('online', '0'), "
        "('offline_since', '" +
        std::to_string(sinceMs) +
        "'); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 37) "
        "INSERT INTO sync_outbox(entity, row_id) SELECT 'checkin', 'row-' || i FROM n");
    // The machine's own clock reads the time (here in whatever zone the test runs in).
    const std::time_t secs = sinceMs / 1000;
    std::tm tm{};
    localtime_r(&secs, &tm);
    char hhmm[8];
    std::strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
    {
        auto app = f.makeApp();
        app->runFrame(b);
        const std::string line = status(*app)["statusLine"];
        CHECK(line.find("hors ligne depuis " + std::string(hhmm) + " · 37 à envoyer") != std::string::npos);
        CHECK(line.find(online) == std::string::npos);

        // The agent reached the server and sent everything: the line follows within a health tick.
        // An agent runs on the file: it holds <db>.sync's lock, as `kiosk sync` does.
        const int agentLock = ::open((f.tmp.path + ".sync").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        REQUIRE(agentLock >= 0);
        struct flock l {};
        l.l_type = F_WRLCK;
        l.l_whence = SEEK_SET;
        l.l_len = 1;
        REQUIRE(::fcntl(agentLock, F_OFD_SETLK, &l) == 0);
        sql("UPDATE sync_state SET value = '1' WHERE key = 'online'; DELETE FROM sync_outbox");
        const auto until = std::chrono::steady_clock::now() + 3s;
        std::string now;
        while (std::chrono::steady_clock::now() < until) {
            app->runFrame(b);
            now = status(*app)["statusLine"];
            if (now.find(online) != std::string::npos) break;
            std::this_thread::sleep_for(20ms);
        }
        CHECK(now.find("  ·  " + online) != std::string::npos);
        CHECK(now.find("hors ligne") == std::string::npos);
        CHECK(now.find("à envoyer") == std::string::npos);

        // The agent is killed (SIGKILL: no last word in the file, "online" stays there): the
        // kernel drops its lock and the line says offline within a health tick.
        ::close(agentLock);
        const auto until2 = std::chrono::steady_clock::now() + 3s;
        while (std::chrono::steady_clock::now() < until2) {
            app->runFrame(b);
            now = status(*app)["statusLine"];
            if (now.find("hors ligne") != std::string::npos) break;
            std::this_thread::sleep_for(20ms);
        }
        CHECK(now.find("hors ligne depuis") != std::string::npos);
        CHECK(now.find("  ·  " + online) == std::string::npos);
    }
}

TEST_CASE("app: F1-F5 switch the desk's pages once it is open, and do nothing on the public screen") {
    Fixture f;
    REQUIRE(core::setPin(core::pinFileFor(f.tmp.path), "4321").ok());
    HeadlessBackend b;
    auto app = f.makeApp();
    app->onKey(ui::Key::F4);  // on the public screen: nothing (no desk behind it)
    app->runFrame(b);
    CHECK(app->screenName() == "idle");
    openDesk(*app, b);
    CHECK(status(*app)["deskPage"] == "search");
    app->onKey(ui::Key::F4);
    app->runFrame(b);
    CHECK(status(*app)["deskPage"] == "queue");
    app->onKey(ui::Key::F3);
    app->runFrame(b);
    CHECK(status(*app)["deskPage"] == "walk_in");
    app->onKey(ui::Key::F2);  // no person chosen yet: the search stays
    app->runFrame(b);
    CHECK(status(*app)["deskPage"] == "search");
    app->onKey(ui::Key::F5);
    app->runFrame(b);
    CHECK(status(*app)["deskPage"] == "settings");
    app->onKey(ui::Key::F1);
    app->runFrame(b);
    CHECK(status(*app)["deskPage"] == "search");
}
