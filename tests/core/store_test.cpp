// The event store: migrations, hostile payloads, import semantics, search, stats, outbox, audit.
#include "core_test_util.hpp"

#include <sqlite3.h>

#include <fstream>
#include <random>
#include <sstream>

using namespace kiosk::core;
using namespace kiosk::core::test;

namespace {

std::string queryText(const std::string& path, const char* sql) {
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

void execRaw(const std::string& path, const char* sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
}

const char* kSchemaSql =
    "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_schema ORDER BY name";

}  // namespace

TEST_CASE("store: a fresh database gets every named migration step and the connection profile") {
    TempDb file;
    {
        Database db = file.open();
        CHECK(Database::schemaVersion() >= 1);
    }
    CHECK(queryText(file.path(), "PRAGMA user_version") == std::to_string(Database::schemaVersion()) + "\n");
    CHECK(queryText(file.path(), "PRAGMA journal_mode") == "wal\n");
    const auto steps =
        queryText(file.path(), "SELECT version || ':' || name FROM schema_migrations ORDER BY version");
    CHECK(steps.find("1:event, attendees and codes") != std::string::npos);
    CHECK(std::count(steps.begin(), steps.end(), '\n') == Database::schemaVersion());
}

TEST_CASE("store: reopening keeps data and does not re-run migrations") {
    TempDb file;
    std::string id;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        id = db.addAttendee(person("Zoë", "Dvořák"), "t").value().id;
    }
    const auto before = queryText(file.path(), kSchemaSql);
    Database db = file.open();
    CHECK(queryText(file.path(), kSchemaSql) == before);
    REQUIRE(db.attendee(id).value());
    CHECK(db.attendee(id).value()->lastName == "Dvořák");
    CHECK(db.event().value()->id == "conf-2018");
}

TEST_CASE("store: a database written by a newer kiosk is refused and left intact") {
    TempDb file;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
    }
    const std::string bump = "PRAGMA user_version = " + std::to_string(Database::schemaVersion() + 1);
    execRaw(file.path(), bump.c_str());
    auto db = Database::open(file.path());
    REQUIRE_FALSE(db.ok());
    CHECK(db.error().code == "db.newer_schema");
    CHECK(db.error().message.find("newer kiosk") != std::string::npos);
    CHECK(queryText(file.path(), "SELECT id FROM event") == "conf-2018\n");
    CHECK(Database::open(file.path(), Database::Mode::ReadOnly).error().code == "db.newer_schema");
}

TEST_CASE("store: missing file / foreign SQLite file and read-only mode") {
    TempDb file;
    CHECK(Database::open(file.path(), Database::Mode::OpenExisting).error().code == "db.not_found");
    execRaw(file.path(), "CREATE TABLE notes(x); INSERT INTO notes VALUES (1)");
    CHECK(Database::open(file.path()).error().code == "db.not_kiosk");

    TempDb good;
    { Database db = good.open(); }
    auto ro = Database::open(good.path(), Database::Mode::ReadOnly);
    REQUIRE(ro.ok());
    CHECK(ro->addAttendee(person("A", "B"), "t").error().code == "db.readonly");
    CHECK(ro->stats().ok());

    TempDb garbage;
    { std::ofstream(garbage.path()) << std::string(8192, 'x'); }
    const auto err = Database::open(garbage.path());
    REQUIRE_FALSE(err.ok());
    CHECK(err.error().code == "db.corrupt");
}

TEST_CASE("store: hostile payloads are refused or unknown / logged escaped / schema unchanged") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const auto a = db.addAttendee(person("Robert'); DROP TABLE attendees;--", "Tables"), "t").value();
    const auto schema = queryText(file.path(), kSchemaSql);
    const std::vector<std::string> corpus = {
        "'; DROP TABLE checkins; --",
        "\" OR 1=1 --",
        "x' UNION SELECT secret_key FROM event --",
        std::string("abc\0def", 7),
        std::string(1, '\0'),
        "\x1b[31mred\x1b[0m",
        "\x1b]0;pwned\x07",
        std::string("\xef\xbb\xbf") + "abcdefghjkmnpq",  // a BOM, then a code
        "\xc3\x28",
        "\xed\xa0\x80",
        "\xf8\x88\x80\x80\x80",
        "\xc0\xaf",
        std::string(1024 * 1024, 'A'),
        std::string(4097, 'b'),
        "=cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "{\"i\":[2,\"h\",\"not-base64!!\"]}",
        "{\"i\":[2]}",
        "{\"checkin_secret\":42}",
        std::string(2000, '{'),
        "KQ1:",
        "KQ1:AAAA",
        "kq1:" + std::string(200, 'z'),
        "A-1234567890",
        "\t\r\n",
        "attendee_search MATCH '*'",
    };
    for (const auto& payload : corpus) {
        auto r = db.checkIn(scan(payload));
        REQUIRE(r.ok());
        CHECK(r->outcome != Outcome::CheckedIn);
        CHECK_FALSE(r->caseRef.empty());
    }
    CHECK(queryText(file.path(), kSchemaSql) == schema);
    CHECK(queryText(file.path(), "PRAGMA integrity_check") == "ok\n");
    CHECK(db.attendee(a.id).value().has_value());
    const auto refused = db.refusedScans(false, 100).value();
    CHECK(refused.size() == corpus.size());
    for (const auto& r : refused) {
        CHECK(r.payloadEscaped.size() < 4096 * 6 + 64);  // 1 MB payload stored truncated
        for (const char c : r.payloadEscaped) CHECK(static_cast<unsigned char>(c) >= 0x20);
    }
    // A search string that is FTS5 syntax is just text.
    CHECK(db.search("\"*' OR NEAR(a b) -- ^").ok());
    CHECK(db.search("robert drop").value().size() == 1);
}

TEST_CASE("store: search is accent- and case-insensitive prefix matching on every token") {
    TempDb file;
    Database db = file.open();
    const auto zoe = db.addAttendee(person("Zoë", "Dvořák", "Commune d'Ixelles"), "t").value();
    db.addAttendee(person("Łukasz", "Wałęsa", "Solidarność Brussel"), "t").value();
    db.addAttendee(person("Şükrü", "Öztürk", "Schaerbeek"), "t").value();
    db.addAttendee(person("Grete", "Straße", "Région de Bruxelles-Capitale"), "t").value();
    db.addAttendee(person("Νίκος", "Παπαδόπουλος", "Ελληνική Κοινότητα"), "t").value();
    db.addAttendee(person("Ольга", "Шевченко", "Україна"), "t").value();
    auto names = [&](const char* q) {
        std::string out;
        for (const auto& a : db.search(q).value()) out += a.lastName + ";";
        return out;
    };
    CHECK(names("zoe dvor") == "Dvořák;");
    CHECK(names("ZOË") == "Dvořák;");
    CHECK(names("dvorak zo") == "Dvořák;");
    CHECK(names("ixel") == "Dvořák;");
    CHECK(names("lukasz walesa") == "Wałęsa;");
    CHECK(names("solidarnosc") == "Wałęsa;");
    CHECK(names("sukru ozt") == "Öztürk;");
    CHECK(names("strasse") == "Straße;");
    CHECK(names("bruxelles capitale") == "Straße;");
    CHECK(names("νικος") == "Παπαδόπουλος;");
    CHECK(names("ΠΑΠΑΔ") == "Παπαδόπουλος;");
    CHECK(names("ольга шевч") == "Шевченко;");
    CHECK(names("zoe walesa").empty());  // every token must match the same person
    CHECK(names("voe").empty());         // prefix, not substring
    CHECK(names("").empty());
    CHECK(names("   ").empty());
    // The badge name set at the desk is searchable too.
    REQUIRE(db.renameForBadge(zoe.id, "Zoé D.", "desk").ok());
    CHECK(names("zoe d") == "Dvořák;");
    CHECK(db.attendee(zoe.id).value()->displayName() == "Zoé D.");
    const auto audit = db.audit(5).value();
    REQUIRE_FALSE(audit.empty());
    CHECK(audit[0].action == "attendee.rename");
    CHECK(audit[0].actor == "desk");
}

TEST_CASE("store: foldForSearch covers Latin-1 / Latin Extended / Greek and Cyrillic") {
    CHECK(foldForSearch("Zoë Dvořák") == "zoe dvorak");
    CHECK(foldForSearch("ŘŁŞßÆØĐđœ") == "rlsssaeoddoe");
    CHECK(foldForSearch("ÀÉÎÕÜÇÑÝÿ") ==
          "aeiouc"
          "nyy");
    CHECK(foldForSearch("ǅ Ǆ ǈ ș ț Ș Ț") == "dz dz lj s t s t");
    CHECK(foldForSearch("Ελληνικά ΆΈΉ") == "ελληνικα αεη");
    CHECK(foldForSearch("МОСКВА Ёлка Йошкар") == "москва елка иошкар");
    CHECK(foldForSearch("Nguyễn Thị") == "nguyen thi");
    CHECK(foldForSearch("\xff"
                        "abc") == "abc");
    // utf8proc: decomposed input, compatibility forms, letters without a decomposition
    CHECK(foldForSearch("Zoe\xcc\x88 Dvor\xcc\x8c"
                        "a\xcc\x81k") == "zoe dvorak");
    CHECK(foldForSearch("\xef\xbc\xba\xef\xbc\xaf\xef\xbc\xa5") == "zoe");  // full-width ＺＯＥ
    CHECK(foldForSearch("Þórunn Ísdal, Şükrü Łucja İpek ı") == "thorunn isdal, sukru lucja ipek i");
    CHECK(foldForSearch("Ǿ ǽ ﬁ") == "o ae fi");
}

TEST_CASE("store: applyImport inserts / updates without losing check-ins / revokes cancelled / is audited") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    auto row = [](int line, const char* first, const char* last, const char* ext, const char* code,
                  bool cancelled) {
        ImportRow r;
        r.line = line;
        r.attendee = person(first, last, "Org");
        r.attendee.externalId = ext;
        r.codes = {code};
        r.cancelled = cancelled;
        return r;
    };
    ImportBatch b;
    b.source = "pretix";
    b.rows = {row(2, "Ana", "Silva", "A1-1", "aaaaaaaaaaaaaaaa", false),
              row(3, "Bram", "Janssens", "A2-1", "bbbbbbbbbbbbbbbb", false),
              row(4, "Chloé", "Martin", "A3-1", "cccccccccccccccc", false)};
    b.rejected = {{5, "missing name"}};
    const auto first = db.applyImport(b, "importer", kDuringDoors).value();
    CHECK(first.imported == 3);
    CHECK(first.updated == 0);
    CHECK(first.rejected.size() == 1);
    CHECK(db.checkIn(scan("aaaaaaaaaaaaaaaa")).value().outcome == Outcome::CheckedIn);
    const auto anaId = db.search("ana silva").value().at(0).id;
    REQUIRE(db.renameForBadge(anaId, "Ana S.", "desk").ok());

    // Corrected export: Ana's organisation fixed, Bram cancelled, Chloé unchanged, Dirk new,
    // and a code that already belongs to someone else.
    ImportBatch c = b;
    c.rejected.clear();
    c.rows[0].attendee.organisation = "Oxfam-Solidarité";
    c.rows[1].cancelled = true;
    c.rows.push_back(row(5, "Dirk", "Claes", "A4-1", "dddddddddddddddd", false));
    c.rows.push_back(row(6, "Eve", "Dupont", "A5-1", "aaaaaaaaaaaaaaaa", false));
    const auto second = db.applyImport(c, "importer", kDuringDoors + std::chrono::hours(1)).value();
    CHECK(second.imported == 2);
    CHECK(second.updated == 2);  // Ana's organisation, Bram's status
    CHECK(second.unchanged == 1);
    CHECK(second.revoked == 1);
    REQUIRE(second.rejected.size() == 1);
    CHECK(second.rejected[0].line == 6);

    const auto ana = db.attendee(anaId).value().value();
    CHECK(ana.organisation == "Oxfam-Solidarité");
    CHECK(ana.badgeName == "Ana S.");  // the desk's override survives
    CHECK(db.history(anaId).value().size() == 1);
    CHECK(db.checkIn(scan("aaaaaaaaaaaaaaaa")).value().outcome == Outcome::AlreadyCheckedIn);
    CHECK(db.checkIn(scan("bbbbbbbbbbbbbbbb")).value().outcome == Outcome::Revoked);
    CHECK(db.checkIn(scan("dddddddddddddddd")).value().outcome == Outcome::CheckedIn);
    const auto stats = db.stats().value();
    CHECK(stats.registered == 4);  // Ana, Chloé, Dirk, Eve
    CHECK(stats.checkedIn == 2);

    // Bram re-registers: the codes the import revoked are valid again.
    ImportBatch d = c;
    d.rows[1].cancelled = false;
    CHECK(db.applyImport(d, "importer", kDuringDoors).value().updated == 1);
    CHECK(db.checkIn(scan("bbbbbbbbbbbbbbbb")).value().outcome == Outcome::CheckedIn);

    bool sawApply = false, sawUpdate = false;
    for (const auto& e : db.audit(50).value()) {
        sawApply |= e.action == "import.apply";
        sawUpdate |=
            e.action == "attendee.import_update" && e.detail.find("organisation") != std::string::npos;
    }
    CHECK(sawApply);
    CHECK(sawUpdate);
}

TEST_CASE("store: stats count categories / working groups and 5-minute arrival buckets") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    std::vector<std::string> codes;
    for (int i = 0; i < 6; ++i) {
        Attendee a = person("P" + std::to_string(i), "Q", "", i < 4 ? "participant" : "speaker");
        a.workingGroup = i % 2 ? "B" : "A";
        codes.push_back(db.primaryCode(db.addAttendee(a, "t").value().id).value());
    }
    Attendee gone = person("Gone", "Away");
    gone.status = AttendeeStatus::Cancelled;
    REQUIRE(db.addAttendee(gone, "t").ok());
    const auto t0 = at("2018-03-16T09:00:00Z");
    CHECK(db.checkIn(scan(codes[0], t0)).value().outcome == Outcome::CheckedIn);
    CHECK(db.checkIn(scan(codes[1], t0 + std::chrono::minutes(4))).value().outcome == Outcome::CheckedIn);
    CHECK(db.checkIn(scan(codes[4], t0 + std::chrono::minutes(5))).value().outcome == Outcome::CheckedIn);
    CHECK(db.checkIn(scan(codes[4], t0 + std::chrono::minutes(6))).value().outcome ==
          Outcome::AlreadyCheckedIn);
    const auto s = db.stats().value();
    CHECK(s.registered == 6);
    CHECK(s.checkedIn == 3);
    auto group = [](const std::vector<Stats::Group>& gs, const char* name) {
        for (const auto& g : gs)
            if (g.name == name) return std::make_pair(g.registered, g.checkedIn);
        return std::make_pair<int64_t, int64_t>(-1, -1);
    };
    CHECK(group(s.byCategory, "participant") == std::make_pair<int64_t, int64_t>(4, 2));
    CHECK(group(s.byCategory, "speaker") == std::make_pair<int64_t, int64_t>(2, 1));
    CHECK(group(s.byWorkingGroup, "A") == std::make_pair<int64_t, int64_t>(3, 2));
    REQUIRE(s.arrivalsPer5Min.size() == 2);
    CHECK(s.arrivalsPer5Min[0].start == t0);
    CHECK(s.arrivalsPer5Min[0].arrivals == 2);
    CHECK(s.arrivalsPer5Min[1].start == t0 + std::chrono::minutes(5));
    CHECK(s.arrivalsPer5Min[1].arrivals == 1);
}

namespace {
/// The figures stats() must give, recomputed from the attendees table by plain SQL.
std::string recountedStats(const std::string& path) {
    return queryText(path,
                     "SELECT 'all ' || count(*) || ' ' || coalesce(sum(status = 'registered'), 0) || ' ' || "
                     "count(checked_in_at) FROM attendees") +
           queryText(path,
                     "SELECT 'category ' || category || ' ' || sum(status = 'registered') || ' ' || "
                     "count(checked_in_at) FROM attendees GROUP BY category ORDER BY category") +
           queryText(path,
                     "SELECT 'group ' || working_group || ' ' || sum(status = 'registered') || ' ' || "
                     "count(checked_in_at) FROM attendees GROUP BY working_group ORDER BY working_group") +
           queryText(path,
                     "SELECT 'bucket ' || (checked_in_at / 300000) || ' ' || count(*) FROM attendees "
                     "WHERE checked_in_at IS NOT NULL GROUP BY checked_in_at / 300000 ORDER BY checked_in_at "
                     "/ 300000");
}

/// The same figures as stats() reports them (attendee totals are not part of Stats: the total
/// row is checked through registered/checked-in only).
std::string reportedStats(const Database& db, const std::string& path) {
    const auto s = db.stats().value();
    std::string out = "all " + std::to_string(std::stoll(queryText(path, "SELECT count(*) FROM attendees"))) +
                      " " + std::to_string(s.registered) + " " + std::to_string(s.checkedIn) + "\n";
    for (const auto& g : s.byCategory)
        out += "category " + g.name + " " + std::to_string(g.registered) + " " + std::to_string(g.checkedIn) +
               "\n";
    for (const auto& g : s.byWorkingGroup)
        out +=
            "group " + g.name + " " + std::to_string(g.registered) + " " + std::to_string(g.checkedIn) + "\n";
    for (const auto& b : s.arrivalsPer5Min)
        out += "bucket " + std::to_string(b.start.time_since_epoch().count() / 300000) + " " +
               std::to_string(b.arrivals) + "\n";
    return out;
}
}  // namespace

TEST_CASE("store: running counters equal a full recount through imports, check-ins, annuls and walk-ins") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    std::mt19937 rng(2018);
    const char* categories[] = {"participant", "speaker", "press"};
    const char* groups[] = {"", "A", "B", "C"};
    auto batch = [&](int n, int generation) {
        ImportBatch b;
        b.source = "pretix";
        for (int i = 0; i < n; ++i) {
            ImportRow r;
            r.line = i + 2;
            r.attendee = person("P" + std::to_string(i), "Q", "Org", categories[(i + generation) % 3]);
            r.attendee.workingGroup = groups[(i * 7 + generation) % 4];
            r.attendee.externalId = "X" + std::to_string(i);
            r.codes = {"code" + std::to_string(i) + "abcdefghijklmnop"};
            r.cancelled = (i + generation) % 11 == 0;
            b.rows.push_back(r);
        }
        return b;
    };
    REQUIRE(db.applyImport(batch(60, 0), "t", kDuringDoors).ok());
    CHECK(reportedStats(db, file.path()) == recountedStats(file.path()));

    std::vector<std::string> ids;
    for (const auto& a : db.attendees().value()) ids.push_back(a.id);
    for (int step = 0; step < 300; ++step) {
        const std::string& id = ids[rng() % ids.size()];
        const auto t = kDuringDoors + std::chrono::minutes(static_cast<int>(rng() % 240));
        switch (rng() % 4) {
            case 0:
            case 1:
                (void)db.checkInAttendee(id, "desk", t, "volunteer", "test");
                break;
            case 2:
                (void)db.annul(id, "volunteer", "test", "desk", t);
                break;
            case 3: {
                Attendee w = person("Walk", "In" + std::to_string(step), "", categories[step % 3]);
                w.externalSource = "walkin";
                w.workingGroup = groups[step % 4];
                ids.push_back(db.addAttendee(w, "volunteer").value().id);
                break;
            }
        }
        if (step % 50 == 0) REQUIRE(reportedStats(db, file.path()) == recountedStats(file.path()));
    }
    // A corrected export moves people between categories and groups and cancels others.
    REQUIRE(db.applyImport(batch(70, 1), "t", kDuringDoors).ok());
    CHECK(reportedStats(db, file.path()) == recountedStats(file.path()));
    REQUIRE(db.applyImport(batch(70, 2), "t", kDuringDoors).ok());
    CHECK(reportedStats(db, file.path()) == recountedStats(file.path()));
}

// Step 14 undone by hand: no badge rules.
#define KIOSK_UNDO_STEP14 "DROP TABLE badge_rules; DELETE FROM schema_migrations WHERE version = 14; "
constexpr const char* kUndoStep14 = KIOSK_UNDO_STEP14;
// Step 10 undone by hand: the erasure columns and the append-only triggers as step 9 left them.
#define KIOSK_UNDO_STEP10                                                                                   \
    "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER checkins_no_update; " \
    "CREATE TRIGGER checkins_no_update BEFORE UPDATE ON checkins BEGIN SELECT RAISE(ABORT, 'the check-in "  \
    "log is append-only: annul instead'); END; ALTER TABLE attendees DROP COLUMN erased_at; "               \
    "ALTER TABLE event DROP COLUMN retention_days; DELETE FROM schema_migrations WHERE version = 10; "
// Step 16 undone by hand: no table of people with several arrivals.
#define KIOSK_UNDO_STEP16                                                                              \
    "DROP TRIGGER checkins_multi_add; DROP TABLE checkins_multi; DELETE FROM schema_migrations WHERE " \
    "version = 16; "
constexpr const char* kUndoStep16 = KIOSK_UNDO_STEP16;
// Step 15 undone by hand (and 16 before it): no origin device, sync state, outbox or duplicate
// verdicts; case references unique again in the whole file.
#define KIOSK_UNDO_STEP15                                                                               \
    KIOSK_UNDO_STEP16                                                                                   \
    "DROP TABLE sync_outbox; DROP TABLE sync_state; DROP TABLE duplicate_resolutions; "                 \
    "DROP INDEX checkins_annuls; DROP INDEX checkins_attendee_order; ALTER TABLE checkins DROP COLUMN " \
    "device_id; "                                                                                       \
    "ALTER TABLE checkins DROP COLUMN received_at; ALTER TABLE attendees DROP COLUMN device_id; "       \
    "ALTER TABLE codes DROP COLUMN device_id; ALTER TABLE audit_log DROP COLUMN device_id; "            \
    "ALTER TABLE reentries DROP COLUMN device_id; DROP INDEX refused_case_ref; DROP INDEX "             \
    "refused_case_lookup; "                                                                             \
    "ALTER TABLE refused_scans DROP COLUMN device_id; DELETE FROM schema_migrations WHERE version = "   \
    "15; "
constexpr const char* kUndoStep15 = KIOSK_UNDO_STEP15;
// Step 13 undone by hand: no re-entry setting, no re-entry log.
#define KIOSK_UNDO_STEP13                                                                               \
    "DROP TABLE reentries; ALTER TABLE event DROP COLUMN reentry; DELETE FROM schema_migrations WHERE " \
    "version = 13; "
constexpr const char* kUndoStep13 = KIOSK_UNDO_STEP13;
// Steps 11 (the demo flag) and 12 (the desk search's indexes) undone by hand.
#define KIOSK_UNDO_AFTER_STEP10                                                                          \
    "ALTER TABLE event DROP COLUMN demo; DROP INDEX attendees_external_id; DROP INDEX attendees_email; " \
    "DELETE FROM schema_migrations WHERE version >= 11; "
constexpr const char* kUndoStep10 =
    KIOSK_UNDO_STEP15 KIOSK_UNDO_STEP14 KIOSK_UNDO_STEP13 KIOSK_UNDO_AFTER_STEP10 KIOSK_UNDO_STEP10;
// The steps after 7 undone by hand, newest first (15: replication; 14: badge rules; 13: re-entry; 12, 11: the
// desk's; 10: erasure; 9: the event's branding; 8: the annul's check-in id), before undoing step 7.
constexpr const char* kUndoAfterStep7 =
    KIOSK_UNDO_STEP15 KIOSK_UNDO_STEP14 KIOSK_UNDO_STEP13 KIOSK_UNDO_AFTER_STEP10 KIOSK_UNDO_STEP10
    "ALTER TABLE event DROP COLUMN short_name; ALTER TABLE event DROP COLUMN tagline; "
    "ALTER TABLE event DROP COLUMN colour; ALTER TABLE event DROP COLUMN accent_colour; "
    "ALTER TABLE event DROP COLUMN logo; "
    "ALTER TABLE checkins DROP COLUMN annuls; DELETE FROM schema_migrations WHERE version >= 8";

// Step 7 undone by hand: the print outbox as releases before it wrote it.
constexpr const char* kUndoStep7 =
    "DROP INDEX print_jobs_machine; ALTER TABLE print_jobs ADD COLUMN last_error TEXT NOT NULL DEFAULT ''; "
    "ALTER TABLE print_jobs DROP COLUMN machine; ALTER TABLE print_jobs DROP COLUMN error_code; "
    "ALTER TABLE print_jobs DROP COLUMN error_text; DELETE FROM schema_migrations WHERE version = 7";

TEST_CASE("store: a version 4 database gets its running counters when it is upgraded") {
    TempDb file;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        for (int i = 0; i < 5; ++i) {
            Attendee a = person("P" + std::to_string(i), "Q", "", i < 3 ? "participant" : "speaker");
            a.workingGroup = i % 2 ? "B" : "A";
            const auto id = db.addAttendee(a, "t").value().id;
            if (i % 2 == 0) REQUIRE(db.checkInAttendee(id, "desk", kDuringDoors, "v", "t").ok());
        }
    }
    const std::string expected = recountedStats(file.path());
    // Undo step 5 by hand, as a database written by the previous release looks.
    execRaw(
        file.path(),
        "DROP TRIGGER attendees_count_delete; DROP TRIGGER attendees_count_update; DROP TABLE stat_groups; "
        "DROP TABLE stat_arrivals; CREATE INDEX attendees_by_category ON attendees(category, status, "
        "checked_in_at); CREATE INDEX attendees_by_group ON attendees(working_group, status, checked_in_at); "
        "DELETE FROM schema_migrations WHERE version = 5; PRAGMA user_version = 4");
    execRaw(file.path(), kUndoAfterStep7);
    execRaw(file.path(), kUndoStep7);
    // … and without the later steps (6: pretix keys, revoked secrets, Indico host).
    execRaw(file.path(),
            "DROP TABLE pretix_keys; DROP TABLE revoked_secrets; ALTER TABLE event DROP COLUMN indico_host; "
            "DELETE FROM schema_migrations WHERE version >= 6");
    Database db = file.open();
    CHECK(queryText(file.path(), "PRAGMA user_version") == std::to_string(Database::schemaVersion()) + "\n");
    CHECK(reportedStats(db, file.path()) == expected);
}

TEST_CASE("store: print outbox is idempotent per check-in and kind / reprints are counted") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const auto a = db.addAttendee(person("Zoë", "Dvořák"), "t").value();
    const auto r = db.checkIn(scan(db.primaryCode(a.id).value())).value();
    REQUIRE(r.checkin);
    const auto job =
        db.enqueuePrint(a.id, r.checkin->id, PrintJobKind::Badge, "entrance-1", "self", kDuringDoors).value();
    const auto again =
        db.enqueuePrint(a.id, r.checkin->id, PrintJobKind::Badge, "entrance-1", "self", kDuringDoors).value();
    CHECK(job.id == again.id);
    CHECK(job.state == PrintJobState::Pending);
    CHECK(job.machine == "entrance-1");
    CHECK(db.printJobs({.state = PrintJobState::Pending, .machine = {}, .attendeeId = {}, .limit = 1000})
              .value()
              .size() == 1);

    REQUIRE(db.advancePrintJob(job.id, PrintStep::attempt("badges", kDuringDoors + std::chrono::seconds(1)))
                .ok());
    REQUIRE(
        db.advancePrintJob(job.id, PrintStep::submitted(42, "badges", kDuringDoors + std::chrono::seconds(2)))
            .ok());
    const auto read = db.printJob(job.id).value().value();
    CHECK(read.state == PrintJobState::Submitted);
    CHECK(read.cupsJobId == 42);
    CHECK(read.printer == "badges");
    CHECK(read.attempts == 1);
    CHECK(read.updatedAt == kDuringDoors + std::chrono::seconds(2));
    CHECK(db.printJobs({.state = PrintJobState::Pending, .machine = {}, .attendeeId = {}, .limit = 1000})
              .value()
              .empty());

    CHECK(db.reprintCount(a.id).value() == 0);
    const auto re1 = db.enqueuePrint(a.id, "", PrintJobKind::Reprint, "desk", "marie", kDuringDoors).value();
    const auto re2 = db.enqueuePrint(a.id, "", PrintJobKind::Reprint, "desk", "marie", kDuringDoors).value();
    CHECK(re1.id != re2.id);
    CHECK(db.reprintCount(a.id).value() == 2);
    CHECK(db.printJobs().value().size() == 3);
    CHECK(db.audit(1).value().at(0).action == "print.reprint");
    CHECK(db.advancePrintJob("nope", PrintStep::printed(kDuringDoors)).error().code == "print.not_found");
}

TEST_CASE("store: print job transitions follow the state machine, each stored under its stable name") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const auto a = db.addAttendee(person("Jan", "Peeters"), "t").value();
    const auto job =
        db.enqueuePrint(a.id, "", PrintJobKind::Reprint, "entrance-1", "t", kDuringDoors).value();
    // Not allowed from pending: printed, retried, dismissed.
    CHECK(db.advancePrintJob(job.id, PrintStep::printed(kDuringDoors)).error().code ==
          "print.bad_transition");
    CHECK(db.advancePrintJob(job.id, PrintStep::retried("desk", "", "v", kDuringDoors)).error().code ==
          "print.bad_transition");
    const auto held =
        db.advancePrintJob(job.id, PrintStep::held("printer.stopped", "out of paper", kDuringDoors)).value();
    CHECK(held.state == PrintJobState::Held);
    CHECK(held.errorCode == "printer.stopped");
    CHECK(held.errorText == "out of paper");
    CHECK(queryText(file.path(), "SELECT state || '|' || error_code || '|' || error_text FROM print_jobs") ==
          "held|printer.stopped|out of paper\n");
    // A held job goes back to pending only by a retry, which moves it to the retrying machine.
    CHECK(db.advancePrintJob(job.id, PrintStep::attempt("q", kDuringDoors)).error().code ==
          "print.bad_transition");
    const auto retried =
        db.advancePrintJob(job.id, PrintStep::retried("desk", "desk-printer", "marie", kDuringDoors)).value();
    CHECK(retried.state == PrintJobState::Pending);
    CHECK(retried.machine == "desk");
    CHECK(retried.printer == "desk-printer");
    CHECK(retried.errorCode.empty());
    CHECK(db.audit(1).value().at(0).action == "print.retried");
    CHECK(db.audit(1).value().at(0).actor == "marie");
    REQUIRE(db.advancePrintJob(job.id, PrintStep::failed("badge.render_failed", "x", kDuringDoors)).ok());
    const auto dismissed =
        db.advancePrintJob(job.id, PrintStep::dismissed("given a blank badge", "marie", kDuringDoors))
            .value();
    CHECK(dismissed.state == PrintJobState::Dismissed);
    CHECK(dismissed.errorText == "given a blank badge");
    CHECK(db.audit(1).value().at(0).action == "print.dismissed");
    CHECK(queryText(file.path(), "SELECT state FROM print_jobs") == "dismissed\n");
    // Final: nothing moves a dismissed job.
    for (const auto& step : {PrintStep::retried("desk", "", "v", kDuringDoors),
                             PrintStep::attempt("q", kDuringDoors), PrintStep::held("c", "t", kDuringDoors)})
        CHECK(db.advancePrintJob(job.id, step).error().code == "print.bad_transition");
}

TEST_CASE("store: the pure state machine allows exactly the documented transitions") {
    using S = PrintJobState;
    using T = PrintTransition;
    CHECK(nextState(S::Pending, T::Attempt) == S::Pending);
    CHECK(nextState(S::Pending, T::Submitted) == S::Submitted);
    CHECK(nextState(S::Submitted, T::Printed) == S::Printed);
    CHECK(nextState(S::Submitted, T::Requeued) == S::Pending);
    CHECK(nextState(S::Held, T::Retried) == S::Pending);
    CHECK(nextState(S::Failed, T::Dismissed) == S::Dismissed);
    CHECK_FALSE(nextState(S::Held, T::Attempt));
    CHECK_FALSE(nextState(S::Held, T::Submitted));
    CHECK_FALSE(nextState(S::Printed, T::Retried));
    CHECK_FALSE(nextState(S::Pending, T::Printed));
    CHECK_FALSE(nextState(S::Dismissed, T::Retried));
    for (auto s : {S::Pending, S::Submitted, S::Printed, S::Failed, S::Held, S::Dismissed})
        CHECK(printJobStateFromName(stateName(s)) == s);
    CHECK_FALSE(printJobStateFromName("desk.dismissed"));
    CHECK(printJobKindFromName(kindName(PrintJobKind::Reprint)) == PrintJobKind::Reprint);
}

TEST_CASE("store: checkIn with queueBadge writes the arrival and its badge job in one transaction") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const auto a = db.addAttendee(person("Zoë", "Dvořák"), "t").value();
    const auto b = db.addAttendee(person("Jan", "Peeters"), "t").value();
    EngineOptions badge;
    badge.queueBadge = true;
    ScanRequest req = scan(db.primaryCode(a.id).value());
    req.kiosk = "entrance-2";
    req.nonce = "n-1";
    const auto r = db.checkIn(req, badge).value();
    REQUIRE(r.outcome == Outcome::CheckedIn);
    REQUIRE(r.printJob);
    CHECK(r.printJob->checkinId == r.checkin->id);
    CHECK(r.printJob->machine == "entrance-2");
    CHECK(r.printJob->kind == PrintJobKind::Badge);
    CHECK(r.printJob->state == PrintJobState::Pending);
    // A retried scan (same nonce) is the same arrival with the same job, nothing written twice.
    const auto replay = db.checkIn(req, badge).value();
    REQUIRE(replay.printJob);
    CHECK(replay.printJob->id == r.printJob->id);
    // A repeat scan is refused and queues nothing; without the option nothing is queued either.
    CHECK(db.checkIn(scan(db.primaryCode(a.id).value()), badge).value().outcome == Outcome::AlreadyCheckedIn);
    CHECK_FALSE(db.checkIn(scan(db.primaryCode(b.id).value())).value().printJob);
    CHECK(db.printJobs().value().size() == 1);
    // The check-in's badge is not audited as a separate print action (it is the arrival's).
    for (const auto& e : db.audit(20).value()) CHECK(e.action.rfind("print.", 0) != 0);
}

TEST_CASE(
    "store: the outbox wake-up hint fires after a commit that leaves a pending job, for that file only") {
    TempDb file;
    TempDb other;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const auto a = db.addAttendee(person("Zoë", "Dvořák"), "t").value();
    int hints = 0, otherHints = 0;
    {
        auto sub = onOutboxChange(file.path(), [&] { ++hints; });
        auto subOther = onOutboxChange(other.path(), [&] { ++otherHints; });
        EngineOptions badge;
        badge.queueBadge = true;
        const auto code = db.primaryCode(a.id).value();
        REQUIRE(db.checkIn(scan(code), badge).value().printJob);
        CHECK(hints == 1);
        REQUIRE(db.checkIn(scan(code), badge).value().outcome == Outcome::AlreadyCheckedIn);
        CHECK(hints == 1);  // nothing queued, no hint
        const auto re = db.enqueuePrint(a.id, "", PrintJobKind::Reprint, "desk", "t", kDuringDoors).value();
        CHECK(hints == 2);
        REQUIRE(db.advancePrintJob(re.id, PrintStep::held("printer.none", "no queue", kDuringDoors)).ok());
        CHECK(hints == 2);
        REQUIRE(db.advancePrintJob(re.id, PrintStep::retried("desk", "", "v", kDuringDoors)).ok());
        CHECK(hints == 3);
        CHECK(otherHints == 0);
    }
    REQUIRE(db.enqueuePrint(a.id, "", PrintJobKind::Reprint, "desk", "t", kDuringDoors).ok());
    CHECK(hints == 3);  // unsubscribed
}

TEST_CASE("store: a check-in whose badge job cannot be written is not written either") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const auto a = db.addAttendee(person("Zoë", "Dvořák"), "t").value();
    // Make the outbox insert fail inside the check-in's transaction.
    execRaw(
        file.path(),
        "CREATE TRIGGER no_jobs BEFORE INSERT ON print_jobs BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    EngineOptions badge;
    badge.queueBadge = true;
    const auto r = db.checkIn(scan(db.primaryCode(a.id).value()), badge);
    REQUIRE_FALSE(r.ok());
    CHECK(db.history(a.id).value().empty());
    CHECK(db.stats().value().checkedIn == 0);
}

TEST_CASE(
    "store: a version 5 outbox (before step 7) gets machine, error code and text, and dismissed jobs their "
    "own state") {
    TempDb file;
    std::string stopped, dismissed, plain, reprint;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        const auto a = db.addAttendee(person("Zoë", "Dvořák"), "t").value();
        const auto b = db.addAttendee(person("Jan", "Peeters"), "t").value();
        const auto c = db.addAttendee(person("Ana", "Silva"), "t").value();
        EngineOptions badge;
        badge.queueBadge = true;
        ScanRequest req = scan(db.primaryCode(a.id).value());
        req.kiosk = "entrance-1";
        stopped = db.checkIn(req, badge).value().printJob->id;
        req = scan(db.primaryCode(b.id).value());
        req.kiosk = "entrance-2";
        dismissed = db.checkIn(req, badge).value().printJob->id;
        req = scan(db.primaryCode(c.id).value());
        req.kiosk = "entrance-2";
        plain = db.checkIn(req, badge).value().printJob->id;
        reprint = db.enqueuePrint(a.id, "", PrintJobKind::Reprint, "desk", "t", kDuringDoors).value().id;
    }
    execRaw(file.path(), kUndoAfterStep7);
    execRaw(file.path(), kUndoStep7);
    execRaw(file.path(),
            "DROP TABLE pretix_keys; DROP TABLE revoked_secrets; ALTER TABLE event DROP COLUMN indico_host; "
            "DELETE FROM schema_migrations WHERE version >= 6");
    execRaw(file.path(),
            ("UPDATE print_jobs SET state = 'held', last_error = 'printer.stopped: queue \"x\" is stopped: "
             "Out of paper.' WHERE id = '" +
             stopped +
             "'; UPDATE print_jobs SET state = 'failed', "
             "last_error = 'desk.dismissed: given by hand' WHERE id = '" +
             dismissed + "'; PRAGMA user_version = 5")
                .c_str());
    Database db = file.open();
    CHECK(queryText(file.path(), "PRAGMA user_version") == std::to_string(Database::schemaVersion()) + "\n");
    const auto s = db.printJob(stopped).value().value();
    CHECK(s.state == PrintJobState::Held);
    CHECK(s.errorCode == "printer.stopped");
    CHECK(s.errorText == "queue \"x\" is stopped: Out of paper.");
    CHECK(s.machine == "entrance-1");
    const auto d = db.printJob(dismissed).value().value();
    CHECK(d.state == PrintJobState::Dismissed);
    CHECK(d.errorCode == "desk.dismissed");
    CHECK(d.errorText == "given by hand");
    CHECK(d.machine == "entrance-2");
    const auto p = db.printJob(plain).value().value();
    CHECK(p.state == PrintJobState::Pending);
    CHECK(p.errorCode.empty());
    CHECK(p.errorText.empty());
    CHECK(db.printJob(reprint).value().value().machine.empty());  // no check-in: no machine known
    CHECK(db.printJobs({.state = std::nullopt, .machine = "entrance-2", .attendeeId = {}, .limit = 1000})
              .value()
              .size() == 2);
    CHECK(queryText(file.path(),
                    "SELECT count(*) FROM pragma_table_info('print_jobs') WHERE name = 'last_error'") ==
          "0\n");
}

TEST_CASE("store: refused scans can be resolved by case reference") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const auto r = db.checkIn(scan("unknown-thing")).value();
    REQUIRE(db.resolveRefusedScan(r.caseRef, "marie", "printed a new badge").ok());
    CHECK(db.refusedScans(true, 10).value().empty());
    const auto all = db.refusedScans(false, 10).value();
    REQUIRE(all.size() == 1);
    CHECK(all[0].resolved);
    CHECK(db.resolveRefusedScan("ZZZ-ZZZ", "marie", "").error().code == "refused.not_found");
}

TEST_CASE("store: own codes / setEvent rules and the arrivals export") {
    TempDb file;
    Database db = file.open();
    const auto a = db.addAttendee(person("=HYPERLINK(\"x\")", "+Evil", "@org"), "t").value();
    CHECK(db.issueCode(a.id).error().code == "event.missing");
    REQUIRE(db.setEvent(testEvent()).ok());
    Event renamed = testEvent();
    renamed.name = "Renamed";
    REQUIRE(db.setEvent(renamed).ok());
    CHECK(db.event().value()->name == "Renamed");
    CHECK(db.setEvent(testEvent("another")).error().code == "event.id_change");
    const auto code = db.primaryCode(a.id).value();
    CHECK(db.primaryCode(a.id).value() == code);  // stable
    const auto second = db.issueCode(a.id).value();
    CHECK(second != code);
    CHECK(db.checkIn(scan(second)).value().outcome == Outcome::CheckedIn);
    const std::string out = file.path() + ".csv";
    CHECK(db.exportArrivalsCsv(out).value() == 1);
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto text = ss.str();
    CHECK(text.find("'=HYPERLINK") != std::string::npos);
    CHECK(text.find("'+Evil") != std::string::npos);
    CHECK(text.find(formatIso8601Local(at("2018-03-16T09:00:00Z"))) != std::string::npos);
    std::filesystem::remove(out);
}

TEST_CASE("store: backupTo writes a checked copy while another connection keeps checking in") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    std::vector<std::string> codes;
    codes.reserve(20);
    for (int i = 0; i < 20; ++i)
        codes.push_back(
            db.primaryCode(db.addAttendee(person("P" + std::to_string(i), "Q"), "t").value().id).value());
    for (int i = 0; i < 10; ++i)
        REQUIRE(db.checkIn(scan(codes[static_cast<std::size_t>(i)])).value().outcome == Outcome::CheckedIn);

    TempDb copyFile;
    auto reader = Database::open(file.path(), Database::Mode::ReadOnly);
    REQUIRE(reader.ok());
    // The writer goes on after the reader opened: the copy holds every committed check-in.
    REQUIRE(db.checkIn(scan(codes[10])).value().outcome == Outcome::CheckedIn);
    const auto bytes = reader->backupTo(copyFile.path());
    REQUIRE_MESSAGE(bytes.ok(), (bytes.ok() ? "" : bytes.error().message));
    CHECK(*bytes > 0);
    CHECK_FALSE(std::filesystem::exists(copyFile.path() + ".tmp"));

    Database copy = copyFile.open();
    CHECK(copy.stats().value().checkedIn == 11);
    CHECK(copy.attendees().value().size() == 20);
    CHECK(queryText(copyFile.path(), "PRAGMA integrity_check") == "ok\n");
    // The copy is a working event database: the same codes, the same key.
    CHECK(copy.checkIn(scan(codes[0])).value().outcome == Outcome::AlreadyCheckedIn);
    CHECK(copy.checkIn(scan(codes[15])).value().outcome == Outcome::CheckedIn);

    const auto bad = reader->backupTo("/nonexistent-folder/backup.kiosk");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == "io.open");
}

TEST_CASE("store: overview counts badges, open cases and recent activity from one snapshot") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    std::vector<std::string> ids;
    ids.reserve(5);
    for (int i = 0; i < 5; ++i)
        ids.push_back(db.addAttendee(person("P" + std::to_string(i), "Q"), "t").value().id);
    for (int i = 0; i < 4; ++i) {
        const auto r =
            db.checkIn(scan(db.primaryCode(ids[i]).value(), kDuringDoors + std::chrono::minutes(i))).value();
        REQUIRE(r.checkin);
        auto job =
            db.enqueuePrint(ids[i], r.checkin->id, PrintJobKind::Badge, "entrance-1", "self", kDuringDoors)
                .value();
        // 0 stays pending, 1 is with CUPS, 2 is held, 3 failed and was dismissed at the desk.
        if (i == 1) REQUIRE(db.advancePrintJob(job.id, PrintStep::submitted(7, "q", kDuringDoors)).ok());
        if (i == 2)
            REQUIRE(db.advancePrintJob(job.id, PrintStep::held("printer.stopped", "t", kDuringDoors)).ok());
        if (i == 3) {
            REQUIRE(
                db.advancePrintJob(job.id, PrintStep::failed("printer.job_aborted", "t", kDuringDoors)).ok());
            REQUIRE(
                db.advancePrintJob(job.id, PrintStep::dismissed("handed a blank badge", "v", kDuringDoors))
                    .ok());
        }
    }
    CHECK(db.checkIn(scan("nonsense-1")).value().outcome == Outcome::UnknownCode);
    CHECK(db.checkIn(scan("nonsense-2")).value().outcome == Outcome::UnknownCode);
    const auto open = db.refusedScans(true, 10).value();
    REQUIRE(open.size() == 2);
    REQUIRE(db.resolveRefusedScan(open[0].caseRef, "desk", "seen").ok());

    const auto o = db.overview(3).value();
    CHECK(o.stats.registered == 5);
    CHECK(o.stats.checkedIn == 4);
    CHECK(o.printsWaiting == 2);
    CHECK(o.printsHeld == 1);
    CHECK(o.openCases == 1);
    REQUIRE(o.recentCheckins.size() == 3);
    CHECK(o.recentCheckins[0].attendeeId == ids[3]);  // newest first
    CHECK(o.recentRefused.size() == 2);
}

TEST_CASE("store: a version 5 database gets the pretix key and revoked-secret tables when it is upgraded") {
    TempDb file;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
    }
    execRaw(file.path(),
            "DROP TABLE pretix_keys; DROP TABLE revoked_secrets; ALTER TABLE event DROP COLUMN indico_host; "
            "DELETE FROM schema_migrations WHERE version >= 6; PRAGMA user_version = 5");
    execRaw(file.path(), kUndoAfterStep7);
    execRaw(file.path(), kUndoStep7);  // and without the print outbox step after it
    Database db = file.open();
    CHECK(queryText(file.path(), "PRAGMA user_version") == std::to_string(Database::schemaVersion()) + "\n");
    CHECK(db.event().value()->id == testEvent().id);
    CHECK(db.pretixKeys().value().empty());
    CHECK(queryText(file.path(), "SELECT count(*) FROM revoked_secrets") == "0\n");
    CHECK(queryText(file.path(), "SELECT indico_host FROM event") == "\n");
}

TEST_CASE("store: the event's branding - colours checked, logo a PNG or JPEG, kept apart from the event") {
    TempDb file;
    Database db = file.open();
    const TimePoint now = at("2026-03-01T10:00:00Z");
    CHECK(db.setEventLogo(std::string("\x89PNG\r\n\x1a\n", 8) + "x", "t", now).error().code ==
          "event.missing");
    Event e = testEvent();
    e.shortName = "TC 18";
    e.tagline = "A line\u200b under";  // zero-width characters are dropped like in the name
    e.colour = "#8B0000";
    e.accentColour = "";
    REQUIRE(db.setEvent(e).ok());
    Event stored = db.event().value().value();
    CHECK(stored.shortName == "TC 18");
    CHECK(stored.tagline == "A line under");
    CHECK(stored.colour == "#8b0000");
    CHECK(stored.accentColour.empty());
    for (const char* bad : {"red", "#8B00", "#8B0000FF", "8B0000#", "#GG0000"}) {
        Event b = stored;
        b.accentColour = bad;
        auto s = db.setEvent(b);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == "event.bad_colour");
    }
    Event bidi = stored;
    bidi.tagline = "abc\u202Edef";
    CHECK(db.setEvent(bidi).error().code == "event.bad_text");
    CHECK(db.event().value()->accentColour.empty());  // refused changes left nothing behind

    CHECK(db.eventLogo().value().empty());
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "rest";
    REQUIRE(db.setEventLogo(png, "t", now).ok());
    CHECK(db.eventLogo().value() == png);
    CHECK(db.setEventLogo("GIF89a....", "t", now).error().code == "event.bad_logo");
    CHECK(
        db.setEventLogo(std::string("\xff\xd8\xff", 3) + std::string(Database::kMaxLogoBytes, 'j'), "t", now)
            .error()
            .code == "event.bad_logo");
    CHECK(db.eventLogo().value() == png);
    REQUIRE(db.setEvent(stored).ok());  // setting the event again keeps the logo
    CHECK(db.eventLogo().value() == png);
    REQUIRE(db.setEventLogo("", "t", now).ok());
    CHECK(db.eventLogo().value().empty());
    CHECK(queryText(file.path(), "SELECT count(*) FROM audit_log WHERE action = 'event.logo'") == "2\n");
}

TEST_CASE(
    "store: a version 9 database gets erasure and retention when it is upgraded - its log stays "
    "append-only") {
    TempDb file;
    std::string id;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        id = db.addAttendee(person("Zoë", "Dvořák"), "t").value().id;
        REQUIRE(db.checkInAttendee(id, "desk", kDuringDoors, "v", "forgot the code").ok());
    }
    execRaw(file.path(), kUndoStep10);
    execRaw(file.path(), "PRAGMA user_version = 9");
    Database db = file.open();
    CHECK(queryText(file.path(), "PRAGMA user_version") == std::to_string(Database::schemaVersion()) + "\n");
    CHECK(db.event().value()->retentionDays == 30);
    CHECK_FALSE(db.attendee(id).value()->erased);
    const std::string before = reportedStats(db, file.path());
    REQUIRE(db.erase(id, "Art. 17", "organiser", kDuringDoors).ok());
    CHECK(db.attendee(id).value()->erased);
    CHECK(reportedStats(db, file.path()) == before);
    CHECK(queryText(file.path(), "SELECT reason FROM checkins") == "[erased]\n");
}

TEST_CASE("store: a version 12 database gets the re-entry setting (refused) and log when it is upgraded") {
    TempDb file;
    std::string code;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        const auto a = db.addAttendee(person("Zoë", "Dvořák"), "t").value();
        code = db.primaryCode(a.id).value();
        REQUIRE(db.checkIn(scan(code)).value().outcome == Outcome::CheckedIn);
    }
    execRaw(file.path(), kUndoStep15);  // newest first
    execRaw(file.path(), kUndoStep14);
    execRaw(file.path(), kUndoStep13);
    execRaw(file.path(), "PRAGMA user_version = 12");
    Database db = file.open();
    CHECK(queryText(file.path(), "PRAGMA user_version") == std::to_string(Database::schemaVersion()) + "\n");
    CHECK_FALSE(db.event().value()->reentryAllowed);
    CHECK(db.checkIn(scan(code)).value().outcome == Outcome::AlreadyCheckedIn);
    Event e = *db.event().value();
    e.reentryAllowed = true;
    REQUIRE(db.setEvent(e).ok());
    CHECK(db.checkIn(scan(code)).value().outcome == Outcome::Reentry);
    CHECK(queryText(file.path(), "SELECT count(*) FROM reentries") == "1\n");
}

TEST_CASE("store: a version 15 file with a duplicate pair keeps it when upgraded (step 16 backfills)") {
    TempDb file;
    std::string attendeeId;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        attendeeId = db.addAttendee(person("Łucja", "Şükrü"), "t").value().id;
        REQUIRE(db.checkIn(scan(db.primaryCode(attendeeId).value())).value().outcome == Outcome::CheckedIn);
    }
    execRaw(file.path(), kUndoStep16);
    // A second arrival pulled from another machine while the file was at version 15.
    execRaw(
        file.path(),
        "INSERT INTO checkins(id, nonce, attendee_id, at, kiosk, action, actor, reason, device_id) "
        "SELECT 'pulled-1', 'pulled-n1', attendee_id, at + 60000, 'entrance-2', 'checkin', 'self', '', 'k2' "
        "FROM checkins; PRAGMA user_version = 15");
    Database db = file.open();
    CHECK(queryText(file.path(), "PRAGMA user_version") == std::to_string(Database::schemaVersion()) + "\n");
    REQUIRE(db.duplicates().value().size() == 1);
    CHECK(db.duplicates().value()[0].second.checkinId == "pulled-1");
    CHECK(queryText(file.path(), "SELECT attendee_id FROM checkins_multi") == attendeeId + "\n");
    // From then on the trigger keeps it: a person with one arrival is not in it.
    const auto other = db.addAttendee(person("Zoë", "Dvořák"), "t").value().id;
    REQUIRE(db.checkIn(scan(db.primaryCode(other).value())).value().outcome == Outcome::CheckedIn);
    CHECK(queryText(file.path(), "SELECT count(*) FROM checkins_multi") == "1\n");
}

TEST_CASE("store: badge rules - ticket type before category, case-insensitive, merged, removed, checked") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const TimePoint now = at("2026-03-01T10:00:00Z");
    auto change = [](BadgeMatch m, std::string value) {
        BadgeRuleChange c;
        c.match = m;
        c.value = std::move(value);
        return c;
    };
    auto speaker = change(BadgeMatch::Category, "Speaker");
    speaker.templateName = "speaker";
    auto keynote = change(BadgeMatch::TicketType, "Keynote");
    keynote.role = "Keynote";
    REQUIRE(db.changeBadgeRules({speaker, keynote}, "t", now).ok());
    auto colour = change(BadgeMatch::Category, "speaker");  // the same rule, another case
    colour.colour = "#C8553D";
    REQUIRE(db.changeBadgeRules({colour}, "t", now).ok());
    auto rules = db.badgeRules().value();
    REQUIRE(rules.size() == 2);
    CHECK(rules[0].match == BadgeMatch::TicketType);
    CHECK(rules[1].value == "Speaker");
    CHECK(rules[1].templateName == "speaker");  // kept: each change replaces only what it names
    CHECK(rules[1].colour == "#c8553d");

    Attendee a = person("Véronique", "Mukendi", "", "speaker");
    a.ticketType = "KEYNOTE";
    auto r = db.badgeRuleFor(a).value();
    REQUIRE(r);
    CHECK(r->match == BadgeMatch::TicketType);  // the more specific rule
    CHECK(r->role == "Keynote");
    a.ticketType = "Guest";
    r = db.badgeRuleFor(a).value();
    REQUIRE(r);
    CHECK(r->templateName == "speaker");
    a.category = "participant";
    CHECK_FALSE(db.badgeRuleFor(a).value().has_value());
    a.category = "";
    a.ticketType = "";
    CHECK_FALSE(db.badgeRuleFor(a).value().has_value());  // an empty value never matches

    // Refused whole: one bad change leaves every rule as it was.
    auto path = change(BadgeMatch::Category, "press");
    path.templateName = "../../etc/x";
    auto fine = change(BadgeMatch::Category, "staff");
    fine.templateName = "a7";
    CHECK(db.changeBadgeRules({fine, path}, "t", now).error().code == "badge.bad_rule");
    auto badColour = change(BadgeMatch::Category, "press");
    badColour.colour = "green";
    CHECK(db.changeBadgeRules({badColour}, "t", now).error().code == "badge.bad_rule");
    auto bidi = change(BadgeMatch::Category, "press");
    bidi.role = "PRE\u202ESS";
    CHECK(db.changeBadgeRules({bidi}, "t", now).error().code == "badge.bad_rule");
    CHECK(db.badgeRules().value().size() == 2);

    // Removing: the rule goes; a rule emptied part by part goes too.
    auto gone = change(BadgeMatch::Category, "SPEAKER");
    gone.remove = true;
    auto emptied = change(BadgeMatch::TicketType, "keynote");
    emptied.role = "";
    REQUIRE(db.changeBadgeRules({gone, emptied}, "t", now).ok());
    CHECK(db.badgeRules().value().empty());
    CHECK(queryText(file.path(), "SELECT count(*) FROM audit_log WHERE action = 'event.badge_rule'") ==
          "5\n");
}
