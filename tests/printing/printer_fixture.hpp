#pragma once
// Shared by the printer_*.cpp tests: a real CUPS scheduler (scripts/cups-test-env), one private
// cups-pdf queue per test case (ctest runs cases in parallel), a demo database in a temp file,
// and helpers to find what cups-pdf wrote.
#include <doctest/doctest.h>

#include <kiosk/core.hpp>
#include <kiosk/printing/badge.hpp>
#include <kiosk/printing/printer.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace printer_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline std::string cupsDir() {
    const char* d = std::getenv("KIOSK_CUPS_DIR");
    return d && *d ? d : "/tmp/kiosk-cups";
}
inline std::string outDir() {
    return cupsDir() + "/pdf";
}
inline std::string script() {
    return std::string(KIOSK_SOURCE_DIR) + "/scripts/cups-test-env";
}

struct Run {
    int status = -1;
    std::string out;
};
inline Run run(const std::string& cmd) {
    Run r;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

/// Starts (or reuses) the private scheduler and points libcups at it. False = no CUPS here; the
/// caller skips with a message. As root (CI), failing to start it is a test failure instead.
inline bool ensureCups() {
    static int state = 0;  // 0 unknown, 1 up, 2 unavailable
    if (state == 0) {
        const Run r = run(script() + " start");
        if (r.status == 0) {
            ::setenv("CUPS_SERVER", (cupsDir() + "/cups.sock").c_str(), 1);
            state = 1;
        } else {
            state = 2;
            MESSAGE("cannot start a private cupsd: " << r.out);
        }
    }
    if (state == 2) {
        if (::geteuid() == 0) FAIL("scripts/cups-test-env start failed although we are root (see above)");
        MESSAGE("SKIPPED: CUPS tests need a scheduler; scripts/cups-test-env start needs root");
    }
    return state == 1;
}

/// A cups-pdf queue of its own for one test case, deleted at the end.
struct TestQueue {
    std::string name;
    TestQueue() {
        static std::atomic<int> n{0};
        name = "kiosk-t" + std::to_string(::getpid()) + "-" + std::to_string(n++);
        const Run r = run(script() + " add-queue " + name);
        REQUIRE_MESSAGE(r.status == 0, r.out);
    }
    ~TestQueue() { (void)run("lpadmin -x " + name); }
    TestQueue(const TestQueue&) = delete;
    TestQueue& operator=(const TestQueue&) = delete;
};

/// The demo event in a temp file, plus one checked-in attendee.
struct TestDb {
    fs::path dir;
    std::string path;
    std::optional<kiosk::core::Database> db;
    kiosk::core::Attendee person;
    std::string checkinId;

    explicit TestDb(int pick = 0) {
        static std::atomic<int> n{0};
        dir = fs::temp_directory_path() /
              ("kiosk-printer-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        fs::remove_all(dir);
        fs::create_directories(dir);
        path = (dir / "event.db").string();
        auto opened = kiosk::core::Database::open(path);
        REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message));
        db.emplace(std::move(*opened));
        const auto st = kiosk::core::createDemoEvent(*db, kiosk::core::nowUtc());
        REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message));
        auto all = db->attendees();
        REQUIRE(all.ok());
        REQUIRE(static_cast<int>(all->size()) > pick);
        person = (*all)[pick];
        checkIn();
    }
    ~TestDb() {
        db.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    void checkIn() {
        auto r =
            db->checkInAttendee(person.id, "test-kiosk", kiosk::core::nowUtc(), "tester", "printer test");
        REQUIRE(r.ok());
        REQUIRE(r->outcome == kiosk::core::Outcome::CheckedIn);
        REQUIRE(r->checkin.has_value());
        checkinId = r->checkin->id;
    }
    bool stillCheckedIn() {
        auto h = db->history(person.id);
        if (!h.ok()) return false;
        int net = 0;
        for (const auto& r : *h) net += r.action == kiosk::core::CheckinAction::Checkin ? 1 : -1;
        return net > 0;
    }
    kiosk::core::PrintJob job(const std::string& id) {
        auto j = db->printJob(id);
        REQUIRE(j.ok());
        REQUIRE(j->has_value());
        return **j;
    }
};

/// The PDFs cups-pdf wrote for a job title ("Label 2": one file per CUPS job, never overwritten).
inline std::vector<fs::path> outputsFor(const std::string& title) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(outDir(), ec))
        if (e.path().filename().string().find(title) != std::string::npos && e.path().extension() == ".pdf")
            out.push_back(e.path());
    return out;
}

inline std::string pdfText(const fs::path& pdf) {
    return run("pdftotext -layout '" + pdf.string() + "' - 2>/dev/null").out;
}

/// The QR payload on a printed page, read the way a scanner would: rasterised, then zbarimg.
/// (cups-pdf prints through PostScript and Ghostscript, which turns the subset TrueType text
/// into Type 3 glyphs without a text layer, so pdftotext cannot read names back from its
/// output; the code on the badge is what proves whose badge came out.)
inline std::string qrFromPdf(const fs::path& pdf) {
    const std::string png = pdf.string() + ".qr";
    const Run r = run("(pdftoppm -r 150 -png -singlefile '" + pdf.string() + "' '" + png +
                      "' 2>/dev/null && zbarimg --raw -q --nodbus '" + png + ".png' 2>/dev/null)");
    std::error_code ec;
    fs::remove(png + ".png", ec);
    std::string out = r.out.substr(0, r.out.find('\n'));
    return out;
}

/// The text of the badge PDF the kiosk sends for this attendee (names checked with pdftotext).
inline std::string sentBadgeText(kiosk::core::Database& db, const std::string& attendeeId) {
    auto pdf = kiosk::printing::renderAttendeeBadge(db, attendeeId, "");
    REQUIRE(pdf.ok());
    const fs::path tmp = fs::temp_directory_path() / ("kiosk-sent-" + std::to_string(::getpid()) + ".pdf");
    std::ofstream(tmp, std::ios::binary) << *pdf;
    std::string text = pdfText(tmp);
    std::error_code ec;
    fs::remove(tmp, ec);
    return text;
}

/// Polls the service until an event for `jobId` satisfies `done` (or the timeout passes).
inline std::optional<kiosk::printing::PrintEvent> waitFor(
    kiosk::printing::PrintService& s, std::vector<kiosk::printing::PrintEvent>& seen,
    const std::string& jobId, const std::function<bool(const kiosk::printing::PrintEvent&)>& done,
    std::chrono::milliseconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        for (auto& e : s.poll()) {
            seen.push_back(e);
            if ((jobId.empty() || e.jobId == jobId) && done(e)) return e;
        }
        std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
}

/// The kiosk of TestDb's check-in: the machine whose printer the tests' services are.
inline constexpr const char* kMachine = "test-kiosk";

inline kiosk::printing::PrintServiceOptions serviceOptions(const TestDb& t, const std::string& queue) {
    kiosk::printing::PrintServiceOptions o;
    o.dbPath = t.path;
    o.printer = queue;
    o.pollInterval = 100ms;
    o.idlePollInterval = 300ms;
    o.healthInterval = 300ms;
    o.machine = kMachine;
    return o;
}

}  // namespace printer_test
