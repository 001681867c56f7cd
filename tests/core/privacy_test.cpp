// Personal data (issue 13, docs/privacy.md): erase leaves nothing of the person in the database
// file or its -wal, keeps the counts, revokes the codes; `person` covers every table that can
// mention a person; purge anonymises a whole event and keeps its statistics.
#include "core_test_util.hpp"

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace kiosk::core;
using namespace kiosk::core::test;

namespace {

std::string bytesOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The raw bytes of the database file and its write-ahead log, as a disk image would show them.
std::string fileBytes(const std::string& db) {
    return bytesOf(db) + '\n' + bytesOf(db + "-wal") + '\n' + bytesOf(db + "-journal");
}

std::vector<std::string> column(const std::string& path, const std::string& sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(raw));
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const auto* t = sqlite3_column_text(st, 0);
        out.emplace_back(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return out;
}

/// SQLite's answer to `sql` on a connection of its own: "" if it ran, else the error message.
std::string tryExec(const std::string& path, const std::string& sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    char* msg = nullptr;
    std::string err;
    if (sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) err = msg ? msg : "error";
    sqlite3_free(msg);
    sqlite3_close(raw);
    return err;
}

std::string statsText(const Stats& s) {
    std::ostringstream o;
    o << s.registered << '/' << s.checkedIn << ';';
    for (const auto& g : s.byCategory) o << g.name << '=' << g.registered << '/' << g.checkedIn << ',';
    o << ';';
    for (const auto& g : s.byWorkingGroup) o << g.name << '=' << g.registered << '/' << g.checkedIn << ',';
    o << ';';
    for (const auto& b : s.arrivalsPer5Min) o << formatIso8601(b.start) << '=' << b.arrivals << ',';
    return o.str();
}

struct Scene {
    TempDb file;
    Database db = file.open();
    std::string id, other, code, otherCode;
    static constexpr const char* kFirst = "Wolfgang";
    static constexpr const char* kLast = "Quirinvaldez-Øhrström";
    static constexpr const char* kEmail = "wolfgang.quirinvaldez@example.org";
    static constexpr const char* kCode = "PRETIXSECRETq7w8e9r0t1y2u3i4o5p6";
    static constexpr const char* kExternal = "QWRTZ-42";

    Scene() {
        REQUIRE(db.setEvent(testEvent()).ok());
        ImportBatch b;
        b.source = "pretix";
        ImportRow r;
        r.line = 2;
        r.attendee = person(kFirst, kLast, "Institut Wolfgang", "speaker");
        r.attendee.email = kEmail;
        r.attendee.externalId = kExternal;
        r.attendee.workingGroup = "B";
        r.codes = {kCode};
        ImportRow s;
        s.line = 3;
        s.attendee = person("Marguerite", "Vandenbroucke", "ULB");
        s.attendee.email = "marguerite@example.org";
        s.attendee.externalId = "ASDFG-7";
        s.codes = {"PRETIXSECRETmarguerite0000000000"};
        b.rows = {r, s};
        REQUIRE(db.applyImport(b, "importer", kDuringDoors).ok());
        id = db.search("wolfgang").value().at(0).id;
        other = db.search("marguerite").value().at(0).id;
        code = kCode;
        otherCode = "PRETIXSECRETmarguerite0000000000";

        // Everything the day leaves behind about a person: a badge name set at the desk, an
        // arrival with its badge job, an annul and a desk check-in whose reasons quote them, a
        // repeat scan sent to the desk and its note, a note on someone else's case naming them.
        REQUIRE(db.renameForBadge(id, "Wolfi Quirinvaldez", "desk").ok());
        EngineOptions badge;
        badge.queueBadge = true;
        REQUIRE(db.checkIn(scan(code, kDuringDoors), badge).value().outcome == Outcome::CheckedIn);
        REQUIRE(db.annul(id, "desk", "Wolfgang Quirinvaldez came back out", "desk",
                         kDuringDoors + std::chrono::minutes(3))
                    .ok());
        REQUIRE(db.checkInAttendee(id, "desk", kDuringDoors + std::chrono::minutes(20), "desk",
                                   "phone flat, wolfgang.quirinvaldez@example.org")
                    .value()
                    .outcome == Outcome::CheckedIn);
        const auto repeat = db.checkIn(scan(code, kDuringDoors + std::chrono::minutes(30))).value();
        REQUIRE(repeat.outcome == Outcome::AlreadyCheckedIn);
        REQUIRE(db.resolveRefusedScan(repeat.caseRef, "desk", "told Wolfgang he is in").ok());
        REQUIRE(db.checkIn(scan(otherCode, kDuringDoors + std::chrono::minutes(7))).value().outcome ==
                Outcome::CheckedIn);
        const auto stranger = db.checkIn(scan("not-a-code", kDuringDoors + std::chrono::minutes(8))).value();
        REQUIRE(db.resolveRefusedScan(stranger.caseRef, "desk", "friend of Quirinvaldez, no ticket").ok());
    }

    /// What must be gone: UTF-8 as stored, and the folded lowercase tokens FTS5 and the sort
    /// key store.
    std::vector<std::string> needles() const {
        return {"Wolfgang", "wolfgang", "Quirinvaldez", "quirinvaldez", "Øhrström",
                "ohrstrom", kEmail,     kCode,          kExternal,      "Wolfi"};
    }
};

}  // namespace

TEST_CASE("privacy: erase leaves no name, e-mail or code in the database file or its -wal") {
    Scene s;
    // A file once written by an SQLite built without secure_delete (Debian's has it on) keeps
    // old row images in the free space of its pages: only rewriting the file removes them.
    REQUIRE(tryExec(s.file.path(),
                    "PRAGMA secure_delete = OFF; UPDATE attendees SET badge_name = 'W. Q.', "
                    "organisation = 'Institut' WHERE id = '" +
                        s.id + "'") == "");
    const std::string before = statsText(s.db.stats().value());
    {
        // The test can fail: every form is in the file before.
        const std::string bytes = fileBytes(s.file.path());
        for (const auto& n : s.needles()) CHECK_MESSAGE(bytes.find(n) != std::string::npos, "before: " << n);
    }
    const auto r =
        s.db.erase(s.id, "Art. 17 request of 2018-03-20", "organiser", kDuringDoors + std::chrono::hours(2));
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    CHECK(r->attendees == 1);
    CHECK(r->codesRevoked == 1);
    CHECK(r->fileCleaned);
    CHECK(r->checkinsScrubbed == 2);  // the annul's and the desk check-in's reasons
    CHECK(r->refusedScrubbed >= 2);   // the repeat scan (payload and note), the stranger's note
    CHECK(std::filesystem::file_size(s.file.path() + "-wal") == 0);
    {
        const std::string bytes = fileBytes(s.file.path());
        for (const auto& n : s.needles()) CHECK_MESSAGE(bytes.find(n) == std::string::npos, "after: " << n);
        // The others are untouched.
        CHECK(bytes.find("Marguerite") != std::string::npos);
    }
    CHECK(statsText(s.db.stats().value()) == before);
    CHECK(column(s.file.path(), "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    CHECK(s.db.search("wolfgang").value().empty());
    CHECK(s.db.search("marguerite").value().size() == 1);
    const auto a = s.db.attendee(s.id).value().value();
    CHECK(a.erased);
    CHECK(a.firstName.empty());
    CHECK(a.email.empty());
    CHECK(a.category == "speaker");  // the anonymous row keeps what the counts need

    // A scan of the erased person's code says revoked, and does not write the code back.
    const auto again = s.db.checkIn(scan(s.code, kDuringDoors + std::chrono::hours(3))).value();
    CHECK(again.outcome == Outcome::Revoked);
    CHECK(fileBytes(s.file.path()).find(s.code) == std::string::npos);
    CHECK(s.db.primaryCode(s.id).error().code == "attendee.erased");
    CHECK(s.db.renameForBadge(s.id, "Back", "desk").error().code == "attendee.erased");

    // The audit log says that, by whom and why, and nothing more.
    const auto audit = s.db.audit(100).value();
    const auto fact =
        std::find_if(audit.begin(), audit.end(), [](const auto& e) { return e.action == "attendee.erase"; });
    REQUIRE(fact != audit.end());
    CHECK(fact->actor == "organiser");
    CHECK(fact->attendeeId == s.id);
    CHECK(fact->detail.find("Art. 17 request") != std::string::npos);
}

TEST_CASE("privacy: erasing twice is harmless, an unknown id and a reason quoting the person are refused") {
    Scene s;
    CHECK(s.db.erase("0123456789abcdef0123456789abcdef", "Art. 17", "organiser", kDuringDoors).error().code ==
          "attendee.not_found");
    const auto quoting = s.db.erase(s.id, "Wolfgang asked by mail", "organiser", kDuringDoors);
    CHECK(quoting.error().code == "erase.reason_quotes_person");
    CHECK(s.db.attendee(s.id).value()->firstName == Scene::kFirst);  // nothing was changed
    CHECK(s.db.erase(s.id, "", "organiser", kDuringDoors).error().code == "erase.no_reason");

    REQUIRE(s.db.erase(s.id, "Art. 17", "organiser", kDuringDoors).ok());
    const std::string stats = statsText(s.db.stats().value());
    const auto second = s.db.erase(s.id, "Art. 17", "organiser", kDuringDoors).value();
    CHECK(second.attendees == 0);
    CHECK(second.codesRevoked == 0);
    CHECK(second.auditScrubbed == 0);
    CHECK(statsText(s.db.stats().value()) == stats);
    const auto audit = s.db.audit(100).value();
    CHECK(std::count_if(audit.begin(), audit.end(),
                        [](const auto& e) { return e.action == "attendee.erase"; }) == 1);
    CHECK(column(s.file.path(), "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
}

TEST_CASE("privacy: the same export does not bring an erased person back") {
    Scene s;
    REQUIRE(s.db.erase(s.id, "Art. 17", "organiser", kDuringDoors).ok());
    ImportBatch b;
    b.source = "pretix";
    ImportRow r;
    r.line = 2;
    r.attendee = person(Scene::kFirst, Scene::kLast);
    r.attendee.externalId = Scene::kExternal;
    r.codes = {Scene::kCode};
    b.rows = {r};
    const auto sum = s.db.applyImport(b, "importer", kDuringDoors).value();
    CHECK(sum.imported == 0);
    REQUIRE(sum.rejected.size() == 1);
    CHECK(sum.rejected[0].reason.find("erased") != std::string::npos);
    CHECK(s.db.search("wolfgang").value().empty());
}

TEST_CASE("privacy: the append-only rules hold for everything but an erased person's personal fields") {
    Scene s;
    const std::string db = s.file.path();
    // Before the erasure nothing of the log may change.
    CHECK(tryExec(db, "UPDATE checkins SET reason = '[erased]' WHERE attendee_id = '" + s.id + "'")
              .find("append-only") != std::string::npos);
    REQUIRE(s.db.erase(s.id, "Art. 17", "organiser", kDuringDoors).ok());
    // After it: still only the reason, and only blanked.
    CHECK(tryExec(db, "UPDATE checkins SET kiosk = 'x' WHERE attendee_id = '" + s.id + "'")
              .find("append-only") != std::string::npos);
    CHECK(tryExec(db, "UPDATE checkins SET reason = 'new text' WHERE attendee_id = '" + s.id + "'")
              .find("append-only") != std::string::npos);
    CHECK(tryExec(db, "DELETE FROM checkins").find("append-only") != std::string::npos);
    CHECK(tryExec(db, "UPDATE checkins SET reason = '' WHERE attendee_id = '" + s.other + "'")
              .find("append-only") != std::string::npos);
    // The audit log: no deletes, only the detail may change.
    CHECK(tryExec(db, "DELETE FROM audit_log").find("append-only") != std::string::npos);
    CHECK(tryExec(db, "UPDATE audit_log SET actor = 'someone else'").find("append-only") !=
          std::string::npos);
}

TEST_CASE("privacy: person covers every table that can mention a person") {
    Scene s;
    const std::string db = s.file.path();
    const auto personal = personalDataTables();
    const auto none = tablesWithoutPersonalData();
    const std::set<std::string> covered(personal.begin(), personal.end());
    const std::set<std::string> exempt(none.begin(), none.end());
    const auto virtualTables =
        column(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'");
    for (const auto& table : column(db,
                                    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                                    "'sqlite_%' ORDER BY name")) {
        // FTS5's shadow tables (words, tokens) belong to their virtual table.
        const bool shadow = std::any_of(virtualTables.begin(), virtualTables.end(),
                                        [&](const std::string& v) { return table.rfind(v + "_", 0) == 0; });
        if (shadow) {
            const bool ownerCovered = std::any_of(
                virtualTables.begin(), virtualTables.end(),
                [&](const std::string& v) { return table.rfind(v + "_", 0) == 0 && covered.count(v) > 0; });
            CHECK_MESSAGE(ownerCovered, "shadow table of a virtual table person does not read: " << table);
            continue;
        }
        INFO("table " << table);
        // Every table is decided one way or the other: a new table fails here until it is.
        CHECK_MESSAGE(
            covered.count(table) + exempt.count(table) == 1,
            table << " is in neither (or both) personalDataTables() and tablesWithoutPersonalData()");
        // A table that points at attendees (an attendee id column, a foreign key) or holds a name
        // or an e-mail holds something about a person.
        const auto links =
            column(db, "SELECT count(*) FROM pragma_table_info('" + table +
                           "') WHERE name LIKE '%attendee%id' OR name IN ('email', 'first_name', "
                           "'last_name', 'payload', 'payload_escaped')");
        const auto fks = column(db, "SELECT count(*) FROM pragma_foreign_key_list('" + table +
                                        "') WHERE \"table\" = 'attendees'");
        if (links.at(0) != "0" || fks.at(0) != "0")
            CHECK_MESSAGE(covered.count(table) == 1,
                          table << " mentions attendees but person does not read it");
    }
    // The document has every table, with the person's rows in it.
    const auto doc = nlohmann::json::parse(s.db.personalData(s.id).value());
    for (const auto& t : personal) CHECK_MESSAGE(doc.contains(t), "person has no " << t);
    CHECK(doc["attendees"].at(0)["email"] == Scene::kEmail);
    CHECK(doc["codes"].at(0)["value"] == Scene::kCode);
    CHECK(doc["checkins"].size() == 3);       // arrival, annul, desk check-in
    CHECK(doc["refused_scans"].size() == 2);  // the repeat scan, the stranger's case naming them
    CHECK(doc["print_jobs"].size() == 1);
    CHECK(doc["attendee_search"].size() == 1);
    CHECK_FALSE(doc["audit_log"].empty());
    CHECK(doc.dump().find("Marguerite") == std::string::npos);  // nobody else's
    CHECK(s.db.personalData("nobody").error().code == "attendee.not_found");

    // After the erasure, the same document holds nothing of them.
    REQUIRE(s.db.erase(s.id, "Art. 17", "organiser", kDuringDoors).ok());
    const std::string after = s.db.personalData(s.id).value();
    for (const auto& n : s.needles())
        CHECK_MESSAGE(after.find(n) == std::string::npos, "person after erase: " << n);
}

TEST_CASE("privacy: purge of the demo event keeps the counts and the 5-minute chart, and no name or e-mail") {
    TempDb file;
    Database db = file.open();
    const TimePoint now = at("2026-12-05T10:00:00Z");
    REQUIRE(createDemoEvent(db, now).ok());
    const auto people = db.attendees().value();
    REQUIRE(people.size() == 100);
    for (std::size_t i = 0; i < people.size(); i += 3) {
        const auto code = db.primaryCode(people[i].id).value();
        const auto t = now - std::chrono::minutes(50) + std::chrono::minutes(static_cast<int>(i));
        REQUIRE(db.checkIn(scan(code, t, "entrance-1")).value().outcome == Outcome::CheckedIn);
    }
    REQUIRE(db.annul(people[3].id, "desk", "scanned by mistake", "desk", now).ok());
    const std::string before = statsText(db.stats().value());
    REQUIRE(db.stats().value().arrivalsPer5Min.size() > 5);

    // Names and e-mails long enough not to occur by chance in other bytes (a key, a page header).
    std::vector<std::string> needles;
    for (const auto& p : people)
        for (const auto* v : {&p.firstName, &p.lastName, &p.email})
            if (v->size() >= 5) needles.push_back(*v);
    REQUIRE(needles.size() > 150);
    {
        const std::string bytes = fileBytes(file.path());
        for (const auto& n : needles) REQUIRE_MESSAGE(bytes.find(n) != std::string::npos, "before: " << n);
    }
    CHECK(db.retention(now).value().peopleHeld == 100);

    const auto r = db.purge("organiser", now).value();
    CHECK(r.attendees == 100);
    CHECK(r.fileCleaned);
    CHECK(statsText(db.stats().value()) == before);
    CHECK(db.retention(now).value().peopleHeld == 0);
    CHECK_FALSE(db.retention(now).value().purgeDue());
    const std::string bytes = fileBytes(file.path());
    int left = 0;
    for (const auto& n : needles)
        if (bytes.find(n) != std::string::npos) {
            ++left;
            MESSAGE("still in the file: " << n);
        }
    CHECK(left == 0);
    CHECK(column(file.path(), "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    CHECK(db.checkIn(scan("KQ1:nothing", now)).value().outcome != Outcome::CheckedIn);
    // A second purge finds nothing more to do.
    CHECK(db.purge("organiser", now).value().attendees == 0);
}

TEST_CASE("privacy: the retention date is the event's end plus the retention days") {
    TempDb file;
    Database db = file.open();
    Event e = testEvent();
    e.retentionDays = 10;
    REQUIRE(db.setEvent(e).ok());
    REQUIRE(db.addAttendee(person("Ana", "Silva"), "t").ok());
    const auto r = db.retention(at("2018-03-26T16:59:00Z")).value();
    REQUIRE(r.until);
    CHECK(formatIso8601(*r.until) == "2018-03-26T17:00:00Z");
    CHECK_FALSE(r.purgeDue());
    CHECK(db.retention(at("2018-03-26T17:00:00Z")).value().purgeDue());
    CHECK(db.event().value()->retentionDays == 10);
    e.retentionDays = -1;
    CHECK(db.setEvent(e).error().code == "event.bad_retention");
    // The demo, reopened today, is not due (its people are invented and reopened for today).
    TempDb demo;
    Database d = demo.open();
    REQUIRE(createDemoEvent(d, at("2026-12-05T10:00:00Z")).ok());
    CHECK_FALSE(d.retention(at("2026-12-05T10:00:00Z")).value().purgeDue());
}
