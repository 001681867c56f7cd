#include "checkin_worker.hpp"

namespace kiosk::ui {

core::Result<std::unique_ptr<CheckinWorker>> CheckinWorker::start(const std::string& dbPath) {
    auto db = core::Database::open(dbPath, core::Database::Mode::OpenExisting);
    if (!db) return db.error();
    return std::unique_ptr<CheckinWorker>(new CheckinWorker(std::move(db).value()));
}

CheckinWorker::CheckinWorker(core::Database db) : m_db(std::move(db)) {
    m_thread = std::thread([this] { run(); });
}

CheckinWorker::~CheckinWorker() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void CheckinWorker::submit(CheckinJob job) {
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
        ++m_inFlight;
    }
    m_wake.notify_one();
}

std::vector<CheckinDone> CheckinWorker::poll() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_done, {});
}

std::size_t CheckinWorker::pending() const {
    std::lock_guard lock(m_mutex);
    return m_inFlight;
}

void CheckinWorker::run() {
    for (;;) {
        CheckinJob job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_stop) return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        CheckinDone done;
        done.id = job.id;
        done.codeAt = job.codeAt;
        done.origin = job.origin;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            auto r = m_db.checkIn(job.request);
            if (r) {
                done.result = *r;
                // A check-in with a case reference came from a ticket the list did not carry: no
                // name yet, so the desk prints the badge once it has one.
                if (job.enqueueBadge && r->outcome == core::Outcome::CheckedIn && r->attendee && r->caseRef.empty()) {
                    const std::string checkinId = r->checkin ? r->checkin->id : std::string();
                    auto pj = m_db.enqueuePrint(r->attendee->id, checkinId, "badge", job.request.actor,
                                                job.request.at);
                    if (pj)
                        done.printJob = *pj;
                    else
                        done.printError = pj.error().code + ": " + pj.error().message;
                }
            } else {
                done.error = r.error();
            }
        } catch (const std::exception& e) {
            // The core promises no exceptions; a bad_alloc must still not kill the kiosk.
            done.error = core::Error{"ui.worker", e.what()};
        }
        done.dbMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        {
            std::lock_guard lock(m_mutex);
            m_done.push_back(std::move(done));
            --m_inFlight;
        }
    }
}

}  // namespace kiosk::ui
