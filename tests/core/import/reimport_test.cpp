// Re-import semantics against a real database file (parseExport → Database::applyImport), the
// Eventbrite prefix fallback end to end, the `kiosk import` / `kiosk export` command line, and
// the exported arrivals read back by Python's csv module.
#include <kiosk/core/csv.hpp>

#include "import_test_util.hpp"

#include <kiosk/core.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

using namespace kiosk::core;
using kiosk::core::test::TempDir;
namespace fs = std::filesystem;

namespace {

const TimePoint kT0 = TimePoint{std::chrono::milliseconds{1521187200000}};  // 2018-03-16T08:00:00Z

Database openDb(const std::string& path) {
    auto db = Database::open(path, Database::Mode::CreateIfMissing);
    if (!db) FAIL("open: " << db.error().message);
    return std::move(db).value();
}

ImportSummary applyCsv(Database& db, std::string_view csvText, TimePoint at = kT0) {
    auto batch = parseExport(csvText);
    if (!batch) FAIL("parse: " << batch.error().message);
    auto sum = db.applyImport(*batch, "test", at);
    if (!sum) FAIL("applyImport: " << sum.error().code << ": " << sum.error().message);
    return std::move(sum).value();
}

std::optional<Attendee> byExternalId(Database& db, const std::string& id) {
    auto all = db.attendees();
    REQUIRE(all.ok());
    for (const auto& a : *all)
        if (a.externalId == id) return a;
    return std::nullopt;
}

Outcome scan(Database& db, const std::string& payload, TimePoint at) {
    ScanRequest req;
    req.payload = payload;
    req.kiosk = "entrance-1";
    req.at = at;
    auto r = db.checkIn(req, EngineOptions{.enforceDoors = false});
    if (!r) FAIL("checkIn: " << r.error().message);
    return r->outcome;
}

struct Run {
    int status;
    std::string out;
};

Run runShell(const std::string& cmd);

Run run(const std::string& args) {
    return runShell(std::string(KIOSK_EXE) + " " + args + " 2>&1");
}

Run runShell(const std::string& cmd) {
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    REQUIRE(p);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
    const int st = pclose(p.release());
    return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

void writeFile(const std::string& path, std::string_view text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
}

const char* kPretixV1 =
    "Event slug,Order code,Position ID,Status,Product,Attendee name: Given name,Attendee name: Family name,"
    "Attendee email,Company,Ticket secret,Order locale\n"
    "rrbsi,AAA11,1,paid,Participant,Zoe,Dvorak,zoe@example.org,ULB,k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj,fr\n"
    "rrbsi,AAA11,2,paid,Participant,Youssef,Benali,yb@example.org,LDH,p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3,fr\n"
    "rrbsi,BBB22,1,paid,Speaker,Griet,Peeters,gp@example.be,VUB,zz3n8s2qx9vrp4hd7tyw5mzca6bfge2u,nl\n";

// Corrected export: Zoë's name fixed, Youssef cancelled, Griet unchanged, one new person.
const char* kPretixV2 =
    "Event slug,Order code,Position ID,Status,Product,Attendee name: Given name,Attendee name: Family name,"
    "Attendee email,Company,Ticket secret,Order locale\n"
    "rrbsi,AAA11,1,paid,Participant,Zoë,Dvořák,zoe@example.org,ULB,k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj,fr\n"
    "rrbsi,AAA11,2,canceled,Participant,Youssef,Benali,yb@example.org,LDH,p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3,"
    "fr\n"
    "rrbsi,BBB22,1,paid,Speaker,Griet,Peeters,gp@example.be,VUB,zz3n8s2qx9vrp4hd7tyw5mzca6bfge2u,nl\n"
    "rrbsi,CCC33,1,paid,Participant,Kim,Nguyễn,kim@example.com,,a2b3c4d5e6f7g8h9j2k3m4n5p6q7r8s9,en\n"
    "rrbsi,CCC33,2,paid,Participant,,,,,b2b3c4d5e6f7g8h9j2k3m4n5p6q7r8s9,en\n";
}  // namespace

TEST_CASE("re-import updates people, keeps their check-ins and revokes codes of the cancelled") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    const auto first = applyCsv(db, kPretixV1);
    CHECK(first.imported == 3);
    CHECK(first.updated == 0);
    CHECK(first.rejected.empty());

    CHECK(scan(db, "k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj", kT0 + std::chrono::minutes(5)) == Outcome::CheckedIn);
    const auto zoeBefore = byExternalId(db, "AAA11-1");
    REQUIRE(zoeBefore);

    const auto second = applyCsv(db, kPretixV2, kT0 + std::chrono::minutes(10));
    CHECK(second.imported == 1);
    CHECK(second.updated == 2);  // Zoë renamed, Youssef cancelled
    CHECK(second.unchanged == 1);
    CHECK(second.revoked == 1);
    REQUIRE(second.rejected.size() == 1);
    CHECK(second.rejected[0].line == 6);
    CHECK(second.rejected[0].reason.find("missing name") != std::string::npos);

    const auto zoe = byExternalId(db, "AAA11-1");
    REQUIRE(zoe);
    CHECK(zoe->id == zoeBefore->id);  // same person, not a new row
    CHECK(zoe->firstName == "Zoë");
    CHECK(zoe->lastName == "Dvořák");
    auto hist = db.history(zoe->id);
    REQUIRE(hist.ok());
    CHECK(hist->size() == 1);  // the check-in survived the re-import
    CHECK(scan(db, "k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj", kT0 + std::chrono::minutes(11)) ==
          Outcome::AlreadyCheckedIn);

    const auto youssef = byExternalId(db, "AAA11-2");
    REQUIRE(youssef);
    CHECK(youssef->status == AttendeeStatus::Cancelled);
    CHECK(scan(db, "p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3", kT0 + std::chrono::minutes(12)) == Outcome::Revoked);

    CHECK(scan(db, "a2b3c4d5e6f7g8h9j2k3m4n5p6q7r8s9", kT0 + std::chrono::minutes(13)) == Outcome::CheckedIn);

    // The same file again changes nothing.
    const auto third = applyCsv(db, kPretixV2, kT0 + std::chrono::minutes(20));
    CHECK(third.imported == 0);
    CHECK(third.updated == 0);
    CHECK(third.unchanged == 4);
    CHECK(third.revoked == 0);
}

TEST_CASE("Eventbrite without barcode column: a scanned barcode starting with order+attendee checks in") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    const auto sum = applyCsv(db,
                              "Order no.,First Name,Surname,Attendee no.,Attendee Status\n"
                              "2233445566,Siobhán,O'Brien,778899,Attending\n"
                              "2233445566,Pádraig,Ó Súilleabháin,778900,Not Attending\n");
    CHECK(sum.imported == 2);
    CHECK(scan(db, "2233445566778899001", kT0) == Outcome::CheckedIn);
    CHECK(scan(db, "2233445566778900001", kT0) != Outcome::CheckedIn);
    CHECK(scan(db, "9999999999778899001", kT0) == Outcome::UnknownCode);
}

TEST_CASE("hostile rows never reach the database - SQL text is stored as text") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    const std::string data = std::string("first_name,last_name,external_id\n") +
                             "Robert'); DROP TABLE attendees;--,Tables,x1\n" + "Bad\x1b[31m,Esc,x2\n" +
                             "Ok,Person,x3\n";
    const auto sum = applyCsv(db, data);
    CHECK(sum.imported == 2);
    CHECK(sum.rejected.size() == 1);
    auto all = db.attendees();
    REQUIRE(all.ok());
    CHECK(all->size() == 2);
    CHECK(byExternalId(db, "x1")->firstName == "Robert'); DROP TABLE attendees;--");
}

TEST_CASE("kiosk import / export command line: summary, JSON, exit codes") {
    TempDir dir;
    const std::string dbPath = dir.file("event.db");
    const std::string v1 = dir.file("v1.csv"), v2 = dir.file("v2.csv"), bad = dir.file("bad.csv");
    writeFile(v1, kPretixV1);
    writeFile(v2, kPretixV2);
    writeFile(bad, "first_name,last_name\n\"unbalanced,x\n");

    auto r1 = run("import --db " + dbPath + " " + v1);
    CHECK(r1.status == 0);
    CHECK(r1.out.find("pretix export") != std::string::npos);
    CHECK(r1.out.find("imported   3") != std::string::npos);

    auto r2 = run("import --db " + dbPath + " --json " + v2);
    CHECK(r2.status == 0);
    const auto j = nlohmann::json::parse(r2.out);
    CHECK(j["source"] == "pretix");
    CHECK(j["imported"] == 1);
    CHECK(j["updated"] == 2);
    CHECK(j["unchanged"] == 1);
    CHECK(j["revoked"] == 1);
    REQUIRE(j["rejected"].size() == 1);
    CHECK(j["rejected"][0]["line"] == 6);

    auto r3 = run("import --db " + dbPath + " --format generic " + bad);
    CHECK(r3.status == 1);  // every data row rejected
    CHECK(r3.out.find("line 2: unbalanced quote") != std::string::npos);

    auto r4 = run("import --db " + dbPath + " " + dir.file("missing.csv"));
    CHECK(r4.status == 2);
    CHECK(r4.out.find("io.open") != std::string::npos);

    auto r5 = run("import --db " + dbPath + " --format pretix " + bad);
    CHECK(r5.status == 2);
    CHECK(r5.out.find("import.missing_columns") != std::string::npos);

    auto r6 = run("import --db " + dbPath + " --format xlsx " + v1);
    CHECK(r6.status == 2);

    // Arrivals export: a formula-looking organisation comes out neutralised, readable by Python.
    {
        auto db = openDb(dbPath);
        applyCsv(db,
                 "first_name,last_name,organisation,external_id,code\n"
                 "=cmd|' /C calc'!A0,Formula,\"@SUM(1+1)\",f1,FORMULA-CODE-1\n");
        CHECK(scan(db, "FORMULA-CODE-1", kT0) == Outcome::CheckedIn);
        CHECK(scan(db, "k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj", kT0) == Outcome::CheckedIn);
    }
    const std::string out = dir.file("arrivals.csv");
    auto e = run("export --db " + dbPath + " --out " + out + " --json");
    CHECK(e.status == 0);
    CHECK(nlohmann::json::parse(e.out)["rows"] == 2);
    std::string text;
    {
        std::ifstream f(out, std::ios::binary);
        text.assign(std::istreambuf_iterator<char>(f), {});
    }
    csv::CsvReader reader(text);
    csv::CsvRecord rec;
    int rows = 0;
    bool sawFormulaRow = false;
    while (reader.next(rec)) {
        REQUIRE(rec.error.empty());
        ++rows;
        for (const auto& cell : rec.fields) CHECK_FALSE(csv::needsNeutralizing(cell));
        for (const auto& cell : rec.fields) sawFormulaRow |= cell == "'=cmd|' /C calc'!A0";
    }
    CHECK(rows == 3);
    CHECK(sawFormulaRow);
    if (std::system("python3 -c 'import csv' >/dev/null 2>&1") == 0) {
        auto py = runShell(
            "python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], "
            "newline=\"\", encoding=\"utf-8\"))); print(len(r)); print(any(c.startswith(\"=\") or "
            "c.startswith(\"@\") for row in r for c in row))' " +
            out);
        CHECK(py.out.find("3\nFalse") != std::string::npos);
    }

    auto e2 = run("export --db " + dir.file("nope.db") + " --out " + dir.file("x.csv"));
    CHECK(e2.status == 2);
}

TEST_CASE("an export without a language: new people get the event's language, known people keep theirs") {
    TempDir dir;
    auto db = openDb(dir.file("event.db"));
    Event e;
    e.id = "civic-2026";
    e.name = "Civic Tech Summit 2026";
    e.defaultLanguage = Language::En;
    REQUIRE(db.setEvent(e).ok());
    // Griet's first export says Dutch; the organiser's later export has no locale column.
    applyCsv(db, kPretixV1);
    const char* noLocale =
        "Event slug,Order code,Position ID,Status,Product,Attendee name: Given name,Attendee name: Family "
        "name,"
        "Attendee email,Company,Ticket secret\n"
        "rrbsi,BBB22,1,paid,Speaker,Griet,Peeters,gp@example.be,VUB,zz3n8s2qx9vrp4hd7tyw5mzca6bfge2u\n"
        "rrbsi,DDD44,1,paid,Participant,Łucja,Wiśniewska,lw@example.pl,,c2b3c4d5e6f7g8h9j2k3m4n5p6q7r8s9\n";
    const auto sum = applyCsv(db, noLocale);
    CHECK(sum.imported == 1);
    CHECK(sum.unchanged == 1);  // no language in the file is not a change to Griet's
    CHECK(byExternalId(db, "BBB22-1")->language == Language::Nl);
    // Before: French, on an English event's badge and welcome.
    CHECK(byExternalId(db, "DDD44-1")->language == Language::En);
}
