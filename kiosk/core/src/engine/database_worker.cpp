// Database tasks on their own thread (kiosk/core/database_worker.hpp).
#include <kiosk/core/database_worker.hpp>

#include <exception>

namespace kiosk::core {

Result<std::unique_ptr<DatabaseWorker>> DatabaseWorker::start(const std::string& dbPath) {
    auto db = Database::open(dbPath, Database::Mode::OpenExisting);
    if (!db) return db.error();
    return std::unique_ptr<DatabaseWorker>(new DatabaseWorker(std::move(db).value()));
}

DatabaseWorker::DatabaseWorker(Database db) : m_db(std::move(db)) {
    m_thread = std::jthread([this](std::stop_token st) { run(st); });
}

DatabaseWorker::~DatabaseWorker() {
    m_thread.request_stop();
    if (m_thread.joinable()) m_thread.join();
}

void DatabaseWorker::submit(Task task) {
    ++m_inFlight;
    m_tasks.push(std::move(task));
}

std::size_t DatabaseWorker::pending() const {
    return m_inFlight.load();
}

void DatabaseWorker::runOne(Task& task) {
    try {
        task(m_db);
    } catch (const std::exception&) {
        // The core promises no exceptions; a bad_alloc must still not end the kiosk.
    }
    --m_inFlight;
}

void DatabaseWorker::run(std::stop_token stop) {
    while (auto task = m_tasks.pop(stop)) runOne(*task);
    // Stopping: what was submitted still runs (waitAll returns at once once stop is requested).
    for (auto& task : m_tasks.waitAll(stop, std::chrono::milliseconds(0))) runOne(task);
}

}  // namespace kiosk::core
