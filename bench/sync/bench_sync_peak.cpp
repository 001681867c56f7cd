// The peak (issue 11): ten kiosk agents on one machine at ~20 scans/s in total for a simulated
// 45-minute peak of 50,000 people, against a real PostgreSQL 15 in a temporary folder. Nothing
// lost, every duplicate found on every copy, server and agent CPU reported.
//
// Each kiosk has its own SQLite file (filled by its first sync) and its own sync agent
// (sync::Agent::run in its own thread: the agent `kiosk sync` runs, one connection and one
// file handle each), and its own scanning thread doing real Database::checkIn calls with
// the person's code on its own handle, as the kiosk window would. The arrivals are spread at
// random over the kiosks and over the simulated peak (45 min × people / 50,000, so the rate is
// the 50,000 in 45 min whatever the size), and played time-compressed: at a speed-up of
// 20, 45 simulated minutes take 2 min 15 s and the kiosks scan 20× as fast (the scans' own
// times still span the simulated peak). A share of the people (1 %) scans again at another
// door 0–6 simulated seconds later (someone trying the next door, a forwarded ticket used at two
// doors at once): a duplicate when that kiosk had not heard of the first check-in yet. The gap
// shrinks with the speed-up and the replication lag does not, so a higher speed-up makes more
// of them duplicates; at 1x nearly every second try is caught at the door.
//
// CPU: each agent thread's CPU clock (pthread_getcpuclockid) and the PostgreSQL cluster's
// processes (/proc/PID/stat: the postmaster with its reaped children, plus the live ones), from
// the first scan until every copy agrees.
//
// Usage: bench_sync_peak [people=50000] [kiosks=10] [speed-up=20] [duplicate-percent=1]
// Exit 1 when a check-in was lost or stored twice, a duplicate is missing, or the copies disagree.
#include "bench_sync_common.hpp"

#include <pthread.h>
#include <unistd.h>

#include <kiosk/core.hpp>
#include <kiosk/core/sync.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace kiosk::core;
using namespace kiosk::bench;

namespace {

/// CPU seconds of the cluster: the postmaster (with the children it has reaped: backends of
/// connections closed meanwhile) and its live children.
double postgresCpuSeconds(const kiosk::test::PgCluster& pg) {
    const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    double total = 0;
    for (const auto& p : pg.processes()) {
        // state ppid, then pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
        // (skipped), then utime stime cutime cstime (fields 3-17 of proc(5)).
        std::istringstream rest(p.stat);
        std::string state;
        long ppid = 0;
        rest >> state >> ppid;
        long skip = 0;
        for (int i = 0; i < 9; ++i) rest >> skip;
        long utime = 0, stime = 0, cutime = 0, cstime = 0;
        rest >> utime >> stime >> cutime >> cstime;
        total += static_cast<double>(utime + stime);
        if (p.postmaster) total += static_cast<double>(cutime + cstime);
    }
    return total / tick;
}

double threadCpuSeconds(std::thread& t) {
    clockid_t id;
    if (::pthread_getcpuclockid(t.native_handle(), &id) != 0) return 0;
    timespec ts{};
    if (::clock_gettime(id, &ts) != 0) return 0;
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string loadAverage() {
    std::ifstream f("/proc/loadavg");
    std::string one;
    f >> one;
    return one;
}

struct Scan {
    double simSeconds = 0;  ///< since the start of the peak
    int person = 0;
};

/// One kiosk's scanning thread: its own handle on its own file, scans played at their time.
struct KioskRun {
    std::vector<Scan> scans;
    std::vector<double> latencyMs;
    std::vector<int> accepted;  ///< people it checked in
    int64_t already = 0;        ///< answered already_checked_in (it had heard of the other door)
    int64_t other = 0;          ///< any other answer: must stay 0
    double maxBehindMs = 0;     ///< how late a scan started against its schedule
    Clock::time_point lastCommit{};
    double cpuSeconds = 0;  ///< the scanning thread's own CPU (the check-ins)
};

int argOr(int argc, char** argv, int i, int fallback) {
    if (argc <= i) return fallback;
    char* end = nullptr;
    const long v = std::strtol(argv[i], &end, 10);
    if (*end != '\0' || v < 0 || v > 10000000) {
        std::fprintf(
            stderr,
            "bench_sync_peak: bad argument '%s'\n"
            "usage: bench_sync_peak [people=50000] [kiosks=10] [speed-up=20] [duplicate-percent=1]\n",
            argv[i]);
        std::exit(2);
    }
    return static_cast<int>(v);
}

}  // namespace

int main(int argc, char** argv) {
    const int people = argOr(argc, argv, 1, 50000);
    const int kiosks = argOr(argc, argv, 2, 10);
    const int speedup = argOr(argc, argv, 3, 20);
    const int dupPercent = argOr(argc, argv, 4, 1);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    if (people < 1 || kiosks < 2 || speedup < 1 || dupPercent > 100) {
        std::fprintf(stderr,
                     "bench_sync_peak: needs people >= 1, kiosks >= 2, speed-up >= 1, "
                     "duplicate-percent <= 100\n");
        return 2;
    }
    const double peakSeconds = 45.0 * 60.0 * people / 50000.0;

    kiosk::test::PgCluster pg;
    std::printf("PostgreSQL 15 cluster up in %lld ms (%s)\n", pg.startupMs, pg.dir().c_str());
    Server server(pg, "peak", people);

    // --- the kiosks: enrolled, first sync each
    std::vector<sync::AgentOptions> opts;
    {
        const auto t = Clock::now();
        for (int k = 0; k < kiosks; ++k) {
            opts.push_back(server.device("k" + std::to_string(k)));
            must(sync::Agent(opts.back()).once(), "first sync");
        }
        std::printf("%d kiosks enrolled, first sync of each: %.0f ms in all\n", kiosks, msSince(t));
    }

    // --- the schedule: each person once at a random kiosk and time; a share again at another
    // kiosk 0–6 s later
    std::mt19937 rng(11);
    std::vector<KioskRun> runs(static_cast<std::size_t>(kiosks));
    std::uniform_real_distribution<double> when(0, peakSeconds);
    std::uniform_real_distribution<double> gap(0, 6);
    std::uniform_int_distribution<int> door(0, kiosks - 1);
    std::uniform_int_distribution<int> percent(0, 99);
    int64_t secondScans = 0;
    for (int p = 0; p < people; ++p) {
        const double t = when(rng);
        const int k = door(rng);
        runs[static_cast<std::size_t>(k)].scans.push_back({t, p});
        if (percent(rng) < dupPercent) {
            const int other = (k + 1 + std::uniform_int_distribution<int>(0, kiosks - 2)(rng)) % kiosks;
            runs[static_cast<std::size_t>(other)].scans.push_back({t + gap(rng), p});
            ++secondScans;
        }
    }
    for (auto& r : runs) {
        std::sort(r.scans.begin(), r.scans.end(),
                  [](const Scan& a, const Scan& b) { return a.simSeconds < b.simSeconds; });
    }
    const int64_t totalScans = people + secondScans;
    std::printf(
        "peak: %d people, %lld second tries at another door, %d kiosks, simulated %.1f min "
        "(%.1f scans/s in all), played at %dx: %.0f scans/s for %.1f s\n",
        people, static_cast<long long>(secondScans), kiosks, peakSeconds / 60,
        static_cast<double>(totalScans) / peakSeconds, speedup,
        static_cast<double>(totalScans) / peakSeconds * speedup, peakSeconds / speedup);

    // --- the agents, running as `kiosk sync` does
    std::atomic<bool> stop{false};
    std::vector<std::thread> agents;
    agents.reserve(opts.size());
    for (auto& o : opts) {
        agents.emplace_back([&stop, &o] {
            auto s = sync::Agent(o).run([&stop] { return stop.load(); });
            if (!s) std::fprintf(stderr, "agent %s: %s\n", o.device.c_str(), s.error().message.c_str());
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));

    // --- the peak
    // Transactions of the event's database (pushes, pulls, hellos): what the server's CPU goes to.
    // A backend reports its counts when it ends, hence the second look after the agents stopped.
    const auto commits = [&pg] {
        return std::atoll(
            pg.exec("postgres", "SELECT xact_commit FROM pg_stat_database WHERE datname = 'peak'").c_str());
    };
    const long long commits0 = commits();
    const std::string load0 = loadAverage();
    const double pg0 = postgresCpuSeconds(pg);
    std::vector<double> agent0;
    agent0.reserve(agents.size());
    for (auto& a : agents) agent0.push_back(threadCpuSeconds(a));
    const auto realStart = Clock::now();
    const TimePoint simStart = nowUtc();
    std::vector<std::thread> scanners;
    scanners.reserve(opts.size());
    for (int k = 0; k < kiosks; ++k) {
        scanners.emplace_back([&, k] {
            auto& run = runs[static_cast<std::size_t>(k)];
            auto db = must(Database::open(opts[static_cast<std::size_t>(k)].dbPath), "open kiosk");
            for (const auto& s : run.scans) {
                const auto due = realStart + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(s.simSeconds / speedup));
                std::this_thread::sleep_until(due);
                run.maxBehindMs = std::max(run.maxBehindMs, msSince(due));
                ScanRequest req;
                req.payload = server.codes[static_cast<std::size_t>(s.person)];
                req.kiosk = opts[static_cast<std::size_t>(k)].device;
                req.at = simStart + std::chrono::duration_cast<TimePoint::duration>(
                                        std::chrono::duration<double>(s.simSeconds));
                const auto t = Clock::now();
                auto r = must(db.checkIn(req), "check in");
                run.latencyMs.push_back(msSince(t));
                run.lastCommit = Clock::now();
                if (r.outcome == Outcome::CheckedIn)
                    run.accepted.push_back(s.person);
                else if (r.outcome == Outcome::AlreadyCheckedIn)
                    ++run.already;
                else
                    ++run.other;
            }
            timespec ts{};
            ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
            run.cpuSeconds = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
        });
    }
    for (auto& s : scanners) s.join();
    Clock::time_point lastScan{};
    for (const auto& r : runs) lastScan = std::max(lastScan, r.lastCommit);

    // --- until every copy agrees: nothing waiting anywhere, the same snapshot everywhere
    std::vector<Database> files;
    files.reserve(opts.size());
    for (const auto& o : opts)
        files.push_back(must(Database::open(o.dbPath, Database::Mode::ReadOnly), "open"));
    bool converged = false;
    sync::Snapshot serverSnap;
    std::vector<sync::Snapshot> fileSnaps(files.size());
    double convergeMs = 0, checkedMs = 0;
    while (msSince(lastScan) < 120000) {
        const double lookedMs = msSince(lastScan);
        bool quiet = true;
        for (auto& f : files) quiet = quiet && must(f.syncStatus(), "sync status").toSend == 0;
        if (quiet) {
            serverSnap = must(sync::snapshotOfServer(server.admin), "server snapshot");
            bool same = true;
            for (std::size_t i = 0; i < files.size() && same; ++i) {
                fileSnaps[i] = must(sync::snapshotOf(files[i]), "snapshot");
                same = fileSnaps[i] == serverSnap;
            }
            if (same) {
                convergeMs = lookedMs;
                checkedMs = msSince(lastScan);
                converged = true;
                break;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const double wallS = msSince(realStart) / 1000;
    const double pgCpu = postgresCpuSeconds(pg) - pg0;
    std::vector<double> agentCpu;
    for (std::size_t i = 0; i < agents.size(); ++i)
        agentCpu.push_back(threadCpuSeconds(agents[i]) - agent0[i]);
    const std::string load1 = loadAverage();
    stop = true;
    for (auto& a : agents) a.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long long serverCommits = commits() - commits0;
    if (!converged) {
        // The last look at each copy, for the report below.
        serverSnap = must(sync::snapshotOfServer(server.admin), "server snapshot");
        for (std::size_t i = 0; i < files.size(); ++i)
            fileSnaps[i] = must(sync::snapshotOf(files[i]), "snapshot");
    }

    // --- what should be there
    std::vector<int> acceptedPer(static_cast<std::size_t>(people), 0);
    int64_t accepted = 0, already = 0, other = 0;
    std::vector<double> latency;
    double behindMs = 0;
    for (const auto& r : runs) {
        for (int p : r.accepted) ++acceptedPer[static_cast<std::size_t>(p)];
        accepted += static_cast<int64_t>(r.accepted.size());
        already += r.already;
        other += r.other;
        latency.insert(latency.end(), r.latencyMs.begin(), r.latencyMs.end());
        behindMs = std::max(behindMs, r.maxBehindMs);
    }
    int64_t peopleIn = 0, expectedPairs = 0;
    for (int n : acceptedPer) {
        if (n > 0) ++peopleIn;
        if (n > 1) expectedPairs += n - 1;
    }

    // --- the report
    bool ok = converged && other == 0;
    std::printf(
        "scans made: %lld (%lld check-ins accepted, %lld answered already_checked_in, %lld other)"
        "   goal: every arrival decided, 0 other\n",
        static_cast<long long>(latency.size()), static_cast<long long>(accepted),
        static_cast<long long>(already), static_cast<long long>(other));
    const bool nothingLost = serverSnap.checkins == accepted;
    ok = ok && nothingLost;
    std::printf(
        "check-ins on the server: %lld of %lld accepted at the kiosks (%s)   goal: equal, nothing lost "
        "or stored twice\n",
        static_cast<long long>(serverSnap.checkins), static_cast<long long>(accepted),
        nothingLost ? "equal" : "DIFFERENT");
    std::string perFile;
    bool filesAgree = true;
    for (std::size_t i = 0; i < files.size(); ++i) {
        filesAgree = filesAgree && fileSnaps[i] == serverSnap;
        perFile += (i ? ", " : "") + std::to_string(fileSnaps[i].inForce.size()) + "/" +
                   std::to_string(fileSnaps[i].duplicates.size());
    }
    ok = ok && filesAgree && static_cast<int64_t>(serverSnap.inForce.size()) == peopleIn &&
         static_cast<int64_t>(serverSnap.duplicates.size()) == expectedPairs;
    std::printf(
        "people in / duplicate pairs: expected %lld / %lld; server %zu / %zu; files %s   goal: all equal\n",
        static_cast<long long>(peopleIn), static_cast<long long>(expectedPairs), serverSnap.inForce.size(),
        serverSnap.duplicates.size(), perFile.c_str());
    std::printf(
        "second tries at another door: %lld, %lld caught at the door (that kiosk had heard), %lld "
        "accepted and found as duplicates on every copy\n",
        static_cast<long long>(secondScans), static_cast<long long>(already),
        static_cast<long long>(expectedPairs));
    if (converged)
        std::printf(
            "converged %.0f ms after the last scan (every outbox empty, every snapshot equal to the "
            "server's; that look began at %.0f ms)\n",
            checkedMs, convergeMs);
    else
        std::printf("NOT CONVERGED 120 s after the last scan\n");
    std::printf(
        "local check-in with the agents running (%zu): p50 %.2f ms, p99 %.2f ms, max %.1f ms   goal p99 "
        "< 5 ms (scans started at most %.0f ms behind schedule)\n",
        latency.size(), pct(latency, 0.5), pct(latency, 0.99), pct(latency, 1.0), behindMs);
    const double agentsCpu = std::accumulate(agentCpu.begin(), agentCpu.end(), 0.0);
    const double agentMax = *std::max_element(agentCpu.begin(), agentCpu.end());
    std::printf("CPU over %.1f s of wall time (first scan to convergence; load average %s -> %s):\n", wallS,
                load0.c_str(), load1.c_str());
    std::printf("   PostgreSQL server: %.2f s = %.1f %% of one core\n", pgCpu, 100 * pgCpu / wallS);
    std::printf("   %d agents: %.2f s = %.1f %% of one core (each %.1f %% on average, %.1f %% at most)\n",
                kiosks, agentsCpu, 100 * agentsCpu / wallS, 100 * agentsCpu / wallS / kiosks,
                100 * agentMax / wallS);
    double kioskCpu = 0;
    for (const auto& r : runs) kioskCpu += r.cpuSeconds;
    std::printf("   %d kiosks' check-ins (scanning threads): %.2f s = %.1f %% of one core\n", kiosks,
                kioskCpu, 100 * kioskCpu / wallS);
    std::printf("   server transactions (pushes, pulls, hellos): %lld, %.1f per scan\n", serverCommits,
                static_cast<double>(serverCommits) / static_cast<double>(totalScans));
    std::printf("   per 1000 scans: server %.2f s, agents %.2f s, check-ins %.2f s\n",
                1000 * pgCpu / static_cast<double>(totalScans),
                1000 * agentsCpu / static_cast<double>(totalScans),
                1000 * kioskCpu / static_cast<double>(totalScans));
    std::printf("%s\n", ok ? "OK: nothing lost, every duplicate found, every copy equal"
                           : "FAILED: see the figures above");
    return ok ? 0 : 1;
}
