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
//
// What to send, hold or expire is PrintPolicy's (print_policy.cpp, tested without CUPS); this
// file applies its answers. Every change of a row is one core transition (advancePrintJob).
// The service drains only its machine's jobs and learns of new ones from the store: the
// in-process wake-up hint (core::onOutboxChange) and a poll for other processes.
#include <kiosk/core/worker.hpp>
#include <kiosk/printing/badge.hpp>
#include <kiosk/printing/print_policy.hpp>
#include <kiosk/printing/printer.hpp>

#include <kiosk/core/log.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace kiosk::printing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kListLimit = 1000;

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
    bool tryAcquire(const std::string& dbPath, const std::string& machine) {
        if (m_fd >= 0) return true;
        // One drainer per machine: two kiosks on one file each print their own people's badges.
        std::string suffix;
        for (const char ch : machine)
            suffix += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_') ? ch : '_';
        const std::string path = dbPath + ".print-lock" + (suffix.empty() ? "" : "." + suffix);
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
    PrintPolicy policy;

    // Shared with the caller's thread.
    core::WorkQueue<Request> requests;
    core::Mailbox<PrintEvent> events;
    mutable std::mutex healthMu;
    PrinterHealth healthSnap;
    std::atomic<bool> drains{false};

    // Worker-only state.
    std::optional<core::Database> db;
    std::optional<Cups> cups;
    OutboxLock lock;
    std::set<std::string> tracked;                     // rows this service was asked about
    std::map<std::string, std::string> lastSignature;  // per job: last event emitted
    std::string queueInUse;                            // resolved printer
    PrinterHealth health;                              // worker copy, published to healthSnap
    Clock::time_point nextHealth{};
    Clock::time_point nextLockTry{};
    core::OutboxSubscription hint;
    std::jthread worker;

    explicit Impl(PrintServiceOptions o)
        : opt(std::move(o)), policy(PolicyOptions{opt.machine, opt.expireAfter, opt.maxAttempts}) {
        if (!opt.renderer) {
            const std::string tpl = opt.templateName;
            opt.renderer = [tpl](core::Database& d, const std::string& id) {
                return renderBadgeFor(d, id, tpl);
            };
        }
    }

    // --- events --------------------------------------------------------------------------------

    void emit(const core::PrintJob& job, std::string stage, float progress, std::string errCode = {},
              std::string errText = {}, std::optional<double> acceptedMs = std::nullopt) {
        const std::string sig = std::string(core::stateName(job.state)) + "|" + stage + "|" + errCode + "|" +
                                std::to_string(job.cupsJobId);
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
        events.post(std::move(e));
    }

    /// The event a row's stored state stands for (follower mode, restarts).
    void emitFromRow(const core::PrintJob& job) {
        switch (job.state) {
            case core::PrintJobState::Printed:
                emit(job, "printed", 1.f);
                break;
            case core::PrintJobState::Submitted:
                emit(job, "accepted", 0.5f, job.errorCode, job.errorText);
                break;
            case core::PrintJobState::Held:
                emit(job, "held", 0.f, job.errorCode, job.errorText);
                break;
            case core::PrintJobState::Failed:
                emit(job, "failed", 0.f, job.errorCode, job.errorText);
                break;
            case core::PrintJobState::Dismissed:
                emit(job, "dismissed", 0.f, job.errorCode, job.errorText);
                break;
            case core::PrintJobState::Pending:
                emit(job, "queued", 0.1f);
                break;
        }
    }

    void workerError(const core::Error& e) {
        // Logged when it changes: an unreachable printer is asked again every few seconds.
        if (e.code != health.lastErrorCode || e.message != health.lastError)
            core::logError("printer " + (queueInUse.empty() ? opt.printer : queueInUse) + ": " + e.code +
                           ": " + e.message);
        health.lastErrorCode = e.code;
        health.lastError = e.message;
        publishHealth();
    }

    void publishHealth() {
        std::lock_guard lk(healthMu);
        healthSnap = health;
    }

    // --- database writes: one core transition each ------------------------------------------------

    /// Applies `step`; on success `job` is the row as written. A refused transition (the desk
    /// dismissed the job meanwhile) or a database error leaves `job` unchanged and returns false.
    bool advance(core::PrintJob& job, const core::PrintStep& step) {
        auto r = db->advancePrintJob(job.id, step);
        if (!r) {
            workerError(r.error());
            return false;
        }
        job = std::move(*r);
        return true;
    }

    void hold(core::PrintJob& job, const std::string& code, const std::string& text) {
        if (advance(job, core::PrintStep::held(code, text, core::nowUtc()))) {
            core::logWarn("badge held for the help desk: job " + job.id + ", attendee " + job.attendeeId +
                          ": " + code + ": " + text);
            emit(job, "held", 0.f, code, text);
        }
    }

    void fail(core::PrintJob& job, const std::string& code, const std::string& text) {
        if (advance(job, core::PrintStep::failed(code, text, core::nowUtc()))) {
            core::logError("badge not printed: job " + job.id + ", attendee " + job.attendeeId + ": " + code +
                           ": " + text);
            emit(job, "failed", 0.f, code, text);
        }
    }

    // --- requests from the caller ------------------------------------------------------------------

    void handleRequests(const std::deque<Request>& batch) {
        for (auto& r : batch) {
            if (r.kind == Request::Kind::Job) {
                tracked.insert(r.jobId);
                continue;
            }
            // enqueuePrint returns the existing row for a check-in that already has a badge job.
            const auto kind =
                r.kind == Request::Kind::Reprint ? core::PrintJobKind::Reprint : core::PrintJobKind::Badge;
            auto job = db->enqueuePrint(r.attendeeId, r.checkinId, kind, opt.machine,
                                        r.actor.empty() ? opt.actor : r.actor, core::nowUtc());
            if (!job) {
                workerError(job.error());
                core::PrintJob pseudo;
                pseudo.attendeeId = r.attendeeId;
                pseudo.state = core::PrintJobState::Failed;
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
                h.lastError =
                    "no print queue chosen and CUPS has no default: pass --printer or run lpadmin -d QUEUE";
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
        // The organiser's log says when the printer went wrong and when it came back.
        if (h.lastErrorCode != health.lastErrorCode) {
            if (!h.lastErrorCode.empty())
                core::logError("printer " + (name.empty() ? std::string("(none)") : name) + ": " +
                               h.lastErrorCode + ": " + h.lastError);
            else if (!health.lastErrorCode.empty() && health.lastErrorCode != "printer.checking")
                core::logInfo("printer " + name + " is ready again");
        }
        health = std::move(h);
        publishHealth();
        nextHealth = Clock::now() + opt.healthInterval;
    }

    /// The queue as the policy sees it, asked fresh from CUPS just before a send.
    QueueView currentQueue() {
        QueueView v;
        v.printer = queueInUse;
        if (v.printer.empty()) {
            v.errorCode = health.lastErrorCode.empty() ? "printer.none" : health.lastErrorCode;
            v.errorText = health.lastError.empty() ? "no print queue" : health.lastError;
            return v;
        }
        auto q = cups->queue(v.printer);
        if (!q) {
            workerError(q.error());
            nextHealth = {};
            v.errorCode = q.error().code;
            v.errorText = q.error().message;
            return v;
        }
        v.reachable = true;
        v.stopped = q->state == QueueState::Stopped;
        v.accepting = q->accepting;
        if (v.stopped) {
            nextHealth = {};
            v.errorCode = "printer.stopped";
            v.errorText = "queue \"" + v.printer + "\" is stopped" +
                          (q->reasons.empty() ? std::string(".") : ": " + reasonsText(q->reasons)) +
                          " The badge waits for the help desk.";
        } else if (!v.accepting) {
            nextHealth = {};
            v.errorCode = "printer.not_accepting";
            v.errorText = "queue \"" + v.printer + "\" is rejecting jobs (cupsaccept " + v.printer + ")";
        }
        return v;
    }

    // --- outbox ------------------------------------------------------------------------------------

    /// Rule 1: before (re)sending, look for an earlier attempt in every queue. Returns true if the
    /// row is settled (found, or held because CUPS cannot be asked).
    bool recoverByTitle(core::PrintJob& job) {
        auto found = cups->findJobByTitle("", jobTitle(job.id));
        if (!found) {
            hold(job, found.error().code,
                 "cannot check whether an earlier attempt reached CUPS: " + found.error().message);
            return true;
        }
        if (!found->has_value()) return false;
        const JobInfo& info = **found;
        if (!advance(job, core::PrintStep::submitted(info.id, info.queue, core::nowUtc()))) return true;
        emit(job, "accepted", 0.5f);
        followSubmitted(job, &info);
        return true;
    }

    void processPending(core::PrintJob job) {
        bool recovered = false;
        if (job.attempts > 0) {
            if (recoverByTitle(job)) return;
            recovered = true;  // CUPS never saw it: the policy may send it again
        }
        const auto decision = policy.decide(job, currentQueue(), core::nowUtc(), recovered);
        switch (decision.action) {
            case PendingAction::NotMine:
            case PendingAction::Recover:
                return;
            case PendingAction::Hold:
                hold(job, decision.code, decision.text);
                return;
            case PendingAction::Send:
                break;
        }
        const std::string queue = queueInUse;
        emit(job, "rendering", 0.2f);
        auto pdf = opt.renderer(*db, job.attendeeId);
        if (!pdf) {
            fail(job, "badge.render_failed", pdf.error().code + ": " + pdf.error().message);
            return;
        }
        // Rule 1: the attempt is on disk before the job can exist in CUPS.
        if (!advance(job, core::PrintStep::attempt(queue, core::nowUtc()))) return;  // not recorded: not sent
        const std::string media = opt.media == "queue" ? std::string()
                                  : !opt.media.empty() ? opt.media
                                  : pdf->widthMm > 0   ? pwgMediaName(pdf->widthMm, pdf->heightMm)
                                                       : std::string();
        auto id = cups->submitPdf(queue, jobTitle(job.id), pdf->bytes, media);
        if (!id) {
            workerError(id.error());
            hold(job, id.error().code, id.error().message);
            nextHealth = {};
            return;
        }
        if (!advance(job, core::PrintStep::submitted(*id, queue, core::nowUtc()))) return;
        const double ms = std::chrono::duration<double, std::milli>(core::nowUtc() - job.createdAt).count();
        emit(job, "accepted", 0.5f, {}, {}, ms);
    }

    void followSubmitted(core::PrintJob& job, const JobInfo* known = nullptr) {
        if (job.cupsJobId == 0) {  // a crash between Print-Job and recording its id
            if (!recoverByTitle(job))
                advance(job, core::PrintStep::requeued(core::nowUtc()));  // attempts > 0: looked up again
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
        bool queueGone = false;
        if (info.state == JobState::Cancelled) {
            auto q = cups->queue(job.printer);
            queueGone = !q && q.error().code == "printer.not_found";
        }
        const bool stopped =
            health.printer == job.printer && health.reachable && health.state == QueueState::Stopped;
        switch (PrintPolicy::followUp(info.state, stopped, queueGone)) {
            case CupsOutcome::Printed:
                if (advance(job, core::PrintStep::printed(core::nowUtc()))) emit(job, "printed", 1.f);
                return;
            case CupsOutcome::Failed:
                if (info.state == JobState::Cancelled)
                    fail(job, "printer.job_cancelled",
                         "job " + std::to_string(info.id) + " was cancelled in CUPS");
                else
                    fail(job, "printer.job_aborted",
                         "CUPS aborted job " + std::to_string(info.id) + " (" + info.reasons +
                             (info.message.empty() ? "" : "; " + info.message) + ")");
                return;
            case CupsOutcome::Held:
                hold(job, "printer.not_found",
                     "queue \"" + job.printer +
                         "\" disappeared with the job; the badge waits for the help desk");
                return;
            case CupsOutcome::Printing:
                emit(job, "printing", 0.75f);
                return;
            case CupsOutcome::Waiting: {
                const std::string text = health.lastError;
                if (job.errorCode != "printer.stopped" || job.errorText != text)
                    advance(job, core::PrintStep::waiting("printer.stopped", text, core::nowUtc()));
                emit(job, "waiting", 0.5f, "printer.stopped", text);
                return;
            }
            case CupsOutcome::Accepted:
                emit(job, "accepted", 0.5f);
                return;
        }
    }

    bool wanted(const core::PrintJob& j) const {
        return policy.mine(j) && (opt.drainOutbox || tracked.count(j.id) > 0);
    }

    /// One pass over this machine's rows. Returns true if something is in flight (follow it at
    /// the fast poll interval).
    bool processOutbox() {
        auto query = [&](core::PrintJobState s) {
            return db->printJobs({.state = s, .machine = opt.machine, .attendeeId = {}, .limit = kListLimit});
        };
        auto pending = query(core::PrintJobState::Pending);
        auto submitted = query(core::PrintJobState::Submitted);
        if (!pending || !submitted) {
            workerError(!pending ? pending.error() : submitted.error());
            return true;
        }
        for (auto& j : policy.sendOrder(std::move(*pending)))
            if (wanted(j)) processPending(j);
        for (auto& j : *submitted)
            if (wanted(j)) followSubmitted(j);
        // Held rows wait for the desk; they are reported, never sent again from here.
        if (auto held = query(core::PrintJobState::Held))
            for (auto& j : *held)
                if (wanted(j)) emitFromRow(j);
        bool inFlight = false;
        for (auto s : {core::PrintJobState::Submitted, core::PrintJobState::Pending})
            if (auto still = query(s))
                inFlight |=
                    std::any_of(still->begin(), still->end(), [&](const auto& j) { return wanted(j); });
        followTracked();
        return inFlight;
    }

    /// Tracked rows that left this machine's active states (retried elsewhere, dismissed): report.
    void followTracked() {
        for (const auto& id : tracked) {
            auto row = db->printJob(id);
            if (row && row->has_value() && !policy.mine(**row)) emitFromRow(**row);
        }
    }

    /// Another process drains this machine's outbox: report what the rows say.
    bool followRows() {
        bool inFlight = false;
        std::set<std::string> ids = tracked;
        for (auto s : {core::PrintJobState::Pending, core::PrintJobState::Submitted})
            if (auto rows = db->printJobs(
                    {.state = s, .machine = opt.machine, .attendeeId = {}, .limit = kListLimit}))
                for (const auto& j : *rows) ids.insert(j.id);
        for (const auto& id : ids) {
            auto row = db->printJob(id);
            if (!row) {
                workerError(row.error());
                return true;
            }
            if (!row->has_value()) continue;
            emitFromRow(**row);
            inFlight |= core::isInFlight((*row)->state);
        }
        return inFlight;
    }

    // --- the worker loop ---------------------------------------------------------------------------

    void run(std::stop_token stop) {
        while (!db) {
            auto opened = core::Database::open(opt.dbPath, core::Database::Mode::OpenExisting);
            if (opened) {
                db.emplace(std::move(*opened));
                break;
            }
            workerError(opened.error());
            requests.waitAll(stop, opt.healthInterval);
            if (stop.stop_requested()) return;
        }
        cups.emplace(opt.cupsServer);
        std::deque<Request> batch;
        while (!stop.stop_requested()) {
            if (!drains && Clock::now() >= nextLockTry) {
                drains = lock.tryAcquire(opt.dbPath, opt.machine);
                nextLockTry = Clock::now() + opt.healthInterval;
            }
            handleRequests(batch);
            if (Clock::now() >= nextHealth) refreshHealth();
            const bool inFlight = drains ? processOutbox() : followRows();
            // New jobs of this process arrive with a hint (onOutboxChange); other processes'
            // jobs are found by the idle poll.
            batch = requests.waitAll(stop, inFlight ? opt.pollInterval : opt.idlePollInterval);
        }
    }
};

// ---------------------------------------------------------------------------------------------

PrintService::PrintService(PrintServiceOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {
    m_impl->healthSnap.printer = m_impl->opt.printer;
    m_impl->healthSnap.lastErrorCode = "printer.checking";
    m_impl->healthSnap.lastError = "checking the printer";
    m_impl->hint = core::onOutboxChange(m_impl->opt.dbPath, [impl = m_impl.get()] { impl->requests.wake(); });
    m_impl->worker = std::jthread([impl = m_impl.get()](std::stop_token st) { impl->run(st); });
}

PrintService::~PrintService() {
    m_impl->hint = {};  // no hint may reach a stopping worker
    m_impl->worker.request_stop();
    if (m_impl->worker.joinable()) m_impl->worker.join();
}

void PrintService::submitBadge(const std::string& attendeeId, const std::string& checkinId) {
    m_impl->requests.push({Request::Kind::Badge, attendeeId, checkinId, {}, {}});
}

void PrintService::submitJob(const std::string& printJobId) {
    m_impl->requests.push({Request::Kind::Job, {}, {}, printJobId, {}});
}

void PrintService::reprint(const std::string& attendeeId, const std::string& actor) {
    m_impl->requests.push({Request::Kind::Reprint, attendeeId, {}, {}, actor});
}

void PrintService::wake() {
    m_impl->requests.wake();
}

std::vector<PrintEvent> PrintService::poll() {
    return m_impl->events.take();
}

PrinterHealth PrintService::health() const {
    std::lock_guard lk(m_impl->healthMu);
    return m_impl->healthSnap;
}

bool PrintService::drainsOutbox() const {
    return m_impl->drains;
}

const std::string& PrintService::machine() const {
    return m_impl->opt.machine;
}

}  // namespace kiosk::printing
