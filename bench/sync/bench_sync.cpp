// Replication figures (issue 11), against a real PostgreSQL 15 in a temporary folder:
//   1. first sync of a new kiosk at N attendees (goal < 5 s)
//   2. headcount lag: local commit on kiosk A → dashboard D's file counts it, with both agents
//      running (goal p99 < 1 s; aim ~100 ms), and A's local check-in time with its agent
//      running (goal p99 < 5 ms)
//   3. catch-up: 5 kiosks offline for 10 minutes at peak rate, then healed (goal < 5 s)
// Usage: bench_sync [people=100000] [lag-samples=200]
#include "bench_sync_common.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/sync.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace kiosk::core;
using namespace kiosk::bench;

int main(int argc, char** argv) {
    const int people = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int samples = argc > 2 ? std::atoi(argv[2]) : 200;
    kiosk::test::PgCluster pg;
    std::printf("PostgreSQL 15 cluster up in %lld ms (%s)\n", pg.startupMs, pg.dir().c_str());

    // --- 1. first sync at N attendees
    Server big(pg, "big", people);
    auto aOpt = big.device("a");
    auto dOpt = big.device("d", sync::DeviceKind::Dashboard);
    {
        const auto t = Clock::now();
        sync::Agent agent(aOpt);
        auto r = must(agent.once(), "first sync");
        std::printf(
            "1. first sync of a new kiosk at %d attendees: %.0f ms (%lld rows pulled)   goal < 5000 ms\n",
            people, msSince(t), static_cast<long long>(r.pulled));
    }
    must(sync::Agent(dOpt).once(), "first sync d");

    // --- 2. headcount lag with both agents running
    {
        std::atomic<bool> stop{false};
        std::thread ta([&] { (void)sync::Agent(aOpt).run([&] { return stop.load(); }); });
        std::thread td([&] { (void)sync::Agent(dOpt).run([&] { return stop.load(); }); });
        std::this_thread::sleep_for(std::chrono::seconds(2));
        auto a = must(Database::open(aOpt.dbPath), "open a");
        auto d = must(Database::open(dOpt.dbPath), "open d");
        std::vector<double> lag, local;
        int64_t expected = must(d.stats(), "stats").checkedIn;
        for (int i = 0; i < samples; ++i) {
            ScanRequest req;
            req.payload = big.codes[static_cast<std::size_t>(i)];
            req.kiosk = "a";
            req.at = nowUtc();
            const auto t = Clock::now();
            auto r = must(a.checkIn(req), "check in");
            local.push_back(msSince(t));
            if (r.outcome != Outcome::CheckedIn) continue;
            ++expected;
            while (must(d.stats(), "stats").checkedIn < expected) {
                if (msSince(t) > 10000) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            lag.push_back(msSince(t));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        stop = true;
        ta.join();
        td.join();
        std::printf(
            "2. headcount lag A commit -> D's file (%zu): p50 %.0f ms, p99 %.0f ms, max %.0f ms   goal p99 < "
            "1000 ms\n",
            lag.size(), pct(lag, 0.5), pct(lag, 0.99), pct(lag, 1.0));
        std::printf(
            "   local check-in on A with its agent running: p50 %.2f ms, p99 %.2f ms   goal p99 < 5 ms\n",
            pct(local, 0.5), pct(local, 0.99));
    }

    // --- 3. catch-up: 5 kiosks × 10 min offline at peak rate (50,000 in 45 min ≈ 18.5/s in all)
    {
        const int kiosks = 5;
        const int perKiosk = static_cast<int>(18.5 / 10 * 600);  // 1.85/s per kiosk for 600 s
        Server mid(pg, "mid", 20000);
        std::vector<sync::AgentOptions> opts;
        for (int k = 0; k < kiosks; ++k) opts.push_back(mid.device("k" + std::to_string(k)));
        auto dash = mid.device("dash", sync::DeviceKind::Dashboard);
        for (auto& o : opts) must(sync::Agent(o).once(), "bootstrap");
        must(sync::Agent(dash).once(), "bootstrap d");
        std::mt19937 rng(7);
        const auto start = nowUtc();
        int total = 0;
        for (int k = 0; k < kiosks; ++k) {
            auto db = must(Database::open(opts[k].dbPath), "open");
            for (int i = 0; i < perKiosk; ++i) {
                // 2 % of the people try a second entrance while the kiosks are apart.
                const int who =
                    (rng() % 50 == 0) ? static_cast<int>(rng() % (kiosks * perKiosk)) : k * perKiosk + i;
                ScanRequest req;
                req.payload = mid.codes[static_cast<std::size_t>(who % 20000)];
                req.kiosk = opts[k].device;
                req.at = start + std::chrono::milliseconds(i * 540);
                if (must(db.checkIn(req), "check in").outcome == Outcome::CheckedIn) ++total;
            }
        }
        const auto t = Clock::now();
        std::vector<std::thread> th;
        for (auto& o : opts) th.emplace_back([&o] { must(sync::Agent(o).once(), "heal"); });
        for (auto& x : th) x.join();
        const double pushed = msSince(t);
        auto r = must(sync::Agent(dash).once(), "dashboard pull");
        const double all = msSince(t);
        auto d = must(Database::open(dash.dbPath), "open dash");
        auto server = must(sync::serverStatus(mid.admin), "status");
        std::printf(
            "3. catch-up of %d kiosks x 10 min (%d check-ins): all pushed in %.0f ms, dashboard converged in "
            "%.0f ms (%lld rows)   goal < 5000 ms\n",
            kiosks, total, pushed, all, static_cast<long long>(r.pulled));
        std::printf("   dashboard: %lld people in, %zu duplicate pairs; server: %lld in, %lld duplicates\n",
                    static_cast<long long>(must(d.stats(), "stats").checkedIn),
                    must(d.duplicates(), "dups").size(), static_cast<long long>(server.checkedIn),
                    static_cast<long long>(server.duplicates));
    }
    return 0;
}
