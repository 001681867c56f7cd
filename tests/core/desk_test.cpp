// The help desk's operations (kiosk/core/desk.hpp): each one transaction, all or nothing.
#include "core_test_util.hpp"

#include <kiosk/core/database_worker.hpp>

#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <thread>

using namespace kiosk::core;
using namespace kiosk::core::test;
using namespace std::chrono_literals;

namespace {

std::string sqlText(const std::string& path, const char* sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, sql, -1, &st, nullptr) == SQLITE_OK);
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const auto* t = sqlite3_column_text(st, 0);
        out += t ? reinterpret_cast<const char*>(t) : "NULL";
        out += '\n';
    }
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return out;
}

void sqlExec(const std::string& path, const char* sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
}

// Steps 16 (people with several arrivals) and 15 (replication) undone by hand, before any
// earlier step is.
constexpr const char* kUndoStep15 =
    "DROP TRIGGER checkins_multi_add; DROP TABLE checkins_multi; DELETE FROM schema_migrations WHERE version "
    "= 16; "
    "DROP TABLE sync_outbox; DROP TABLE sync_state; DROP TABLE duplicate_resolutions; DROP INDEX "
    "checkins_annuls; "
    "DROP INDEX checkins_attendee_order; ALTER TABLE checkins DROP COLUMN device_id; "
    "ALTER TABLE checkins DROP COLUMN received_at; ALTER TABLE attendees DROP COLUMN device_id; "
    "ALTER TABLE codes DROP COLUMN device_id; ALTER TABLE audit_log DROP COLUMN device_id; "
    "ALTER TABLE reentries DROP COLUMN device_id; "
    "DROP INDEX refused_case_ref; DROP INDEX refused_case_lookup; ALTER TABLE refused_scans DROP COLUMN "
    "device_id; "
    "DELETE FROM schema_migrations WHERE version = 15";

/// Every insert into the outbox fails, as a full disk would fail the last write of a use case.
constexpr const char* kNoJobs =
    "CREATE TRIGGER no_jobs BEFORE INSERT ON print_jobs BEGIN SELECT RAISE(ABORT, 'disk says no'); END";

const DeskContext kDesk{"desk-1", "desk:Amina", kDuringDoors};

struct DeskEvent {
    TempDb file;
    Database db = file.open();
    Attendee zoe, jan;
    DeskEvent() {
        REQUIRE(db.setEvent(testEvent()).ok());
        zoe = db.addAttendee(person("Zoë", "Dvořák", "Solidarité"), "t").value();
        jan = db.addAttendee(person("Jan", "Peeters"), "t").value();
    }
    int auditCount(const std::string& action) {
        int n = 0;
        for (const auto& e : db.audit(1000).value())
            if (e.action == action) ++n;
        return n;
    }
};

}  // namespace

TEST_CASE("desk core: a manual check-in writes the arrival and its badge job at this desk together") {
    DeskEvent ev;
    const auto r = ev.db.deskCheckIn(ev.zoe.id, "  forgot her phone ", true, kDesk).value();
    REQUIRE(r.outcome == Outcome::CheckedIn);
    REQUIRE(r.checkin);
    CHECK(r.checkin->reason == "forgot her phone");
    CHECK(r.checkin->actor == "desk:Amina");
    CHECK(r.checkin->kiosk == "desk-1");
    REQUIRE(r.printJob);
    CHECK(r.printJob->checkinId == r.checkin->id);
    CHECK(r.printJob->machine == "desk-1");
    CHECK(r.printJob->kind == PrintJobKind::Badge);
    CHECK(ev.auditCount("checkin.desk") == 1);
    // An empty reason is "desk", as the desk always recorded it.
    CHECK(ev.db.deskCheckIn(ev.jan.id, " ", false, kDesk).value().checkin->reason == "desk");
    CHECK_FALSE(ev.db.deskCheckIn("nobody", "", true, kDesk).ok());
    CHECK(ev.db.deskCheckIn("nobody", "", true, kDesk).error().code == "attendee.not_found");
}

TEST_CASE("desk core: a manual check-in whose badge cannot be written writes no arrival either") {
    DeskEvent ev;
    sqlExec(ev.file.path(), kNoJobs);
    CHECK_FALSE(ev.db.deskCheckIn(ev.zoe.id, "", true, kDesk).ok());
    CHECK(ev.db.history(ev.zoe.id).value().empty());
    CHECK(ev.db.stats().value().checkedIn == 0);
}

TEST_CASE("desk core: a repeated manual check-in is recorded as a case closed at the desk") {
    DeskEvent ev;
    REQUIRE(ev.db.deskCheckIn(ev.zoe.id, "", true, kDesk).ok());
    const auto again = ev.db.deskCheckIn(ev.zoe.id, "", true, kDesk).value();
    CHECK(again.outcome == Outcome::AlreadyCheckedIn);
    REQUIRE(again.firstCheckin);
    CHECK(again.firstCheckin->kiosk == "desk-1");
    CHECK_FALSE(again.printJob);
    CHECK(ev.db.history(ev.zoe.id).value().size() == 1);
    CHECK(
        ev.db.printJobs({.state = {}, .machine = {}, .attendeeId = ev.zoe.id, .limit = 100}).value().size() ==
        1);
    CHECK(ev.db.refusedScans(/*unresolvedOnly=*/true, 10).value().empty());  // not in its own queue
    const auto all = ev.db.refusedScans(false, 10).value();
    REQUIRE(all.size() == 1);
    CHECK(all[0].resolved);
    CHECK(all[0].caseRef == again.caseRef);
    // The script's entry point keeps its case open for the desk.
    CHECK(ev.db.checkInAttendee(ev.zoe.id, "cli", kDuringDoors, "script", "").value().outcome ==
          Outcome::AlreadyCheckedIn);
    CHECK(ev.db.refusedScans(true, 10).value().size() == 1);
}

TEST_CASE("desk core: an annul names the check-in it cancels") {
    DeskEvent ev;
    const auto first = ev.db.deskCheckIn(ev.zoe.id, "", false, kDesk).value().checkin.value();
    CHECK(ev.db.deskAnnul(ev.zoe.id, "   ", kDesk).error().code == "annul.no_reason");
    CHECK(ev.db.deskAnnul(ev.zoe.id, "wrong", {"desk-1", "", kDuringDoors}).error().code == "annul.no_actor");
    CHECK(ev.db.deskAnnul(ev.jan.id, "wrong", kDesk).error().code == "checkin.not_checked_in");
    CHECK(ev.db.deskAnnul("nobody", "wrong", kDesk).error().code == "attendee.not_found");
    const auto annul = ev.db.deskAnnul(ev.zoe.id, " scanned the wrong badge ", kDesk).value();
    CHECK(annul.action == CheckinAction::Annul);
    CHECK(annul.annuls == first.id);
    CHECK(annul.reason == "scanned the wrong badge");
    CHECK(ev.db.stats().value().checkedIn == 0);
    // In again, out again: each annul names its own arrival, also as read back from the log.
    const auto second = ev.db.deskCheckIn(ev.zoe.id, "", false, kDesk).value().checkin.value();
    REQUIRE(ev.db.annul(ev.zoe.id, "desk:Amina", "again", "desk-1", kDuringDoors).ok());
    const auto h = ev.db.history(ev.zoe.id).value();
    REQUIRE(h.size() == 4);
    CHECK(h[0].annuls.empty());
    CHECK(h[1].annuls == first.id);
    CHECK(h[3].annuls == second.id);
    CHECK(ev.auditCount("checkin.annul") == 2);
}

TEST_CASE("desk core: annuls written before the annuls column name their check-in once upgraded") {
    TempDb file;
    std::string arrival;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        const auto a = db.addAttendee(person("Zoë", "Dvořák"), "t").value();
        (void)db.deskCheckIn(a.id, "", false, kDesk).value();
        REQUIRE(db.deskAnnul(a.id, "oops", kDesk).ok());
        arrival = db.deskCheckIn(a.id, "", false, {"desk-1", "v", kDuringDoors + 1min}).value().checkin->id;
        REQUIRE(db.deskAnnul(a.id, "again", {"desk-1", "v", kDuringDoors + 2min}).ok());
    }
    // As the previous release wrote it: no column (nor the later steps, undone newest first: 15, replication;
    // 14, badge rules; 13, re-entry; 12 and 11, the desk's; 10, the erasure rules, whose trigger names the
    // column; 9, the event's branding).
    sqlExec(file.path(), kUndoStep15);
    sqlExec(
        file.path(),
        "DROP TABLE badge_rules; DROP TABLE reentries; ALTER TABLE event DROP COLUMN reentry; DROP INDEX "
        "attendees_external_id; DROP INDEX attendees_email; ALTER TABLE event DROP COLUMN demo; DROP TRIGGER "
        "audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER checkins_no_update; "
        "CREATE TRIGGER checkins_no_update BEFORE UPDATE ON checkins BEGIN SELECT RAISE(ABORT, 'the check-in "
        "log is append-only: annul instead'); END; ALTER TABLE attendees DROP COLUMN erased_at; "
        "ALTER TABLE event DROP COLUMN retention_days");
    sqlExec(file.path(),
            // and without step 9 (branding) after it
            "ALTER TABLE event DROP COLUMN short_name; ALTER TABLE event DROP COLUMN tagline; "
            "ALTER TABLE event DROP COLUMN colour; ALTER TABLE event DROP COLUMN accent_colour; "
            "ALTER TABLE event DROP COLUMN logo; "
            "ALTER TABLE checkins DROP COLUMN annuls; "
            "DELETE FROM schema_migrations WHERE version >= 8; PRAGMA user_version = 7");
    Database db = file.open();
    const auto h = db.history(db.attendees().value()[0].id).value();
    REQUIRE(h.size() == 4);
    CHECK(h[1].annuls == h[0].id);
    CHECK(h[3].annuls == arrival);
    // The log is still append-only after the backfill.
    CHECK(sqlText(file.path(), "SELECT count(*) FROM sqlite_schema WHERE name = 'checkins_no_update'") ==
          "1\n");
}

TEST_CASE("desk core: a walk-in is created, checked in and its badge queued in one transaction") {
    DeskEvent ev;
    Attendee w = person("  Ana ", " Silva ", " Buurthuis ", "");
    w.language = Language::Nl;
    const auto r = ev.db.registerWalkIn({w, true, false}, kDesk).value();
    REQUIRE(r.outcome == WalkInOutcome::Registered);
    CHECK(r.attendee.firstName == "Ana");
    CHECK(r.attendee.lastName == "Silva");
    CHECK(r.attendee.organisation == "Buurthuis");
    CHECK(r.attendee.category == "participant");
    CHECK(r.attendee.externalSource == "walkin");
    REQUIRE(r.checkin);
    CHECK(r.checkin->reason == "walk-in");
    REQUIRE(r.printJob);
    CHECK(r.printJob->checkinId == r.checkin->id);
    CHECK(r.printJob->machine == "desk-1");
    CHECK(ev.auditCount("attendee.walkin") == 1);
    CHECK(ev.db.search("silva").value().size() == 1);
    CHECK(ev.db.stats().value().checkedIn == 1);
    CHECK(ev.db.stats().value().registered == 3);
    // Without a badge: no job.
    const auto nobadge = ev.db.registerWalkIn({person("Ola", "Nowak"), false, false}, kDesk).value();
    CHECK_FALSE(nobadge.printJob);
    CHECK(ev.db.registerWalkIn({person(" ", ""), true, false}, kDesk).error().code == "attendee.no_name");
}

TEST_CASE("desk core: a walk-in whose badge cannot be written leaves no person and no arrival") {
    DeskEvent ev;
    sqlExec(ev.file.path(), kNoJobs);
    CHECK_FALSE(ev.db.registerWalkIn({person("Ana", "Silva"), true, false}, kDesk).ok());
    CHECK(ev.db.attendees().value().size() == 2);  // three transactions used to leave her half-made
    CHECK(ev.db.search("silva").value().empty());
    CHECK(ev.db.stats().value().registered == 2);
    CHECK(ev.auditCount("attendee.walkin") == 0);
}

TEST_CASE("desk core: a walk-in with a registered person's name writes nothing until confirmed") {
    DeskEvent ev;
    const auto r = ev.db.registerWalkIn({person("zoe", "DVORAK"), true, false}, kDesk).value();
    CHECK(r.outcome == WalkInOutcome::LookAlike);
    REQUIRE(r.lookAlikes.size() == 1);
    CHECK(r.lookAlikes[0].id == ev.zoe.id);
    CHECK_FALSE(r.checkin);
    CHECK(ev.db.attendees().value().size() == 2);
    CHECK(ev.db.history(ev.zoe.id).value().empty());
    // A prefix is not the same name.
    CHECK(ev.db.registerWalkIn({person("Zo", "Dvořák"), false, false}, kDesk).value().outcome ==
          WalkInOutcome::Registered);
    const auto confirmed = ev.db.registerWalkIn({person("Zoë", "Dvořák"), true, true}, kDesk).value();
    CHECK(confirmed.outcome == WalkInOutcome::Registered);
    CHECK(confirmed.attendee.id != ev.zoe.id);
    CHECK(ev.db.attendees().value().size() == 4);
}

TEST_CASE("desk core: the badge name is normalised, stored once and audited") {
    DeskEvent ev;
    CHECK(normaliseBadgeName(ev.zoe, "  Zoë Dvořák ").empty());
    CHECK(normaliseBadgeName(ev.zoe, " Zoë D. ") == "Zoë D.");
    auto r = ev.db.renameBadge(ev.zoe.id, " Zoë Dvořák-Novak ", kDesk).value();
    CHECK(r.changed);
    CHECK(r.stored == "Zoë Dvořák-Novak");
    CHECK(r.shown == "Zoë Dvořák-Novak");
    CHECK(ev.db.attendee(ev.zoe.id).value()->badgeName == "Zoë Dvořák-Novak");
    CHECK(ev.db.search("novak").value().size() == 1);
    r = ev.db.renameBadge(ev.zoe.id, "Zoë Dvořák-Novak", kDesk).value();
    CHECK_FALSE(r.changed);
    CHECK(ev.auditCount("attendee.rename") == 1);  // unchanged: nothing written
    // The registered name again removes the override.
    r = ev.db.renameBadge(ev.zoe.id, "Zoë Dvořák", kDesk).value();
    CHECK(r.changed);
    CHECK(r.stored.empty());
    CHECK(r.shown == "Zoë Dvořák");
    CHECK(ev.db.attendee(ev.zoe.id).value()->badgeName.empty());
    CHECK(ev.db.renameBadge(ev.zoe.id, "Zoë\x1b[31m", kDesk).value().stored == "Zoë[31m");
    CHECK(ev.db.renameBadge(ev.zoe.id, "\xff\xfe", kDesk).error().code == "attendee.bad_name");
    CHECK(ev.db.renameBadge("nobody", "x", kDesk).error().code == "attendee.not_found");
}

TEST_CASE("desk core: a reprint is queued at this desk, counted and audited") {
    DeskEvent ev;
    const auto job = ev.db.reprintBadge(ev.jan.id, kDesk).value();
    CHECK(job.kind == PrintJobKind::Reprint);
    CHECK(job.machine == "desk-1");
    CHECK(job.state == PrintJobState::Pending);
    CHECK(ev.db.reprintCount(ev.jan.id).value() == 1);
    CHECK(ev.auditCount("print.reprint") == 1);
    CHECK(ev.db.reprintBadge("nobody", kDesk).error().code == "attendee.not_found");
}

TEST_CASE("desk core: 'check in' on a case checks the person in with a badge and closes the case") {
    DeskEvent ev;
    // Scanned before the doors opened: a case naming the person.
    const auto early =
        ev.db.checkIn(scan(ev.db.primaryCode(ev.zoe.id).value(), at("2018-03-16T07:30:00Z"))).value();
    REQUIRE(early.outcome == Outcome::NotOpenYet);
    const auto r = ev.db.resolveCase(early.caseRef, CaseAction::CheckIn, "let in early", kDesk).value();
    CHECK(r.attendeeId == ev.zoe.id);
    REQUIRE(r.checkin);
    CHECK(r.checkin->outcome == Outcome::CheckedIn);  // the desk lets in whatever the doors say
    REQUIRE(r.printJob);
    CHECK(r.printJob->checkinId == r.checkin->checkin->id);
    CHECK(ev.db.stats().value().checkedIn == 1);
    CHECK(ev.db.refusedScans(true, 10).value().empty());
    bool audited = false;
    for (const auto& e : ev.db.audit(50).value())
        if (e.action == "refused.resolve" && e.detail.find("\"checkin\"") != std::string::npos)
            audited = true;
    CHECK(audited);

    // Already in: the case closes, nothing is written twice.
    const auto repeat = ev.db.checkIn(scan(ev.db.primaryCode(ev.zoe.id).value())).value();
    REQUIRE(repeat.outcome == Outcome::AlreadyCheckedIn);
    const auto again = ev.db.resolveCase(repeat.caseRef, CaseAction::CheckIn, "", kDesk).value();
    CHECK(again.checkin->outcome == Outcome::AlreadyCheckedIn);
    CHECK_FALSE(again.printJob);
    CHECK(ev.db.history(ev.zoe.id).value().size() == 1);
    CHECK(ev.db.refusedScans(false, 10).value().size() == 2);  // no extra case from the desk
    CHECK(ev.db.refusedScans(true, 10).value().empty());
}

TEST_CASE("desk core: a case naming nobody can only be closed - reprint closes with a reprint") {
    DeskEvent ev;
    const auto unknown = ev.db.checkIn(scan("not-a-ticket")).value();
    REQUIRE(unknown.outcome == Outcome::UnknownCode);
    CHECK(ev.db.resolveCase(unknown.caseRef, CaseAction::CheckIn, "", kDesk).error().code ==
          "case.no_attendee");
    CHECK(ev.db.refusedScans(true, 10).value().size() == 1);  // still open: nothing written
    CHECK(ev.db.resolveCase(unknown.caseRef, CaseAction::Close, "resolved", kDesk).ok());
    CHECK(ev.db.refusedScans(true, 10).value().empty());
    CHECK(ev.db.resolveCase("ZZZ-ZZ", CaseAction::Close, "", kDesk).error().code == "refused.not_found");

    REQUIRE(ev.db.deskCheckIn(ev.jan.id, "", false, kDesk).ok());
    const auto lost = ev.db.checkIn(scan(ev.db.primaryCode(ev.jan.id).value())).value();
    REQUIRE(lost.outcome == Outcome::AlreadyCheckedIn);
    const auto r = ev.db.resolveCase(lost.caseRef, CaseAction::Reprint, "reprinted", kDesk).value();
    REQUIRE(r.printJob);
    CHECK(r.printJob->kind == PrintJobKind::Reprint);
    CHECK(r.printJob->machine == "desk-1");
    CHECK(ev.db.reprintCount(ev.jan.id).value() == 1);
    CHECK(ev.db.refusedScans(true, 10).value().empty());
}

TEST_CASE("desk core: the database worker runs tasks in order on its own connection, all before it stops") {
    TempDb file;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
    }
    Mailbox<std::string> done;
    {
        auto worker = DatabaseWorker::start(file.path()).value();
        const auto caller = std::this_thread::get_id();
        for (int i = 0; i < 20; ++i)
            worker->submit([i, caller, &done](Database& db) {
                auto a = db.addAttendee(person("P" + std::to_string(i), "Q"), "t");
                const bool mine = std::this_thread::get_id() == caller;
                done.post(mine ? std::string("on the caller's thread") : a ? a->firstName : a.error().code);
            });
    }  // destroyed at once: the queued tasks still run
    const auto names = done.take();
    REQUIRE(names.size() == 20);
    for (int i = 0; i < 20; ++i) CHECK(names[static_cast<std::size_t>(i)] == "P" + std::to_string(i));
    CHECK(file.open().attendees().value().size() == 20);
    CHECK_FALSE(DatabaseWorker::start(file.path() + ".missing").ok());
}

// --- the desk's search (issue 9) ------------------------------------------------------------------

TEST_CASE("desk search: names typed without their apostrophe, hyphen or spaces") {
    DeskEvent ev;
    const auto marie = ev.db.addAttendee(person("Marie", "D'Hondt"), "t").value();
    const auto jean = ev.db.addAttendee(person("Jean-Marie", "Van den Bossche"), "t").value();
    const auto tom = ev.db.addAttendee(person("Tom", "O\u2019Brien"), "t").value();  // typographic apostrophe
    auto ids = [&](const char* q) {
        std::vector<std::string> out;
        for (const auto& a : ev.db.findAttendees(q).value()) out.push_back(a.id);
        return out;
    };
    CHECK(ids("dhondt") == std::vector<std::string>{marie.id});
    CHECK(ids("d'hondt") == std::vector<std::string>{marie.id});
    CHECK(ids("DHOND") == std::vector<std::string>{marie.id});
    CHECK(ids("vandenbossche") == std::vector<std::string>{jean.id});
    CHECK(ids("jeanmarie") == std::vector<std::string>{jean.id});
    CHECK(ids("obrien") == std::vector<std::string>{tom.id});
    CHECK(ev.db.search("dhondt").value().size() == 1);  // the index itself
}

TEST_CASE("desk search: by e-mail, by the ticketing system's reference, by our confirmation's reference") {
    DeskEvent ev;
    Attendee a = person("Ana", "Silva");
    a.email = "Ana.Silva@Example.org";
    a.externalSource = "pretix";
    a.externalId = "ABC12-1";
    const auto ana = ev.db.addAttendee(a, "t").value();
    Attendee b = person("Rui", "Silva");
    b.externalSource = "pretix";
    b.externalId = "ABC12-2";
    const auto rui = ev.db.addAttendee(b, "t").value();
    Attendee c = person("Eve", "Other");
    c.externalSource = "pretix";
    c.externalId = "ABC123-1";  // another order whose code starts the same
    (void)ev.db.addAttendee(c, "t").value();

    auto found = ev.db.findAttendees("ana.silva@example.org").value();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == ana.id);
    CHECK(ev.db.findAttendees("nobody@example.org").value().empty());
    // The order code finds the order's people, not another order's.
    found = ev.db.findAttendees("abc12").value();
    REQUIRE(found.size() == 2);
    CHECK(found[0].id == ana.id);
    CHECK(found[1].id == rui.id);
    found = ev.db.findAttendees("ABC12-2").value();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == rui.id);
    // "Reference" on our confirmation: the attendee id, read out whole or its first 16 characters
    // (the first 12 are the time it was made: shared by everyone imported together).
    found = ev.db.findAttendees(ev.zoe.id).value();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == ev.zoe.id);
    CHECK(ev.db.findAttendees(ev.zoe.id.substr(0, 12)).value().empty());  // too short: not a reference
    std::string upper = ev.zoe.id.substr(0, 16);
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    found = ev.db.findAttendees(upper).value();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == ev.zoe.id);
}

TEST_CASE("desk search: by the case reference the kiosk showed and by scanning the person's code") {
    DeskEvent ev;
    const std::string code = ev.db.primaryCode(ev.jan.id).value();
    REQUIRE(ev.db.checkIn(scan(code)).value().outcome == Outcome::CheckedIn);
    const auto repeat = ev.db.checkIn(scan(code)).value();
    REQUIRE_FALSE(repeat.caseRef.empty());
    std::string lowered = repeat.caseRef;
    for (auto& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto found = ev.db.findAttendees(lowered).value();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == ev.jan.id);
    // The code scanned at the desk (a wedge types it into the search box): the person, and no
    // check-in written.
    found = ev.db.findAttendees(code).value();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == ev.jan.id);
    CHECK(ev.db.history(ev.jan.id).value().size() == 1);
    // A case naming nobody finds nobody.
    const auto unknown = ev.db.checkIn(scan("not-a-ticket")).value();
    CHECK(ev.db.findAttendees(unknown.caseRef).value().empty());
}

TEST_CASE("desk search: a database from before step 12 gets the run-together names in its index") {
    TempDb file;
    std::string id;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        id = db.addAttendee(person("Marie", "D'Hondt"), "t").value().id;
    }
    // As the previous release indexed it: the folded words only.
    // (and without the steps after it, newest first: 15, replication; 14, badge rules; 13, re-entry)
    sqlExec(file.path(), kUndoStep15);
    sqlExec(file.path(),
            "DROP TABLE badge_rules; DROP TABLE reentries; ALTER TABLE event DROP COLUMN reentry; "
            "DROP INDEX attendees_external_id; DROP INDEX attendees_email; DELETE FROM attendee_search; "
            "INSERT INTO attendee_search(rowid, words) SELECT seq, 'marie d''hondt' FROM attendees; "
            "DELETE FROM schema_migrations WHERE version >= 12; PRAGMA user_version = 11");
    Database db = file.open();
    const auto found = db.search("dhondt").value();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == id);
}
