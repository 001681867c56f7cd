// Stats over 100,000 check-ins: latency of Database::stats() (goal < 20 ms).
// The 100,000 check-ins are written through the public API one transaction each (checkInAttendee,
// arrivals spread over the morning); with synchronous=FULL on a real disk that alone takes
// minutes, so the file lives in /dev/shm by default: stats() only reads, and reads come from the
// page cache either way. --dir /tmp measures on the disk instead.
//   bench_stats [--n 100000] [--dir /dev/shm] [--rounds 20] [--keep]
#include "bench_support.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace kiosk;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
    int n = 100000, rounds = 20;
    std::string base = "/dev/shm";
    bool keep = false;  // leave the file for EXPLAIN QUERY PLAN
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--n" && i + 1 < argc)
            n = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc)
            base = argv[++i];
        else if (a == "--rounds" && i + 1 < argc)
            rounds = std::atoi(argv[++i]);
        else if (a == "--keep")
            keep = true;
        else {
            std::fprintf(stderr, "usage: bench_stats [--n N] [--dir DIR] [--rounds R] [--keep]\n");
            return 2;
        }
    }
    const std::string dir = bench::makeTempDir(base);
    if (dir.empty()) return 2;
    const std::string path = dir + "/stats.kiosk";
    std::printf("stats: %d attendees and check-ins, file %s on %s\n", n, path.c_str(),
                bench::describeDisk(dir).c_str());
    auto opened = core::Database::open(path);
    if (!opened) {
        std::fprintf(stderr, "open: %s\n", opened.error().message.c_str());
        return 2;
    }
    core::Database db = std::move(opened).value();
    if (auto s = db.setEvent(bench::benchEvent()); !s) return 2;
    auto t0 = Clock::now();
    auto imported = db.applyImport(bench::makePeople(n), "bench", core::nowUtc());
    if (!imported) {
        std::fprintf(stderr, "applyImport: %s\n", imported.error().message.c_str());
        return 2;
    }
    std::printf("setup: applyImport %.0f ms\n",
                std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    auto people = db.attendees();
    if (!people) return 2;

    // Arrivals over three hours (a 5-minute bucket holds ~2,800 of 100,000), in a fixed order.
    const core::TimePoint opening = core::nowUtc() - std::chrono::hours{3};
    t0 = Clock::now();
    long failures = 0;
    for (size_t i = 0; i < people->size(); ++i) {
        const auto at = opening + std::chrono::milliseconds((i * 10'800'000ull) / people->size());
        auto r =
            db.checkInAttendee((*people)[i].id, i % 3 == 0 ? "desk" : "entrance-" + std::to_string(i % 2 + 1),
                               at, "bench", "benchmark");
        if (!r || r->outcome != core::Outcome::CheckedIn) ++failures;
    }
    const double genMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::printf("setup: %zu check-ins %.0f ms (%.3f ms each)\n", people->size(), genMs,
                genMs / static_cast<double>(std::max<size_t>(1, people->size())));

    std::vector<double> ms;
    core::Stats last;
    for (int r = 0; r < rounds; ++r) {
        t0 = Clock::now();
        auto s = db.stats();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!s) {
            ++failures;
            continue;
        }
        last = *s;
    }
    std::printf("stats(): registered %lld, checked in %lld, %zu categories, %zu groups, %zu buckets\n",
                static_cast<long long>(last.registered), static_cast<long long>(last.checkedIn),
                last.byCategory.size(), last.byWorkingGroup.size(), last.arrivalsPer5Min.size());
    const double p95 = bench::percentile(ms, 95);
    std::printf("stats() n=%zu  p50 %.3f ms  p95 %.3f ms  max %.3f ms\n", ms.size(),
                bench::percentile(ms, 50), p95, bench::percentile(ms, 100));
    std::printf("goal: < 20 ms: %s\n", p95 < 20 ? "met" : "NOT met");

    // What the dashboard reads each second: stats, outbox counts, open cases, open duplicates
    // (the duplicate rule runs over every check-in) and the recent rows, in one snapshot.
    std::vector<double> ov;
    for (int r = 0; r < rounds; ++r) {
        t0 = Clock::now();
        auto o = db.overview(12);
        ov.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!o || o->openDuplicates != 0) ++failures;
    }
    std::printf("overview(12) n=%zu  p50 %.3f ms  p95 %.3f ms  max %.3f ms (the dashboard, once a second)\n",
                ov.size(), bench::percentile(ov, 50), bench::percentile(ov, 95), bench::percentile(ov, 100));
    if (last.checkedIn != n) std::printf("WARNING: expected %d checked in\n", n);
    if (failures) std::printf("WARNING: %ld calls failed\n", failures);
    if (keep)
        std::printf("kept %s\n", path.c_str());
    else
        std::filesystem::remove_all(dir);
    return failures || last.checkedIn != n ? 1 : 0;
}
