// print_latency: time from a check-in's badge request to the job accepted by CUPS (goal < 500 ms),
// and on to the printed file, through the real PrintService and a real CUPS queue.
//
//   scripts/cups-test-env start && export CUPS_SERVER=/tmp/kiosk-cups/cups.sock
//   build/bench/printing/print_latency [--printer QUEUE] [--count N]
//
// Prints, per stage, min / p50 / p95 / max in milliseconds, plus the parts measured alone
// (badge render, Print-Job round trip) so a regression can be placed.
#include <kiosk/core.hpp>
#include <kiosk/printing/badge.hpp>
#include <kiosk/printing/printer.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void report(const char* what, std::vector<double> v) {
    if (v.empty()) {
        std::printf("%-38s (no samples)\n", what);
        return;
    }
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
    };
    std::printf("%-38s n=%-3zu min %7.1f  p50 %7.1f  p95 %7.1f  max %7.1f ms\n", what, v.size(), v.front(),
                at(0.5), at(0.95), v.back());
}

}  // namespace

int main(int argc, char** argv) {
    std::string printer;
    int count = 20;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--printer") && i + 1 < argc)
            printer = argv[++i];
        else if (!std::strcmp(argv[i], "--count") && i + 1 < argc)
            count = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: %s [--printer QUEUE] [--count N]\n", argv[0]);
            return 2;
        }
    }
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("kiosk-print-latency-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string dbPath = (dir / "event.db").string();
    int rc = 0;
    {
        auto db = kiosk::core::Database::open(dbPath);
        if (!db) {
            std::fprintf(stderr, "%s: %s\n", db.error().code.c_str(), db.error().message.c_str());
            return 2;
        }
        if (auto st = kiosk::core::createDemoEvent(*db, kiosk::core::nowUtc()); !st) {
            std::fprintf(stderr, "%s: %s\n", st.error().code.c_str(), st.error().message.c_str());
            return 2;
        }
        auto people = db->attendees();
        if (!people || people->empty()) return 2;
        count = std::min<int>(count, static_cast<int>(people->size()));

        kiosk::printing::Cups cups;
        if (printer.empty()) {
            auto def = cups.defaultQueue();
            if (!def || !def->has_value()) {
                std::fprintf(stderr,
                             "no CUPS queue: pass --printer, or scripts/cups-test-env start and "
                             "export CUPS_SERVER=/tmp/kiosk-cups/cups.sock\n");
                return 2;
            }
            printer = **def;
        }
        std::printf("print_latency: %d badges to CUPS queue \"%s\" on %s\n", count, printer.c_str(),
                    cups.server().c_str());

        // The parts alone: render (warm after the first) and one Print-Job round trip.
        std::vector<double> render, submit;
        for (int i = 0; i < std::min(count, 10); ++i) {
            auto t0 = Clock::now();
            auto pdf = kiosk::printing::renderAttendeeBadge(*db, (*people)[i].id, "");
            render.push_back(msSince(t0));
            if (!pdf) {
                std::fprintf(stderr, "render: %s\n", pdf.error().message.c_str());
                return 2;
            }
            if (i < 3) {
                t0 = Clock::now();
                auto id = cups.submitPdf(
                    printer, "kiosk-bench-" + std::to_string(::getpid()) + "-" + std::to_string(i), *pdf);
                submit.push_back(msSince(t0));
                if (!id) {
                    std::fprintf(stderr, "submit: %s: %s\n", id.error().code.c_str(),
                                 id.error().message.c_str());
                    return 2;
                }
            }
        }

        // The real path: check-in, submitBadge on the UI side, events back through poll().
        std::vector<std::string> checkins;
        for (int i = 0; i < count; ++i) {
            auto r = db->checkInAttendee((*people)[i].id, "bench", kiosk::core::nowUtc(), "bench",
                                         "latency bench");
            if (!r || !r->checkin) return 2;
            checkins.push_back(r->checkin->id);
        }
        kiosk::printing::PrintServiceOptions opt;
        opt.dbPath = dbPath;
        opt.printer = printer;
        opt.pollInterval = std::chrono::milliseconds(50);
        opt.machine = "bench";
        kiosk::printing::PrintService service(opt);
        while (service.health().lastErrorCode == "printer.checking")
            std::this_thread::sleep_for(std::chrono::milliseconds(5));

        std::vector<double> accepted, acceptedFromRow, printed, submitCall;
        for (int i = 0; i < count; ++i) {
            // One at a time, as people arrive: each badge measured on an idle worker.
            const std::string attendee = (*people)[i].id;
            const auto t0 = Clock::now();
            service.submitBadge(attendee, checkins[i]);
            submitCall.push_back(msSince(t0));
            bool done = false;
            const auto deadline = Clock::now() + std::chrono::seconds(60);
            while (!done && Clock::now() < deadline) {
                for (const auto& e : service.poll()) {
                    if (e.attendeeId != attendee) continue;
                    if (e.stage == "accepted" && e.acceptedAfterMs) {
                        accepted.push_back(msSince(t0));
                        acceptedFromRow.push_back(*e.acceptedAfterMs);
                    }
                    if (e.state == kiosk::core::PrintJobState::Printed) {
                        printed.push_back(msSince(t0));
                        done = true;
                    } else if (kiosk::core::waitsForDesk(e.state)) {
                        std::fprintf(stderr, "badge %d %s: %s %s\n", i,
                                     std::string(kiosk::core::stateName(e.state)).c_str(),
                                     e.errorCode.c_str(), e.errorText.c_str());
                        done = true;
                        rc = 1;
                    }
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            if (!done) {
                std::fprintf(stderr, "badge %d not printed within 60 s\n", i);
                rc = 1;
            }
        }
        report("submitBadge() call (UI thread)", submitCall);
        report("badge render alone", render);
        report("Print-Job round trip alone", submit);
        report("submitBadge -> accepted by CUPS", accepted);
        report("outbox row created -> accepted by CUPS", acceptedFromRow);
        report("submitBadge -> printed (cups-pdf file)", printed);
        if (!accepted.empty()) {
            std::sort(accepted.begin(), accepted.end());
            const double p95 = accepted[std::min(accepted.size() - 1,
                                                 static_cast<size_t>(0.95 * (accepted.size() - 1) + 0.5))];
            std::printf("goal: accepted by CUPS < 500 ms at p95: %s (%.1f ms)\n",
                        p95 < 500 ? "met" : "MISSED", p95);
        }
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    return rc;
}
