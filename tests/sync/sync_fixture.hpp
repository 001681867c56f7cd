#pragma once
// One event on a real PostgreSQL: the organiser's file published to a fresh server database,
// devices enrolled, each machine's own SQLite file, and the convergence check every scenario
// ends with (who is in, which check-in is in force, the duplicate pairs: equal on every file
// and on the server).
#include "pg_cluster.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/sync.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kiosk::test {

using namespace kiosk::core;

inline TimePoint t0() {
    return *parseIso8601("2026-12-05T09:00:00Z");
}

class Venue {
public:
    /// `people` attendees with one own code each, published; no door times.
    explicit Venue(const std::string& name, int people = 200) : m_name(name) {
        m_admin = cluster().createDatabase(name);
        m_dir = cluster().dir() + "/files-" + name;
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
        auto init = sync::initServer(m_admin);
        REQUIRE_MESSAGE(init.ok(), (init.ok() ? "" : init.error().message));
        auto db = Database::open(organiserPath());
        REQUIRE(db.ok());
        Event e;
        e.id = "ev-" + name;
        e.name = "Sync test " + name;
        REQUIRE(db->setEvent(e).ok());
        for (int i = 0; i < people; ++i) {
            Attendee a;
            a.firstName = "Person";
            a.lastName = "N" + std::to_string(i);
            a.email = "p" + std::to_string(i) + "@example.org";
            auto added = db->addAttendee(a, "test");
            REQUIRE(added.ok());
            auto code = db->issueCode(added->id);
            REQUIRE(code.ok());
            m_codes.push_back(*code);
            m_ids.push_back(added->id);
        }
        auto pub = sync::publish(*db, m_admin);
        REQUIRE_MESSAGE(pub.ok(), (pub.ok() ? "" : pub.error().message));
    }
    ~Venue() {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    const std::string& admin() const { return m_admin; }
    const std::string& dbName() const { return m_name; }
    std::string organiserPath() const { return m_dir + "/organiser.kiosk"; }
    std::string path(const std::string& device) const { return m_dir + "/" + device + ".kiosk"; }
    const std::string& code(int i) const { return m_codes.at(i); }
    const std::string& attendeeId(int i) const { return m_ids.at(i); }

    std::string enroll(const std::string& device, sync::DeviceKind kind = sync::DeviceKind::Kiosk) {
        auto e = sync::enroll(m_admin, device, kind);
        REQUIRE_MESSAGE(e.ok(), (e.ok() ? "" : e.error().message));
        m_conn[device] = e->conninfo;
        return e->conninfo;
    }
    const std::string& conn(const std::string& device) const { return m_conn.at(device); }

    sync::AgentOptions options(const std::string& device) const {
        sync::AgentOptions o;
        o.dbPath = path(device);
        o.conninfo = conn(device);
        o.device = device;
        o.deadline = std::chrono::milliseconds(3000);
        return o;
    }
    /// One push and one pull of `device`, which must succeed.
    sync::CycleReport sync(const std::string& device) {
        sync::Agent agent(options(device));
        auto r = agent.once();
        REQUIRE_MESSAGE(r.ok(), device << ": " << (r.ok() ? "" : r.error().code + " " + r.error().message));
        return *r;
    }
    Database open(const std::string& device) const {
        auto db = Database::open(path(device));
        REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.error().message));
        return std::move(db).value();
    }

    /// Every listed file and the server agree on who is in, what is in force and the pairs.
    sync::Snapshot requireConverged(const std::vector<std::string>& devices) const {
        auto server = sync::snapshotOfServer(m_admin);
        REQUIRE(server.ok());
        for (const auto& d : devices) {
            auto db = Database::open(path(d), Database::Mode::ReadOnly);
            REQUIRE(db.ok());
            auto snap = sync::snapshotOf(*db);
            REQUIRE(snap.ok());
            INFO("device " << d);
            CHECK(snap->inForce == server->inForce);
            CHECK(snap->duplicates == server->duplicates);
            CHECK(snap->checkins == server->checkins);
            CHECK(snap->reentries == server->reentries);
        }
        return *server;
    }

private:
    std::string m_name;
    std::string m_admin;
    std::string m_dir;
    std::vector<std::string> m_codes;
    std::vector<std::string> m_ids;
    std::map<std::string, std::string> m_conn;
};

inline ScanRequest scanAt(const std::string& code, TimePoint at, const std::string& kiosk) {
    ScanRequest r;
    r.payload = code;
    r.at = at;
    r.kiosk = kiosk;
    return r;
}

}  // namespace kiosk::test
