// Contract tests of the core subcommands, run through the real `kiosk` binary: output shapes
// and exit codes that scripts rely on (issue 2).
#include "core_test_util.hpp"

#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

using namespace kiosk::core::test;

namespace {

struct Run {
    int status = -1;
    std::string out, err;
};

std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Run runKiosk(const std::vector<std::string>& args) {
    static int n = 0;
    const std::string base = std::filesystem::temp_directory_path().string() + "/kiosk-cli-" +
                             std::to_string(::getpid()) + "-" + std::to_string(n++);
    std::string cmd = shellQuote(KIOSK_EXE);
    for (const auto& a : args) cmd += " " + shellQuote(a);
    cmd += " >" + base + ".out 2>" + base + ".err";
    const int rc = std::system(cmd.c_str());
    Run r;
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = slurp(base + ".out");
    r.err = slurp(base + ".err");
    std::filesystem::remove(base + ".out");
    std::filesystem::remove(base + ".err");
    return r;
}

struct DemoDb {
    TempDb file;
    std::vector<std::array<std::string, 3>> codes;  // id, name, payload
    DemoDb() {
        const auto demo = runKiosk({"demo", "--db", file.path()});
        REQUIRE_MESSAGE(demo.status == 0, demo.err);
        const auto listed = runKiosk({"codes", "--db", file.path()});
        REQUIRE(listed.status == 0);
        std::istringstream lines(listed.out);
        std::string line;
        while (std::getline(lines, line)) {
            const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
            REQUIRE(t2 != std::string::npos);
            codes.push_back({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
        }
    }
};

}  // namespace

TEST_CASE("cli: demo and codes print one line per attendee with a scannable payload") {
    DemoDb d;
    CHECK(d.codes.size() == 100);
    for (const auto& c : d.codes) {
        CHECK(c[0].size() == 32);
        CHECK_FALSE(c[1].empty());
        CHECK(c[2].rfind("KQ1:", 0) == 0);
    }
    // Again on the demo's own file: the doors open for today again, nobody is added twice.
    const auto again = runKiosk({"demo", "--db", d.file.path()});
    CHECK(again.status == 0);
    CHECK(again.out.find("doors open again") != std::string::npos);
    const std::string codesAfter = runKiosk({"codes", "--db", d.file.path()}).out;
    for (const auto& c : d.codes)
        CHECK(codesAfter.find(c[0] + "\t" + c[1] + "\t" + c[2] + "\n") != std::string::npos);
    {
        auto db = d.file.open();
        CHECK(db.attendees().value().size() == 100);
    }
    // Another event's file is never turned into the demo.
    TempDb other;
    {
        auto db = other.open();
        REQUIRE(db.setEvent(testEvent()).ok());
    }
    const auto refused = runKiosk({"demo", "--db", other.path()});
    CHECK(refused.status == 2);
    CHECK(refused.err.rfind("kiosk demo: ", 0) == 0);
}

TEST_CASE("cli: checkin --json contract and exit codes") {
    DemoDb d;
    REQUIRE_FALSE(d.codes.empty());
    const auto& [id, name, payload] = d.codes[0];

    const auto first =
        runKiosk({"checkin", "--db", d.file.path(), "--kiosk", "entrance-1", "--json", payload});
    CHECK(first.status == 0);
    const auto j = nlohmann::json::parse(first.out);
    CHECK(j["outcome"] == "checked_in");
    CHECK(j["attendee"]["id"] == id);
    CHECK(j["attendee"]["name"] == name);
    CHECK(j["first_checkin"].is_null());

    const auto second =
        runKiosk({"checkin", "--db", d.file.path(), "--kiosk", "entrance-2", "--json", payload});
    CHECK(second.status == 3);
    const auto k = nlohmann::json::parse(second.out);
    CHECK(k["outcome"] == "already_checked_in");
    CHECK(k["attendee"]["id"] == id);
    CHECK(k["first_checkin"]["kiosk"] == "entrance-1");
    const std::string firstAt = k["first_checkin"]["at"];
    CHECK(kiosk::core::parseIso8601(firstAt).has_value());
    CHECK(firstAt.back() == 'Z');

    const auto junk = runKiosk({"checkin", "--db", d.file.path(), "--json", "'; DROP TABLE attendees; --"});
    CHECK(junk.status == 3);
    const auto u = nlohmann::json::parse(junk.out);
    CHECK(u["outcome"] == "unknown_code");
    CHECK(u["attendee"].is_null());
    CHECK(u["first_checkin"].is_null());

    const auto plain = runKiosk({"checkin", "--db", d.file.path(), "\x1b[2Jcontrol"});
    CHECK(plain.status == 3);
    CHECK(plain.out.find('\x1b') == std::string::npos);
}

TEST_CASE("cli: usage and database errors exit 2 with a message saying what to do") {
    TempDb missing;
    const auto r = runKiosk({"checkin", "--db", missing.path(), "--json", "abc"});
    CHECK(r.status == 2);
    CHECK(r.err.rfind("kiosk checkin: ", 0) == 0);
    CHECK(r.err.find("kiosk demo") != std::string::npos);
    CHECK(runKiosk({"checkin", "--db", missing.path()}).status == 2);                   // no payload
    CHECK(runKiosk({"checkin", "--json", "abc"}).status == 2);                          // no --db
    CHECK(runKiosk({"annul", "--db", missing.path(), "--attendee", "x"}).status == 2);  // no --reason
}

TEST_CASE("cli: annul / search and stats") {
    DemoDb d;
    const auto& [id, name, payload] = d.codes[1];
    CHECK(runKiosk({"checkin", "--db", d.file.path(), payload}).status == 0);

    const auto stats = runKiosk({"stats", "--db", d.file.path(), "--json"});
    REQUIRE(stats.status == 0);
    const auto s = nlohmann::json::parse(stats.out);
    CHECK(s["registered"].get<int>() >= 95);
    CHECK(s["checked_in"] == 1);
    CHECK(s["arrivals_per_5min"].size() == 1);
    CHECK_FALSE(s["by_category"].empty());

    const auto annul = runKiosk({"annul", "--db", d.file.path(), "--attendee", id, "--reason", "test"});
    CHECK(annul.status == 0);
    CHECK(nlohmann::json::parse(runKiosk({"stats", "--db", d.file.path(), "--json"}).out)["checked_in"] == 0);
    const auto twice = runKiosk({"annul", "--db", d.file.path(), "--attendee", id, "--reason", "test"});
    CHECK(twice.status == 2);
    CHECK(twice.err.rfind("kiosk annul: ", 0) == 0);
    CHECK(runKiosk({"checkin", "--db", d.file.path(), payload}).status == 0);

    // Search for the person by the first letters of their name, without accents, upper case.
    std::string query;
    for (const auto& word : {name.substr(0, name.find(' ')), name.substr(name.rfind(' ') + 1)}) {
        const std::string folded = kiosk::core::foldForSearch(word);
        query += folded.substr(0, std::min<size_t>(3, folded.size())) + " ";
    }
    for (auto& ch : query) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const auto found = runKiosk({"search", "--db", d.file.path(), "--json", query});
    REQUIRE(found.status == 0);
    bool hit = false;
    for (const auto& a : nlohmann::json::parse(found.out)) hit |= a["id"] == id;
    CHECK_MESSAGE(hit, query);
    const auto text = runKiosk({"search", "--db", d.file.path(), query});
    CHECK(text.out.find(id + "\t") != std::string::npos);
}

TEST_CASE(
    "cli: a full disk refuses the check-in with db.io and loses nothing - with room again it checks in "
    "once") {
    DemoDb d;
    const std::string payload = d.codes[0][2];
    // RLIMIT_FSIZE stands in for a full disk (files may not grow past 16 KiB). A connection held
    // open here keeps the 32 KiB shared-memory file in place, so the check-in fails at its WAL.
    kiosk::core::Database holder = d.file.open();
    REQUIRE(holder.stats().ok());
    const std::string cmd =
        "bash -c " +
        shellQuote("trap '' XFSZ; ulimit -f 16; exec " + shellQuote(KIOSK_EXE) + " checkin --db " +
                   shellQuote(d.file.path()) + " --json " + shellQuote(payload)) +
        " 2>&1";
    std::string out;
    {
        std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
        REQUIRE(p);
        char buf[4096];
        while (std::size_t n = std::fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
        const int st = pclose(p.release());
        CHECK(WIFEXITED(st));
        CHECK(WEXITSTATUS(st) == 2);
    }
    CHECK(out.find("db.io") != std::string::npos);
    CHECK(out.find("free disk space") != std::string::npos);
    CHECK(holder.stats().value().checkedIn == 0);

    const auto ok = runKiosk({"checkin", "--db", d.file.path(), "--json", payload});
    CHECK(ok.status == 0);
    CHECK(nlohmann::json::parse(ok.out)["outcome"] == "checked_in");
    CHECK(holder.stats().value().checkedIn == 1);
    CHECK(holder.history(d.codes[0][0]).value().size() == 1);
}

TEST_CASE("cli: event sets the name, dates and door times the engine enforces") {
    TempDb file;
    const auto none = runKiosk({"event", "--db", file.path()});
    CHECK(none.status == 2);  // the file does not exist yet

    const auto set = runKiosk({"event", "--db", file.path(), "--name", "Assemblée annuelle 2026 — Bruxelles",
                               "--venue", "Hôtel de Ville", "--starts", "2026-03-16T09:00+01:00", "--ends",
                               "2026-03-16T18:30+01:00", "--doors-open", "2026-03-16T07:30:00Z",
                               "--doors-close", "2026-03-16T19:00:00Z", "--language", "nl", "--json"});
    REQUIRE_MESSAGE(set.status == 0, set.err);
    const auto j = nlohmann::json::parse(set.out);
    CHECK(j["id"] == "assemblee-annuelle-2026-bruxelles");
    CHECK(j["starts_at"] == "2026-03-16T08:00:00Z");
    CHECK(j["doors_open_at"] == "2026-03-16T07:30:00Z");
    CHECK(j["language"] == "nl");

    // People arrive through an import; the doors decide.
    {
        auto db = file.open();
        kiosk::core::Attendee a = person("Zoë", "Dvořák");
        const auto added = db.addAttendee(a, "t").value();
        const std::string code = db.primaryCode(added.id).value();
        auto at = [&](const char* iso) {
            return nlohmann::json::parse(
                       runKiosk({"checkin", "--db", file.path(), "--json", "--at", iso, code}).out)["outcome"]
                .get<std::string>();
        };
        CHECK(at("2026-03-16T07:00:00Z") == "not_open_yet");
        CHECK(at("2026-03-16T20:00:00Z") == "closed");
        CHECK(at("2026-03-16T08:00:00Z") == "checked_in");
    }

    // Only what is given changes; the id (in every QR code) never does.
    CHECK(runKiosk({"event", "--db", file.path(), "--city", "Bruxelles"}).status == 0);
    const auto shown = nlohmann::json::parse(runKiosk({"event", "--db", file.path(), "--json"}).out);
    CHECK(shown["city"] == "Bruxelles");
    CHECK(shown["venue"] == "Hôtel de Ville");
    const auto otherId = runKiosk({"event", "--db", file.path(), "--id", "other"});
    CHECK(otherId.status == 2);
    CHECK(otherId.err.find("QR codes carry") != std::string::npos);
    const auto badTime = runKiosk({"event", "--db", file.path(), "--doors-open", "tomorrow morning"});
    CHECK(badTime.status == 2);
    CHECK(badTime.err.find("give a time like") != std::string::npos);
    const auto backwards = runKiosk({"event", "--db", file.path(), "--doors-close", "2026-03-16T06:00:00Z"});
    CHECK(backwards.status == 2);
    CHECK(nlohmann::json::parse(runKiosk({"event", "--db", file.path(), "--json"}).out)["doors_close_at"] ==
          "2026-03-16T19:00:00Z");
}

TEST_CASE(
    "cli: event --reentry allowed lets a second scan in as reentry (exit 0), refused sends it to the "
    "desk (exit 3)") {
    DemoDb d;
    const auto& payload = d.codes[1][2];
    CHECK(runKiosk({"checkin", "--db", d.file.path(), payload}).status == 0);
    CHECK(runKiosk({"checkin", "--db", d.file.path(), payload}).status == 3);

    const auto bad = runKiosk({"event", "--db", d.file.path(), "--reentry", "sometimes"});
    CHECK(bad.status == 2);
    CHECK(bad.err.find("allowed or refused") != std::string::npos);

    const auto set = runKiosk({"event", "--db", d.file.path(), "--reentry", "allowed", "--json"});
    REQUIRE_MESSAGE(set.status == 0, set.err);
    CHECK(nlohmann::json::parse(set.out)["reentry"] == "allowed");
    CHECK(runKiosk({"event", "--db", d.file.path()}).out.find("re-entry     allowed") != std::string::npos);

    const auto back = runKiosk({"checkin", "--db", d.file.path(), "--json", payload});
    CHECK(back.status == 0);
    const auto j = nlohmann::json::parse(back.out);
    CHECK(j["outcome"] == "reentry");
    CHECK(j["attendee"]["id"] == d.codes[1][0]);
    CHECK_FALSE(j["first_checkin"].is_null());
    const auto stats = nlohmann::json::parse(runKiosk({"stats", "--db", d.file.path(), "--json"}).out);
    CHECK(stats["checked_in"] == 1);
    CHECK(stats["reentries"] == 1);

    CHECK(runKiosk({"event", "--db", d.file.path(), "--reentry", "refused"}).status == 0);
    const auto refused = runKiosk({"checkin", "--db", d.file.path(), "--json", payload});
    CHECK(refused.status == 3);
    CHECK(nlohmann::json::parse(refused.out)["outcome"] == "already_checked_in");
}

TEST_CASE("cli: a 0-byte --db is refused like a garbage file and not turned into a new event") {
    TempDb file;
    { std::ofstream(file.path()).flush(); }
    const auto r =
        runKiosk({"event", "--db", file.path(), "--id", "civic-2026", "--name", "Civic Tech Summit 2026"});
    CHECK(r.status == 2);
    CHECK(r.err.find("db.not_kiosk") != std::string::npos);
    CHECK(r.err.find("empty") != std::string::npos);
    CHECK(std::filesystem::file_size(file.path()) == 0);
    const auto c = runKiosk({"checkin", "--db", file.path(), "anything"});
    CHECK(c.status == 2);
}

TEST_CASE("cli: a file-size limit fails the check-in with its name, not a silent SIGXFSZ death") {
    DemoDb d;
    kiosk::core::Database holder = d.file.open();
    REQUIRE(holder.stats().ok());
    // No `trap '' XFSZ` here: the kiosk itself must ignore the signal and report EFBIG.
    const std::string cmd = "bash -c " +
                            shellQuote("ulimit -f 16; exec " + shellQuote(KIOSK_EXE) + " checkin --db " +
                                       shellQuote(d.file.path()) + " " + shellQuote(d.codes[0][2])) +
                            " 2>&1";
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    REQUIRE(p);
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
    const int st = pclose(p.release());
    REQUIRE_MESSAGE(WIFEXITED(st), out);
    CHECK(WEXITSTATUS(st) == 2);
    CHECK(out.find("file-size limit") != std::string::npos);
    CHECK(holder.stats().value().checkedIn == 0);
}

TEST_CASE("cli: a database in a read-only folder says the folder is read-only (no -wal can be made)") {
    char tmpl[] = "/tmp/kiosk-ro-folder-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    const std::string dir = tmpl;
    const std::string db = dir + "/event.db";
    REQUIRE(runKiosk({"demo", "--db", db}).status == 0);
    // The file itself stays writable; only the folder is not (a USB stick mounted read-only for
    // this user, a folder owned by someone else).
    std::filesystem::permissions(db, std::filesystem::perms::all);
    std::filesystem::permissions(
        dir, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                 std::filesystem::perms::group_read | std::filesystem::perms::group_exec |
                 std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
    // root may write anywhere: run the kiosk as nobody then.
    const std::string prefix = ::getuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
    const std::string cmd = prefix + shellQuote(KIOSK_EXE) + " stats --db " + shellQuote(db) + " 2>&1";
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    REQUIRE(p);
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
    const int st = pclose(p.release());
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
    std::filesystem::remove_all(dir);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 2);
    CHECK_MESSAGE(out.find("db.folder_readonly") != std::string::npos, out);
    CHECK(out.find("read-only") != std::string::npos);
    CHECK(out.find("-wal") != std::string::npos);
}

TEST_CASE("cli: checkin --nonce: a script's retry after a timeout is answered as the same scan") {
    DemoDb d;
    const auto& [id, name, payload] = d.codes[1];
    const auto first =
        runKiosk({"checkin", "--db", d.file.path(), "--nonce", "script-42", "--json", payload});
    CHECK(first.status == 0);
    CHECK(nlohmann::json::parse(first.out)["outcome"] == "checked_in");
    // The same scan again (the script never saw the first answer): checked_in again, one arrival.
    const auto retry =
        runKiosk({"checkin", "--db", d.file.path(), "--nonce", "script-42", "--json", payload});
    CHECK(retry.status == 0);
    CHECK(nlohmann::json::parse(retry.out)["outcome"] == "checked_in");
    // A new scan of the same code is a repeat arrival.
    const auto again =
        runKiosk({"checkin", "--db", d.file.path(), "--nonce", "script-43", "--json", payload});
    CHECK(again.status == 3);
    CHECK(nlohmann::json::parse(again.out)["outcome"] == "already_checked_in");
    auto db = d.file.open();
    CHECK(db.history(id).value().size() == 1);
    CHECK(db.refusedScans(false, 10).value().size() == 1);
}

TEST_CASE("cli: export warns that the file holds personal data, and the file is 0600") {
    DemoDb d;
    REQUIRE(runKiosk({"checkin", "--db", d.file.path(), d.codes[0][2]}).status == 0);
    const std::string out = d.file.path() + ".arrivals.csv";
    const auto r = runKiosk({"export", "--db", d.file.path(), "--out", out});
    CHECK(r.status == 0);
    CHECK(r.err.find("personal data") != std::string::npos);
    const auto j = runKiosk({"export", "--db", d.file.path(), "--out", out, "--json"});
    CHECK(j.status == 0);
    CHECK(nlohmann::json::parse(j.out)["warning"].get<std::string>().find("personal data") !=
          std::string::npos);
    CHECK((std::filesystem::status(out).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    std::filesystem::remove(out);
}

TEST_CASE("cli: event refuses a bidi control in the name and keeps nothing of it") {
    TempDb file;
    const auto r =
        runKiosk({"event", "--db", file.path(), "--id", "civic-2026", "--name", "Civic \u202eTech"});
    CHECK(r.status == 2);
    CHECK(r.err.find("bidirectional") != std::string::npos);
    const auto ok = runKiosk(
        {"event", "--db", file.path(), "--id", "civic-2026", "--name", "Civic\u2060 Tech", "--json"});
    CHECK(ok.status == 0);
    auto db = file.open();
    CHECK(db.event().value()->name == "Civic Tech");
}

TEST_CASE("cli: erase, person and purge (issue 13): exit codes, JSON, and what the scan says after") {
    DemoDb d;
    const auto& [id, name, payload] = d.codes[1];
    REQUIRE(runKiosk({"checkin", "--db", d.file.path(), payload}).status == 0);
    const std::string statsBefore = runKiosk({"stats", "--db", d.file.path(), "--json"}).out;

    const auto person = runKiosk({"person", "--db", d.file.path(), "--attendee", id, "--json"});
    REQUIRE(person.status == 0);
    const auto doc = nlohmann::json::parse(person.out);
    CHECK(doc["attendee_id"] == id);
    CHECK_FALSE(doc["attendees"].at(0)["email"].get<std::string>().empty());
    CHECK(doc["checkins"].size() == 1);
    CHECK(doc["codes"].at(0)["value"] == payload);

    const auto noReason = runKiosk({"erase", "--db", d.file.path(), "--attendee", id});
    CHECK(noReason.status == 2);
    const auto unknown =
        runKiosk({"erase", "--db", d.file.path(), "--attendee", "nobody", "--reason", "Art. 17"});
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("attendee.not_found") != std::string::npos);

    const auto erased = runKiosk({"erase", "--db", d.file.path(), "--attendee", id, "--reason", "Art. 17",
                                  "--actor", "org", "--json"});
    REQUIRE_MESSAGE(erased.status == 0, erased.err);
    const auto r = nlohmann::json::parse(erased.out);
    CHECK(r["attendees_erased"] == 1);
    CHECK(r["file_cleaned"] == true);
    const auto twice = runKiosk({"erase", "--db", d.file.path(), "--attendee", id, "--reason", "Art. 17"});
    CHECK(twice.status == 0);
    CHECK(twice.out.find("already erased") != std::string::npos);

    const auto scanned = runKiosk({"checkin", "--db", d.file.path(), "--json", payload});
    CHECK(scanned.status == 3);
    CHECK(nlohmann::json::parse(scanned.out)["outcome"] == "revoked");
    CHECK(runKiosk({"stats", "--db", d.file.path(), "--json"}).out == statsBefore);
    CHECK(runKiosk({"codes", "--db", d.file.path()}).out.find(id) == std::string::npos);
    CHECK(runKiosk({"person", "--db", d.file.path(), "--attendee", id}).out.find(name) == std::string::npos);

    // purge asks first; without a terminal it needs --yes and changes nothing.
    const auto asked = runKiosk({"purge", "--db", d.file.path()});
    CHECK(asked.status == 2);
    CHECK(asked.err.find("--yes") != std::string::npos);
    CHECK(runKiosk({"codes", "--db", d.file.path()}).out.find(d.codes[2][2]) != std::string::npos);
    const auto purged = runKiosk({"purge", "--db", d.file.path(), "--yes", "--json"});
    REQUIRE_MESSAGE(purged.status == 0, purged.err);
    CHECK(nlohmann::json::parse(purged.out)["attendees_erased"] == 99);
    CHECK(runKiosk({"codes", "--db", d.file.path()}).out.empty());
    CHECK(runKiosk({"stats", "--db", d.file.path(), "--json"}).out == statsBefore);
}

TEST_CASE("cli: event --retention-days sets the retention date, shown in JSON") {
    TempDb file;
    const auto r = runKiosk({"event", "--db", file.path(), "--id", "conf", "--name", "Conf", "--ends",
                             "2026-03-16T17:00:00Z", "--retention-days", "10", "--json"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["retention_days"] == 10);
    CHECK(j["retention_until"] == "2026-03-26T17:00:00Z");
    CHECK(runKiosk({"event", "--db", file.path(), "--retention-days", "-3"}).status == 2);
}

TEST_CASE("cli: kiosk pin sets the shared PIN and each volunteer's own, and shows who has one") {
    DemoDb d;
    auto setPin = [&](const std::string& pin, const std::vector<std::string>& extra) {
        std::string cmd = "printf '%s\\n' " + shellQuote(pin) + " | " + shellQuote(KIOSK_EXE) + " pin --db " +
                          shellQuote(d.file.path()) + " --set";
        for (const auto& a : extra) cmd += " " + shellQuote(a);
        cmd += " >/dev/null 2>&1";
        const int rc = std::system(cmd.c_str());
        return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    };
    // The demo database, made by `kiosk demo`, opens with the demo PIN until one is set.
    auto shown = runKiosk({"pin", "--db", d.file.path()});
    REQUIRE(shown.status == 0);
    CHECK(shown.out.find("demo database") != std::string::npos);
    CHECK(setPin("2468", {}) == 0);
    CHECK(setPin("1357", {"--volunteer", "Amina"}) == 0);
    CHECK(setPin("1357", {"--volunteer", "Bob"}) == 2);  // pin.taken: the desk could not tell them apart
    CHECK(setPin("12", {"--volunteer", "Bob"}) == 2);
    shown = runKiosk({"pin", "--db", d.file.path()});
    CHECK(shown.out.find("pin: set") != std::string::npos);
    CHECK(shown.out.find("(shared desk PIN)") != std::string::npos);
    CHECK(shown.out.find("Amina") != std::string::npos);
    CHECK(shown.out.find("Bob") == std::string::npos);
    CHECK(runKiosk({"pin", "--db", d.file.path(), "--remove", "Amina"}).status == 0);
    CHECK(runKiosk({"pin", "--db", d.file.path()}).out.find("Amina") == std::string::npos);
    CHECK(runKiosk({"pin", "--db", d.file.path(), "--remove", "Amina"}).status == 2);
}
