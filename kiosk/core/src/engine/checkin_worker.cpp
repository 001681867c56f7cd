// The kiosk's check-in path on its own thread (kiosk/core/checkin_worker.hpp).
#include <kiosk/core/checkin_worker.hpp>

#include <exception>

namespace kiosk::core {

Result<std::unique_ptr<CheckinWorker>> CheckinWorker::start(const std::string& dbPath) {
    auto db = Database::open(dbPath, Database::Mode::OpenExisting);
    if (!db) return db.error();
    return std::unique_ptr<CheckinWorker>(new CheckinWorker(std::move(db).value()));
}

CheckinWorker::CheckinWorker(Database db) : m_db(std::move(db)) {
    m_thread = std::jthread([this](std::stop_token st) { run(st); });
}

CheckinWorker::~CheckinWorker() {
    m_thread.request_stop();
    if (m_thread.joinable()) m_thread.join();
}

void CheckinWorker::submit(CheckinJob job) {
    ++m_inFlight;
    m_jobs.push(std::move(job));
}

std::vector<CheckinDone> CheckinWorker::poll() {
    return m_done.take();
}

std::vector<CheckinDone> CheckinWorker::wait(std::chrono::milliseconds timeout) {
    return m_done.waitTake(timeout);
}

std::size_t CheckinWorker::pending() const {
    return m_inFlight.load();
}

void CheckinWorker::run(std::stop_token stop) {
    while (auto job = m_jobs.pop(stop)) {
        CheckinDone done;
        done.id = job->id;
        done.codeAt = job->codeAt;
        done.origin = job->origin;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            EngineOptions opt;
            opt.queueBadge = job->queueBadge;  // arrival and badge job in one transaction
            auto r = m_db.checkIn(job->request, opt);
            if (r)
                done.result = std::move(r).value();
            else
                done.error = r.error();
        } catch (const std::exception& e) {
            // The core promises no exceptions; a bad_alloc must still not kill the kiosk.
            done.error = Error{"core.worker", e.what()};
        }
        done.dbMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        m_done.post(std::move(done));
        --m_inFlight;
    }
}

}  // namespace kiosk::core
