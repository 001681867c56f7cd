// `kiosk print` and `kiosk printers` as a user runs them, against the real scheduler.
#include "printer_fixture.hpp"

#include <nlohmann/json.hpp>

using namespace printer_test;

namespace {
std::string kioskExe() {
    return std::string(KIOSK_EXE);
}
}  // namespace

TEST_CASE("printer: kiosk printers lists the queues, as text and as JSON") {
    if (!ensureCups()) return;
    TestQueue tq;
    const Run text = run(kioskExe() + " printers");
    REQUIRE_MESSAGE(text.status == 0, text.out);
    CHECK(text.out.find(tq.name) != std::string::npos);
    CHECK(text.out.find("* kiosk-pdf") != std::string::npos);

    REQUIRE(run("cupsdisable " + tq.name).status == 0);
    const Run json = run(kioskExe() + " printers --json");
    REQUIRE_MESSAGE(json.status == 0, json.out);
    const auto j = nlohmann::json::parse(json.out, nullptr, false);
    REQUIRE_MESSAGE(j.is_array(), json.out);
    bool found = false;
    for (const auto& q : j)
        if (q["name"] == tq.name) {
            found = true;
            CHECK(q["state"] == "stopped");
            CHECK(q["ready"] == false);
            REQUIRE(q["reasons"].is_array());
            REQUIRE(!q["reasons"].empty());
            CHECK(q["reasons"][0]["code"] == "paused");
        }
    CHECK(found);

    const Run none = run("CUPS_SERVER=/nonexistent/kiosk.sock " + kioskExe() + " printers");
    CHECK(none.status == 4);
    CHECK(none.out.find("printer.unreachable") != std::string::npos);
}

TEST_CASE("printer: kiosk print prints once, refuses a silent second print, reprints on request") {
    if (!ensureCups()) return;
    TestQueue tq;
    TestDb t;
    t.db.reset();  // the CLI opens the file itself
    const std::string base =
        kioskExe() + " print --db '" + t.path + "' --attendee " + t.person.id + " --printer " + tq.name;
    const Run first = run(base);
    REQUIRE_MESSAGE(first.status == 0, first.out);
    CHECK(first.out.find("printed") != std::string::npos);
    CHECK(first.out.find("accepted") != std::string::npos);

    const Run second = run(base);
    CHECK_MESSAGE(second.status == 0, second.out);
    CHECK(second.out.find("already printed") != std::string::npos);

    auto db = kiosk::core::Database::open(t.path, kiosk::core::Database::Mode::OpenExisting);
    REQUIRE(db.ok());
    auto jobs = db->printJobs({.state = {}, .machine = {}, .attendeeId = {}, .limit = 100});
    REQUIRE(jobs.ok());
    REQUIRE(jobs->size() == 1);
    const auto badge = jobs->front();
    CHECK(badge.state == kiosk::core::PrintJobState::Printed);
    CHECK(badge.checkinId == t.checkinId);  // the badge belongs to the check-in
    CHECK(outputsFor(kiosk::printing::jobTitle(badge.id)).size() == 1);

    const Run again = run(base + " --reprint");
    REQUIRE_MESSAGE(again.status == 0, again.out);
    CHECK(again.out.find("reprint number 1") != std::string::npos);
    auto count = db->reprintCount(t.person.id);
    REQUIRE(count.ok());
    CHECK(*count == 1);
    jobs = db->printJobs({.state = {}, .machine = {}, .attendeeId = {}, .limit = 100});
    REQUIRE(jobs.ok());
    CHECK(jobs->size() == 2);
    for (const auto& j : *jobs) CHECK(outputsFor(kiosk::printing::jobTitle(j.id)).size() == 1);
}

TEST_CASE("printer: kiosk print on a vanished queue holds the badge and says where to get it") {
    if (!ensureCups()) return;
    TestDb t;
    t.db.reset();
    const Run r = run(kioskExe() + " print --db '" + t.path + "' --attendee " + t.person.id +
                      " --printer kiosk-no-such-queue --timeout 20");
    CHECK_MESSAGE(r.status == 4, r.out);
    CHECK(r.out.find("printer.not_found") != std::string::npos);
    CHECK(r.out.find("help desk") != std::string::npos);
    auto db = kiosk::core::Database::open(t.path, kiosk::core::Database::Mode::OpenExisting);
    REQUIRE(db.ok());
    auto held = db->printJobs(
        {.state = kiosk::core::PrintJobState::Held, .machine = {}, .attendeeId = {}, .limit = 10});
    REQUIRE(held.ok());
    CHECK(held->size() == 1);
}
