// kiosk::printing::PrintService: the worker that drains the print outbox exactly once.
//
// Sections: lock file · events · requests from the caller · health · outbox (pending, submitted,
// held) · the worker loop · the public facade.
//
// Exactly once rests on three rules:
//  1. attempts is incremented and written *before* a Print-Job is sent; any row with
//     attempts > 0 that is not known to be in CUPS is looked up by its title ("kiosk-<job id>")
//     in all queues before it may be sent again (after a crash, a restart or a timeout);
//  2. only one service per database file drains the outbox (flock on "<db>.print-lock",
//     released by the OS if the process dies); others only follow rows;
//  3. a job found in CUPS is followed, never resubmitted; reprints are new rows of kind "reprint".
#include <kiosk/printing/badge.hpp>
#include <kiosk/printing/printer.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace kiosk::printing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxAutoAttempts = 5;  // after this many sends a held job waits for the desk
constexpr int kListLimit = 1000;

/// Codes that clear up by themselves (printer back, queue re-enabled): a held job with one of
/// these is retried while young enough. Anything else waits for a person.
bool retryable(std::string_view code) {
    return code == "printer.unreachable" || code == "printer.not_found" || code == "printer.stopped" ||
           code == "printer.not_accepting" || code == "printer.none" || code == "printer.submit_failed";
}

std::string codeOf(const std::string& lastError) {
    const auto colon = lastError.find(':');
    return colon == std::string::npos ? lastError : lastError.substr(0, colon);
}
std::string textOf(const std::string& lastError) {
    const auto colon = lastError.find(':');
    if (colon == std::string::npos) return {};
    return lastError.substr(colon + 1 + (colon + 1 < lastError.size() && lastError[colon + 1] == ' ' ? 1 : 0));
}

std::string reasonsText(const std::vector<StateReason>& reasons) {
    std::string out;
    for (const auto& r : reasons) {
        if (!out.empty()) out += ' ';
        out += r.text;
    }
    return out;
}

/// flock() lock beside the database: one drainer per file, across processes.
class OutboxLock {
public:
    OutboxLock() = default;
    OutboxLock(const OutboxLock&) = delete;
    OutboxLock& operator=(const OutboxLock&) = delete;
    ~OutboxLock() { release(); }
    bool tryAcquire(const std::string& dbPath) {
        if (m_fd >= 0) return true;
        const std::string path = dbPath + ".print-lock";
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return false;
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd);
            return false;
        }
        m_fd = fd;
        return true;
    }
    void release() {
        if (m_fd >= 0) ::close(m_fd);  // closing drops the flock
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

struct Request {
    enum class Kind { Badge, Job, Reprint };
    Kind kind = Kind::Job;
    std::string attendeeId;
    std::string checkinId;
    std::string jobId;
    std::string actor;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct PrintService::Impl {
    PrintServiceOptions opt;

    // Shared with the caller's thread, under m_mu.
    mutable std::mutex mu;
    std::condition_variable cv;
    bool stopping = false;
    bool woken = false;
    std::deque<Request> requests;
    std::vector<PrintEvent> events;
    PrinterHealth healthSnap;
    std::atomic<bool> drains{false};

    // Worker-only state.
    std::optional<core::Database> db;
    std::optional<Cups> cups;
    OutboxLock lock;
    std::set<std::string> tracked;                  // rows this service was asked about
    std::map<std::string, std::string> lastSignature;  // per job: last event emitted
    std::string queueInUse;                          // resolved printer
    PrinterHealth health;                            // worker copy, published to healthSnap
    Clock::time_point nextHealth{};
    Clock::time_point nextLockTry{};
    std::thread worker;

    explicit Impl(PrintServiceOptions o) : opt(std::move(o)) {
        if (!opt.renderer) {
            const std::string tpl = opt.templateName;
            opt.renderer = [tpl](core::Database& d, const std::string& id) { return renderAttendeeBadge(d, id, tpl); };
        }
    }

    // --- events --------------------------------------------------------------------------------

    void emit(const core::PrintJob& job, std::string stage, float progress, std::string errCode = {},
              std::string errText = {}, std::optional<double> acceptedMs = std::nullopt) {
        const std::string sig = job.state + "|" + stage + "|" + errCode + "|" + std::to_string(job.cupsJobId);
        auto& last = lastSignature[job.id];
        if (last == sig) return;  // the UI wants changes, not a heartbeat
        last = sig;
        PrintEvent e;
        e.jobId = job.id;
        e.attendeeId = job.attendeeId;
        e.state = job.state;
        e.stage = std::move(stage);
        e.progress = progress;
        e.cupsJobId = job.cupsJobId;
        e.printer = job.printer;
        e.errorCode = std::move(errCode);
        e.errorText = std::move(errText);
        e.at = core::nowUtc();
        e.acceptedAfterMs = acceptedMs;
        std::lock_guard lk(mu);
        events.push_back(std::move(e));
        if (events.size() > 10000) events.erase(events.begin(), events.begin() + 5000);  // nobody polls
    }

    /// The event a row's stored state stands for (follower mode, restarts).
    void emitFromRow(const core::PrintJob& job) {
        if (job.state == "printed") emit(job, "printed", 1.f);
        else if (job.state == "submitted")
            emit(job, "accepted", 0.5f, job.lastError.empty() ? "" : codeOf(job.lastError), textOf(job.lastError));
        else if (job.state == "held") emit(job, "held", 0.f, codeOf(job.lastError), textOf(job.lastError));
        else if (job.state == "failed") emit(job, "failed", 0.f, codeOf(job.lastError), textOf(job.lastError));
        else emit(job, "queued", 0.1f);
    }

    void workerError(const core::Error& e) {
        health.lastErrorCode = e.code;
        health.lastError = e.message;
        publishHealth();
    }

    void publishHealth() {
        std::lock_guard lk(mu);
        healthSnap = health;
    }

    // --- database writes -------------------------------------------------------------------------

    bool save(core::PrintJob& job) {
        job.updatedAt = core::nowUtc();
        if (auto st = db->updatePrintJob(job); !st) {
            workerError(st.error());
            return false;
        }
        return true;
    }

    void hold(core::PrintJob& job, const std::string& code, const std::string& text) {
        job.state = "held";
        job.lastError = code + ": " + text;
        save(job);
        emit(job, "held", 0.f, code, text);
    }

    void fail(core::PrintJob& job, const std::string& code, const std::string& text) {
        job.state = "failed";
        job.lastError = code + ": " + text;
        save(job);
        emit(job, "failed", 0.f, code, text);
    }

    // --- requests from the caller ------------------------------------------------------------------

    void handleRequests() {
        std::deque<Request> batch;
        {
            std::lock_guard lk(mu);
            batch.swap(requests);
        }
        for (auto& r : batch) {
            if (r.kind == Request::Kind::Job) {
                tracked.insert(r.jobId);
                continue;
            }
            // enqueuePrint returns the existing row for a check-in that already has a badge job.
            const std::string kind = r.kind == Request::Kind::Reprint ? "reprint" : "badge";
            auto job = db->enqueuePrint(r.attendeeId, r.checkinId, kind, r.actor.empty() ? opt.actor : r.actor,
                                        core::nowUtc());
            if (!job) {
                workerError(job.error());
                core::PrintJob pseudo;
                pseudo.attendeeId = r.attendeeId;
                pseudo.state = "failed";
                emit(pseudo, "failed", 0.f, job.error().code, job.error().message);
                continue;
            }
            tracked.insert(job->id);
            emitFromRow(*job);
        }
    }

    // --- health ------------------------------------------------------------------------------------

    void refreshHealth() {
        PrinterHealth h;
        h.checkedAt = core::nowUtc();
        std::string name = opt.printer;
        if (name.empty()) {
            auto def = cups->defaultQueue();
            if (!def) {
                h.lastErrorCode = def.error().code;
                h.lastError = def.error().message;
            } else if (!def->has_value()) {
                h.lastErrorCode = "printer.none";
                h.lastError = "no print queue chosen and CUPS has no default: pass --printer or run lpadmin -d QUEUE";
            } else {
                name = **def;
            }
        }
        h.printer = name;
        queueInUse = name;
        if (!name.empty()) {
            auto q = cups->queue(name);
            if (!q) {
                h.lastErrorCode = q.error().code;
                h.lastError = q.error().message;
            } else {
                h.reachable = true;
                h.state = q->state;
                h.accepting = q->accepting;
                h.reasons = q->reasons;
                if (q->state == QueueState::Stopped) {
                    h.lastErrorCode = "printer.stopped";
                    h.lastError = "queue \"" + name + "\" is stopped" +
                                  (q->reasons.empty() ? std::string(".") : ": " + reasonsText(q->reasons)) +
                                  " Fix the printer, then run cupsenable " + name + ".";
                } else if (!q->accepting) {
                    h.lastErrorCode = "printer.not_accepting";
                    h.lastError = "queue \"" + name + "\" is rejecting jobs: run cupsaccept " + name;
                }
            }
        }
        health = std::move(h);
        publishHealth();
        nextHealth = Clock::now() + opt.healthInterval;
    }

    // --- outbox ------------------------------------------------------------------------------------

    /// Rule 1: before (re)sending, look for an earlier attempt in every queue. Returns true if the
    /// row is settled (found, or held because CUPS cannot be asked).
    bool recoverByTitle(core::PrintJob& job) {
        auto found = cups->findJobByTitle("", jobTitle(job.id));
        if (!found) {
            hold(job, found.error().code, "cannot check whether an earlier attempt reached CUPS: " + found.error().message);
            return true;
        }
        if (!found->has_value()) return false;
        const JobInfo& info = **found;
        job.state = "submitted";
        job.cupsJobId = info.id;
        if (!info.queue.empty()) job.printer = info.queue;
        job.lastError.clear();
        save(job);
        emit(job, "accepted", 0.5f);
        followSubmitted(job, &info);
        return true;
    }

    void processPending(core::PrintJob job) {
        if (job.attempts > 0 && recoverByTitle(job)) return;
        if (job.state != "pending") return;
        const std::string queue = queueInUse;
        if (queue.empty()) {
            hold(job, health.lastErrorCode.empty() ? "printer.none" : health.lastErrorCode,
                 health.lastError.empty() ? "no print queue" : health.lastError);
            return;
        }
        auto q = cups->queue(queue);
        if (!q) {
            workerError(q.error());
            hold(job, q.error().code, q.error().message);
            nextHealth = {};
            return;
        }
        if (q->state == QueueState::Stopped) {
            hold(job, "printer.stopped", "queue \"" + queue + "\" is stopped" +
                                             (q->reasons.empty() ? std::string(".") : ": " + reasonsText(q->reasons)) +
                                             " The badge waits for the help desk.");
            nextHealth = {};
            return;
        }
        if (!q->accepting) {
            hold(job, "printer.not_accepting", "queue \"" + queue + "\" is rejecting jobs (cupsaccept " + queue + ")");
            nextHealth = {};
            return;
        }
        emit(job, "rendering", 0.2f);
        auto pdf = opt.renderer(*db, job.attendeeId);
        if (!pdf) {
            fail(job, "badge.render_failed", pdf.error().code + ": " + pdf.error().message);
            return;
        }
        // Rule 1: the attempt is on disk before the job can exist in CUPS.
        job.attempts += 1;
        job.printer = queue;
        if (!save(job)) return;  // cannot record the attempt: do not send
        auto id = cups->submitPdf(queue, jobTitle(job.id), *pdf);
        if (!id) {
            workerError(id.error());
            hold(job, id.error().code, id.error().message);
            nextHealth = {};
            return;
        }
        job.state = "submitted";
        job.cupsJobId = *id;
        job.lastError.clear();
        save(job);
        const double ms =
            std::chrono::duration<double, std::milli>(core::nowUtc() - job.createdAt).count();
        emit(job, "accepted", 0.5f, {}, {}, ms);
    }

    void followSubmitted(core::PrintJob& job, const JobInfo* known = nullptr) {
        if (job.cupsJobId == 0) {  // a crash between Print-Job and recording its id
            if (!recoverByTitle(job)) {
                job.state = "pending";  // not in CUPS: send it (attempts > 0 keeps the lookup)
                save(job);
            }
            return;
        }
        JobInfo info;
        if (known) {
            info = *known;
        } else {
            auto st = cups->jobState(job.printer, job.cupsJobId);
            if (!st) {
                if (st.error().code == "printer.job_unknown") {
                    // Rule 3: a job we cannot see is not sent again automatically; the desk decides.
                    hold(job, "printer.job_unknown",
                         "CUPS no longer knows job " + std::to_string(job.cupsJobId) +
                             ": check the printer output, then reprint from the desk if needed");
                } else {
                    workerError(st.error());
                    emit(job, "accepted", 0.5f, st.error().code, st.error().message);
                }
                return;
            }
            info = std::move(*st);
        }
        switch (info.state) {
            case JobState::Completed:
                job.state = "printed";
                job.lastError.clear();
                save(job);
                emit(job, "printed", 1.f);
                return;
            case JobState::Aborted:
                fail(job, "printer.job_aborted",
                     "CUPS aborted job " + std::to_string(info.id) + " (" + info.reasons +
                         (info.message.empty() ? "" : "; " + info.message) + ")");
                return;
            case JobState::Cancelled: {
                // A deleted queue cancels its jobs: that badge was never printed.
                auto q = cups->queue(job.printer);
                if (!q && q.error().code == "printer.not_found")
                    hold(job, "printer.not_found",
                         "queue \"" + job.printer + "\" disappeared with the job; the badge waits for the help desk");
                else
                    fail(job, "printer.job_cancelled", "job " + std::to_string(info.id) + " was cancelled in CUPS");
                return;
            }
            case JobState::Processing:
                emit(job, "printing", 0.75f);
                return;
            case JobState::Pending:
            case JobState::Held:
            case JobState::Stopped: {
                if (health.printer == job.printer && health.reachable && health.state == QueueState::Stopped) {
                    // In CUPS already: it prints by itself once the queue is enabled again.
                    const std::string text = health.lastError;
                    if (job.lastError != "printer.stopped: " + text) {
                        job.lastError = "printer.stopped: " + text;
                        save(job);
                    }
                    emit(job, "waiting", 0.5f, "printer.stopped", text);
                } else {
                    emit(job, "accepted", 0.5f);
                }
                return;
            }
        }
    }

    void retryHeld(core::PrintJob job) {
        if (!health.ready()) return;
        const std::string code = codeOf(job.lastError);
        if (!retryable(code) || job.attempts >= kMaxAutoAttempts) return;
        if (core::nowUtc() - job.createdAt > opt.heldRetryWindow) return;  // now the desk's job
        job.state = "pending";
        if (save(job)) processPending(job);
    }

    /// One pass over the rows this service is responsible for. Returns true if something is in
    /// flight (follow it at the fast poll interval).
    bool processOutbox() {
        auto pending = db->printJobs("pending", kListLimit);
        auto submitted = db->printJobs("submitted", kListLimit);
        auto held = db->printJobs("held", kListLimit);
        if (!pending || !submitted || !held) {
            workerError(!pending ? pending.error() : !submitted ? submitted.error() : held.error());
            return true;
        }
        auto mine = [&](const core::PrintJob& j) { return opt.drainOutbox || tracked.count(j.id) > 0; };
        auto byAge = [](const core::PrintJob& a, const core::PrintJob& b) { return a.createdAt < b.createdAt; };
        std::sort(pending->begin(), pending->end(), byAge);
        for (auto& j : *pending)
            if (mine(j)) processPending(j);
        for (auto& j : *submitted)
            if (mine(j)) followSubmitted(j);
        std::sort(held->begin(), held->end(), byAge);
        for (auto& j : *held)
            if (mine(j)) {
                emitFromRow(j);
                retryHeld(j);
            }
        auto still = db->printJobs("submitted", kListLimit);
        auto queued = db->printJobs("pending", kListLimit);
        bool inFlight = false;
        if (still) inFlight |= std::any_of(still->begin(), still->end(), mine);
        if (queued) inFlight |= std::any_of(queued->begin(), queued->end(), mine);
        return inFlight;
    }

    /// Another process drains the outbox: report what the rows say.
    bool followRows() {
        bool inFlight = false;
        for (const auto& id : tracked) {
            auto row = db->printJob(id);
            if (!row) {
                workerError(row.error());
                return true;
            }
            if (!row->has_value()) continue;
            emitFromRow(**row);
            inFlight |= (*row)->state == "pending" || (*row)->state == "submitted";
        }
        return inFlight;
    }

    // --- the worker loop ---------------------------------------------------------------------------

    void run() {
        while (!db) {
            auto opened = core::Database::open(opt.dbPath, core::Database::Mode::OpenExisting);
            if (opened) {
                db.emplace(std::move(*opened));
                break;
            }
            workerError(opened.error());
            std::unique_lock lk(mu);
            if (cv.wait_for(lk, opt.healthInterval, [&] { return stopping; })) return;
        }
        cups.emplace(opt.cupsServer);
        for (;;) {
            {
                std::lock_guard lk(mu);
                if (stopping) return;
                woken = false;
            }
            if (!drains && Clock::now() >= nextLockTry) {
                drains = lock.tryAcquire(opt.dbPath);
                nextLockTry = Clock::now() + opt.healthInterval;
            }
            handleRequests();
            if (Clock::now() >= nextHealth) refreshHealth();
            const bool inFlight = drains ? processOutbox() : followRows();
            std::unique_lock lk(mu);
            cv.wait_for(lk, inFlight ? opt.pollInterval : opt.healthInterval, [&] { return stopping || woken; });
            if (stopping) return;
        }
    }

    void push(Request r) {
        {
            std::lock_guard lk(mu);
            requests.push_back(std::move(r));
            woken = true;
        }
        cv.notify_one();
    }
};

// ---------------------------------------------------------------------------------------------

PrintService::PrintService(PrintServiceOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {
    m_impl->healthSnap.printer = m_impl->opt.printer;
    m_impl->healthSnap.lastErrorCode = "printer.checking";
    m_impl->healthSnap.lastError = "checking the printer";
    m_impl->worker = std::thread([impl = m_impl.get()] { impl->run(); });
}

PrintService::~PrintService() {
    {
        std::lock_guard lk(m_impl->mu);
        m_impl->stopping = true;
    }
    m_impl->cv.notify_one();
    if (m_impl->worker.joinable()) m_impl->worker.join();
}

void PrintService::submitBadge(const std::string& attendeeId, const std::string& checkinId) {
    m_impl->push({Request::Kind::Badge, attendeeId, checkinId, {}, {}});
}

void PrintService::submitJob(const std::string& printJobId) {
    m_impl->push({Request::Kind::Job, {}, {}, printJobId, {}});
}

void PrintService::reprint(const std::string& attendeeId, const std::string& actor) {
    m_impl->push({Request::Kind::Reprint, attendeeId, {}, {}, actor});
}

void PrintService::wake() {
    {
        std::lock_guard lk(m_impl->mu);
        m_impl->woken = true;
    }
    m_impl->cv.notify_one();
}

std::vector<PrintEvent> PrintService::poll() {
    std::vector<PrintEvent> out;
    std::lock_guard lk(m_impl->mu);
    out.swap(m_impl->events);
    return out;
}

PrinterHealth PrintService::health() const {
    std::lock_guard lk(m_impl->mu);
    return m_impl->healthSnap;
}

bool PrintService::drainsOutbox() const { return m_impl->drains; }

}  // namespace kiosk::printing
