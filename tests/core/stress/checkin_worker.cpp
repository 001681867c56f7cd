// checkin_worker: a check-in process for the crash and concurrency tests in this folder.
//
//   checkin_worker --db PATH --codes FILE --kiosk NAME (--from N | --random SEED --count K)
//                  [--wait-go] [--badge]
//
// --badge runs the kiosk's own check-in path instead of Database::checkIn directly: the core's
// CheckinWorker (its own connection and thread, as the window uses it) with a badge queued in the
// same transaction as each arrival; ACK lines then carry the badge job's id as a fourth field.
// FILE holds one scanned payload per line; a code's index is its 0-based line number. `--from N`
// scans codes N, N+1, … in order (the crash test restarts it where the last run stopped);
// `--random` scans K codes in passes over a seeded random permutation of all codes, so every code
// is scanned at least once per pass. Every result is one line on stdout, flushed before the next
// scan, so a line that reached the test was acknowledged by the engine (its commit returned):
//   READY                         the database is open
//   ACK <index> <attendee> <checkin-id> [<job-id>]   checked_in
//   DUP <index> <attendee>        already_checked_in
//   OUT <index> <reason code>     any other outcome
//   ERR <index> <code> <message>  Result error (SQLITE_BUSY would show up here)
//   DONE
#include <kiosk/core.hpp>
#include <kiosk/core/checkin_worker.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

void emit(const std::string& line) {
    // One flushed line per result: the pipe sees whole lines (well under PIPE_BUF), and nothing is
    // claimed before the engine's commit has returned.
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

int usage() {
    std::fputs(
        "usage: checkin_worker --db PATH --codes FILE --kiosk NAME "
        "(--from N | --random SEED --count K) [--wait-go] [--badge]\n",
        stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string db, codesFile, kiosk = "stress";
    long from = -1, count = 0;
    unsigned long seed = 0;
    bool random = false, waitGo = false, badge = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--db")
            db = next();
        else if (a == "--codes")
            codesFile = next();
        else if (a == "--kiosk")
            kiosk = next();
        else if (a == "--from")
            from = std::atol(next().c_str());
        else if (a == "--random") {
            random = true;
            seed = std::strtoul(next().c_str(), nullptr, 10);
        } else if (a == "--count")
            count = std::atol(next().c_str());
        else if (a == "--wait-go")
            waitGo = true;
        else if (a == "--badge")
            badge = true;
        else
            return usage();
    }
    if (db.empty() || codesFile.empty() || (from < 0 && !random)) return usage();

    std::vector<std::string> codes;
    {
        std::ifstream in(codesFile);
        for (std::string line; std::getline(in, line);) codes.push_back(line);
    }
    if (codes.empty()) {
        std::fprintf(stderr, "checkin_worker: no codes in %s\n", codesFile.c_str());
        return 2;
    }

    auto opened = kiosk::core::Database::open(db, kiosk::core::Database::Mode::OpenExisting);
    if (!opened) {
        std::fprintf(stderr, "checkin_worker: %s: %s\n", opened.error().code.c_str(),
                     opened.error().message.c_str());
        return 2;
    }
    kiosk::core::Database database = std::move(opened).value();
    std::unique_ptr<kiosk::core::CheckinWorker> worker;
    if (badge) {
        auto started = kiosk::core::CheckinWorker::start(db);
        if (!started) {
            std::fprintf(stderr, "checkin_worker: %s\n", started.error().message.c_str());
            return 2;
        }
        worker = std::move(started).value();
    }
    emit("READY");
    if (waitGo) {
        // Lets the concurrency test start every process at the same moment.
        char go[8];
        if (!std::fgets(go, sizeof go, stdin)) return 2;
    }

    std::vector<size_t> order;
    if (random) {
        std::mt19937_64 rng(seed);
        std::vector<size_t> pass(codes.size());
        std::iota(pass.begin(), pass.end(), size_t{0});
        while (order.size() < static_cast<size_t>(count)) {
            std::shuffle(pass.begin(), pass.end(), rng);
            for (size_t k = 0; k < pass.size() && order.size() < static_cast<size_t>(count); ++k)
                order.push_back(pass[k]);
        }
    } else {
        for (size_t k = static_cast<size_t>(from); k < codes.size(); ++k) order.push_back(k);
    }

    for (const size_t index : order) {
        kiosk::core::ScanRequest req;
        req.payload = codes[index];
        req.kiosk = kiosk;
        req.at = kiosk::core::nowUtc();
        kiosk::core::Result<kiosk::core::ScanResult> r = kiosk::core::Error{"worker.none", "no result"};
        if (worker) {
            kiosk::core::CheckinJob job;
            job.id = index + 1;
            job.request = req;
            job.queueBadge = true;
            job.origin = "stress";
            worker->submit(std::move(job));
            std::optional<kiosk::core::CheckinDone> done;
            while (!done)
                for (auto& d : worker->wait(std::chrono::seconds(1))) done = std::move(d);
            if (done->result)
                r = std::move(*done->result);
            else
                r = done->error;
        } else {
            r = database.checkIn(req);
        }
        const std::string idx = std::to_string(index);
        if (!r) {
            emit("ERR " + idx + " " + r.error().code + " " + r.error().message);
            continue;
        }
        const auto& res = r.value();
        const std::string who = res.attendee ? res.attendee->id : "-";
        switch (res.outcome) {
            case kiosk::core::Outcome::CheckedIn:
                emit("ACK " + idx + " " + who + " " + (res.checkin ? res.checkin->id : "-") +
                     (worker ? " " + (res.printJob ? res.printJob->id : std::string("-")) : std::string()));
                break;
            case kiosk::core::Outcome::AlreadyCheckedIn:
                emit("DUP " + idx + " " + who);
                break;
            default:
                emit("OUT " + idx + " " + std::string(kiosk::core::reasonCode(res.outcome)));
                break;
        }
    }
    emit("DONE");
    return 0;
}
