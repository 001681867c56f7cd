#pragma once
// Check-in writes off the UI thread. SQLite with synchronous=FULL fsyncs on every commit, which
// on a kiosk's SD card or a busy disk can take tens of milliseconds: longer than a frame. The
// worker owns its own connection to the same file (WAL lets the UI's connection keep reading),
// runs Database::checkIn and, for an arrival, writes the badge's outbox row in the same step.
#include <kiosk/core.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace kiosk::ui {

struct CheckinJob {
    uint64_t id = 0;
    core::ScanRequest request;
    bool enqueueBadge = false;  ///< write the print outbox row for an arrival
    std::chrono::steady_clock::time_point codeAt{};  ///< the code entered (last key / frame capture)
    std::string origin;  ///< "camera" / "wedge" / "file" / "test"
};

struct CheckinDone {
    uint64_t id = 0;
    std::optional<core::ScanResult> result;  ///< nullopt: see error
    core::Error error;
    std::optional<core::PrintJob> printJob;
    std::string printError;  ///< outbox row could not be written (the check-in still counts)
    double dbMs = 0;         ///< checkIn + enqueuePrint wall time on the worker
    std::chrono::steady_clock::time_point codeAt{};
    std::string origin;
};

class CheckinWorker {
public:
    /// Opens the worker's own connection. Errors: those of Database::open.
    static core::Result<std::unique_ptr<CheckinWorker>> start(const std::string& dbPath);
    ~CheckinWorker();  ///< finishes the job in progress, drops the rest
    CheckinWorker(const CheckinWorker&) = delete;
    CheckinWorker& operator=(const CheckinWorker&) = delete;

    void submit(CheckinJob job);       ///< never blocks on the database
    std::vector<CheckinDone> poll();   ///< results since the last call, in order
    std::size_t pending() const;

private:
    explicit CheckinWorker(core::Database db);
    void run();

    core::Database m_db;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<CheckinJob> m_jobs;
    std::vector<CheckinDone> m_done;
    std::size_t m_inFlight = 0;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace kiosk::ui
