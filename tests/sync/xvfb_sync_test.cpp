// Several machines, real windows: the real `kiosk` binary under Xvfb on files that a real
// PostgreSQL keeps in sync (issue 11, "Under Xvfb"). The dashboard window of machine d follows
// a check-in made on machine a; the help desk of kiosk b shows the duplicate that a and b made
// while apart, with both kiosks and both times. Screenshots: <build>/ui-screenshots/sync-*.png.
#include "../ui/xvfb_harness.hpp"
#include "sync_fixture.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <string>

using namespace kiosk::test;
using namespace kiosk::core;
using namespace std::chrono_literals;

namespace {

nlohmann::json readStatus(const std::string& path) {
    auto j = nlohmann::json::parse(readFile(path), nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

/// `kiosk sync` for `device`, as a venue runs it beside the window; stopped with SIGTERM.
Process agent(const Venue& v, const std::string& device) {
    return Process(
        {KIOSK_EXE, "sync", "--db", v.path(device), "--server", v.conn(device), "--device", device}, {},
        (artefactDir() / ("sync-agent-" + v.dbName() + "-" + device + ".log")).string());
}

bool machineOnline(const nlohmann::json& status, const std::string& name) {
    if (!status.contains("machines")) return false;
    for (const auto& m : status["machines"])
        if (m.value("name", "") == name) return m.value("online", false);
    return false;
}

}  // namespace

TEST_CASE("xvfb sync: the dashboard window on machine d follows a check-in made on machine a") {
    Venue v("xv1", 30);
    v.enroll("a");
    v.enroll("d", sync::DeviceKind::Dashboard);
    v.sync("a");
    v.sync("d");
    Process agentA = agent(v, "a");
    Process agentD = agent(v, "d");

    Xvfb x(130);
    REQUIRE(x.ok());
    const std::string status = (artefactDir() / "sync-dashboard-status.json").string();
    std::filesystem::remove(status);
    Process window = x.launch({KIOSK_EXE, "run", "--mode", "dashboard", "--db", v.path("d"), "--kiosk",
                               "hall", "--status-file", status},
                              "sync-dashboard-d");
    REQUIRE(x.waitForWindow(window.pid()));
    // Both agents have talked to the server: d's window lists a and itself online.
    REQUIRE_MESSAGE(waitFor(
                        [&] {
                            const auto s = readStatus(status);
                            return s.value("arrived", -1) == 0 && machineOnline(s, "a") &&
                                   machineOnline(s, "d");
                        },
                        30s),
                    readStatus(status).dump());
    x.screenshot("sync-dashboard-d-before");

    // Two people arrive at machine a, through the kiosk's own check-in path on a's file.
    auto a = v.open("a");
    for (int i = 0; i < 2; ++i) {
        const auto start = std::chrono::steady_clock::now();
        REQUIRE(a.checkIn(scanAt(v.code(i), nowUtc(), "entrance-a"))->outcome == Outcome::CheckedIn);
        const bool followed = waitFor([&] { return readStatus(status).value("arrived", -1) == i + 1; }, 15s);
        const double lag = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        MESSAGE("d's dashboard window showed a's check-in " << i + 1 << " after " << lag << " s");
        REQUIRE(followed);
        CHECK(lag < 5.0);  // agent push, notification, d's pull, the window's 1 s refresh
    }
    x.screenshot("sync-dashboard-d-follows-a");
    CHECK(window.alive());
}

TEST_CASE("xvfb sync: kiosk b's help desk shows the duplicate a and b made apart, with both kiosks") {
    Venue v("xv2", 10);
    v.enroll("a");
    v.enroll("b");
    v.sync("a");
    v.sync("b");
    // Apart (no agent runs): both let person 0 in, b two minutes after a; their rows reach the
    // server only now.
    const TimePoint now = nowUtc();
    {
        auto a = v.open("a");
        auto b = v.open("b");
        REQUIRE(a.checkIn(scanAt(v.code(0), now - 10min, "entrance-a"))->outcome == Outcome::CheckedIn);
        REQUIRE(b.checkIn(scanAt(v.code(0), now - 8min, "entrance-b"))->outcome == Outcome::CheckedIn);
    }
    v.sync("a");
    v.sync("b");
    v.sync("a");
    v.requireConverged({"a", "b"});
    REQUIRE(std::system(("printf '4711\\n' | " + std::string(KIOSK_EXE) + " pin --db '" + v.path("b") +
                         "' --set >/dev/null")
                            .c_str()) == 0);
    Process agentB = agent(v, "b");

    Xvfb x(150);
    REQUIRE(x.ok());
    const std::string status = (artefactDir() / "sync-desk-status.json").string();
    std::filesystem::remove(status);
    Process window =
        x.launch({KIOSK_EXE, "run", "--db", v.path("b"), "--kiosk", "entrance-b", "--status-file", status},
                 "sync-desk-b");
    REQUIRE(x.waitForWindow(window.pid()));
    REQUIRE(waitFor([&] { return readStatus(status).value("screen", "") == "idle"; }, 30s));
    x.key("F12");
    REQUIRE(waitFor([&] { return readStatus(status).value("screen", "") == "pin"; }, 5s));
    x.type("4711", 120);  // a person's pace: a burst would be dropped as a scan
    x.key("Return");
    REQUIRE_MESSAGE(waitFor([&] { return readStatus(status).value("mode", "") == "desk"; }, 10s),
                    readStatus(status).dump());
    x.key("F4");  // the queue of cases
    REQUIRE(waitFor([&] { return readStatus(status).value("deskPage", "") == "queue"; }, 5s));
    REQUIRE_MESSAGE(waitFor([&] { return readStatus(status)["deskCases"].size() == 1; }, 10s),
                    readStatus(status).dump());
    const auto c = readStatus(status)["deskCases"][0];
    CHECK(c["kind"] == "duplicate");
    REQUIRE(c["pair"].size() == 2);
    CHECK(c["pair"][0][0] == "entrance-a");
    CHECK(c["pair"][1][0] == "entrance-b");
    CHECK(c["pair"][0][1] != c["pair"][1][1]);  // both times
    // a's check-in reached b ten minutes after it happened (a was offline); b's own is local.
    CHECK(c["pair"][0][2] == true);
    CHECK(c["pair"][1][2] == false);
    std::this_thread::sleep_for(500ms);
    x.screenshot("sync-desk-b-duplicate");
    CHECK(window.alive());
}
