// The scenarios against a real PostgreSQL, each ending with the convergence check
// (every file and the server agree on who is in, what is in force and the duplicate pairs).
#include "sync_fixture.hpp"

#include <kiosk/core/payload.hpp>

#include <sqlite3.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

using namespace kiosk::test;
using namespace kiosk::core;
using namespace std::chrono_literals;

namespace {

/// `kiosk sync --once` with a fault point; returns the exit status.
int syncWithFault(const Venue& v, const std::string& device, const char* fault) {
    const std::string cmd = std::string("KIOSK_SYNC_FAULT=") + fault + " " + KIOSK_EXE +
                            " sync --once --db '" + v.path(device) + "' --server \"" + v.conn(device) +
                            "\" --device " + device + " >/dev/null 2>&1";
    const int st = std::system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/// A running `kiosk sync` agent (the process a venue runs beside the window).
class AgentProcess {
public:
    AgentProcess(const Venue& v, const std::string& device) {
        m_pid = ::fork();
        if (m_pid == 0) {
            const std::string path = v.path(device), conn = v.conn(device);
            ::execl(KIOSK_EXE, KIOSK_EXE, "sync", "--db", path.c_str(), "--server", conn.c_str(), "--device",
                    device.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        REQUIRE(m_pid > 0);
    }
    /// SIGTERM; returns the exit status (the agent must end cleanly and quickly).
    int stop() {
        ::kill(m_pid, SIGTERM);
        int st = 0;
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(m_pid, &st, WNOHANG) == m_pid) {
                m_pid = 0;
                return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
            std::this_thread::sleep_for(100ms);
        }
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, &st, 0);
        m_pid = 0;
        return -1;
    }
    /// SIGKILL: the agent gets no last word (what a power cut of the process or the OOM killer does).
    void kill() {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
        m_pid = 0;
    }
    ~AgentProcess() {
        if (m_pid > 0) stop();
    }

private:
    pid_t m_pid = 0;
};

template <class Pred>
double waitFor(Pred pred, std::chrono::milliseconds limit) {
    const auto start = std::chrono::steady_clock::now();
    while (!pred()) {
        if (std::chrono::steady_clock::now() - start > limit) return -1;
        std::this_thread::sleep_for(50ms);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void restore(const std::string& copy, const std::string& path) {
    for (const char* s : {"-wal", "-shm"}) std::filesystem::remove(path + s);
    std::filesystem::copy_file(copy, path, std::filesystem::copy_options::overwrite_existing);
}

}  // namespace

TEST_CASE("S1: two kiosks apart scan the same 100 codes and 50 on one side - healed: 150 in, 100 pairs") {
    Venue v("s1", 160);
    v.enroll("a");
    v.enroll("b");
    v.enroll("d", sync::DeviceKind::Dashboard);
    for (const char* d : {"a", "b", "d"}) v.sync(d);
    {
        auto a = v.open("a");
        auto b = v.open("b");
        for (int i = 0; i < 150; ++i)
            REQUIRE(a.checkIn(scanAt(v.code(i), t0() + std::chrono::seconds(i), "a"))->outcome ==
                    Outcome::CheckedIn);
        for (int i = 0; i < 100; ++i)
            REQUIRE(b.checkIn(scanAt(v.code(i), t0() + std::chrono::seconds(i) + 500ms, "b"))->outcome ==
                    Outcome::CheckedIn);
    }
    for (const char* d : {"a", "b", "a", "d"}) v.sync(d);
    for (const char* d : {"a", "b", "d"}) {
        INFO("device " << d);
        auto db = v.open(d);
        CHECK(db.stats()->checkedIn == 150);
        auto dups = db.duplicates();
        REQUIRE(dups.ok());
        REQUIRE(dups->size() == 100);
        for (const auto& p : *dups) {
            CHECK(p.first.kiosk == "a");
            CHECK(p.second.kiosk == "b");
            CHECK(p.second.at - p.first.at == 500ms);
            CHECK_FALSE(p.resolved);
        }
    }
    const auto snap = v.requireConverged({"a", "b", "d"});
    CHECK(snap.inForce.size() == 150);
    CHECK(snap.duplicates.size() == 100);
    CHECK(snap.checkins == 250);
}

TEST_CASE("S2: the same pushes replayed three times with other cuts and cut mid-batch: stored once") {
    Venue v("s2", 300);
    v.enroll("a");
    v.sync("a");
    const std::string copy = v.path("a") + ".before-push";
    {
        auto a = v.open("a");
        for (int i = 0; i < 300; ++i)
            REQUIRE(a.checkIn(scanAt(v.code(i), t0() + std::chrono::milliseconds(i * 97), "a"))->outcome ==
                    Outcome::CheckedIn);
        REQUIRE(a.backupTo(copy).ok());
    }
    auto pushWith = [&](std::size_t batch) {
        auto o = v.options("a");
        o.pushBatch = batch;
        sync::Agent agent(o);
        auto r = agent.once();
        REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    };
    pushWith(64);
    restore(copy, v.path("a"));
    pushWith(7);  // the same rows again, cut at other places
    restore(copy, v.path("a"));
    CHECK(syncWithFault(v, "a", "push.after_commit_sent") == 75);  // committed, answer never read
    pushWith(2000);
    CHECK(cluster().exec("s2", "SELECT count(*) FROM checkin") == "300");
    CHECK(cluster().exec("s2", "SELECT count(DISTINCT nonce) FROM checkin") == "300");
    CHECK(cluster().exec("s2", "SELECT count(*) FROM audit WHERE device_id = 'a'") ==
          cluster().exec("s2", "SELECT count(DISTINCT id) FROM audit WHERE device_id = 'a'"));
    CHECK(v.open("a").syncStatus()->toSend == 0);
    v.requireConverged({"a"});
}

TEST_CASE("S3: agent killed after sending its commit, and killed while applying a pull") {
    Venue v("s3", 100);
    v.enroll("a");
    v.enroll("b");
    v.sync("a");
    v.sync("b");
    {
        auto a = v.open("a");
        for (int i = 0; i < 40; ++i)
            REQUIRE(a.checkIn(scanAt(v.code(i), t0() + std::chrono::seconds(i), "a"))->outcome ==
                    Outcome::CheckedIn);
    }
    CHECK(syncWithFault(v, "a", "push.after_commit_sent") == 75);
    CHECK(cluster().exec("s3", "SELECT count(*) FROM checkin") == "40");  // the commit did happen
    CHECK(v.open("a").syncStatus()->toSend > 0);                          // but a never heard of it
    v.sync("a");
    CHECK(cluster().exec("s3", "SELECT count(*) FROM checkin") == "40");
    CHECK(v.open("a").syncStatus()->toSend == 0);

    CHECK(syncWithFault(v, "b", "pull.mid_apply") == 75);
    {
        auto b = v.open("b");  // the cut pull left nothing half-applied
        CHECK(b.stats()->checkedIn == 0);
        CHECK(b.recentCheckins(10)->empty());
    }
    v.sync("b");
    CHECK(v.open("b").stats()->checkedIn == 40);
    v.requireConverged({"a", "b"});
}

TEST_CASE("S4: the server's database dropped and rebuilt from the kiosks' files equals the union") {
    Venue v("s4", 60);
    v.enroll("a");
    v.enroll("b");
    v.sync("a");
    v.sync("b");
    {
        auto a = v.open("a");
        auto b = v.open("b");
        for (int i = 0; i < 30; ++i)
            REQUIRE(a.checkIn(scanAt(v.code(i), t0() + std::chrono::seconds(i), "a"))->outcome ==
                    Outcome::CheckedIn);
        for (int i = 20; i < 50; ++i)
            REQUIRE(b.checkIn(scanAt(v.code(i), t0() + std::chrono::seconds(i) + 300ms, "b"))->outcome ==
                    Outcome::CheckedIn);
        REQUIRE(a.annul(v.attendeeId(0), "desk", "left again", "a", t0() + 1h).ok());
    }
    for (const char* d : {"a", "b", "a"}) v.sync(d);
    const auto before = v.requireConverged({"a", "b"});
    CHECK(before.duplicates.size() == 10);
    CHECK(before.checkins == 61);

    // The server dies with its disk: a new database, the organiser publishes again, the
    // machines are enrolled again, and each machine sends everything it wrote.
    cluster().dropDatabase("s4");
    cluster().createDatabase("s4");
    REQUIRE(sync::initServer(v.admin()).ok());
    {
        auto org = Database::open(v.organiserPath());
        REQUIRE(org.ok());
        REQUIRE(sync::publish(*org, v.admin()).ok());
    }
    v.enroll("a");
    v.enroll("b");
    for (const char* d : {"a", "b", "a"}) v.sync(d);
    const auto after = v.requireConverged({"a", "b"});
    CHECK(after == before);
}

TEST_CASE("S5: a kiosk whose clock is 30 s fast: the duplicate is still found and the offset reported") {
    Venue v("s5", 20);
    v.enroll("a");
    v.enroll("c");
    auto fast = v.options("c");
    fast.clock = [] { return nowUtc() + 30s; };
    v.sync("a");
    REQUIRE(sync::Agent(fast).once().ok());
    const auto now = nowUtc();
    {
        auto c = v.open("c");
        auto a = v.open("a");
        // c scans first, but its clock says 30 s later than a's scan 5 s after it.
        REQUIRE(c.checkIn(scanAt(v.code(2), now + 30s, "c"))->outcome == Outcome::CheckedIn);
        REQUIRE(a.checkIn(scanAt(v.code(2), now + 5s, "a"))->outcome == Outcome::CheckedIn);
    }
    REQUIRE(sync::Agent(fast).once().ok());
    v.sync("a");
    REQUIRE(sync::Agent(fast).once().ok());
    for (const char* d : {"a", "c"}) {
        auto dups = v.open(d).duplicates();
        REQUIRE(dups->size() == 1);
        CHECK((*dups)[0].first.kiosk == "a");  // the clocks decide; the pair is there either way
        CHECK((*dups)[0].second.kiosk == "c");
    }
    auto st = sync::serverStatus(v.admin());
    REQUIRE(st.ok());
    for (const auto& d : st->devices) {
        REQUIRE(d.clockOffsetMs);
        INFO(d.name << " offset " << *d.clockOffsetMs);
        if (d.name == "c") CHECK(std::abs(*d.clockOffsetMs - 30000) < 2000);
        if (d.name == "a") CHECK(std::abs(*d.clockOffsetMs) < 2000);
    }
    CHECK(st->openDuplicates == 1);
    v.requireConverged({"a", "c"});
}

TEST_CASE("S6: server stopped, then frozen, while the kiosk keeps checking in: no scan waits, nothing lost") {
    Venue v("s6", 100);
    v.enroll("a");
    v.enroll("b");
    v.sync("a");
    v.sync("b");
    AgentProcess agent(v, "a");
    auto a = v.open("a");
    REQUIRE(waitFor([&] { return a.syncStatus()->online; }, 15s) >= 0);
    int next = 0;
    auto scanSome = [&](int n) {
        double worst = 0;
        for (int i = 0; i < n; ++i, ++next) {
            const auto s = std::chrono::steady_clock::now();
            REQUIRE(a.checkIn(scanAt(v.code(next), nowUtc(), "a"))->outcome == Outcome::CheckedIn);
            worst = std::max(
                worst,
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
        }
        return worst;
    };
    scanSome(10);
    REQUIRE(waitFor([&] { return a.syncStatus()->toSend == 0; }, 15s) >= 0);

    cluster().stop();
    const double worstStopped = scanSome(20);
    MESSAGE("slowest local check-in with the server stopped: " << worstStopped << " ms");
    CHECK(worstStopped < 500);  // a scan never touches the network
    const double noticedStop = waitFor([&] { return !a.syncStatus()->online; }, 15s);
    MESSAGE("agent noticed the stopped server after " << noticedStop << " s");
    CHECK(noticedStop >= 0);
    CHECK(a.syncStatus()->toSend > 0);
    cluster().start();
    CHECK(waitFor([&] { return a.syncStatus()->online && a.syncStatus()->toSend == 0; }, 20s) >= 0);

    cluster().freeze();
    const auto frozenAt = std::chrono::steady_clock::now();
    const double worstFrozen = scanSome(10);
    CHECK(worstFrozen < 500);
    const double noticedFreeze = waitFor([&] { return !a.syncStatus()->online; }, 15s);
    const double sinceFreeze =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - frozenAt).count();
    MESSAGE("agent noticed the silent (frozen) server after " << sinceFreeze << " s");
    CHECK(noticedFreeze >= 0);
    CHECK(sinceFreeze < 12);
    cluster().resume();
    CHECK(waitFor([&] { return a.syncStatus()->online && a.syncStatus()->toSend == 0; }, 20s) >= 0);
    CHECK(agent.stop() == 0);
    v.sync("b");
    CHECK(v.open("b").stats()->checkedIn == 40);
    v.requireConverged({"a", "b"});
}

TEST_CASE(
    "S7: a walk-in registered at desk 1 is checked in at kiosk 2 - an annul at the desk reaches everyone") {
    Venue v("s7", 10);
    v.enroll("desk1", sync::DeviceKind::Desk);
    v.enroll("k2");
    v.enroll("d", sync::DeviceKind::Dashboard);
    for (const char* d : {"desk1", "k2", "d"}) v.sync(d);
    std::string id;
    {
        auto desk = v.open("desk1");
        Attendee w;
        w.firstName = "Walter";
        w.lastName = "Walkin";
        w.externalSource = "walkin";
        auto added = desk.addAttendee(w, "desk:alice");
        REQUIRE(added.ok());
        id = added->id;
        REQUIRE(desk.renameForBadge(id, "Walt W.", "desk:alice").ok());
    }
    v.sync("desk1");
    v.sync("k2");
    {
        auto k2 = v.open("k2");
        auto found = k2.search("walki");
        REQUIRE(found.ok());
        REQUIRE(found->size() == 1);
        CHECK((*found)[0].badgeName == "Walt W.");
        REQUIRE(k2.checkInAttendee(id, "k2", t0(), "vol:bob", "walk-in")->outcome == Outcome::CheckedIn);
    }
    for (const char* d : {"k2", "desk1", "d"}) v.sync(d);
    CHECK(v.open("d").stats()->checkedIn == 1);
    CHECK(v.open("desk1").attendee(id)->value().id == id);
    {
        auto desk = v.open("desk1");
        REQUIRE(desk.annul(id, "desk:alice", "wrong person", "desk1", t0() + 10min).ok());
    }
    for (const char* d : {"desk1", "k2", "d"}) v.sync(d);
    for (const char* d : {"desk1", "k2", "d"}) {
        INFO(d);
        CHECK(v.open(d).stats()->checkedIn == 0);
    }
    v.requireConverged({"desk1", "k2", "d"});
}

TEST_CASE(
    "S8: the organiser's re-entry setting and badge rules reach every kiosk - a re-entry at b travels, no "
    "arrival") {
    Venue v("s8", 5);
    {
        // The organiser allows re-entry and gives speakers their own badge after the first
        // publish; publishing again carries both.
        auto org = Database::open(v.organiserPath());
        REQUIRE(org.ok());
        Event e = *org->event().value();
        e.reentryAllowed = true;
        REQUIRE(org->setEvent(e).ok());
        BadgeRuleChange speaker;
        speaker.value = "speaker";
        speaker.templateName = "speaker";
        speaker.colour = "#c8553d";
        REQUIRE(org->changeBadgeRules({speaker}, "organiser", t0()).ok());
        REQUIRE(sync::publish(*org, v.admin()).ok());
    }
    v.enroll("a");
    v.enroll("b");
    v.sync("a");
    v.sync("b");
    CHECK(v.open("b").event().value()->reentryAllowed);
    {
        const auto rules = v.open("b").badgeRules().value();
        REQUIRE(rules.size() == 1);
        CHECK(rules[0].match == BadgeMatch::Category);
        CHECK(rules[0].value == "speaker");
        CHECK(rules[0].templateName == "speaker");
        CHECK(rules[0].colour == "#c8553d");
    }
    {
        auto a = v.open("a");
        REQUIRE(a.checkIn(scanAt(v.code(0), t0(), "a"))->outcome == Outcome::CheckedIn);
    }
    v.sync("a");
    v.sync("b");
    {
        auto b = v.open("b");
        const auto r = b.checkIn(scanAt(v.code(0), t0() + 2h, "b"));
        REQUIRE(r.ok());
        CHECK(r->outcome == Outcome::Reentry);
    }
    for (const char* d : {"b", "a"}) v.sync(d);
    for (const char* d : {"a", "b"}) {
        INFO(d);
        const auto st = v.open(d).stats().value();
        CHECK(st.checkedIn == 1);  // the person once
        CHECK(st.reentries == 1);  // the re-entry made at b, everywhere
    }
    const auto snap = v.requireConverged({"a", "b"});
    CHECK(snap.reentries == 1);
    CHECK(snap.checkins == 1);
    CHECK(snap.duplicates.empty());

    {
        // Refused again and the speakers' rule removed by the organiser: the kiosks follow.
        auto org = Database::open(v.organiserPath());
        REQUIRE(org.ok());
        Event e = *org->event().value();
        e.reentryAllowed = false;
        REQUIRE(org->setEvent(e).ok());
        BadgeRuleChange gone;
        gone.value = "speaker";
        gone.remove = true;
        REQUIRE(org->changeBadgeRules({gone}, "organiser", t0()).ok());
        REQUIRE(sync::publish(*org, v.admin()).ok());
    }
    v.sync("a");
    CHECK_FALSE(v.open("a").event().value()->reentryAllowed);
    CHECK(v.open("a").badgeRules().value().empty());
    CHECK(v.open("a").checkIn(scanAt(v.code(0), t0() + 3h, "a"))->outcome == Outcome::AlreadyCheckedIn);
}

TEST_CASE(
    "S9: which machines are offline and since when reaches every file - a killed agent's file says offline "
    "at once") {
    Venue v("s8", 10);
    v.enroll("a");
    v.enroll("d", sync::DeviceKind::Dashboard);
    v.enroll("never");  // enrolled, its machine never came
    v.sync("a");
    v.sync("d");
    AgentProcess agentA(v, "a");
    AgentProcess agentD(v, "d");
    auto a = v.open("a");
    auto d = v.open("d");
    auto machine = [&](const std::string& name) -> std::optional<MachineStatus> {
        auto st = d.syncStatus();
        REQUIRE(st.ok());
        for (const auto& m : st->machines)
            if (m.name == name) return m;
        return std::nullopt;
    };
    REQUIRE(waitFor([&] { return a.syncStatus()->online && d.syncStatus()->online; }, 15s) >= 0);
    REQUIRE(waitFor([&] { return machine("a") && machine("a")->online; }, 15s) >= 0);
    REQUIRE(machine("never"));
    CHECK_FALSE(machine("never")->online);
    CHECK_FALSE(machine("never")->lastSeenAt.has_value());
    CHECK(a.syncStatus()->agentRunning);

    // One agent per file: a second one on a's file is refused, and says why.
    const std::string second = std::string(KIOSK_EXE) + " sync --once --db '" + v.path("a") +
                               "' --server \"" + v.conn("a") + "\" --device a 2>&1";
    std::string out;
    if (FILE* p = ::popen(second.c_str(), "r")) {
        char buf[512];
        while (std::fgets(buf, sizeof buf, p)) out += buf;
        const int st = ::pclose(p);
        CHECK(WIFEXITED(st));
        CHECK(WEXITSTATUS(st) != 0);
    }
    CHECK(out.find("already running") != std::string::npos);

    // a's agent is killed: a's own file says offline at once (its lock went with the process),
    // though the agent's last word in it was "online".
    const TimePoint killedAt = nowUtc();
    agentA.kill();
    auto st = a.syncStatus();
    REQUIRE(st.ok());
    CHECK_FALSE(st->agentRunning);
    CHECK_FALSE(st->online);
    CHECK(st->offlineSince <= killedAt);
    CHECK(st->lastError.find("not running") != std::string::npos);
    // The dashboard machine learns that a is offline, and since when, once the server stops
    // hearing from it (15 s without a hello).
    const double noticed = waitFor([&] { return machine("a") && !machine("a")->online; }, 30s);
    MESSAGE("d saw a offline " << noticed << " s after a's agent was killed");
    CHECK(noticed >= 0);
    REQUIRE(machine("a"));
    REQUIRE(machine("a")->lastSeenAt.has_value());
    CHECK(*machine("a")->lastSeenAt <= killedAt + 1s);
    CHECK(*machine("a")->lastSeenAt >= killedAt - 5s);
    CHECK(agentD.stop() == 0);
}

namespace {

std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("S10: a person erased at one desk is erased on the server and on every machine - a late row too") {
    Venue v("s10", 10);
    v.enroll("desk1", sync::DeviceKind::Desk);
    v.enroll("k2");
    v.enroll("k3");
    for (const char* d : {"desk1", "k2", "k3"}) v.sync(d);
    const std::string id = v.attendeeId(3);
    const std::string code = v.code(3);
    const DeskContext amina{"desk1", "desk:Amina", t0()};
    {
        // Checked in at the desk with a reason that quotes her; the others learn it.
        auto desk = v.open("desk1");
        REQUIRE(desk.deskCheckIn(id, "Person N3 forgot her phone", false, amina)->outcome ==
                Outcome::CheckedIn);
    }
    for (const char* d : {"desk1", "k2", "k3"}) v.sync(d);
    {
        // k3, offline from now on, refuses her code (already in): a case that quotes the code.
        auto k3 = v.open("k3");
        REQUIRE(k3.checkIn(scanAt(code, t0() + 5min, "k3"))->outcome == Outcome::AlreadyCheckedIn);
    }
    {
        auto desk = v.open("desk1");
        auto r = desk.erase(id, "Art. 17 request of 2026-12-05", "desk:Amina", t0() + 10min);
        REQUIRE(r.ok());
        CHECK(r->attendees == 1);
    }
    v.sync("desk1");
    // The server's copy, before any other machine has synced: names and e-mail blank, the check-in
    // reason and the audit details scrubbed, the code's value replaced by the erasing desk's token.
    const std::string admin = v.admin();
    CHECK(PgCluster::query(admin,
                           "SELECT first_name || last_name || email || badge_name || organisation FROM "
                           "attendee WHERE id = '" +
                               id + "'",
                           true) == "");
    CHECK(PgCluster::query(admin, "SELECT erased_at IS NOT NULL FROM attendee WHERE id = '" + id + "'",
                           true) == "t");
    CHECK(PgCluster::query(admin,
                           "SELECT string_agg(reason, ',') FROM checkin WHERE attendee_id = '" + id + "'",
                           true) == "[erased]");
    CHECK(PgCluster::query(admin,
                           "SELECT count(*) FROM audit WHERE attendee_id = '" + id +
                               "' AND action <> 'attendee.erase' AND detail <> '{}'",
                           true) == "0");
    CHECK(PgCluster::query(admin, "SELECT count(*) FROM code WHERE value = '" + code + "'", true) == "0");
    CHECK(PgCluster::query(admin, "SELECT revoked_reason FROM code WHERE attendee_id = '" + id + "'", true) ==
          "erased");

    // k3 comes back: its late case is scrubbed as it reaches the server, and k3 erases her too.
    for (const char* d : {"k2", "k3", "k2", "desk1"}) v.sync(d);
    CHECK(PgCluster::query(
              admin,
              "SELECT string_agg(payload_escaped, ',') FROM refused_scan WHERE attendee_id = '" + id + "'",
              true) == "[erased]");
    for (const char* d : {"desk1", "k2", "k3"}) {
        INFO(d);
        auto db = v.open(d);
        const auto a = db.attendee(id).value();
        REQUIRE(a.has_value());
        CHECK(a->erased);
        CHECK(a->firstName.empty());
        CHECK(a->lastName.empty());
        CHECK(db.search("N3", 5)->empty());
        // Her code now says revoked on every machine, and is nowhere in the file.
        CHECK(db.checkIn(scanAt(code, t0() + 20min, d))->outcome == Outcome::Revoked);
        const std::string doc = db.personalData(id).value();
        CHECK(doc.find("forgot her phone") == std::string::npos);
        CHECK(doc.find(code) == std::string::npos);
    }
    for (const char* d : {"desk1", "k2", "k3"}) v.sync(d);
    for (const char* d : {"desk1", "k2", "k3"}) {
        INFO(d);
        // No old copy left in the file (rewritten after the pulled erasure, as after a local one).
        for (const char* suffix : {"", "-wal"}) {
            const std::string bytes = fileBytes(v.path(d) + suffix);
            CHECK(bytes.find(code) == std::string::npos);
            CHECK(bytes.find("forgot her phone") == std::string::npos);
        }
    }
    // The organiser publishes again from a file that still holds her: she stays erased.
    {
        auto org = Database::open(v.organiserPath());
        REQUIRE(org.ok());
        REQUIRE(sync::publish(*org, admin).ok());
    }
    CHECK(PgCluster::query(admin, "SELECT first_name || email FROM attendee WHERE id = '" + id + "'", true) ==
          "");
    v.requireConverged({"desk1", "k2", "k3"});
}

namespace {

std::string localQuery(const std::string& path, const std::string& sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return out;
}

}  // namespace

TEST_CASE(
    "S11: the organiser's branding, logo, pretix keys and revoked list reach every kiosk, and follow a "
    "change") {
    Venue v("s11", 5);
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "logo-1";
    Ed25519PublicKey k1{};
    k1.fill(7);
    {
        auto org = Database::open(v.organiserPath());
        REQUIRE(org.ok());
        Event e = *org->event().value();
        e.shortName = "RRBSI 2026";
        e.tagline = "Réseau bruxellois · Brussels netwerk";
        e.colour = "#8b0000";
        e.accentColour = "#1d4e89";
        REQUIRE(org->setEvent(e).ok());
        REQUIRE(org->setEventLogo(png, "organiser", t0()).ok());
        REQUIRE(org->addPretixKeys(std::span<const Ed25519PublicKey>(&k1, 1), "event.json", "organiser", t0())
                    .ok());
        REQUIRE(org->addRevokedSecrets({"s3cr3t-replaced"}, "revoked.json", "organiser", t0()).ok());
        REQUIRE(sync::publish(*org, v.admin()).ok());
    }
    v.enroll("a");
    v.sync("a");
    {
        auto a = v.open("a");
        const Event e = *a.event().value();
        CHECK(e.shortName == "RRBSI 2026");
        CHECK(e.tagline == "Réseau bruxellois · Brussels netwerk");
        CHECK(e.colour == "#8b0000");
        CHECK(e.accentColour == "#1d4e89");
        CHECK(a.eventLogo().value() == png);
        const auto keys = a.pretixKeys().value();
        REQUIRE(keys.size() == 1);
        CHECK(keys[0].fingerprint == keyFingerprint(k1));
        CHECK(keys[0].source == "event.json");
    }
    CHECK(localQuery(v.path("a"), "SELECT group_concat(secret) FROM revoked_secrets") == "s3cr3t-replaced");
    // A key rotation, a new logo and one more revoked secret, published again: a follows.
    Ed25519PublicKey k2{};
    k2.fill(9);
    const std::string png2 = std::string("\x89PNG\r\n\x1a\n", 8) + "logo-2";
    {
        auto org = Database::open(v.organiserPath());
        REQUIRE(org.ok());
        REQUIRE(org->setEventLogo(png2, "organiser", t0() + 1h).ok());
        REQUIRE(org->addPretixKeys(std::span<const Ed25519PublicKey>(&k2, 1), "event2.json", "organiser",
                                   t0() + 1h)
                    .ok());
        REQUIRE(org->addRevokedSecrets({"another-one"}, "revoked2.json", "organiser", t0() + 1h).ok());
        REQUIRE(sync::publish(*org, v.admin()).ok());
    }
    v.sync("a");
    auto a = v.open("a");
    CHECK(a.eventLogo().value() == png2);
    CHECK(a.pretixKeys().value().size() == 2);
    CHECK(localQuery(v.path("a"), "SELECT count(*) FROM revoked_secrets") == "2");
    CHECK(a.event().value()->shortName == "RRBSI 2026");
}
