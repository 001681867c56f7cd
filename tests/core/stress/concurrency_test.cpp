// Concurrency test: several processes, each its own kiosk, scan the same 1,000 codes 10,000 times
// in total. Exactly 1,000 scans may say checked_in, every other one already_checked_in, and no
// scan may fail (busy handling between processes must work).
#include "stress_support.hpp"

#include <doctest/doctest.h>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace kiosk;

TEST_CASE("concurrency: 4 processes, 1,000 codes, 10,000 scans: exactly 1,000 checked_in") {
    constexpr int kProcesses = 4;
    constexpr int kCodes = 1000;
    constexpr int kScans = 10000;
    stress::TempDir dir;
    if (std::getenv("KIOSK_STRESS_KEEP")) dir.keep();
    const auto seeded = stress::seedEvent(dir.path(), kCodes);
    const unsigned long seed = std::random_device{}();
    MESSAGE("seed " << seed);

    std::vector<stress::Child> children;
    std::vector<std::string> buffers(kProcesses);
    for (int p = 0; p < kProcesses; ++p) {
        children.push_back(
            stress::spawnWorker({"--db", seeded.dbPath, "--codes", seeded.codesPath, "--kiosk",
                                 "entrance-" + std::to_string(p + 1), "--random",
                                 std::to_string(seed + static_cast<unsigned long>(p)), "--count",
                                 std::to_string(kScans / kProcesses), "--wait-go"}));
    }
    for (int p = 0; p < kProcesses; ++p) {
        std::string line;
        REQUIRE_MESSAGE(stress::readLine(children[p].out, buffers[p], line, 20000), "worker did not start");
        REQUIRE(line == "READY");
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (auto& c : children) REQUIRE(write(c.in, "go\n", 3) == 3);

    // Read every pipe as it fills: a worker blocked on a full pipe would serialise the run.
    std::vector<bool> open(kProcesses, true);
    int stillOpen = kProcesses;
    while (stillOpen > 0) {
        std::vector<pollfd> fds;
        std::vector<int> who;
        for (int p = 0; p < kProcesses; ++p)
            if (open[p]) {
                fds.push_back({children[p].out, POLLIN, 0});
                who.push_back(p);
            }
        const int r = poll(fds.data(), fds.size(), 120000);
        REQUIRE_MESSAGE(r > 0, "workers silent for 120 s");
        for (size_t k = 0; k < fds.size(); ++k) {
            if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char chunk[16384];
            const ssize_t n = read(fds[k].fd, chunk, sizeof chunk);
            if (n > 0) {
                buffers[who[k]].append(chunk, static_cast<size_t>(n));
            } else {
                open[who[k]] = false;
                --stillOpen;
            }
        }
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    long checkedIn = 0, already = 0, others = 0, errors = 0, done = 0;
    std::map<std::string, int> checkedInPerAttendee;
    std::set<std::string> codesCheckedIn;
    std::map<std::string, long> perKiosk;
    for (int p = 0; p < kProcesses; ++p) {
        const int status = stress::reap(children[p]);
        CHECK_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0),
                      "worker " << p << " status " << status);
        size_t start = 0;
        const std::string& b = buffers[p];
        for (size_t nl; (nl = b.find('\n', start)) != std::string::npos; start = nl + 1) {
            const std::string l = b.substr(start, nl - start);
            const auto parts = stress::split(l, 4);
            if (parts[0] == "ACK") {
                ++checkedIn;
                ++perKiosk["entrance-" + std::to_string(p + 1)];
                codesCheckedIn.insert(parts[1]);
                ++checkedInPerAttendee[parts[2]];
            } else if (parts[0] == "DUP") {
                ++already;
            } else if (parts[0] == "OUT") {
                ++others;
                if (others <= 5) MESSAGE("unexpected outcome: " << l);
            } else if (parts[0] == "ERR") {
                ++errors;
                if (errors <= 5) MESSAGE("engine error: " << l);
            } else if (parts[0] == "DONE") {
                ++done;
            }
        }
    }
    MESSAGE(kScans << " scans by " << kProcesses << " processes in " << secs << " s (" << (kScans / secs)
                   << " scans/s): " << checkedIn << " checked_in, " << already << " already_checked_in, "
                   << others << " other, " << errors << " errors");
    for (const auto& [k, v] : perKiosk) MESSAGE(k << ": " << v << " checked_in");
    CHECK(done == kProcesses);
    CHECK(errors == 0);
    CHECK(others == 0);
    CHECK(checkedIn == kCodes);
    CHECK(already == kScans - kCodes);
    CHECK(codesCheckedIn.size() == static_cast<size_t>(kCodes));
    CHECK(checkedInPerAttendee.size() == static_cast<size_t>(kCodes));

    CHECK(stress::integrityCheck(seeded.dbPath) == "ok");
    auto opened = core::Database::open(seeded.dbPath, core::Database::Mode::OpenExisting);
    REQUIRE(opened.ok());
    core::Database db = std::move(opened).value();
    auto stats = db.stats();
    REQUIRE(stats.ok());
    CHECK(stats->checkedIn == kCodes);
    long doubled = 0, missing = 0;
    for (const auto& id : seeded.attendeeIds) {
        auto h = db.history(id);
        REQUIRE(h.ok());
        int checkins = 0;
        for (const auto& r : *h) checkins += r.action == core::CheckinAction::Checkin;
        doubled += checkins > 1;
        missing += checkins == 0;
    }
    CHECK_MESSAGE(doubled == 0, doubled << " attendees have more than one check-in row");
    CHECK_MESSAGE(missing == 0, missing << " attendees have no check-in row");
}
