// The local side of replication (kiosk/core/src/store/replication.cpp): duplicates as a pure
// function of the check-ins, and the desk's two answers to one ("same person, fine", annul one).
// A check-in of another machine is written as the sync agent writes a pulled row.
#include "core_test_util.hpp"

#include <sqlite3.h>

#include <chrono>
#include <string>

using namespace kiosk::core;
using namespace kiosk::core::test;
using namespace std::chrono_literals;

namespace {

const DeskContext kDeskAmina{"desk-1", "desk:Amina", kDuringDoors + 1h};

std::string sqlText(const std::string& path, const std::string& sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::string out;
    int rc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const auto* t = sqlite3_column_text(st, 0);
        out += t ? reinterpret_cast<const char*>(t) : "NULL";
        out += '\n';
    }
    CHECK(rc == SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return out;
}

int64_t ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// Kiosk entrance-2 (device "k2"), apart from this one, also let the person in 5 minutes later;
/// its row arrived through the server 20 minutes after that (offline meanwhile).
std::string pulledCheckin(const std::string& path, const std::string& attendeeId) {
    const std::string id = "k2-checkin-" + attendeeId;
    sqlText(path,
            "INSERT INTO checkins(id, nonce, attendee_id, at, kiosk, action, actor, reason, device_id, "
            "received_at) VALUES ('" +
                id + "', 'nonce-" + id + "', '" + attendeeId + "', " +
                std::to_string(ms(kDuringDoors + 5min)) + ", 'entrance-2', 'checkin', 'self', '', 'k2', " +
                std::to_string(ms(kDuringDoors + 25min)) + ")");
    return id;
}

struct Pair {
    TempDb file;
    Database db = file.open();
    std::string attendeeId, here, there;
    Pair() {
        REQUIRE(db.setEvent(testEvent()).ok());
        attendeeId = db.addAttendee(person("Zoë", "Dvořák"), "t").value().id;
        const auto r = db.checkIn(scan(db.primaryCode(attendeeId).value(), kDuringDoors, "entrance-1"));
        REQUIRE(r.value().outcome == Outcome::CheckedIn);
        here = r.value().checkin->id;
        there = pulledCheckin(file.path(), attendeeId);
    }
};

}  // namespace

TEST_CASE("duplicates: both kiosks and both times, the late one marked, in force the earlier") {
    Pair p;
    const auto dups = p.db.duplicates().value();
    REQUIRE(dups.size() == 1);
    const DuplicateCheckin& d = dups[0];
    CHECK(d.attendeeId == p.attendeeId);
    CHECK(d.name == "Zoë Dvořák");
    CHECK(d.first.checkinId == p.here);
    CHECK(d.first.kiosk == "entrance-1");
    CHECK(d.first.device.empty());  // this machine
    CHECK(d.first.at == kDuringDoors);
    CHECK(d.second.checkinId == p.there);
    CHECK(d.second.kiosk == "entrance-2");
    CHECK(d.second.device == "k2");
    CHECK(d.second.at == kDuringDoors + 5min);
    CHECK(d.second.late());  // reached the server 20 minutes after it happened
    CHECK_FALSE(d.resolved);
    CHECK(p.db.stats().value().checkedIn == 1);  // the person once
}

TEST_CASE("duplicates: 'same person, fine' at the desk is recorded under the volunteer and travels") {
    Pair p;
    CHECK(p.db.resolveDuplicate(p.here, p.there, "desk:Amina", "", kDeskAmina.at).error().code ==
          "duplicate.not_found");  // the pair is (second, first)
    CHECK(p.db.resolveDuplicate(p.there, p.here, "", "", kDeskAmina.at).error().code == "duplicate.no_actor");
    REQUIRE(
        p.db.resolveDuplicate(p.there, p.here, kDeskAmina.actor, "same person, fine", kDeskAmina.at).ok());
    CHECK(p.db.duplicates(true).value().empty());
    const auto all = p.db.duplicates().value();
    REQUIRE(all.size() == 1);
    CHECK(all[0].resolved);
    // Written on this machine (device_id NULL: the agent pushes it), audited under the volunteer.
    CHECK(sqlText(p.file.path(),
                  "SELECT actor || '|' || note || '|' || coalesce(device_id, 'here') FROM "
                  "duplicate_resolutions") == "desk:Amina|same person, fine|here\n");
    CHECK(sqlText(p.file.path(), "SELECT actor FROM audit_log WHERE action = 'duplicate.resolve'") ==
          "desk:Amina\n");
    // Both check-ins stay; the earlier one is still in force.
    CHECK(p.db.history(p.attendeeId).value().size() == 2);
    CHECK(sqlText(p.file.path(), "SELECT current_checkin_id FROM attendees") == p.here + "\n");
}

TEST_CASE("duplicates: annulling one at the desk resolves the pair and the person stays in once") {
    Pair p;
    const auto annul = p.db.deskAnnul(p.attendeeId, "counted twice", kDeskAmina);
    REQUIRE(annul.ok());
    CHECK(annul.value().annuls == p.here);  // the desk annuls the check-in in force
    CHECK(p.db.duplicates(true).value().empty());
    REQUIRE(p.db.duplicates().value().size() == 1);
    CHECK(p.db.duplicates().value()[0].resolved);
    // The other kiosk's check-in is in force now: the person is still in, counted once.
    CHECK(sqlText(p.file.path(), "SELECT current_checkin_id FROM attendees") == p.there + "\n");
    CHECK(p.db.stats().value().checkedIn == 1);
}
