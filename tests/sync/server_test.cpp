// The event server: schema steps, publish, enrolment and what a device's role may do; the
// first sync of an empty kiosk file; the duplicates command's JSON.
#include "sync_fixture.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

using namespace kiosk::test;
using namespace kiosk::core;

namespace {

std::string runKiosk(const std::string& args, int* status = nullptr) {
    const std::string cmd = std::string(KIOSK_EXE) + " " + args + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(cmd.c_str(), "r"), ::pclose);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
    const int st = ::pclose(p.release());
    if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    return out;
}

std::string q(const std::string& s) {
    return "'" + s + "'";
}

}  // namespace

TEST_CASE("server init is idempotent and a newer server schema is refused") {
    auto admin = cluster().createDatabase("init_t");
    auto a = sync::initServer(admin);
    REQUIRE_MESSAGE(a.ok(), (a.ok() ? "" : a.error().message));
    CHECK(a->fromVersion == 0);
    CHECK(a->toVersion == sync::serverSchemaVersion());
    auto b = sync::initServer(admin);
    REQUIRE(b.ok());
    CHECK(b->fromVersion == sync::serverSchemaVersion());
    cluster().exec("init_t", "INSERT INTO kiosk_schema(version, name) VALUES (99, 'from the future')");
    auto c = sync::initServer(admin);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == "sync.newer_server");
    int status = 0;
    const std::string out = runKiosk("server status --server " + q(admin), &status);
    CHECK(status == 2);
    CHECK(out.find("newer kiosk") != std::string::npos);
}

TEST_CASE("a kiosk's first sync fills its empty file - it holds the public key only and no e-mail") {
    Venue v("boot_t", 50);
    v.enroll("a");
    const auto rep = v.sync("a");
    CHECK(rep.pulled >= 100);  // 50 people, 50 codes
    auto db = v.open("a");
    auto ev = db.event();
    REQUIRE(ev.ok());
    REQUIRE(ev->has_value());
    CHECK((*ev)->id == "ev-boot_t");
    auto people = db.attendees();
    REQUIRE(people.ok());
    CHECK(people->size() == 50);
    for (const auto& p : *people) CHECK(p.email.empty());
    // The kiosk admits the organiser's codes offline (public key) but cannot sign one.
    auto r = db.checkIn(scanAt(v.code(3), t0(), "a"));
    REQUIRE(r.ok());
    CHECK(r->outcome == Outcome::CheckedIn);
    CHECK_FALSE(db.issueCode(v.attendeeId(4)).ok());
    auto st = db.syncStatus();
    REQUIRE(st.ok());
    CHECK(st->attached);
    CHECK(st->device == "a");
    CHECK(st->toSend >= 1);  // the check-in, its audit row
    v.sync("a");
    CHECK(db.syncStatus()->toSend == 0);
    v.requireConverged({"a"});
}

TEST_CASE("a device's role writes only in its own name and reads no e-mail nor the secret key") {
    Venue v("roles_t", 5);
    const std::string a = v.enroll("a");
    v.enroll("b");
    CHECK(PgCluster::query(a, "SELECT email FROM attendee LIMIT 1") == "ERROR:42501");
    CHECK(PgCluster::query(a, "SELECT secret_key FROM event_secret") == "ERROR:42501");
    CHECK(PgCluster::query(a, "SELECT count(*) FROM attendee") == "5");
    const std::string forged =
        "INSERT INTO checkin(id, nonce, attendee_id, at, kiosk, action, actor, device_id) VALUES ('x1', "
        "'n1', '" +
        v.attendeeId(0) + "', 1, 'b', 'checkin', 'self', 'b')";
    CHECK(PgCluster::query(a, forged) == "ERROR:42501");
    CHECK(PgCluster::query(a, "UPDATE device SET last_seen_at = now()") == "ERROR:42501");
    CHECK(PgCluster::query(a, "DELETE FROM checkin") == "ERROR:42501");
    // The organiser's own connection reads everything.
    CHECK(cluster().exec("roles_t", "SELECT count(*) FROM attendee WHERE email <> ''") == "5");
}

TEST_CASE("a file of another event or another device is refused, and says so") {
    Venue v("wrong_t", 3);
    v.enroll("a");
    v.enroll("b");
    {
        auto other = Database::open(v.path("a"));
        REQUIRE(other.ok());
        Event e;
        e.id = "some-other-event";
        e.name = "Other";
        REQUIRE(other->setEvent(e).ok());
    }
    sync::Agent agent(v.options("a"));
    auto r = agent.once();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "sync.wrong_event");
    CHECK(r.error().message.find("some-other-event") != std::string::npos);

    v.sync("b");
    auto opts = v.options("b");
    opts.device = "c";  // b's file and b's role, another name
    sync::Agent wrong(opts);
    auto w = wrong.once();
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().code == "sync.other_device");
}

TEST_CASE("kiosk sync --once: exit 2 and the file untouched when the server cannot be reached") {
    Venue v("down_t", 3);
    v.enroll("a");
    v.sync("a");
    {
        auto db = v.open("a");
        REQUIRE(db.checkIn(scanAt(v.code(0), t0(), "a"))->outcome == Outcome::CheckedIn);
    }
    const auto before = std::filesystem::last_write_time(v.path("a"));
    const std::string bad = "host=" + cluster().dir() + "/nowhere dbname=x user=kiosk connect_timeout=2";
    int status = 0;
    const std::string out =
        runKiosk("sync --once --db " + q(v.path("a")) + " --server " + q(bad) + " --device a", &status);
    CHECK(status == 2);
    CHECK(out.find("cannot reach the event server") != std::string::npos);
    CHECK(std::filesystem::last_write_time(v.path("a")) == before);
    auto db = v.open("a");
    CHECK(db.syncStatus()->toSend > 0);
}

TEST_CASE("CLI: enroll --json, sync --once --json, duplicates --json, server status --json") {
    Venue v("cli_t", 4);
    int status = 0;
    auto enrolled = nlohmann::json::parse(runKiosk(
        "server enroll --server " + q(v.admin()) + " --device Front-1 --kind kiosk --json", &status));
    REQUIRE(status == 0);
    CHECK(enrolled["device"] == "front-1");
    const std::string conn = enrolled["server"];
    CHECK(conn.find("user='kiosk_dev_front-1'") != std::string::npos);
    v.enroll("back");
    auto once = nlohmann::json::parse(runKiosk(
        "sync --once --json --db " + q(v.path("front-1")) + " --server " + q(conn) + " --device front-1",
        &status));
    REQUIRE(status == 0);
    CHECK(once["in_sync"] == true);
    v.sync("back");
    {
        auto a = v.open("front-1");
        auto b = v.open("back");
        REQUIRE(a.checkIn(scanAt(v.code(1), t0(), "front-1"))->outcome == Outcome::CheckedIn);
        REQUIRE(b.checkIn(scanAt(v.code(1), t0() + std::chrono::seconds(7), "back"))->outcome ==
                Outcome::CheckedIn);
    }
    runKiosk("sync --once --db " + q(v.path("front-1")) + " --server " + q(conn) + " --device front-1",
             &status);
    REQUIRE(status == 0);
    v.sync("back");
    auto dups = nlohmann::json::parse(runKiosk("duplicates --json --db " + q(v.path("back")), &status));
    REQUIRE(status == 0);
    REQUIRE(dups.size() == 1);
    CHECK(dups[0]["attendee"]["id"] == v.attendeeId(1));
    CHECK(dups[0]["attendee"]["name"] == "Person N1");
    CHECK(dups[0]["first"]["kiosk"] == "front-1");
    CHECK(dups[0]["first"]["at"] == "2026-12-05T09:00:00Z");
    CHECK(dups[0]["second"]["kiosk"] == "back");
    CHECK(dups[0]["second"]["at"] == "2026-12-05T09:00:07Z");
    CHECK(dups[0]["resolved"] == false);
    CHECK_FALSE(dups[0]["first"]["checkin"].get<std::string>().empty());
    // The desk's answers from a script: a wrong id is refused, the later check-in closes the pair.
    const std::string second = dups[0]["second"]["checkin"];
    runKiosk("duplicates --db " + q(v.path("back")) + " --same-person nope --actor desk:cli", &status);
    CHECK(status != 0);
    runKiosk("duplicates --db " + q(v.path("back")) + " --annul " + second + " --actor desk:cli", &status);
    CHECK(status != 0);  // an annul needs a reason
    auto resolved = nlohmann::json::parse(runKiosk(
        "duplicates --json --db " + q(v.path("back")) + " --same-person " + second + " --actor desk:cli",
        &status));
    REQUIRE(status == 0);
    CHECK(resolved["first"] == dups[0]["first"]["checkin"]);
    dups = nlohmann::json::parse(runKiosk("duplicates --json --db " + q(v.path("back")), &status));
    REQUIRE(dups.size() == 1);
    CHECK(dups[0]["resolved"] == true);
    auto stats = nlohmann::json::parse(runKiosk("stats --json --db " + q(v.path("back")), &status));
    INFO(stats.dump());
    CHECK(stats["checked_in"] == 1);
    auto srv = nlohmann::json::parse(runKiosk("server status --json --server " + q(v.admin()), &status));
    REQUIRE(status == 0);
    CHECK(srv["open_duplicates"] == 1);
    CHECK(srv["checked_in"] == 1);
    CHECK(srv["devices"].size() == 2);
}
