// Check-in latency with synchronous=FULL on a real file: p50/p99 of Database::checkIn over
// 2,000 distinct codes (goal p99 < 10 ms), plus the repeat scans (already_checked_in).
//   bench_checkin_latency [--n 2000] [--dir /tmp] [--keep]
#include "bench_support.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace kiosk;
using Clock = std::chrono::steady_clock;

namespace {
double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}
void printLatency(const char* what, const std::vector<double>& ms) {
    std::printf("%-34s n=%zu  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms\n", what, ms.size(),
                bench::percentile(ms, 50), bench::percentile(ms, 90), bench::percentile(ms, 99),
                bench::percentile(ms, 100));
}
}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
    int n = 2000;
    std::string base = "/tmp";
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--n" && i + 1 < argc)
            n = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc)
            base = argv[++i];
        else if (a == "--keep")
            keep = true;
        else {
            std::fprintf(stderr, "usage: bench_checkin_latency [--n N] [--dir DIR] [--keep]\n");
            return 2;
        }
    }
    const std::string dir = bench::makeTempDir(base);
    if (dir.empty()) {
        std::fprintf(stderr, "cannot create a folder in %s\n", base.c_str());
        return 2;
    }
    const std::string path = dir + "/latency.kiosk";
    std::printf("check-in latency: %d check-ins, file %s on %s\n", n, path.c_str(),
                bench::describeDisk(dir).c_str());

    auto opened = core::Database::open(path);
    if (!opened) {
        std::fprintf(stderr, "open: %s\n", opened.error().message.c_str());
        return 2;
    }
    core::Database db = std::move(opened).value();
    if (auto s = db.setEvent(bench::benchEvent()); !s) {
        std::fprintf(stderr, "setEvent: %s\n", s.error().message.c_str());
        return 2;
    }
    auto t0 = Clock::now();
    auto imported = db.applyImport(bench::makePeople(n), "bench", core::nowUtc());
    if (!imported) {
        std::fprintf(stderr, "applyImport: %s\n", imported.error().message.c_str());
        return 2;
    }
    std::printf("setup: applyImport of %d people %.1f ms\n", n, msSince(t0));
    auto people = db.attendees();
    if (!people) return 2;
    std::vector<std::string> payloads;
    std::vector<double> issue;
    for (const auto& a : *people) {
        t0 = Clock::now();
        auto code = db.primaryCode(a.id);
        issue.push_back(msSince(t0));
        if (!code) {
            std::fprintf(stderr, "primaryCode: %s\n", code.error().message.c_str());
            return 2;
        }
        payloads.push_back(*code);
    }
    printLatency("primaryCode (issue, one write)", issue);

    std::vector<double> first, repeat;
    long wrong = 0;
    for (size_t i = 0; i < payloads.size(); ++i) {
        core::ScanRequest req{payloads[i], "entrance-1", core::nowUtc(), "", "self"};
        t0 = Clock::now();
        auto r = db.checkIn(req);
        first.push_back(msSince(t0));
        if (!r || r->outcome != core::Outcome::CheckedIn) ++wrong;
    }
    for (size_t i = 0; i < payloads.size(); i += 4) {
        core::ScanRequest req{payloads[i], "entrance-2", core::nowUtc(), "", "self"};
        t0 = Clock::now();
        auto r = db.checkIn(req);
        repeat.push_back(msSince(t0));
        if (!r || r->outcome != core::Outcome::AlreadyCheckedIn) ++wrong;
    }
    printLatency("checkIn -> checked_in", first);
    printLatency("checkIn -> already_checked_in", repeat);
    std::printf("goal: checked_in p99 < 10 ms: %s\n", bench::percentile(first, 99) < 10 ? "met" : "NOT met");
    if (wrong) std::printf("WARNING: %ld scans gave an unexpected outcome or an error\n", wrong);
    if (!keep) std::filesystem::remove_all(dir);
    return wrong ? 1 : 0;
}
