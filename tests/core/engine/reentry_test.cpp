// Re-entry (issue 9): an organiser can let someone already in back in after lunch. With
// `reentry` allowed, a second scan is `reentry` — logged in its own append-only table, the check-in
// in force unchanged, counted once — instead of `already_checked_in` and a desk case.
#include "core_test_util.hpp"

#include <sqlite3.h>

using namespace kiosk::core;
using namespace kiosk::core::test;
using namespace std::chrono_literals;

namespace {

struct Fixture {
    TempDb file;
    Database db = file.open();
    Attendee zoe;
    std::string code;

    explicit Fixture(bool reentry) {
        Event e = testEvent();
        e.reentryAllowed = reentry;
        REQUIRE(db.setEvent(e).ok());
        zoe = db.addAttendee(person("Zoë", "Dvořák"), "test").value();
        code = db.primaryCode(zoe.id).value();
    }
    ScanResult check(const ScanRequest& r, EngineOptions opt = {}) {
        auto res = db.checkIn(r, opt);
        REQUIRE_MESSAGE(res.ok(), (res.ok() ? "" : res.error().message));
        return std::move(res).value();
    }
    int64_t count(const char* sql) const {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open_v2(file.path().c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(raw, sql, -1, &st, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        const int64_t n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(raw);
        return n;
    }
};

}  // namespace

TEST_CASE("reentry: the event's setting is stored - refused unless the organiser allows it") {
    Fixture f(false);
    CHECK_FALSE(f.db.event().value()->reentryAllowed);
    f.check(scan(f.code));
    CHECK(f.check(scan(f.code, kDuringDoors + 3h)).outcome == Outcome::AlreadyCheckedIn);

    Event e = *f.db.event().value();
    e.reentryAllowed = true;
    REQUIRE(f.db.setEvent(e).ok());
    CHECK(f.db.event().value()->reentryAllowed);
    CHECK(f.check(scan(f.code, kDuringDoors + 4h)).outcome == Outcome::Reentry);
    CHECK(admits(Outcome::Reentry));
    CHECK(reasonCode(Outcome::Reentry) == "reentry");
    CHECK(outcomeFromReasonCode("reentry") == Outcome::Reentry);
}

TEST_CASE("reentry: logged as a re-entry, no second arrival, no desk case, no badge, counted once") {
    Fixture f(true);
    EngineOptions badge;
    badge.queueBadge = true;
    const auto first = f.check(scan(f.code, kDuringDoors, "entrance-1"), badge);
    REQUIRE(first.outcome == Outcome::CheckedIn);
    REQUIRE(first.printJob);

    const auto back = f.check(scan(f.code, kDuringDoors + 4h, "entrance-2"), badge);
    CHECK(back.outcome == Outcome::Reentry);
    REQUIRE(back.attendee);
    CHECK(back.attendee->id == f.zoe.id);
    CHECK(back.attendee->firstName == "Zoë");
    REQUIRE(back.firstCheckin);  // the check-in in force
    CHECK(back.firstCheckin->id == first.checkin->id);
    CHECK(back.firstCheckin->kiosk == "entrance-1");
    CHECK_FALSE(back.checkin);
    CHECK_FALSE(back.printJob);  // they have their badge
    CHECK(back.caseRef.empty());

    CHECK(f.count("SELECT count(*) FROM checkins") == 1);
    CHECK(f.count("SELECT count(*) FROM refused_scans") == 0);
    CHECK(f.count("SELECT count(*) FROM print_jobs") == 1);
    CHECK(f.count("SELECT count(*) FROM reentries") == 1);
    CHECK(f.count("SELECT count(*) FROM reentries WHERE kiosk = 'entrance-2' AND checkin_id IN "
                  "(SELECT id FROM checkins)") == 1);

    f.check(scan(f.code, kDuringDoors + 5h, "entrance-1"));
    const auto s = f.db.stats().value();
    CHECK(s.checkedIn == 1);
    CHECK(s.reentries == 2);
    int64_t arrivals = 0;
    for (const auto& b : s.arrivalsPer5Min) arrivals += b.arrivals;
    CHECK(arrivals == 1);
    // The person's history is their arrivals and annuls: a re-entry is not one.
    CHECK(f.db.history(f.zoe.id).value().size() == 1);
    // The log is append-only.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(f.file.path().c_str(), &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, "DELETE FROM reentries", nullptr, nullptr, nullptr) != SQLITE_OK);
    CHECK(sqlite3_exec(raw, "UPDATE reentries SET kiosk = 'x'", nullptr, nullptr, nullptr) != SQLITE_OK);
    sqlite3_close(raw);
}

TEST_CASE("reentry: a repeated nonce is answered as the same re-entry and writes nothing twice") {
    Fixture f(true);
    const auto first = f.check(scan(f.code));
    const auto back = f.check(scan(f.code, kDuringDoors + 1h, "entrance-1", "nonce-back"));
    REQUIRE(back.outcome == Outcome::Reentry);
    const auto again = f.check(scan(f.code, kDuringDoors + 1h + 2s, "entrance-1", "nonce-back"));
    CHECK(again.outcome == Outcome::Reentry);
    REQUIRE(again.attendee);
    CHECK(again.attendee->id == f.zoe.id);
    REQUIRE(again.firstCheckin);
    CHECK(again.firstCheckin->id == first.checkin->id);
    CHECK(f.count("SELECT count(*) FROM reentries") == 1);
}

TEST_CASE(
    "reentry: the other checks still come first — doors, revoked, cancelled - after an annul it is an "
    "arrival again") {
    Fixture f(true);
    f.check(scan(f.code));
    CHECK(f.check(scan(f.code, at("2018-03-16T19:00:00Z"))).outcome == Outcome::Closed);
    CHECK(f.check(scan(f.code, at("2018-03-16T07:00:00Z"))).outcome == Outcome::NotOpenYet);

    REQUIRE(f.db.annul(f.zoe.id, "vol", "wrong person", "desk", kDuringDoors + 1h).ok());
    const auto again = f.check(scan(f.code, kDuringDoors + 2h));
    CHECK(again.outcome == Outcome::CheckedIn);
    CHECK(f.check(scan(f.code, kDuringDoors + 3h)).outcome == Outcome::Reentry);
    CHECK(f.db.stats().value().checkedIn == 1);

    // A code nobody holds is unknown whatever the setting.
    CHECK(f.check(scan("abcdefghjkmnpqrstuvwxyz234567")).outcome == Outcome::UnknownCode);
}

TEST_CASE("reentry: the desk's own check-in of someone already in is still refused (the desk sees why)") {
    Fixture f(true);
    f.check(scan(f.code));
    const auto r = f.db.checkInAttendee(f.zoe.id, "desk", kDuringDoors + 1h, "vol", "forgot phone").value();
    CHECK(r.outcome == Outcome::AlreadyCheckedIn);
}
