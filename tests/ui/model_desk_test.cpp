// The help desk without a window: intents in, database changes out (DeskController), and the
// screen's widgets pushing the right intents (drawDesk under a headless ImGui context).
#include <kiosk/ui/desk_controller.hpp>
#include <kiosk/ui/desk_screen.hpp>
#include <kiosk/ui/strings.hpp>

#include <doctest/doctest.h>
#include <imgui.h>
#include <sqlite3.h>
#include <kiosk/core/access.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace kiosk;
using namespace kiosk::ui;
using namespace std::chrono_literals;

namespace {

core::TimePoint at(const char* iso) {
    return *core::parseIso8601(iso);
}

struct DeskFixture {
    std::string dir;
    std::string dbPath;
    core::Database db;
    Strings strings;
    ShellContext ctx;
    DeskController desk;
    core::Attendee elodie, jan, olga;

    static std::string makeDir() {
        static int counter = 0;
        auto d = std::filesystem::temp_directory_path() /
                 ("kiosk-desk-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        std::filesystem::remove_all(d);
        std::filesystem::create_directories(d);
        return d.string();
    }
    static core::Database openDb(const std::string& path) {
        auto db = core::Database::open(path, core::Database::Mode::CreateIfMissing);
        REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.error().message));
        return std::move(*db);
    }
    static Strings loadStrings() {
        auto s = Strings::load(KIOSK_ASSETS_DIR);
        REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
        return std::move(*s);
    }
    core::Attendee add(const char* first, const char* last, const char* org, const char* cat,
                       const char* wg) {
        core::Attendee a;
        a.firstName = first;
        a.lastName = last;
        a.organisation = org;
        a.category = cat;
        a.workingGroup = wg;
        a.externalSource = "test";
        a.externalId = std::string(first) + last;
        auto r = db.addAttendee(a, "test");
        REQUIRE(r.ok());
        return *r;
    }

    DeskFixture()
        : dir(makeDir()),
          dbPath(dir + "/event.db"),
          db(openDb(dbPath)),
          strings(loadStrings()),
          ctx{db, strings},
          desk(ctx) {
        core::Event e;
        e.id = "test-2018";
        e.name = "Test event";
        e.startsAt = at("2018-03-16T08:00:00Z");
        e.endsAt = at("2018-03-16T16:30:00Z");
        e.doorsOpenAt = at("2018-03-16T07:30:00Z");
        e.doorsCloseAt = at("2018-03-16T20:00:00Z");
        REQUIRE(db.setEvent(e).ok());
        elodie = add("Élodie", "Dupré", "Solidarité Bruxelles", "participant", "Eau");
        jan = add("Jan", "Peeters", "Noord-Zuid vzw", "speaker", "Onderwijs");
        olga = add("Ольга", "Петрова", "Kyiv Aid", "participant", "Eau");
        ctx.kioskName = "desk-1";
        ctx.dbPath = dbPath;
        ctx.actor = "desk:test";
        ctx.now = at("2018-03-16T09:00:00Z");
        ctx.steadyNow = std::chrono::steady_clock::time_point{} + 1h;
        desk.refresh(ctx);
    }
    ~DeskFixture() { std::filesystem::remove_all(dir); }

    /// Acts on the intent and waits for the write on the desk's worker to be applied.
    bool handle(const Intent& i) {
        const bool handled = desk.handle(i, ctx);
        REQUIRE(desk.settle(ctx, 30s));
        return handled;
    }
    std::vector<core::CheckinRecord> history(const core::Attendee& a) { return *db.history(a.id); }
    std::vector<core::PrintJob> jobsOf(const core::Attendee& a) {
        std::vector<core::PrintJob> out;
        const auto all = db.printJobs({.state = {}, .machine = {}, .attendeeId = {}, .limit = 1000});
        for (const auto& j : *all)
            if (j.attendeeId == a.id) out.push_back(j);
        return out;
    }
    /// Moves both clocks forward (the controller reloads at most every 1.5 s by itself).
    void later(std::chrono::milliseconds d) {
        ctx.now += d;
        ctx.steadyNow += d;
        desk.refresh(ctx);
    }
};

}  // namespace

TEST_CASE("desk: search as you type is accent- and case-insensitive and marks who arrived") {
    DeskFixture f;
    CHECK(f.handle(SearchAttendees{"elo"}));
    const auto& m = f.desk.model();
    REQUIRE(m.results.size() == 1);
    CHECK(m.results[0].id == f.elodie.id);
    CHECK_FALSE(m.resultsCheckedIn[0]);
    CHECK(m.page == DeskPage::Search);

    f.handle(SearchAttendees{"DUPRE"});
    REQUIRE(f.desk.model().results.size() == 1);
    f.handle(SearchAttendees{"ольга"});
    REQUIRE(f.desk.model().results.size() == 1);
    CHECK(f.desk.model().results[0].id == f.olga.id);
    f.handle(SearchAttendees{"zzz"});
    CHECK(f.desk.model().results.empty());
    f.handle(SearchAttendees{"   "});
    CHECK(f.desk.model().results.empty());

    REQUIRE(f.db.checkInAttendee(f.jan.id, "entrance-1", f.ctx.now, "self", "").ok());
    f.handle(SearchAttendees{"peeters"});
    REQUIRE(f.desk.model().results.size() == 1);
    CHECK(f.desk.model().resultsCheckedIn[0]);
}

TEST_CASE(
    "desk: the search box finds a person by a scanned code, a case reference, a name without its "
    "apostrophe") {
    DeskFixture f;
    const auto marie = f.add("Marie", "D'Hondt", "Gent", "participant", "Eau");
    f.handle(SearchAttendees{"dhondt"});
    REQUIRE(f.desk.model().results.size() == 1);
    CHECK(f.desk.model().results[0].id == marie.id);
    // A code scanned at the desk lands in the search box: it finds the person, checks in nobody.
    const std::string code = *f.db.primaryCode(f.jan.id);
    f.handle(SearchAttendees{code});
    REQUIRE(f.desk.model().results.size() == 1);
    CHECK(f.desk.model().results[0].id == f.jan.id);
    CHECK(f.history(f.jan).empty());
    // The reference the kiosk showed the attendee.
    core::ScanRequest twice;
    twice.payload = code;
    twice.kiosk = "entrance-1";
    twice.at = f.ctx.now;
    REQUIRE(f.db.checkIn(twice)->outcome == core::Outcome::CheckedIn);
    const auto again = *f.db.checkIn(twice);
    REQUIRE_FALSE(again.caseRef.empty());
    f.handle(SearchAttendees{again.caseRef});
    REQUIRE(f.desk.model().results.size() == 1);
    CHECK(f.desk.model().results[0].id == f.jan.id);
    CHECK(f.desk.model().resultsCheckedIn[0]);
}

TEST_CASE("desk: manual check-in writes the arrival, prints one badge, and shows the history") {
    DeskFixture f;
    f.handle(SelectAttendee{f.elodie.id});
    REQUIRE(f.desk.model().selected);
    CHECK(f.desk.model().page == DeskPage::Attendee);
    CHECK_FALSE(f.desk.model().selected->checkedIn);

    f.handle(CheckInAttendee{f.elodie.id, "forgot her phone"});
    auto h = f.history(f.elodie);
    REQUIRE(h.size() == 1);
    CHECK(h[0].action == core::CheckinAction::Checkin);
    CHECK(h[0].kiosk == "desk-1");
    CHECK(h[0].actor == "desk:test");
    CHECK(h[0].reason == "forgot her phone");
    auto jobs = f.jobsOf(f.elodie);
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].kind == core::PrintJobKind::Badge);
    CHECK(jobs[0].checkinId == h[0].id);
    CHECK(jobs[0].machine == "desk-1");  // it prints at this desk or nowhere
    // No PrintService here: the desk must not say "the badge is on its way" (issue 9).
    CHECK(f.desk.model().notice.key == "desk.notice.checked_in_no_printer");
    CHECK_FALSE(f.desk.model().notice.error);
    const auto& sel = *f.desk.model().selected;
    CHECK(sel.checkedIn);
    REQUIRE(sel.history.size() == 1);
    CHECK(sel.history[0].kiosk == "desk-1");
    CHECK(sel.history[0].timeLocal == formatLocalTime(f.ctx.now));
    CHECK(sel.printJobs.size() == 1);

    // A second manual check-in changes nothing and does not land in the desk's own queue.
    f.handle(CheckInAttendee{f.elodie.id, ""});
    CHECK(f.history(f.elodie).size() == 1);
    CHECK(f.jobsOf(f.elodie).size() == 1);
    CHECK(f.desk.model().notice.key == "desk.notice.already_checked_in");
    CHECK(f.db.refusedScans(true, 10)->empty());
}

TEST_CASE("desk: annul needs a reason") {
    DeskFixture f;
    f.handle(CheckInAttendee{f.jan.id, ""});
    REQUIRE(f.history(f.jan).size() == 1);

    f.handle(Annul{f.jan.id, "   "});
    CHECK(f.history(f.jan).size() == 1);
    CHECK(f.desk.model().notice.key == "desk.notice.reason_required");
    CHECK(f.desk.model().notice.error);

    f.handle(EditDeskField{DeskField::AnnulReason, "scanned the wrong badge"});
    CHECK(f.desk.model().annulReason == "scanned the wrong badge");
    f.handle(Annul{f.jan.id, "scanned the wrong badge"});
    auto h = f.history(f.jan);
    REQUIRE(h.size() == 2);
    CHECK(h[1].action == core::CheckinAction::Annul);
    CHECK(h[1].reason == "scanned the wrong badge");
    CHECK(f.desk.model().notice.key == "desk.notice.annulled");
    CHECK(f.desk.model().annulReason.empty());
    REQUIRE(f.desk.model().selected);
    CHECK_FALSE(f.desk.model().selected->checkedIn);
    CHECK(f.desk.model().selected->history.size() == 2);
    bool audited = false;
    const auto log = f.db.audit(50);
    REQUIRE(log.ok());
    for (const auto& e : *log)
        if (e.action == "checkin.annul" && e.attendeeId == f.jan.id && e.actor == "desk:test") audited = true;
    CHECK(audited);
}

TEST_CASE("desk: reprint is counted and queued") {
    DeskFixture f;
    f.handle(SelectAttendee{f.olga.id});
    f.handle(Reprint{f.olga.id});
    f.handle(Reprint{f.olga.id});
    CHECK(*f.db.reprintCount(f.olga.id) == 2);
    auto jobs = f.jobsOf(f.olga);
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].kind == core::PrintJobKind::Reprint);
    CHECK(jobs[0].state == core::PrintJobState::Pending);
    CHECK(jobs[0].machine == f.ctx.kioskName);  // it prints at this desk or nowhere
    CHECK(f.desk.model().selected->reprints == 2);
    CHECK(f.desk.model().notice.key == "desk.notice.reprint_no_printer");  // no PrintService here
}

TEST_CASE("desk: correcting the name as printed is stored and audited") {
    DeskFixture f;
    f.handle(SelectAttendee{f.elodie.id});
    CHECK(f.desk.model().badgeName == "Élodie Dupré");
    f.handle(EditDeskField{DeskField::BadgeName, "Élodie Dupré-Lambert"});
    f.handle(RenameForBadge{f.elodie.id, " Élodie Dupré-Lambert "});
    auto a = *f.db.attendee(f.elodie.id);
    REQUIRE(a);
    CHECK(a->badgeName == "Élodie Dupré-Lambert");
    CHECK(a->firstName == "Élodie");  // the registration itself is untouched
    CHECK(f.desk.model().notice.key == "desk.notice.renamed");
    bool audited = false;
    const auto log = f.db.audit(50);
    REQUIRE(log.ok());
    for (const auto& e : *log)
        if (e.action == "attendee.rename" && e.attendeeId == f.elodie.id && e.actor == "desk:test")
            audited = true;
    CHECK(audited);

    // Typing the registered name again removes the override.
    f.handle(RenameForBadge{f.elodie.id, "Élodie Dupré"});
    CHECK((*f.db.attendee(f.elodie.id))->badgeName.empty());
}

TEST_CASE("desk: a walk-in is created, checked in and printed") {
    DeskFixture f;
    f.handle(ShowDeskPage{DeskPage::WalkIn});
    CHECK(f.desk.model().page == DeskPage::WalkIn);
    // Without a name nothing is created.
    core::Attendee empty;
    empty.firstName = "  ";
    f.handle(RegisterWalkIn{empty, true});
    CHECK(f.desk.model().notice.key == "desk.notice.name_required");
    CHECK(f.db.attendees()->size() == 3);

    f.handle(EditDeskField{DeskField::WalkInFirstName, "Zoë"});
    f.handle(EditDeskField{DeskField::WalkInLastName, "Van den Bossche"});
    f.handle(EditDeskField{DeskField::WalkInLanguage, "nl"});
    CHECK(f.desk.model().walkIn.language == core::Language::Nl);
    core::Attendee w;
    w.firstName = "Zoë";
    w.lastName = "Van den Bossche";
    w.organisation = "Buurthuis";
    w.category = "press";
    w.workingGroup = "Eau";
    w.language = core::Language::Nl;
    f.handle(RegisterWalkIn{w, true});
    CHECK(f.desk.model().notice.key == "desk.notice.walk_in_no_printer");  // no printer: not "on its way"
    auto found = *f.db.search("zoe");
    REQUIRE(found.size() == 1);
    const auto& z = found[0];
    CHECK(z.externalSource == "walkin");
    CHECK(z.category == "press");
    CHECK(z.language == core::Language::Nl);
    auto h = f.history(z);
    REQUIRE(h.size() == 1);
    CHECK(h[0].reason == "walk-in");
    auto jobs = f.jobsOf(z);
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].kind == core::PrintJobKind::Badge);
    CHECK(jobs[0].checkinId == h[0].id);
    REQUIRE(f.desk.model().selected);
    CHECK(f.desk.model().selected->attendee.id == z.id);
    CHECK(f.desk.model().walkIn.firstName.empty());  // the form is ready for the next person
}

TEST_CASE("desk: a walk-in with a registered person's name shows the record and needs confirming") {
    DeskFixture f;
    f.handle(ShowDeskPage{DeskPage::WalkIn});
    // Typing the name lists the registered look-alikes (accent-insensitive), with their status.
    f.handle(EditDeskField{DeskField::WalkInFirstName, "elodie"});
    f.handle(EditDeskField{DeskField::WalkInLastName, "dupre"});
    REQUIRE(f.desk.model().walkIn.matches.size() == 1);
    CHECK(f.desk.model().walkIn.matches[0].id == f.elodie.id);
    CHECK(f.desk.model().walkIn.matchesCheckedIn == std::vector<bool>{false});

    // Registering without confirming creates nobody and says who is already there.
    core::Attendee w;
    w.firstName = "Elodie";
    w.lastName = "Dupre";
    w.externalSource = "walkin";
    f.handle(RegisterWalkIn{w, true});
    CHECK(f.desk.model().notice.key == "desk.notice.walk_in_duplicate");
    CHECK(f.desk.model().notice.arg == "Élodie Dupré");
    CHECK(f.db.attendees()->size() == 3);
    CHECK(f.history(f.elodie).empty());

    // Opening the match is the usual resolution …
    f.handle(SelectAttendee{f.elodie.id});
    REQUIRE(f.desk.model().selected);
    CHECK(f.desk.model().selected->attendee.id == f.elodie.id);

    // … and a different person with the same name is added once the volunteer confirms.
    f.handle(RegisterWalkIn{w, true, /*confirmedNew=*/true});
    CHECK(f.desk.model().notice.key == "desk.notice.walk_in_no_printer");
    CHECK(f.db.attendees()->size() == 4);

    // A one-letter name lists nobody (it would match half the event).
    f.handle(EditDeskField{DeskField::WalkInFirstName, "J"});
    f.handle(EditDeskField{DeskField::WalkInLastName, ""});
    CHECK(f.desk.model().walkIn.matches.empty());
}

TEST_CASE("desk: settings export the arrivals as CSV beside the database") {
    DeskFixture f;
    f.handle(CheckInAttendee{f.elodie.id, ""});
    f.handle(CheckInAttendee{f.olga.id, ""});
    f.handle(ShowDeskPage{DeskPage::Settings});
    f.handle(ExportArrivals{});
    CHECK(f.desk.model().notice.key == "desk.notice.exported");
    CHECK_FALSE(f.desk.model().notice.error);
    const std::string path = f.desk.model().lastExport;
    REQUIRE_FALSE(path.empty());
    CHECK(std::filesystem::path(path).parent_path() == std::filesystem::path(f.dbPath).parent_path());
    CHECK(std::filesystem::path(path).filename().string().rfind("arrivals-2018-03-1", 0) ==
          0);  // local date: 15th or 16th by time zone
    std::ifstream in(path);
    REQUIRE(in);
    std::string header, line;
    std::getline(in, header);
    // A UTF-8 byte-order mark first, so Excel reads the names right (issue 9).
    CHECK(header.rfind("\xEF\xBB\xBF", 0) == 0);
    if (header.rfind("\xEF\xBB\xBF", 0) == 0) header.erase(0, 3);
    CHECK(header.rfind("attendee_id,first_name,last_name", 0) == 0);
    int rows = 0;
    std::string all;
    while (std::getline(in, line)) {
        ++rows;
        all += line;
    }
    CHECK(rows == 2);
    CHECK(all.find("Élodie") != std::string::npos);
    CHECK(all.find("Ольга") != std::string::npos);
    CHECK(f.desk.model().notice.arg.find("2 ") == 0);
}

TEST_CASE("desk: outside the door times a banner says why every scan is refused") {
    DeskFixture f;  // doors 07:30–20:00 UTC on 16 March 2018, now 09:00
    CHECK(f.desk.model().doorsKey.empty());
    f.later(12h);  // 21:00
    CHECK(f.desk.model().doorsKey == "desk.doors.closed");
    CHECK(f.desk.model().doorsTime == formatLocalTime(at("2018-03-16T20:00:00Z"), true));
    f.ctx.now = at("2018-03-16T06:00:00Z");
    f.later(2s);
    CHECK(f.desk.model().doorsKey == "desk.doors.not_open");
    CHECK(f.desk.model().doorsTime == formatLocalTime(at("2018-03-16T07:30:00Z"), true));
}

TEST_CASE("desk: erasing a person needs a reason, runs the core erase and leaves them out of the search") {
    DeskFixture f;
    f.handle(CheckInAttendee{f.jan.id, ""});
    const auto stats = f.db.stats().value();
    f.handle(SelectAttendee{f.jan.id});
    f.handle(EraseAttendee{f.jan.id, "  "});
    CHECK(f.desk.model().notice.key == "desk.notice.erase_reason_required");
    CHECK_FALSE(f.db.attendee(f.jan.id).value()->erased);

    f.handle(EditDeskField{DeskField::EraseReason, "Art. 17 request at the desk"});
    CHECK(f.desk.model().eraseReason == "Art. 17 request at the desk");
    f.handle(EraseAttendee{f.jan.id, "Art. 17 request at the desk"});
    CHECK(f.desk.model().notice.key == "desk.notice.erased");
    CHECK_FALSE(f.desk.model().selected);
    CHECK(f.desk.model().eraseReason.empty());
    const auto a = f.db.attendee(f.jan.id).value().value();
    CHECK(a.erased);
    CHECK(a.firstName.empty());
    CHECK(f.db.search("peeters").value().empty());
    CHECK(f.db.stats().value().checkedIn == stats.checkedIn);
    bool audited = false;
    for (const auto& e : f.db.audit(50).value())
        if (e.action == "attendee.erase" && e.attendeeId == f.jan.id && e.actor == "desk:test")
            audited = true;
    CHECK(audited);
}

TEST_CASE("desk: a banner asks for kiosk purge once the retention date has passed") {
    DeskFixture f;  // the event ended 2018-03-16 16:30 UTC; kept 30 days by default
    CHECK(f.desk.model().retentionPassed.empty());
    f.ctx.now = at("2018-04-20T09:00:00Z");
    f.later(2s);
    CHECK(f.desk.model().retentionPassed == formatLocalTime(at("2018-04-15T16:30:00Z"), true));
    REQUIRE(f.db.purge("organiser", f.ctx.now).ok());
    f.later(2s);
    CHECK(f.desk.model().retentionPassed.empty());  // nobody held any more
}

TEST_CASE("desk: the queue shows the kiosks' cases and closes them in one click") {
    DeskFixture f;
    core::ScanRequest unknown;
    unknown.payload = "not-a-ticket-\x1b[31m";
    unknown.kiosk = "entrance-2";
    unknown.at = f.ctx.now;
    auto r = f.db.checkIn(unknown);
    REQUIRE(r.ok());
    REQUIRE(r->outcome != core::Outcome::CheckedIn);
    f.later(2s);
    const auto& cases = f.desk.model().cases;
    REQUIRE(cases.size() == 1);
    CHECK(cases[0].kind == DeskCase::Kind::RefusedScan);
    CHECK(cases[0].kiosk == "entrance-2");
    CHECK(cases[0].caseRef == r->caseRef);
    CHECK(cases[0].detail.find('\x1b') == std::string::npos);  // escaped for the screen

    f.handle(ResolveCase{cases[0].id, "checked in manually"});
    CHECK(f.desk.model().notice.key == "desk.notice.resolved");
    f.later(2s);
    CHECK(f.desk.model().cases.empty());
    CHECK(f.db.refusedScans(true, 10)->empty());

    // A badge the printer could not print: retry puts it back to pending, "handled" removes it.
    auto job = f.db.enqueuePrint(f.jan.id, "", core::PrintJobKind::Reprint, "entrance-3", "test", f.ctx.now);
    REQUIRE(job.ok());
    const core::PrintJob held = *job;
    REQUIRE(f.db.advancePrintJob(held.id, core::PrintStep::held("printer.stopped", "out of paper", f.ctx.now))
                .ok());
    f.later(2s);
    REQUIRE(f.desk.model().cases.size() == 1);
    CHECK(f.desk.model().cases[0].kind == DeskCase::Kind::PrintJob);
    CHECK(f.desk.model().cases[0].attendeeName == "Jan Peeters");
    f.handle(RetryPrintJob{held.id});
    CHECK((*f.db.printJob(held.id))->state == core::PrintJobState::Pending);
    // The person was told "at the desk": the retry prints it at the desk, not at entrance-3.
    CHECK((*f.db.printJob(held.id))->machine == f.ctx.kioskName);
    f.later(0ms);  // an action marks the model dirty: the next frame's refresh reloads at once
    CHECK(f.desk.model().cases.empty());

    REQUIRE(f.db.advancePrintJob(held.id, core::PrintStep::held("printer.stopped", "out of paper", f.ctx.now))
                .ok());
    f.later(2s);
    REQUIRE(f.desk.model().cases.size() == 1);
    f.handle(DismissPrintJob{held.id, "badge written by hand"});
    CHECK((*f.db.printJob(held.id))->state == core::PrintJobState::Dismissed);
    CHECK((*f.db.printJob(held.id))->errorText == "badge written by hand");
    f.later(2s);
    CHECK(f.desk.model().cases.empty());
}

TEST_CASE("desk: a write runs off the UI thread, the model says so until its result arrives") {
    DeskFixture f;
    f.handle(SelectAttendee{f.elodie.id});
    // Another process holds the write lock: the desk's write waits for it on its worker, and
    // handle() returns at once (on the UI thread it would wait with the window frozen).
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(f.dbPath.c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(f.desk.handle(CheckInAttendee{f.elodie.id, ""}, f.ctx));
    CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
    CHECK(f.desk.model().busy);
    std::this_thread::sleep_for(300ms);
    f.later(0ms);
    CHECK(f.desk.model().busy);  // still waiting for the lock
    CHECK(f.history(f.elodie).empty());
    REQUIRE(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);
    REQUIRE(f.desk.settle(f.ctx, 30s));
    CHECK_FALSE(f.desk.model().busy);
    CHECK(f.desk.model().notice.key == "desk.notice.checked_in_no_printer");
    CHECK(f.history(f.elodie).size() == 1);
}

TEST_CASE("desk: 'check in + close' on a case checks the person in with a badge and closes the case") {
    DeskFixture f;
    // Scanned before the doors opened (07:30 UTC): the kiosk sent the person to the desk.
    core::ScanRequest early;
    early.payload = *f.db.primaryCode(f.jan.id);
    early.kiosk = "entrance-1";
    early.at = at("2018-03-16T07:00:00Z");
    const auto r = *f.db.checkIn(early);
    REQUIRE(r.outcome == core::Outcome::NotOpenYet);
    f.later(2s);
    REQUIRE(f.desk.model().cases.size() == 1);
    f.handle(ResolveCase{f.desk.model().cases[0].id, "let in", core::CaseAction::CheckIn});
    CHECK(f.desk.model().notice.key == "desk.notice.checked_in_no_printer");
    const auto h = f.history(f.jan);
    REQUIRE(h.size() == 1);
    CHECK(h[0].actor == "desk:test");
    REQUIRE(f.jobsOf(f.jan).size() == 1);
    CHECK(f.jobsOf(f.jan)[0].checkinId == h[0].id);
    f.later(0ms);
    CHECK(f.desk.model().cases.empty());
}

TEST_CASE("desk: refresh reads the database only when due or after a change") {
    DeskFixture f;
    f.handle(SearchAttendees{"jan"});
    REQUIRE(f.desk.model().results.size() == 1);
    CHECK_FALSE(f.desk.model().resultsCheckedIn[0]);
    // Another process checks Jan in; within the refresh period the model keeps its last read.
    REQUIRE(f.db.checkInAttendee(f.jan.id, "entrance-1", f.ctx.now, "self", "").ok());
    f.later(500ms);
    CHECK_FALSE(f.desk.model().resultsCheckedIn[0]);
    f.later(1100ms);
    CHECK(f.desk.model().resultsCheckedIn[0]);
    CHECK(f.desk.model().lastRefreshMs >= 0.0);
}

TEST_CASE("desk: changing the PIN needs both entries equal and updates the shell's lock") {
    DeskFixture f;
    auto demo = core::hashPin(std::string(core::kDemoPin));
    REQUIRE(demo.ok());
    core::PinLock lock(*demo);
    f.ctx.pinLock = &lock;
    f.later(2s);
    CHECK(f.desk.model().demoPinWarning);  // no <db>.pin yet

    f.handle(EditDeskField{DeskField::NewPin, "9081"});
    f.handle(EditDeskField{DeskField::NewPinRepeat, "9082"});
    f.handle(ChangePin{"9081"});
    CHECK(f.desk.model().notice.key == "desk.notice.pin_mismatch");
    CHECK_FALSE(std::filesystem::exists(core::pinFileFor(f.dbPath)));

    f.handle(EditDeskField{DeskField::NewPin, "12"});
    f.handle(EditDeskField{DeskField::NewPinRepeat, "12"});
    f.handle(ChangePin{"12"});
    CHECK(f.desk.model().notice.key == "desk.notice.too_short");

    f.handle(EditDeskField{DeskField::NewPin, "908172"});
    f.handle(EditDeskField{DeskField::NewPinRepeat, "908172"});
    f.handle(ChangePin{"908172"});
    CHECK(f.desk.model().notice.key == "desk.notice.pin_changed");
    CHECK(f.desk.model().newPin.empty());
    auto stored = core::loadPinHash(core::pinFileFor(f.dbPath));
    REQUIRE(stored.ok());
    REQUIRE(stored->has_value());
    CHECK(core::verifyPin(**stored, "908172"));
    const auto t = std::chrono::steady_clock::time_point{} + 2h;
    CHECK(lock.tryPin(std::string(core::kDemoPin), t) == core::PinAttempt::Wrong);
    CHECK(lock.tryPin("908172", t) == core::PinAttempt::Opened);
    f.later(2s);
    CHECK_FALSE(f.desk.model().demoPinWarning);
}

TEST_CASE("desk: intents that are not the desk's are left to the shell") {
    DeskFixture f;
    CHECK_FALSE(f.handle(LeaveDesk{}));
    CHECK_FALSE(f.handle(SetLanguage{core::Language::Nl}));
    CHECK_FALSE(f.handle(EnterDesk{"2018"}));
}

// --- the screen ---------------------------------------------------------------------------------

namespace {

/// A headless ImGui context: enough to run frames and feed keyboard input, no window.
struct Headless {
    ImGuiContext* ctx;
    Headless() : ctx(ImGui::CreateContext()) {
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(1280, 720);
        io.DeltaTime = 1.0f / 60.0f;
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    }
    ~Headless() { ImGui::DestroyContext(ctx); }
    std::vector<Intent> frame(const DeskModel& m) {
        IntentSink sink;
        ImGui::NewFrame();
        drawDesk(m, sink);
        ImGui::Render();
        return sink.take();
    }
};

template <class T>
const T* find(const std::vector<Intent>& v) {
    for (const auto& i : v)
        if (auto p = std::get_if<T>(&i)) return p;
    return nullptr;
}

}  // namespace

TEST_CASE("desk screen: every page draws without input and pushes nothing") {
    DeskFixture f;
    Headless h;
    f.handle(SelectAttendee{f.elodie.id});
    for (DeskPage p :
         {DeskPage::Search, DeskPage::Attendee, DeskPage::WalkIn, DeskPage::Queue, DeskPage::Settings}) {
        f.handle(ShowDeskPage{p});
        CHECK(f.desk.model().page == p);
        for (int i = 0; i < 3; ++i) CHECK(h.frame(f.desk.model()).empty());
    }
}

TEST_CASE("desk screen: typing in the search field pushes SearchAttendees with the text") {
    DeskFixture f;
    Headless h;
    // The search field takes the keyboard focus when the desk appears.
    h.frame(f.desk.model());
    h.frame(f.desk.model());
    ImGui::GetIO().AddInputCharactersUTF8("pee");
    auto intents = h.frame(f.desk.model());
    const auto* s = find<SearchAttendees>(intents);
    REQUIRE(s);
    CHECK(s->text == "pee");
    f.handle(*s);
    REQUIRE(f.desk.model().results.size() == 1);
    CHECK(f.desk.model().results[0].id == f.jan.id);
}

namespace {

/// Another machine (device "k2", kiosk entrance-2) also let `a` in, 5 minutes after `first`,
/// while it could not see this one; its row arrived through the sync server 20 minutes later.
/// Written as the sync agent writes a pulled row.
std::string pulledCheckin(const std::string& dbPath, const core::Attendee& a, core::TimePoint first) {
    auto ms = [](core::TimePoint t) {
        return std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
    };
    const std::string id = "k2-" + a.id;
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(dbPath.c_str(), &raw) == SQLITE_OK);
    const std::string sql =
        "INSERT INTO checkins(id, nonce, attendee_id, at, kiosk, action, actor, reason, device_id, "
        "received_at) "
        "VALUES ('" +
        id + "', 'n-" + id + "', '" + a.id + "', " + ms(first + 5min) +
        ", 'entrance-2', 'checkin', 'self', '', "
        "'k2', " +
        ms(first + 25min) + ")";
    CHECK(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    return id;
}

}  // namespace

TEST_CASE("desk: a duplicate from two machines is a case with both kiosks and both times") {
    DeskFixture f;
    core::ScanRequest scan;
    scan.payload = *f.db.primaryCode(f.jan.id);
    scan.kiosk = "entrance-1";
    scan.at = f.ctx.now;
    const auto here = f.db.checkIn(scan);
    REQUIRE(here->outcome == core::Outcome::CheckedIn);
    const core::TimePoint t0 = f.ctx.now;
    const std::string there = pulledCheckin(f.dbPath, f.jan, t0);
    f.later(2s);
    REQUIRE(f.desk.model().cases.size() == 1);
    const DeskCase c = f.desk.model().cases[0];
    CHECK(c.kind == DeskCase::Kind::Duplicate);
    CHECK(c.attendeeId == f.jan.id);
    CHECK(c.attendeeName == "Jan Peeters");
    CHECK(c.first.checkinId == here->checkin->id);
    CHECK(c.first.kiosk == "entrance-1");
    CHECK(c.first.timeLocal == formatLocalTime(t0));
    CHECK_FALSE(c.first.late);
    CHECK(c.second.checkinId == there);
    CHECK(c.second.kiosk == "entrance-2");
    CHECK(c.second.timeLocal == formatLocalTime(t0 + 5min));
    CHECK(c.second.late);  // from a kiosk that was offline

    // The queue page draws it (both lines and the three buttons) without pushing anything.
    Headless h;
    f.handle(ShowDeskPage{DeskPage::Queue});
    for (int i = 0; i < 3; ++i) CHECK(h.frame(f.desk.model()).empty());

    SUBCASE("same person, fine: closed under the volunteer, both check-ins stay") {
        f.handle(ResolveDuplicate{c.second.checkinId, c.first.checkinId});
        CHECK(f.desk.model().notice.key == "desk.notice.duplicate_resolved");
        f.later(0ms);
        CHECK(f.desk.model().cases.empty());
        REQUIRE(f.db.duplicates().value().size() == 1);
        CHECK(f.db.duplicates().value()[0].resolved);
        CHECK(f.history(f.jan).size() == 2);
        // A second desk pressing it again is told it is gone, nothing is written twice.
        f.handle(ResolveDuplicate{c.second.checkinId, c.first.checkinId});
        CHECK(f.desk.model().notice.key == "desk.notice.not_found");
    }
    SUBCASE("annul one: the chosen check-in is annulled, the person stays in once") {
        f.handle(AnnulDuplicate{c.second.checkinId, c.first.checkinId});
        CHECK(f.desk.model().notice.key == "desk.notice.duplicate_annulled");
        f.later(0ms);
        CHECK(f.desk.model().cases.empty());
        const auto h2 = f.history(f.jan);
        REQUIRE(h2.size() == 3);
        const auto annul = std::find_if(h2.begin(), h2.end(),
                                        [](const auto& r) { return r.action == core::CheckinAction::Annul; });
        REQUIRE(annul != h2.end());
        CHECK(annul->annuls == there);
        CHECK(annul->actor == "desk:test");
        CHECK(annul->reason.find(c.first.checkinId) != std::string::npos);
        CHECK(f.db.stats()->checkedIn == 1);
        f.handle(AnnulDuplicate{c.second.checkinId, c.first.checkinId});
        CHECK(f.desk.model().notice.key == "desk.notice.not_found");
    }
}
