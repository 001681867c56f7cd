// The organiser dashboard's numbers from a seeded database, and no names anywhere in it.
#include <kiosk/ui/dashboard_controller.hpp>
#include <kiosk/ui/dashboard_screen.hpp>
#include <kiosk/ui/font_loader.hpp>
#include <kiosk/ui/strings.hpp>

#include <doctest/doctest.h>
#include <imgui.h>
#include <sqlite3.h>

#include <unistd.h>

#include <filesystem>

using namespace kiosk;
using namespace kiosk::ui;
using namespace std::chrono_literals;

namespace {

core::TimePoint at(const char* iso) {
    return *core::parseIso8601(iso);
}

struct Seeded {
    std::string dir;
    std::string path;
    std::vector<core::Attendee> people;

    Seeded() {
        auto d = std::filesystem::temp_directory_path() / ("kiosk-dash-" + std::to_string(::getpid()));
        std::filesystem::remove_all(d);
        std::filesystem::create_directories(d);
        dir = d.string();
        path = dir + "/event.db";
        auto db = core::Database::open(path, core::Database::Mode::CreateIfMissing);
        REQUIRE(db.ok());
        core::Event e;
        e.id = "dash-2018";
        e.name = "Dashboard test event";
        e.doorsOpenAt = at("2018-03-16T07:30:00Z");
        e.doorsCloseAt = at("2018-03-16T20:00:00Z");
        REQUIRE(db->setEvent(e).ok());
        struct P {
            const char *first, *last, *cat, *wg;
        };
        const P seed[] = {
            {"Amélie", "Lefèbvre", "participant", "Eau"},
            {"Bram", "Claes", "participant", "Eau"},
            {"Chloé", "Dubois", "speaker", "Santé"},
            {"Dmitri", "Ivanov", "participant", "Santé"},
            {"Eleni", "Papadopoulou", "staff", "Éducation"},
            {"Femke", "Jacobs", "participant", "Éducation"},
            {"Gaspard", "Mertens", "press", ""},
        };
        for (const auto& p : seed) {
            core::Attendee a;
            a.firstName = p.first;
            a.lastName = p.last;
            a.category = p.cat;
            a.workingGroup = p.wg;
            a.externalSource = "test";
            a.externalId = p.last;
            auto r = db->addAttendee(a, "test");
            REQUIRE(r.ok());
            people.push_back(*r);
        }
        // Arrivals at 09:01, 09:03 (same bucket), 09:12, 09:40 (annulled later), 09:41 by the desk.
        auto in = [&](int i, const char* when, const char* kiosk, const char* actor) {
            auto r = db->checkInAttendee(people[i].id, kiosk, at(when), actor, "");
            REQUIRE(r.ok());
            REQUIRE(r->outcome == core::Outcome::CheckedIn);
        };
        in(0, "2018-03-16T09:01:00Z", "entrance-1", "self");
        in(1, "2018-03-16T09:03:30Z", "entrance-1", "self");
        in(2, "2018-03-16T09:12:00Z", "entrance-2", "self");
        in(3, "2018-03-16T09:40:00Z", "entrance-2", "self");
        in(4, "2018-03-16T09:41:00Z", "desk-1", "desk:anne");
        REQUIRE(
            db->annul(people[3].id, "desk:anne", "wrong person", "desk-1", at("2018-03-16T09:42:00Z")).ok());
        core::ScanRequest bad;
        bad.payload = "Gaspard Mertens";  // a name typed into a wedge field must not leak either
        bad.kiosk = "entrance-1";
        bad.at = at("2018-03-16T09:43:00Z");
        auto r = db->checkIn(bad);
        REQUIRE(r.ok());
        REQUIRE(r->outcome != core::Outcome::CheckedIn);
        // One badge stuck in the printer, one waiting.
        auto held = db->enqueuePrint(people[0].id, "", core::PrintJobKind::Reprint, "entrance-1", "test",
                                     at("2018-03-16T09:44:00Z"));
        REQUIRE(held.ok());
        REQUIRE(db->advancePrintJob(held->id,
                                    core::PrintStep::held("printer.stopped", "media-empty", held->createdAt))
                    .ok());
        REQUIRE(db->enqueuePrint(people[1].id, "", core::PrintJobKind::Reprint, "entrance-1", "test",
                                 at("2018-03-16T09:44:30Z"))
                    .ok());
    }
    ~Seeded() { std::filesystem::remove_all(dir); }
};

const DashboardGroup* group(const std::vector<DashboardGroup>& v, const std::string& name) {
    for (const auto& g : v)
        if (g.name == name) return &g;
    return nullptr;
}

}  // namespace

TEST_CASE("dashboard: headcount, expected, groups and 5-minute buckets from a seeded database") {
    Seeded s;
    auto db = core::Database::open(s.path, core::Database::Mode::ReadOnly);  // as `--mode dashboard`
    REQUIRE(db.ok());
    auto m = buildDashboard(*db, at("2018-03-16T09:45:10Z"));
    REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
    CHECK(m->eventName == "Dashboard test event");
    CHECK(m->registered == 7);
    CHECK(m->arrived == 4);  // 5 arrivals, 1 annulled
    CHECK(m->expected == 3);

    const auto* eau = group(m->byWorkingGroup, "Eau");
    REQUIRE(eau);
    CHECK(eau->registered == 2);
    CHECK(eau->arrived == 2);
    const auto* sante = group(m->byWorkingGroup, "Santé");
    REQUIRE(sante);
    CHECK(sante->registered == 2);
    CHECK(sante->arrived == 1);
    const auto* none = group(m->byWorkingGroup, "");
    REQUIRE(none);
    CHECK(none->arrived == 0);
    const auto* participant = group(m->byCategory, "participant");
    REQUIRE(participant);
    CHECK(participant->registered == 4);
    CHECK(participant->arrived == 2);
    CHECK(m->byCategory.front().name == "participant");  // largest group first

    // 09:00 … 09:45: ten buckets, gaps filled; annulled arrival no longer counted.
    REQUIRE(m->arrivalsPer5Min.size() == 10);
    int64_t sum = 0;
    for (const auto& b : m->arrivalsPer5Min) sum += b.arrivals;
    CHECK(sum == m->arrived);
    CHECK(m->arrivalsPer5Min[0].arrivals == 2);  // 09:00–09:05
    CHECK(m->arrivalsPer5Min[1].arrivals == 0);
    CHECK(m->arrivalsPer5Min[2].arrivals == 1);  // 09:10–09:15
    CHECK(m->arrivalsPer5Min[8].arrivals == 1);  // 09:40–09:45, the desk's
    CHECK(m->arrivalsPer5Min[9].arrivals == 0);  // the bucket of "now"
    CHECK(m->peakPer5Min == 2);
    CHECK(m->arrivalsPer5Min[0].label == formatLocalTime(at("2018-03-16T09:00:00Z"), false).substr(0, 5));

    CHECK(m->printsHeld == 1);
    CHECK(m->printsWaiting == 1);
    CHECK(m->deskCases == 1);
}

TEST_CASE("dashboard: recent activity has time, kiosk and outcome but no person") {
    Seeded s;
    auto db = core::Database::open(s.path, core::Database::Mode::ReadOnly);
    REQUIRE(db.ok());
    auto m = buildDashboard(*db, at("2018-03-16T09:45:10Z"), 12);
    REQUIRE(m.ok());
    REQUIRE(m->recent.size() == 7);               // 5 check-ins, 1 annul, 1 refused scan
    CHECK(m->recent[0].outcome != "checked_in");  // the refused scan at 09:43 is the newest
    CHECK(m->recent[0].kiosk == "entrance-1");
    CHECK(m->recent[1].outcome == "annulled");
    CHECK(m->recent[1].desk);
    CHECK(m->recent[2].outcome == "checked_in");
    CHECK(m->recent[2].kiosk == "desk-1");
    CHECK(m->recent.back().timeLocal == formatLocalTime(at("2018-03-16T09:01:00Z"), false));

    for (const auto& a : m->recent) {
        for (const auto& p : s.people) {
            for (const std::string* field : {&a.timeLocal, &a.kiosk, &a.outcome}) {
                CHECK(field->find(p.firstName) == std::string::npos);
                CHECK(field->find(p.lastName) == std::string::npos);
                CHECK(field->find(p.id) == std::string::npos);
            }
        }
    }
    auto few = buildDashboard(*db, at("2018-03-16T09:45:10Z"), 3);
    REQUIRE(few.ok());
    CHECK(few->recent.size() == 3);
}

TEST_CASE("dashboard: on a synced file, open duplicates and which machines are offline since when") {
    Seeded s;
    auto ms = [](const char* iso) {
        return std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(at(iso).time_since_epoch()).count());
    };
    // What the sync agent of machine "hall" wrote: the machines as the server saw them, and a
    // check-in of Amélie pulled from kiosk k2 (entrance-3), which let her in while apart.
    const std::string sql =
        "INSERT INTO sync_state(key, value) VALUES ('device', 'hall'), ('online', '1'), ('last_sync_at', '" +
        ms("2018-03-16T09:44:00Z") +
        "'), ('machines', '[[\"hall\",\"dashboard\",true,0],[\"k1\",\"kiosk\",true,0],"
        "[\"k2\",\"kiosk\",false," +
        ms("2018-03-16T09:30:00Z") +
        "],[\"k3\",\"kiosk\",null,0]]');"
        "INSERT INTO checkins(id, nonce, attendee_id, at, kiosk, action, actor, reason, device_id, "
        "received_at) "
        "VALUES ('k2-1', 'n-k2-1', '" +
        s.people[0].id + "', " + ms("2018-03-16T09:20:00Z") +
        ", 'entrance-3', 'checkin', 'self', '', 'k2', " + ms("2018-03-16T09:45:00Z") + ");";
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(s.path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);

    auto db = core::Database::open(s.path, core::Database::Mode::ReadOnly);
    REQUIRE(db.ok());
    auto m = buildDashboard(*db, at("2018-03-16T09:45:10Z"), 12);
    REQUIRE(m.ok());
    CHECK(m->synced);
    CHECK(m->arrived == 4);  // Amélie let in twice counts once
    CHECK(m->openDuplicates == 1);
    REQUIRE(m->machines.size() == 4);
    // No `kiosk sync` holds this file's agent lock: this machine is offline since its last sync,
    // whatever the file last said.
    CHECK(m->machines[0].name == "hall");
    CHECK_FALSE(m->machines[0].online);
    CHECK(m->machines[0].offlineSinceLocal ==
          formatLocalTime(at("2018-03-16T09:44:00Z"), false).substr(0, 5));
    CHECK(m->machines[1].online);
    CHECK(m->machines[1].offlineSinceLocal.empty());
    CHECK_FALSE(m->machines[2].online);
    CHECK(m->machines[2].offlineSinceLocal ==
          formatLocalTime(at("2018-03-16T09:30:00Z"), false).substr(0, 5));
    CHECK_FALSE(m->machines[3].online);  // enrolled, never connected
    CHECK(m->machines[3].offlineSinceLocal.empty());
}

TEST_CASE("dashboard: a file of one machine alone shows no machines line") {
    Seeded s;
    auto db = core::Database::open(s.path, core::Database::Mode::ReadOnly);
    REQUIRE(db.ok());
    auto m = buildDashboard(*db, at("2018-03-16T09:45:10Z"), 12);
    REQUIRE(m.ok());
    CHECK_FALSE(m->synced);
    CHECK(m->machines.empty());
    CHECK(m->openDuplicates == 0);
}

TEST_CASE("dashboard: an empty event shows zeros and no chart") {
    auto d = std::filesystem::temp_directory_path() / ("kiosk-dash-empty-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    auto db = core::Database::open((d / "e.db").string(), core::Database::Mode::CreateIfMissing);
    REQUIRE(db.ok());
    auto m = buildDashboard(*db, at("2018-03-16T09:45:10Z"));
    REQUIRE(m.ok());
    CHECK(m->registered == 0);
    CHECK(m->arrived == 0);
    CHECK(m->expected == 0);
    CHECK(m->arrivalsPer5Min.empty());
    CHECK(m->recent.empty());
    std::filesystem::remove_all(d);
}

TEST_CASE("dashboard: the controller refreshes once a second and keeps health from the shell") {
    Seeded s;
    auto db = core::Database::open(s.path, core::Database::Mode::CreateIfMissing);
    REQUIRE(db.ok());
    auto strings = Strings::load(KIOSK_ASSETS_DIR);
    REQUIRE(strings.ok());
    ShellContext ctx{*db, *strings};
    ctx.now = at("2018-03-16T09:45:10Z");
    ctx.steadyNow = std::chrono::steady_clock::time_point{} + 1h;
    ctx.printer = {false, "stopped", "Out of paper"};
    ctx.scanner = {true, "running", ""};
    DashboardController dash(ctx, /*standalone=*/true);
    dash.refresh(ctx);
    CHECK(dash.model().arrived == 4);
    CHECK(dash.model().standalone);
    CHECK(dash.model().printer.state == "stopped");
    CHECK(dash.model().camera.ok);

    REQUIRE(db->checkInAttendee(s.people[5].id, "entrance-1", ctx.now, "self", "").ok());
    ctx.steadyNow += 400ms;
    dash.refresh(ctx);
    CHECK(dash.model().arrived == 4);  // not due yet
    ctx.steadyNow += 700ms;
    dash.refresh(ctx);
    CHECK(dash.model().arrived == 5);
    CHECK(dash.model().standalone);
    CHECK(dash.model().printer.message == "Out of paper");

    // Drawn headless, with no input, the dashboard pushes nothing.
    ImGuiContext* im = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 720);
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
    IntentSink sink;
    for (int i = 0; i < 3; ++i) {
        ImGui::NewFrame();
        drawDashboard(dash.model(), sink);
        ImGui::Render();
    }
    CHECK(sink.empty());
    ImGui::DestroyContext(im);
}

namespace {
/// Vertices of text and shapes that fall outside the clip rectangle of their draw command: what
/// a window cuts off ("1500 /" instead of "1500 / 10000").
int clippedVertices(const ImDrawData* dd) {
    int n = 0;
    for (int l = 0; l < dd->CmdListsCount; ++l) {
        const ImDrawList* list = dd->CmdLists[l];
        for (const ImDrawCmd& c : list->CmdBuffer) {
            for (unsigned i = 0; i < c.ElemCount; ++i) {
                const ImDrawVert& v =
                    list->VtxBuffer[list->IdxBuffer[static_cast<int>(c.IdxOffset + i)] + c.VtxOffset];
                if (v.pos.x < c.ClipRect.x - 1 || v.pos.x > c.ClipRect.z + 1 || v.pos.y < c.ClipRect.y - 1 ||
                    v.pos.y > c.ClipRect.w + 1)
                    ++n;
            }
        }
    }
    return n;
}
}  // namespace

TEST_CASE("dashboard: the headline fits at 10,000 registered, at 720p and 1080p") {
    auto strings = Strings::load(KIOSK_ASSETS_DIR);
    REQUIRE(strings.ok());
    for (int height : {720, 1080}) {
        INFO(height);
        ImGuiContext* im = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(static_cast<float>(height) * 16 / 9, static_cast<float>(height));
        FontLoader fonts;
        fonts.addText("Civic Tech Summit 2026");
        REQUIRE(fonts.build(height, false));
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
        DashboardModel m;
        m.env.text = &*strings;
        m.env.language = core::Language::En;
        m.env.fonts = &fonts.fonts();
        m.eventName = "Civic Tech Summit 2026";
        IntentSink sink;
        auto clippedAt = [&](int64_t arrived, int64_t registered) {
            m.arrived = arrived;
            m.registered = registered;
            m.expected = registered - arrived;
            int clipped = 0;
            for (int i = 0; i < 2; ++i) {
                ImGui::NewFrame();
                drawDashboard(m, sink);
                ImGui::Render();
                clipped = clippedVertices(ImGui::GetDrawData());
            }
            return clipped;
        };
        // Whatever a small event already clips elsewhere (nothing of the headline), a big one
        // clips no more.
        const int small = clippedAt(17, 100);
        CHECK(clippedAt(1500, 10000) <= small);
        CHECK(clippedAt(38512, 40000) <= small);
        ImGui::DestroyContext(im);
    }
}
