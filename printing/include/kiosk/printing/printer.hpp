#pragma once
/// kiosk::printing printer facade: CUPS queues (libcups over IPP) and the exactly-once print
/// service that drains the database's print outbox on its own thread.
///
/// Error codes (stable, in Error::code, PrintEvent::errorCode and PrintJob::errorCode):
///   printer.unreachable    the CUPS scheduler cannot be reached (cupsd down, wrong CUPS_SERVER)
///   printer.not_found      the queue does not exist (deleted, renamed, never configured)
///   printer.none           no queue given and no default queue configured
///   printer.stopped        the queue is stopped (disabled, or the printer reported a fault)
///   printer.not_accepting  the queue rejects new jobs (cupsreject)
///   printer.submit_failed  CUPS refused the job for another reason (see the message)
///   printer.job_aborted    CUPS aborted the job (filter or backend failure)
///   printer.job_cancelled  the job was cancelled in CUPS by someone else
///   printer.job_unknown    CUPS does not know the job id (history purged)
///   badge.render_failed    the badge PDF could not be rendered
///   print.expired          pending for longer than expireAfter: not printed by itself
///   print.too_many_attempts sent maxAttempts times without result
///   desk.dismissed         handled at the desk (state dismissed; the note is the text)
///   db.*                   the outbox could not be read or written
#include <kiosk/core.hpp>
#include <kiosk/printing/badge.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::printing {

// ---------------------------------------------------------------------------------------------
// CUPS facade

enum class QueueState { Idle, Processing, Stopped };
std::string_view queueStateCode(QueueState s);  ///< "idle" / "processing" / "stopped"

/// One IPP printer-state-reason ("media-empty-error") mapped to a stable code.
struct StateReason {
    std::string code;      ///< stable: "media-empty", "media-low", "media-jam", "offline",
                           ///< "paused", "door-open", "cover-open", "toner-empty", "toner-low",
                           ///< "marker-supply-empty", "marker-supply-low", "connecting",
                           ///< "shutdown", "other"
    std::string keyword;   ///< the keyword as CUPS reported it, e.g. "media-empty-error"
    std::string severity;  ///< "error" / "warning" / "report"
    std::string text;      ///< English sentence for logs and the help desk ("Out of paper.")
};
/// Parse one IPP keyword. "none" yields nullopt.
std::optional<StateReason> parseStateReason(std::string_view keyword);

struct QueueInfo {
    std::string name;
    std::string info;      ///< printer-info (description)
    std::string location;  ///< printer-location
    std::string makeModel;
    std::string stateMessage;  ///< printer-state-message, may be empty
    QueueState state = QueueState::Idle;
    bool accepting = true;
    bool isDefault = false;
    std::vector<StateReason> reasons;  ///< empty when the printer reports "none"
    /// Ready to take a job now: not stopped and accepting (a reason such as media-empty may
    /// still hold the job inside CUPS until someone fixes the printer).
    bool ready() const;
};

enum class JobState { Pending, Held, Processing, Stopped, Cancelled, Aborted, Completed };
std::string_view jobStateCode(JobState s);  ///< "pending", "held", "processing", "stopped", …
bool isTerminal(JobState s);                ///< cancelled / aborted / completed

struct JobInfo {
    int id = 0;
    std::string title;  ///< job-name
    std::string queue;  ///< printer name, from job-printer-uri
    JobState state = JobState::Pending;
    std::string reasons;  ///< job-state-reasons, comma separated ("job-printing", …)
    std::string message;  ///< job-printer-state-message, may be empty
    int sheetsCompleted = 0;
};

/// A connection to one CUPS scheduler. Not thread-safe: each thread makes its own. Every call
/// reconnects if the scheduler went away in between; failures are values, never exceptions.
class Cups {
public:
    /// `server`: a host[:port] or a domain socket path; empty = the libcups default
    /// (CUPS_SERVER, ~/.cups/client.conf, /etc/cups/client.conf, then the local scheduler).
    explicit Cups(std::string server = {}, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    Cups(Cups&&) noexcept;
    Cups& operator=(Cups&&) noexcept;
    ~Cups();

    const std::string& server() const;

    core::Result<std::vector<QueueInfo>> listQueues();
    core::Result<QueueInfo> queue(const std::string& name);  ///< printer.not_found if absent
    /// The default destination (lpoptions / LPDEST / PRINTER, then the scheduler's default).
    core::Result<std::optional<std::string>> defaultQueue();

    /// Print-Job in one IPP request, so a job only exists in CUPS with its document attached.
    /// `title` must identify the outbox row (never a person's name). Returns the CUPS job id.
    /// `media`: the job's IPP "media" (a PWG name such as "iso_a6_105x148mm" or
    /// "custom_62x100mm_62x100mm", or a name the queue's driver lists); empty = the queue's default.
    core::Result<int> submitPdf(const std::string& queue, const std::string& title, std::string_view pdfBytes,
                                const std::string& media = {});
    core::Result<JobInfo> jobState(const std::string& queue, int jobId);  ///< job_unknown if gone
    /// Newest job (active or in the history) with exactly this title; queue "" = all queues.
    core::Result<std::optional<JobInfo>> findJobByTitle(const std::string& queue, const std::string& title);
    core::Status cancel(const std::string& queue, int jobId);

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

// ---------------------------------------------------------------------------------------------
// Print service (the outbox worker)

/// The PWG media name of a page size ("iso_a6_105x148mm", "na_index-4x6_4x6in", or
/// "custom_62x100mm_62x100mm" when no standard size is within 0.5 mm), through libcups.
std::string pwgMediaName(double widthMm, double heightMm);

/// Renders a badge PDF for one attendee (its page size goes to CUPS as the job's media). The
/// default wraps renderBadgeFor().
using BadgeRenderFn =
    std::function<core::Result<RenderedPdf>(core::Database&, const std::string& attendeeId)>;

struct PrintServiceOptions {
    std::string dbPath;        ///< the worker opens its own connection to this file
    std::string printer;       ///< CUPS queue; empty = the CUPS default queue
    std::string cupsServer;    ///< empty = libcups default (CUPS_SERVER …)
    std::string templateName;  ///< default badge template ("" = "default"); a badge per kind wins
    BadgeRenderFn renderer;    ///< empty = renderBadgeFor(db, id, templateName)
    /// The job's media: "" = the badge's own page size (so a driver neither scales an A6 badge
    /// onto A4 nor centres it there); "queue" = the queue's default media; anything else is
    /// sent as given (a PWG name, or a size the label printer's driver lists).
    std::string media;
    std::string actor = "kiosk";
    /// The kiosk this printer stands at: only jobs of this machine are printed here (a check-in's
    /// badge belongs to the kiosk that took the scan; a desk retry to the desk).
    std::string machine;
    /// A pending job older than this is never printed by itself (held as print.expired): the
    /// person left long ago. Held jobs are never retried by the service; the desk retries.
    std::chrono::milliseconds expireAfter = std::chrono::minutes(10);
    int maxAttempts = 5;                               ///< sends before a job is held for the desk
    std::chrono::milliseconds pollInterval{250};       ///< while jobs are in CUPS
    std::chrono::milliseconds idlePollInterval{1000};  ///< jobs written by other processes
    std::chrono::milliseconds healthInterval{2000};    ///< queue state refresh
    /// false: only jobs handed to this service (submit*) are processed, not the whole outbox.
    bool drainOutbox = true;
};

/// What the UI shows about one job. Stages and progress: "queued" 0.1, "rendering" 0.2,
/// "accepted" (by CUPS) 0.5, "waiting" 0.5 (in CUPS, queue stopped: errorCode says why),
/// "printing" 0.75, "printed" 1; "held", "failed" and "dismissed" 0 with an errorCode.
struct PrintEvent {
    std::string jobId;  ///< outbox row id
    std::string attendeeId;
    core::PrintJobState state = core::PrintJobState::Pending;
    std::string stage;  ///< see above
    float progress = 0.f;
    int cupsJobId = 0;
    std::string printer;
    std::string errorCode;  ///< empty when fine; else a stable code (see the top of this file)
    std::string errorText;
    core::TimePoint at{};
    /// Milliseconds from the row's creation to CUPS accepting the job (set on "accepted").
    std::optional<double> acceptedAfterMs;
};

struct PrinterHealth {
    std::string printer;     ///< the queue in use (resolved default), empty if none
    bool reachable = false;  ///< the scheduler answered and the queue exists
    QueueState state = QueueState::Stopped;
    bool accepting = false;
    std::vector<StateReason> reasons;
    std::string lastErrorCode;
    std::string lastError;
    core::TimePoint checkedAt{};
    bool ready() const { return reachable && state != QueueState::Stopped && accepting; }
};

/// Owned by the application. A worker thread drains the outbox: render, submit, follow to
/// completion, record the outcome on the job row. Every public call returns at once; the UI
/// thread never waits on CUPS or on the worker's database connection. Decisions are
/// PrintPolicy's (kiosk/printing/print_policy.hpp); every row change is one core transition.
///
/// Exactly once: a job's CUPS title is "kiosk-<job id>"; before any resubmission (after a
/// crash, restart or timeout) the worker looks the title up in CUPS. Only one service per
/// database file and machine drains the outbox (an OS lock beside the file); a second one only
/// follows.
class PrintService {
public:
    explicit PrintService(PrintServiceOptions options);
    ~PrintService();  ///< stops the worker (waits at most for one CUPS request)
    PrintService(const PrintService&) = delete;
    PrintService& operator=(const PrintService&) = delete;

    /// Enqueues a badge for a fresh check-in on the worker (an existing job for the same
    /// check-in is reused, never duplicated) and wakes it.
    void submitBadge(const std::string& attendeeId, const std::string& checkinId);
    /// Follow this row even when the service does not drain the whole outbox (`kiosk print`).
    /// Jobs written in this process (checkIn with queueBadge, enqueuePrint, a retry) need no
    /// call: the store wakes the service (core::onOutboxChange).
    void submitJob(const std::string& printJobId);
    /// An explicit, counted reprint (kind "reprint").
    void reprint(const std::string& attendeeId, const std::string& actor);
    void wake();

    std::vector<PrintEvent> poll();  ///< events since the last call, oldest first
    PrinterHealth health() const;
    bool drainsOutbox() const;  ///< false: another process holds this machine's outbox lock
    const std::string& machine() const;

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

/// The CUPS job title of an outbox row.
std::string jobTitle(const std::string& printJobId);

}  // namespace kiosk::printing
