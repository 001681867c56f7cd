// The local side of replication (kiosk/core/src/store/replication.cpp): duplicates as a pure
// function of the check-ins, and the desk's two answers to one ("same person, fine", annul one).
// A check-in of another machine is written as the sync agent writes a pulled row.
#include "core_test_util.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

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

TEST_CASE("duplicates: 'annul one' annuls the check-in the desk chose, either of the pair") {
    SUBCASE("the later one: the earlier stays in force") {
        Pair p;
        const auto annul = p.db.deskAnnulCheckin(p.there, "duplicate of check-in " + p.here, kDeskAmina);
        REQUIRE(annul.ok());
        CHECK(annul.value().annuls == p.there);
        CHECK(annul.value().attendeeId == p.attendeeId);
        CHECK(sqlText(p.file.path(), "SELECT current_checkin_id FROM attendees") == p.here + "\n");
        CHECK(p.db.duplicates(true).value().empty());
        CHECK(p.db.stats().value().checkedIn == 1);
        CHECK(sqlText(p.file.path(), "SELECT actor FROM audit_log WHERE action = 'checkin.annul'") ==
              "desk:Amina\n");
        // Annulled once: a second desk pressing the same button is told, nothing written twice.
        CHECK(p.db.deskAnnulCheckin(p.there, "again", kDeskAmina).error().code == "checkin.already_annulled");
        CHECK(sqlText(p.file.path(), "SELECT count(*) FROM checkins WHERE action = 'annul'") == "1\n");
    }
    SUBCASE("the earlier one: the other kiosk's check-in is in force") {
        Pair p;
        REQUIRE(p.db.deskAnnulCheckin(p.here, "scanned by mistake", kDeskAmina).ok());
        CHECK(sqlText(p.file.path(), "SELECT current_checkin_id FROM attendees") == p.there + "\n");
        CHECK(p.db.stats().value().checkedIn == 1);
    }
    SUBCASE("refused: no reason, no actor, an unknown id, an annul row's id") {
        Pair p;
        CHECK(p.db.deskAnnulCheckin(p.there, "  ", kDeskAmina).error().code == "annul.no_reason");
        CHECK(p.db.deskAnnulCheckin(p.there, "x", {"desk-1", "", kDeskAmina.at}).error().code ==
              "annul.no_actor");
        CHECK(p.db.deskAnnulCheckin("nope", "x", kDeskAmina).error().code == "checkin.not_found");
        const auto annul = p.db.deskAnnulCheckin(p.there, "x", kDeskAmina).value();
        CHECK(p.db.deskAnnulCheckin(annul.id, "x", kDeskAmina).error().code == "checkin.not_found");
        CHECK(sqlText(p.file.path(), "SELECT count(*) FROM checkins WHERE action = 'annul'") == "1\n");
    }
}

TEST_CASE("duplicates: the dashboard's overview counts the open pairs") {
    Pair p;
    CHECK(p.db.overview(5).value().openDuplicates == 1);
    REQUIRE(p.db.resolveDuplicate(p.there, p.here, kDeskAmina.actor, "fine", kDeskAmina.at).ok());
    CHECK(p.db.overview(5).value().openDuplicates == 0);
}

TEST_CASE("sync status: a file whose agent is gone is offline, whatever the agent last wrote") {
    // What a SIGKILLed agent leaves: "online" in the file and no process holding <db>.sync.
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    sqlText(file.path(),
            "INSERT INTO sync_state(key, value) VALUES ('device', 'k1'), ('online', '1'), "
            "('last_sync_at', '" +
                std::to_string(ms(kDuringDoors)) +
                "'), ('machines', '[[\"d1\",\"dashboard\",true,0],[\"k1\",\"kiosk\",true,0],"
                "[\"k2\",\"kiosk\",false," +
                std::to_string(ms(kDuringDoors - 3min)) + "],[\"k3\",\"kiosk\",null,0], \"junk\"]')");
    auto s = db.syncStatus().value();
    CHECK(s.attached);
    CHECK_FALSE(s.agentRunning);
    CHECK_FALSE(s.online);
    CHECK(s.offlineSince == kDuringDoors);  // the last moment it was known in touch
    CHECK(s.lastError.find("not running") != std::string::npos);
    REQUIRE(s.machines.size() == 4);  // the junk entry is skipped
    CHECK(s.machines[0].name == "d1");
    CHECK(s.machines[0].kind == "dashboard");
    CHECK(s.machines[0].online);
    CHECK(s.machines[2].name == "k2");
    CHECK_FALSE(s.machines[2].online);
    CHECK(s.machines[2].lastSeenAt == kDuringDoors - 3min);
    CHECK_FALSE(s.machines[3].online);
    CHECK_FALSE(s.machines[3].lastSeenAt.has_value());  // enrolled, never connected

    // While a process holds the agent's lock (what `kiosk sync` does), the file's word stands.
    {
        const int fd = ::open((file.path() + ".sync").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        REQUIRE(fd >= 0);
        struct flock l {};
        l.l_type = F_WRLCK;
        l.l_whence = SEEK_SET;
        l.l_len = 1;
        REQUIRE(::fcntl(fd, F_OFD_SETLK, &l) == 0);
        s = db.syncStatus().value();
        CHECK(s.agentRunning);
        CHECK(s.online);
        CHECK(s.lastError.empty());
        ::close(fd);  // the kernel drops the lock with the descriptor, as when the agent dies
    }
    CHECK_FALSE(db.syncStatus().value().online);
}

TEST_CASE("duplicates: a pair already resolved is refused, nothing written twice") {
    Pair p;
    REQUIRE(p.db.resolveDuplicate(p.there, p.here, kDeskAmina.actor, "fine", kDeskAmina.at).ok());
    CHECK(p.db.resolveDuplicate(p.there, p.here, kDeskAmina.actor, "fine", kDeskAmina.at).error().code ==
          "duplicate.already_resolved");
    CHECK(sqlText(p.file.path(), "SELECT count(*) FROM duplicate_resolutions") == "1\n");
}
