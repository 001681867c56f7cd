#pragma once
// What the replication benchmarks share (bench_sync, bench_sync_peak): timing helpers, a
// `must` that ends the program with the error, and `Server`: an event with N people published
// to a fresh database of the benchmark's own PostgreSQL cluster (tests/sync/pg_cluster.hpp),
// with devices enrolled on demand.
#include "pg_cluster.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/sync.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace kiosk::bench {

using Clock = std::chrono::steady_clock;

inline double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

inline double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

template <class T>
T must(core::Result<T> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "%s: %s\n", what, r.error().message.c_str());
        std::exit(1);
    }
    return std::move(*r);
}
inline void must(const core::Status& s, const char* what) {
    if (!s) {
        std::fprintf(stderr, "%s: %s\n", what, s.error().message.c_str());
        std::exit(1);
    }
}

/// An organiser's file with `people` attendees (one imported code each), published to a fresh
/// server database `name`; `device()` enrolls a machine and gives its agent's options.
struct Server {
    test::PgCluster& pg;
    std::string name;
    std::string admin;
    std::string dir;
    std::vector<std::string> codes;

    Server(test::PgCluster& c, const std::string& n, int people) : pg(c), name(n) {
        using namespace core;
        admin = pg.createDatabase(n);
        dir = pg.dir() + "/bench-" + n;
        std::filesystem::create_directories(dir);
        must(sync::initServer(admin), "init");
        auto db = must(Database::open(dir + "/organiser.kiosk"), "open organiser");
        Event e;
        e.id = "bench-" + n;
        e.name = "Bench";
        must(db.setEvent(e), "event");
        ImportBatch batch;
        batch.source = "generic";
        for (int i = 0; i < people; ++i) {
            ImportRow row;
            row.line = i + 2;
            row.attendee.firstName = "First" + std::to_string(i);
            row.attendee.lastName = "Last" + std::to_string(i);
            row.attendee.email = "p" + std::to_string(i) + "@example.org";
            row.attendee.category = i % 10 ? "participant" : "speaker";
            row.attendee.externalSource = "generic";
            row.attendee.externalId = std::to_string(i);
            row.codes.push_back("CODE-" + std::to_string(100000000 + i));
            codes.push_back(row.codes.back());
            batch.rows.push_back(std::move(row));
        }
        must(db.applyImport(batch, "bench", nowUtc()), "import");
        const auto t = Clock::now();
        auto pub = must(sync::publish(db, admin), "publish");
        std::printf("publish of %d people and codes: %.0f ms (%lld rows)\n", people, msSince(t),
                    static_cast<long long>(pub.changedRows));
    }
    core::sync::AgentOptions device(const std::string& d,
                                    core::sync::DeviceKind kind = core::sync::DeviceKind::Kiosk) {
        auto e = must(core::sync::enroll(admin, d, kind), "enroll");
        core::sync::AgentOptions o;
        o.dbPath = dir + "/" + d + ".kiosk";
        o.conninfo = e.conninfo;
        o.device = d;
        return o;
    }
};

}  // namespace kiosk::bench
