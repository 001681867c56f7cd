// Issue 9 and 12 against a real database: a re-issued ticket secret revokes the old one, people
// missing from a complete re-export are reported (and revoked with revokeMissing), check-ins made
// at the source system are imported (pretix, Eventbrite, Indico), Indico's registration list and
// CSV, and a check-in during an import waits for one short transaction, not for the import.
#include "import_test_util.hpp"

#include <kiosk/core.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace kiosk::core;
using kiosk::core::test::TempDir;

namespace {

const TimePoint kT0 = TimePoint{std::chrono::milliseconds{1521187200000}};  // 2018-03-16T08:00:00Z

Database openDb(const std::string& path) {
    auto db = Database::open(path, Database::Mode::CreateIfMissing);
    if (!db) FAIL("open: " << db.error().message);
    return std::move(db).value();
}

ImportSummary applyText(Database& db, std::string_view text, ImportApplyOptions opt = {},
                        TimePoint at = kT0) {
    auto batch = parseExport(text);
    if (!batch) FAIL("parse: " << batch.error().message);
    auto sum = db.applyImport(*batch, "test", at, opt);
    if (!sum) FAIL("applyImport: " << sum.error().code << ": " << sum.error().message);
    return std::move(sum).value();
}

ScanResult scan(Database& db, const std::string& payload, TimePoint at = kT0) {
    ScanRequest req;
    req.payload = payload;
    req.kiosk = "entrance-1";
    req.at = at;
    auto r = db.checkIn(req, EngineOptions{.enforceDoors = false});
    if (!r) FAIL("checkIn: " << r.error().message);
    return std::move(r).value();
}

/// A wall-clock time in this machine's zone, as the importers read a time without an offset
/// (docs/import.md: the kiosk runs where the event is).
TimePoint localTime(int year, int month, int day, int hour, int minute, int second) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    tm.tm_isdst = -1;
    return TimePoint{std::chrono::seconds{std::mktime(&tm)}};
}

std::optional<Attendee> byExternalId(Database& db, const std::string& id) {
    auto all = db.attendees();
    REQUIRE(all.ok());
    for (const auto& a : *all)
        if (a.externalId == id) return a;
    return std::nullopt;
}

const char* kHeader =
    "Event slug,Order code,Position ID,Status,Product,Attendee name: Given name,Attendee name: Family name,"
    "Ticket secret\n";
}  // namespace

TEST_CASE("a re-issued pretix secret revokes the old one: its scan says revoked, the new one checks in") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    Event ev;
    ev.id = "civic-2026";
    ev.name = "Civic Tech Summit 2026";
    REQUIRE(db.setEvent(ev).ok());
    const std::string v1 = std::string(kHeader) +
                           "ev,AAA11,1,paid,Participant,Zoe,Dvorak,k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj\n"
                           "ev,AAA11,2,paid,Participant,Jan,Peeters,p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3\n";
    CHECK(applyText(db, v1).imported == 2);
    // pretix changed Zoë's order: a new secret for the same position.
    const std::string v2 = std::string(kHeader) +
                           "ev,AAA11,1,paid,Participant,Zoe,Dvorak,n3w8s2qx9vrp4hd7tyw5mzca6bfge2uj\n"
                           "ev,AAA11,2,paid,Participant,Jan,Peeters,p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3\n";
    const auto sum = applyText(db, v2);
    CHECK(sum.unchanged == 2);
    CHECK(sum.reissued == 1);
    CHECK(scan(db, "k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj").outcome == Outcome::Revoked);
    CHECK(scan(db, "n3w8s2qx9vrp4hd7tyw5mzca6bfge2uj").outcome == Outcome::CheckedIn);
    CHECK(scan(db, "p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3").outcome == Outcome::CheckedIn);
    // The same export again changes nothing; going back to the old secret makes it valid again.
    CHECK(applyText(db, v2).reissued == 0);
    CHECK(applyText(db, v1).reissued == 1);
    CHECK(scan(db, "k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj").outcome == Outcome::AlreadyCheckedIn);
    CHECK(scan(db, "n3w8s2qx9vrp4hd7tyw5mzca6bfge2uj").outcome == Outcome::Revoked);

    // Our own code is not an export's: a new pretix secret never revokes it.
    auto zoe = byExternalId(db, "AAA11-1");
    REQUIRE(zoe);
    const auto own = db.issueCode(zoe->id);
    REQUIRE(own.ok());
    applyText(db, v2);
    CHECK(scan(db, *own).outcome == Outcome::AlreadyCheckedIn);

    // Eventbrite barcodes too (a transferred ticket gets a new barcode).
    const std::string eb1 =
        "Order #,Attendee #,First Name,Last Name,Attendee Status,Barcode #\n1001,2001,Ann,Lee,Attending,"
        "10012001001\n";
    const std::string eb2 =
        "Order #,Attendee #,First Name,Last Name,Attendee Status,Barcode #\n1001,2001,Ann,Lee,Attending,"
        "10012001002\n";
    applyText(db, eb1);
    CHECK(applyText(db, eb2).reissued == 1);
    CHECK(scan(db, "10012001001").outcome == Outcome::Revoked);
    CHECK(scan(db, "10012001002").outcome == Outcome::CheckedIn);
}

TEST_CASE("people missing from a complete re-export are reported - revokeMissing cancels them") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    const std::string v1 = std::string(kHeader) +
                           "ev,AAA11,1,paid,Participant,Zoe,Dvorak,k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj\n"
                           "ev,AAA11,2,paid,Participant,Jan,Peeters,p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3\n"
                           "ev,BBB22,1,paid,Participant,Eva,Claes,zz3n8s2qx9vrp4hd7tyw5mzca6bfge2u\n";
    applyText(db, v1);
    // Jan's position was deleted in pretix; the export no longer has him.
    const std::string v2 = std::string(kHeader) +
                           "ev,AAA11,1,paid,Participant,Zoe,Dvorak,k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj\n"
                           "ev,BBB22,1,paid,Participant,Eva,Claes,zz3n8s2qx9vrp4hd7tyw5mzca6bfge2u\n";
    const auto reported = applyText(db, v2);
    CHECK(reported.missingCount == 1);
    REQUIRE(reported.missing.size() == 1);
    CHECK(reported.missing[0].externalId == "AAA11-2");
    CHECK(reported.missing[0].name == "Jan Peeters");
    CHECK(reported.missingRevoked == 0);
    CHECK(scan(db, "p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3").outcome == Outcome::CheckedIn);  // only reported

    // A file with a rejected row does not revoke anyone: that row's person would look missing.
    const std::string bad = std::string(kHeader) +
                            "ev,AAA11,1,paid,Participant,Zoe,Dvorak,k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj\n"
                            "ev,BBB22,1,bogus,Participant,Eva,Claes,zz3n8s2qx9vrp4hd7tyw5mzca6bfge2u\n";
    const auto refused = applyText(db, bad, {.revokeMissing = true});
    CHECK(refused.missingCount == 2);
    CHECK(refused.missingRevoked == 0);
    CHECK_FALSE(refused.notes.empty());

    const auto revoked = applyText(db, v2, {.revokeMissing = true});
    CHECK(revoked.missingCount == 1);
    CHECK(revoked.missingRevoked == 1);
    CHECK(byExternalId(db, "AAA11-2")->status == AttendeeStatus::Cancelled);
    CHECK(scan(db, "p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3").outcome == Outcome::Revoked);
    CHECK(applyText(db, v2).missingCount == 0);  // cancelled people are no longer "missing"

    // Back in a later export: registered again, the code valid again.
    applyText(db, v1);
    CHECK(byExternalId(db, "AAA11-2")->status == AttendeeStatus::Registered);
    CHECK(scan(db, "p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3").outcome == Outcome::AlreadyCheckedIn);

    // Another system's people are not "missing" from a pretix file.
    applyText(db, "first_name,last_name,external_id\nGen,Eric,g1\n");
    CHECK(applyText(db, v1).missingCount == 0);
}

TEST_CASE(
    "earlier check-ins in a pretix check-in list: already_checked_in with pretix's time, headcount right") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    auto batch = parseExportFile(std::string(KIOSK_IMPORT_DATA) + "/pretix_checkin_en.csv");
    REQUIRE(batch.ok());
    auto sum = db.applyImport(*batch, "test", kT0);
    REQUIRE(sum.ok());
    CHECK(sum->earlierCheckins == 1);
    const auto stats = db.stats();
    REQUIRE(stats.ok());
    CHECK(stats->checkedIn == 1);
    const auto r = scan(db, "p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3", kT0 + std::chrono::hours(2));
    CHECK(r.outcome == Outcome::AlreadyCheckedIn);
    REQUIRE(r.firstCheckin);
    CHECK(r.firstCheckin->kiosk == "pretix");
    CHECK(r.firstCheckin->at == localTime(2018, 3, 16, 8, 42, 7));
    // Importing the same list again adds no second arrival.
    auto again = db.applyImport(*batch, "test", kT0);
    REQUIRE(again.ok());
    CHECK(again->earlierCheckins == 0);
    CHECK(db.stats()->checkedIn == 1);
}

TEST_CASE("earlier check-ins from an Eventbrite report: 'Checked In' is an arrival made at Eventbrite") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    const auto sum = applyText(db,
                               "Order #,Attendee #,First Name,Last Name,Attendee Status,Barcode #\n"
                               "1001,2001,Ann,Lee,Checked In,10012001001\n"
                               "1001,2002,Bob,Wu,Attending,10012002001\n",
                               {}, kT0);
    CHECK(sum.earlierCheckins == 1);
    CHECK(db.stats()->checkedIn == 1);
    const auto r = scan(db, "10012001001", kT0 + std::chrono::minutes(5));
    CHECK(r.outcome == Outcome::AlreadyCheckedIn);
    REQUIRE(r.firstCheckin);
    CHECK(r.firstCheckin->kiosk == "eventbrite");
    CHECK(r.firstCheckin->at == kT0);  // no time in the report: the import's
    CHECK(scan(db, "10012002001").outcome == Outcome::CheckedIn);
}

TEST_CASE("Indico registration list (check-in API JSON): states, earlier check-ins, both ticket forms") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    Event ev;
    ev.id = "civic-2026";
    ev.name = "Civic Tech Summit 2026";
    REQUIRE(db.setEvent(ev).ok());
    const std::string path = std::string(KIOSK_IMPORT_DATA) + "/indico_registrations.json";
    auto batch = parseExportFile(path);
    REQUIRE(batch.ok());
    CHECK(batch->source == "indico");
    CHECK(batch->detected == ImportFormat::Indico);
    REQUIRE(batch->rejected.size() == 1);
    CHECK(batch->rejected[0].line == 5);
    CHECK(batch->rejected[0].reason.find("checkin_secret") != std::string::npos);
    auto sum = db.importFile(path, ImportFormat::Auto, "test", kT0);
    REQUIRE(sum.ok());
    CHECK(sum->imported == 4);
    CHECK(sum->earlierCheckins == 1);
    auto zoe = byExternalId(db, "email:zoe.dvorak@example.org");
    REQUIRE(zoe);
    CHECK(zoe->firstName == "Zoë");
    CHECK(zoe->organisation == "Université libre de Bruxelles");
    CHECK(zoe->category == "speaker");

    // Compact form (Indico ≥ 3.3): base64 of the UUID's 16 bytes; unknown keys ignored.
    const std::string zoeTicket = R"({"i":[2,"indico.example.org","D4+tW9nLRp+hZXCGdyiVDg=="],"x":1})";
    auto r = scan(db, zoeTicket, kT0 + std::chrono::hours(1));
    CHECK(r.outcome == Outcome::AlreadyCheckedIn);  // checked in at Indico, 08:42:07Z
    REQUIRE(r.firstCheckin);
    CHECK(r.firstCheckin->kiosk == "indico");
    CHECK(r.firstCheckin->at == *parseIso8601("2026-03-16T08:42:07Z"));
    // Older form with checkin_secret (upper case in the list, any case in the code).
    CHECK(scan(db, R"({"registrant_id":"102","checkin_secret":"3f1b2a6e-6c7d-4b8e-9a0f-1c2d3e4f5a6b",)"
                   R"("event_id":"7","server_url":"https://indico.example.org","version":1,"extra":[1]})")
              .outcome == Outcome::CheckedIn);
    // Withdrawn and rejected registrations are not admitted: imported cancelled, their tickets
    // revoked (as cancelled pretix positions).
    CHECK(scan(db, R"({"i":[2,"indico.example.org","fJ5meXQlQN6US+B/wfkK5w=="]})").outcome ==
          Outcome::Revoked);
    CHECK(scan(db, R"({"checkin_secret":"16fd2706-8baf-433b-82eb-8c7fada847da"})").outcome ==
          Outcome::Revoked);
    CHECK(byExternalId(db, "email:nadia@example.org")->status == AttendeeStatus::Cancelled);
    // A ticket of another Indico server: wrong_event (ours was learnt from the first known ticket).
    CHECK(scan(db, R"({"i":[2,"indico.other.org","AAECAwQFBgcICQoLDA0ODw=="]})").outcome ==
          Outcome::WrongEvent);
    CHECK(scan(db, R"({"i":[2,"indico.example.org","AAECAwQFBgcICQoLDA0ODw=="]})").outcome ==
          Outcome::UnknownCode);
    // An accompanying person's ticket (4th element) is not the registrant's.
    CHECK(scan(db, R"({"i":[2,"indico.example.org","D4+tW9nLRp+hZXCGdyiVDg==","c0ffee"]})").outcome ==
          Outcome::UnknownCode);
}

TEST_CASE(
    "Indico registrations CSV: BOM, CRLF, found by name only (said in the summary), earlier check-ins") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    const std::string path = std::string(KIOSK_IMPORT_DATA) + "/indico_registrations.csv";
    auto sum = db.importFile(path, ImportFormat::Auto, "test", kT0);
    REQUIRE(sum.ok());
    CHECK(sum->source == "indico");
    CHECK(sum->imported == 5);
    CHECK(sum->rejected.empty());
    CHECK(sum->earlierCheckins == 1);
    REQUIRE_FALSE(sum->notes.empty());
    CHECK(sum->notes[0].find("found by name") != std::string::npos);
    auto zoe = byExternalId(db, "email:zoe.dvorak@example.org");
    REQUIRE(zoe);
    CHECK(zoe->lastName == "Dvořák");
    CHECK(zoe->category == "speaker");
    CHECK(byExternalId(db, "email:nadia@example.org")->status == AttendeeStatus::Cancelled);
    CHECK(byExternalId(db, "email:r@example.org")->status == AttendeeStatus::Cancelled);
    CHECK(byExternalId(db, "email:pieter@example.be")->category == "press");
    const auto history = db.history(zoe->id);
    REQUIRE(history.ok());
    REQUIRE(history->size() == 1);
    CHECK((*history)[0].kiosk == "indico");
    CHECK((*history)[0].at == localTime(2026, 3, 16, 9, 42, 7));
    CHECK(db.stats()->checkedIn == 1);
    auto found = db.search("dvorak");
    REQUIRE(found.ok());
    CHECK(found->size() == 1);
    // The JSON list brings the same people (matched by e-mail: the API's id is another number
    // than the CSV's ID) with their tickets.
    auto json = db.importFile(std::string(KIOSK_IMPORT_DATA) + "/indico_registrations.json",
                              ImportFormat::Auto, "test", kT0);
    REQUIRE(json.ok());
    CHECK(json->imported == 0);
    CHECK(scan(db, R"({"i":[2,"indico.example.org","D4+tW9nLRp+hZXCGdyiVDg=="]})").outcome ==
          Outcome::AlreadyCheckedIn);
}

namespace {
/// A pretix positions export of `rows` people, as bench/import writes it (smaller).
std::string pretixExport(int rows) {
    std::mt19937 rng(7);
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    std::string out =
        "Event slug,Order code,Position ID,Status,Product,Attendee name: Given name,Attendee name: Family "
        "name,Attendee email,Company,Ticket secret,Order locale\n";
    for (int i = 0; i < rows; ++i) {
        std::string secret(32, 'a');
        for (char& ch : secret) ch = alphabet[rng() % 31];
        out += "ev,O" + std::to_string(i) + ",1,paid,Participant,Given" + std::to_string(i) + ",Family" +
               std::to_string(i % 97) + ",p" + std::to_string(i) + "@example.org,Org " +
               std::to_string(i % 13) + "," + secret + ",fr\n";
    }
    return out;
}
}  // namespace

TEST_CASE("a check-in during an import waits for one short transaction, not for the import") {
    TempDir dir;
    const std::string dbPath = dir.file("event.db");
    const std::string csvPath = dir.file("export.csv");
    {
        std::ofstream(csvPath, std::ios::binary) << pretixExport(40000);
        auto db = openDb(dbPath);
        applyText(db, "first_name,last_name,code\nDoor,Person,door-person-code-1\n");
    }
    std::atomic<bool> importing{true};
    std::optional<Result<ImportSummary>> sum;
    double importMs = 0;
    std::thread importer([&] {
        auto db = openDb(dbPath);
        const auto t0 = std::chrono::steady_clock::now();
        sum = db.importFile(csvPath, ImportFormat::Auto, "test", kT0);
        importMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        importing = false;
    });
    // The door: a scan every 20 ms while the import runs (each one writes: a check-in or a
    // refused repeat), timing how long each waits.
    auto door = openDb(dbPath);
    std::vector<double> waits;
    auto timedScan = [&] {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = scan(door, "door-person-code-1");
        CHECK((r.outcome == Outcome::CheckedIn || r.outcome == Outcome::AlreadyCheckedIn));
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    };
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    while (importing) {
        const double ms = timedScan();
        if (importing) waits.push_back(ms);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    importer.join();
    // The same scan with nothing else running: its own fsync and work, for comparison.
    std::vector<double> alone;
    alone.reserve(10);
    for (int i = 0; i < 10; ++i) alone.push_back(timedScan());
    std::sort(alone.begin(), alone.end());
    REQUIRE(sum);
    REQUIRE(sum->ok());
    CHECK((*sum)->imported == 40000);
    REQUIRE_FALSE(waits.empty());
    std::sort(waits.begin(), waits.end());
    const double median = waits[waits.size() / 2], worst = waits.back();
    MESSAGE("import " << importMs << " ms; " << waits.size() << " check-ins during it: median " << median
                      << " ms, worst " << worst << " ms; without an import: median "
                      << alone[alone.size() / 2] << " ms");
    // One transaction is at most ~20 ms of import: a check-in waits for the rest of the one
    // running, then goes in before the next (before: up to the whole import).
    CHECK(median < 50);
    CHECK(worst < 250);
}
