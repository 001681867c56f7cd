// The check-in engine: one case per outcome, the nonce, annul, desk check-in, foreign codes.
#include "core_test_util.hpp"

#include <sqlite3.h>

using namespace kiosk::core;
using namespace kiosk::core::test;

namespace {

struct Fixture {
    TempDb file;
    Database db = file.open();
    Attendee zoe, ahmed;
    std::string zoeCode, ahmedCode;

    Fixture() {
        REQUIRE(db.setEvent(testEvent()).ok());
        zoe = db.addAttendee(person("Zoë", "Dvořák", "Ville de Bruxelles"), "test").value();
        ahmed = db.addAttendee(person("Ahmed", "El Amrani", "CNCD-11.11.11"), "test").value();
        zoeCode = db.primaryCode(zoe.id).value();
        ahmedCode = db.primaryCode(ahmed.id).value();
    }
    ScanResult check(const ScanRequest& r, EngineOptions opt = {}) {
        auto res = db.checkIn(r, opt);
        REQUIRE_MESSAGE(res.ok(), (res.ok() ? "" : res.error().message));
        return std::move(res).value();
    }
    int64_t count(const char* table) const {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open_v2(file.path().c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        const std::string sql = std::string("SELECT count(*) FROM ") + table;
        REQUIRE(sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        const int64_t n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(raw);
        return n;
    }
};

}  // namespace

TEST_CASE("engine: checked_in writes one arrival with time and kiosk") {
    Fixture f;
    const auto r = f.check(scan(f.zoeCode));
    CHECK(r.outcome == Outcome::CheckedIn);
    REQUIRE(r.attendee);
    CHECK(r.attendee->id == f.zoe.id);
    REQUIRE(r.checkin);
    CHECK(r.checkin->at == kDuringDoors);
    CHECK(r.checkin->kiosk == "entrance-1");
    CHECK(r.codeKind == "kiosk");
    CHECK(r.caseRef.empty());
    CHECK(f.count("checkins") == 1);
    CHECK(f.count("refused_scans") == 0);
}

TEST_CASE("engine: already_checked_in reports the first check-in's time and kiosk") {
    Fixture f;
    f.check(scan(f.zoeCode, kDuringDoors, "entrance-1"));
    const auto r = f.check(scan(f.zoeCode, kDuringDoors + std::chrono::minutes(20), "entrance-2"));
    CHECK(r.outcome == Outcome::AlreadyCheckedIn);
    REQUIRE(r.firstCheckin);
    CHECK(r.firstCheckin->at == kDuringDoors);
    CHECK(r.firstCheckin->kiosk == "entrance-1");
    CHECK(r.caseRef.size() == 7);
    CHECK(f.count("checkins") == 1);
    CHECK(f.count("refused_scans") == 1);
    const auto refused = f.db.refusedScans(true, 10).value();
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].caseRef == r.caseRef);
    CHECK(refused[0].outcome == Outcome::AlreadyCheckedIn);
}

TEST_CASE("engine: unknown_code for a well-formed code nobody holds") {
    Fixture f;
    const auto r = f.check(scan("abcdefghjkmnpqrstuvwxyz234567"));
    CHECK(r.outcome == Outcome::UnknownCode);
    CHECK(r.codeKind == "pretix");
    CHECK_FALSE(r.attendee);
    CHECK_FALSE(r.caseRef.empty());
    CHECK(f.count("refused_scans") == 1);
}

TEST_CASE("engine: revoked code of an imported attendee") {
    Fixture f;
    ImportBatch b;
    b.source = "pretix";
    ImportRow row;
    row.line = 2;
    row.attendee = person("Anna", "Kowalska");
    row.attendee.externalId = "ABC12-1";
    row.codes = {"kx8vqp2mz7ntrhd3"};
    b.rows.push_back(row);
    REQUIRE(f.db.applyImport(b, "test", kDuringDoors).ok());
    b.rows[0].cancelled = true;
    const auto sum = f.db.applyImport(b, "test", kDuringDoors).value();
    CHECK(sum.revoked == 1);
    const auto r = f.check(scan("kx8vqp2mz7ntrhd3"));
    CHECK(r.outcome == Outcome::Revoked);
    REQUIRE(r.attendee);
    CHECK(r.attendee->lastName == "Kowalska");
}

TEST_CASE("engine: cancelled attendee with a valid code") {
    Fixture f;
    Attendee a = person("Jan", "Peeters");
    a.status = AttendeeStatus::Cancelled;
    a = f.db.addAttendee(a, "test").value();
    const auto code = f.db.issueCode(a.id).value();
    const auto r = f.check(scan(code));
    CHECK(r.outcome == Outcome::Cancelled);
    CHECK(f.count("checkins") == 0);
}

TEST_CASE("engine: wrong_event for our code from another event") {
    Fixture f;
    TempDb otherFile;
    Database other = otherFile.open();
    REQUIRE(other.setEvent(testEvent("other-2019")).ok());
    const auto a = other.addAttendee(person("Zoë", "Dvořák"), "test").value();
    const auto foreign = other.primaryCode(a.id).value();
    const auto r = f.check(scan(foreign));
    CHECK(r.outcome == Outcome::WrongEvent);
    CHECK(r.codeKind == "kiosk");
}

TEST_CASE("engine: not_open_yet and closed follow the doors / desk override ignores them") {
    Fixture f;
    CHECK(f.check(scan(f.zoeCode, at("2018-03-16T07:59:59Z"))).outcome == Outcome::NotOpenYet);
    CHECK(f.check(scan(f.zoeCode, at("2018-03-16T18:00:00Z"))).outcome == Outcome::Closed);
    CHECK(f.count("checkins") == 0);
    EngineOptions desk;
    desk.enforceDoors = false;
    CHECK(f.check(scan(f.zoeCode, at("2018-03-16T07:00:00Z")), desk).outcome == Outcome::CheckedIn);
}

TEST_CASE("engine: invalid_payload for empty / oversized / invalid UTF-8 and forged codes") {
    Fixture f;
    CHECK(f.check(scan("")).outcome == Outcome::InvalidPayload);
    CHECK(f.check(scan(std::string(5000, 'a'))).outcome == Outcome::InvalidPayload);
    CHECK(f.check(scan("\xff\xfe")).outcome == Outcome::InvalidPayload);
    std::string forged = f.zoeCode;
    forged[20] = forged[20] == 'A' ? 'B' : 'A';
    CHECK(f.check(scan(forged)).outcome == Outcome::InvalidPayload);
    CHECK(f.count("checkins") == 0);
    CHECK(f.count("refused_scans") == 4);
}

TEST_CASE("engine: the order of checks: revoked wins over cancelled / cancelled over doors") {
    Fixture f;
    ImportBatch b;
    b.source = "eventbrite";
    ImportRow row;
    row.line = 2;
    row.attendee = person("Pierre", "Dubois");
    row.attendee.externalId = "111-222";
    row.codes = {"1112223334445556666001"};
    row.cancelled = true;
    b.rows.push_back(row);
    REQUIRE(f.db.applyImport(b, "test", kDuringDoors).ok());
    // Outside the doors, cancelled and with a revoked code: the earliest check decides.
    CHECK(f.check(scan("1112223334445556666001", at("2018-03-16T06:00:00Z"))).outcome == Outcome::Revoked);
    Attendee c = person("Lea", "Martin");
    c.status = AttendeeStatus::Cancelled;
    c = f.db.addAttendee(c, "test").value();
    CHECK(f.check(scan(f.db.issueCode(c.id).value(), at("2018-03-16T06:00:00Z"))).outcome ==
          Outcome::Cancelled);
}

TEST_CASE("engine: a repeated nonce writes nothing twice and returns the original outcome") {
    Fixture f;
    const auto first = f.check(scan(f.zoeCode, kDuringDoors, "entrance-1", "nonce-1"));
    CHECK(first.outcome == Outcome::CheckedIn);
    const auto again =
        f.check(scan(f.zoeCode, kDuringDoors + std::chrono::seconds(3), "entrance-1", "nonce-1"));
    CHECK(again.outcome == Outcome::CheckedIn);
    REQUIRE(again.checkin);
    CHECK(again.checkin->id == first.checkin->id);
    CHECK(f.count("checkins") == 1);
    CHECK(f.count("refused_scans") == 0);

    const auto refused = f.check(scan("nobody-has-this", kDuringDoors, "entrance-1", "nonce-2"));
    const auto refusedAgain = f.check(scan("nobody-has-this", kDuringDoors, "entrance-1", "nonce-2"));
    CHECK(refusedAgain.outcome == Outcome::UnknownCode);
    CHECK(refusedAgain.caseRef == refused.caseRef);
    CHECK(f.count("refused_scans") == 1);
}

TEST_CASE("engine: annul is appended with actor and reason / then the person can check in again") {
    Fixture f;
    f.check(scan(f.zoeCode));
    CHECK(f.db.annul(f.zoe.id, "marie", "", "desk", kDuringDoors).error().code == "annul.no_reason");
    REQUIRE(f.db.annul(f.zoe.id, "marie", "scanned the wrong badge", "desk",
                       kDuringDoors + std::chrono::minutes(1))
                .ok());
    CHECK(f.db.annul(f.zoe.id, "marie", "again", "desk", kDuringDoors).error().code ==
          "checkin.not_checked_in");
    CHECK(f.db.stats().value().checkedIn == 0);
    const auto again = f.check(scan(f.zoeCode, kDuringDoors + std::chrono::minutes(5), "entrance-2"));
    CHECK(again.outcome == Outcome::CheckedIn);
    const auto h = f.db.history(f.zoe.id).value();
    REQUIRE(h.size() == 3);
    CHECK(h[0].action == CheckinAction::Checkin);
    CHECK(h[1].action == CheckinAction::Annul);
    CHECK(h[1].actor == "marie");
    CHECK(h[1].reason == "scanned the wrong badge");
    CHECK(h[2].kiosk == "entrance-2");
    // already_checked_in now reports the check-in in force, not the annulled one.
    const auto dup = f.check(scan(f.zoeCode, kDuringDoors + std::chrono::minutes(9)));
    REQUIRE(dup.firstCheckin);
    CHECK(dup.firstCheckin->kiosk == "entrance-2");
    const auto audit = f.db.audit(10).value();
    REQUIRE_FALSE(audit.empty());
    CHECK(audit[0].action == "checkin.annul");
}

TEST_CASE("engine: the check-in log refuses updates and deletes") {
    Fixture f;
    f.check(scan(f.zoeCode));
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(f.file.path().c_str(), &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, "UPDATE checkins SET kiosk = 'x'", nullptr, nullptr, nullptr) != SQLITE_OK);
    CHECK(sqlite3_exec(raw, "DELETE FROM checkins", nullptr, nullptr, nullptr) != SQLITE_OK);
    sqlite3_close(raw);
    CHECK(f.count("checkins") == 1);
}

TEST_CASE("engine: desk check-in by attendee id") {
    Fixture f;
    const auto r = f.db.checkInAttendee(f.ahmed.id, "desk", kDuringDoors, "marie", "forgot phone").value();
    CHECK(r.outcome == Outcome::CheckedIn);
    CHECK(r.checkin->actor == "marie");
    CHECK(r.checkin->reason == "forgot phone");
    CHECK(f.db.checkInAttendee(f.ahmed.id, "desk", kDuringDoors, "marie", "").value().outcome ==
          Outcome::AlreadyCheckedIn);
    CHECK(f.db.checkInAttendee("nope", "desk", kDuringDoors, "marie", "").error().code ==
          "attendee.not_found");
    CHECK(f.check(scan(f.ahmedCode)).outcome == Outcome::AlreadyCheckedIn);
}

TEST_CASE("engine: codes of other systems resolve through their imported values") {
    Fixture f;
    ImportBatch b;
    b.source = "generic";
    auto add = [&](const char* first, const char* extId, std::vector<std::string> codes,
                   std::vector<std::string> prefixes = {}) {
        ImportRow row;
        row.line = static_cast<int>(b.rows.size()) + 2;
        row.attendee = person(first, "Test");
        row.attendee.externalId = extId;
        row.codes = std::move(codes);
        row.codePrefixes = std::move(prefixes);
        b.rows.push_back(row);
    };
    add("Pretix", "p1", {"abcdefghjkmnpqrstuvwxyz2345678"});
    add("Eventbrite", "e1", {"7654321098765432101001"});
    add("Fallback", "e2", {}, {"1234567890987654321"});
    add("Indico", "i1", {"0f8fad5b-d9cb-469f-a165-70867728950e"});
    add("Hievents", "h1", {"A-7XK2P9Q"});
    // base64 of 0x01 0x00 + body, reversed (pretix_sig1 shape; we recognise it, the import holds it).
    const std::string signedPretix =
        "=="
        "wJmUCJjISIg8hHdwxGakBGXYRFUMhERAxDO0ADLoQCIcgBFQwACEAA4hXLkV2cp52ZvNWZy1Ses52bts2cvl2atUGa01yZulGdzV"
        "G"
        "dtI3bm1Sek9mYtQWZudWaz1CepRXZyBXLltWYmBQA";
    add("Signed", "p2", {signedPretix});
    const auto sum = f.db.applyImport(b, "test", kDuringDoors).value();
    CHECK(sum.imported == 6);
    CHECK(sum.rejected.empty());

    auto who = [&](const std::string& payload) {
        const auto r = f.check(scan(payload));
        return r.attendee
                   ? r.attendee->firstName + "/" + std::string(reasonCode(r.outcome)) + "/" + r.codeKind
                   : std::string(reasonCode(r.outcome));
    };
    CHECK(who("abcdefghjkmnpqrstuvwxyz2345678") == "Pretix/checked_in/pretix");
    CHECK(who("7654321098765432101001") == "Eventbrite/checked_in/eventbrite");
    CHECK(who("1234567890987654321001") == "Fallback/checked_in/eventbrite");
    CHECK(who("{\"i\":[2,\"indico.example.org\",\"D4+tW9nLRp+hZXCGdyiVDg==\"]}") ==
          "Indico/checked_in/indico");
    CHECK(who("A-7XK2P9Q") == "Hievents/checked_in/hievents");
    CHECK(who(signedPretix) == "Signed/checked_in/pretix");
    CHECK(who("99999999999999999") == "unknown_code");
}

TEST_CASE("engine: Indico legacy JSON resolves by checkin_secret") {
    Fixture f;
    ImportBatch b;
    b.source = "generic";
    ImportRow row;
    row.line = 2;
    row.attendee = person("Old", "Indico");
    row.attendee.externalId = "i2";
    row.codes = {"3f1b2a6e-6c7d-4b8e-9a0f-1c2d3e4f5a6b"};
    b.rows.push_back(row);
    REQUIRE(f.db.applyImport(b, "test", kDuringDoors).ok());
    const auto r =
        f.check(scan(R"({"registrant_id":"42","checkin_secret":"3F1B2A6E-6C7D-4B8E-9A0F-1C2D3E4F5A6B",)"
                     R"("event_id":"7","server_url":"https://indico.example.org","version":1})"));
    CHECK(r.outcome == Outcome::CheckedIn);
    CHECK(r.codeKind == "indico");
}

TEST_CASE("engine: a check-in survives reopening the database") {
    Fixture f;
    f.check(scan(f.zoeCode));
    Database again = f.file.open();
    CHECK(again.checkIn(scan(f.zoeCode)).value().outcome == Outcome::AlreadyCheckedIn);
}
