#pragma once
/// Database work off a front end's thread: tasks run in order on one thread (the one
/// background-work primitive, kiosk/core/worker.hpp) against the worker's own connection. The
/// desk submits each write (a check-in, a walk-in, a rename …) and a task posts its result to a
/// mailbox the desk drains once per frame, so the window never waits on SQLite's fsync.
#include <kiosk/core.hpp>
#include <kiosk/core/worker.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace kiosk::core {

class DatabaseWorker {
public:
    /// Runs on the worker's thread with its connection; must not throw (a thrown exception is
    /// caught and dropped: the task's result never arrives).
    using Task = std::function<void(Database&)>;

    /// Opens the worker's own connection to an existing database. Errors: those of Database::open.
    static Result<std::unique_ptr<DatabaseWorker>> start(const std::string& dbPath);
    /// Runs every task already submitted, then stops: a volunteer's last action is not lost
    /// when the desk closes.
    ~DatabaseWorker();
    DatabaseWorker(const DatabaseWorker&) = delete;
    DatabaseWorker& operator=(const DatabaseWorker&) = delete;

    void submit(Task task);       ///< never blocks on the database
    std::size_t pending() const;  ///< submitted and not finished yet

private:
    explicit DatabaseWorker(Database db);
    void run(std::stop_token stop);
    void runOne(Task& task);

    Database m_db;
    WorkQueue<Task> m_tasks;
    std::atomic<std::size_t> m_inFlight{0};
    std::jthread m_thread;  // last: stopped and joined before the members it uses go
};

}  // namespace kiosk::core
