#pragma once
/// The kiosk's check-in path: Database::checkIn on a thread with its own connection, so a
/// front end never waits on SQLite's fsync (synchronous=FULL: tens of milliseconds on an SD card,
/// longer than a frame). The window submits each scan and takes the results once per frame; the
/// CLI (`kiosk checkin --stdin`) and the crash test drive the very same worker. With a badge, the
/// arrival and its badge job are one transaction (EngineOptions::queueBadge).
#include <kiosk/core.hpp>
#include <kiosk/core/worker.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kiosk::core {

struct CheckinJob {
    uint64_t id = 0;  ///< the caller's, echoed in CheckinDone
    ScanRequest request;
    bool queueBadge = false;                         ///< write the badge job with the arrival
    std::chrono::steady_clock::time_point codeAt{};  ///< the code entered (last key / frame capture)
    std::string origin;                              ///< "camera" / "wedge" / "file" / "stdin" / "test"
};

struct CheckinDone {
    uint64_t id = 0;
    std::optional<ScanResult> result;  ///< nullopt: see error; result->printJob is the badge job
    Error error;
    double dbMs = 0;  ///< checkIn wall time on the worker
    std::chrono::steady_clock::time_point codeAt{};
    std::string origin;
};

class CheckinWorker {
public:
    /// Opens the worker's own connection to an existing database. Errors: those of Database::open.
    static Result<std::unique_ptr<CheckinWorker>> start(const std::string& dbPath);
    ~CheckinWorker();  ///< finishes the job in progress, drops the rest
    CheckinWorker(const CheckinWorker&) = delete;
    CheckinWorker& operator=(const CheckinWorker&) = delete;

    void submit(CheckinJob job);      ///< never blocks on the database
    std::vector<CheckinDone> poll();  ///< results since the last call, in order
    /// Waits up to `timeout` for at least one result (the CLI's pace); then as poll().
    std::vector<CheckinDone> wait(std::chrono::milliseconds timeout);
    std::size_t pending() const;  ///< submitted and not finished yet

private:
    explicit CheckinWorker(Database db);
    void run(std::stop_token stop);

    Database m_db;
    WorkQueue<CheckinJob> m_jobs;
    Mailbox<CheckinDone> m_done;
    std::atomic<std::size_t> m_inFlight{0};
    std::jthread m_thread;  // last: stopped and joined before the members it uses go
};

}  // namespace kiosk::core
