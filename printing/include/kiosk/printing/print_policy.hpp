#pragma once
/// kiosk::printing print policy: what the outbox worker does with each job, as a pure function of
/// the job, the printer's state and the time. No CUPS, no database: PrintService asks it, then
/// applies the answer (a CUPS request, a core transition); tests ask it directly.
///
/// The rules (docs/printing.md):
///  - a job belongs to its machine: a printer only ever sends the jobs of its own machine;
///  - pending jobs go oldest first; one that is older than `expireAfter` is never printed by
///    itself (the person left long ago): held with print.expired, for the desk;
///  - a job that was sent before (attempts > 0) is looked up by its title in CUPS first, and
///    after `maxAttempts` sends it is held instead;
///  - a printer that is not ready holds the job with the reason: the person is told "your badge
///    waits at the help desk", so a held job is never retried by the kiosk itself; only a retry
///    from the desk (or `kiosk print`) sends it again, at the machine that asks.
#include <kiosk/core.hpp>
#include <kiosk/printing/printer.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace kiosk::printing {

/// What the worker knows of its queue when it decides.
struct QueueView {
    std::string printer;     ///< the queue in use; empty = none chosen and no CUPS default
    bool reachable = false;  ///< CUPS answered and the queue exists
    bool stopped = false;
    bool accepting = false;
    std::string errorCode;  ///< why not ready (printer.none, printer.unreachable …)
    std::string errorText;
    bool ready() const { return reachable && !stopped && accepting && !printer.empty(); }
};

struct PolicyOptions {
    std::string machine;  ///< the kiosk this printer stands at
    std::chrono::milliseconds expireAfter = std::chrono::minutes(10);
    int maxAttempts = 5;
};

enum class PendingAction {
    NotMine,  ///< another machine's job: never touched
    Send,     ///< render and submit now
    Recover,  ///< sent before: look the title up in CUPS; send again only if CUPS never saw it
    Hold,     ///< hold with code/text (printer not ready, expired, too many attempts)
};

struct PendingDecision {
    PendingAction action = PendingAction::NotMine;
    std::string code;
    std::string text;
};

/// What a CUPS job state means for a submitted row.
enum class CupsOutcome { Printed, Failed, Held, Printing, Waiting, Accepted };

class PrintPolicy {
public:
    explicit PrintPolicy(PolicyOptions options);
    const PolicyOptions& options() const { return m_opt; }

    bool mine(const core::PrintJob& job) const;
    /// This machine's pending jobs in the order they are to be sent (oldest first).
    std::vector<core::PrintJob> sendOrder(std::vector<core::PrintJob> pending) const;
    /// For a pending job. `recovered`: the CUPS lookup by title was done and found nothing.
    PendingDecision decide(const core::PrintJob& job, const QueueView& queue, core::TimePoint now,
                           bool recovered = false) const;
    bool expired(const core::PrintJob& job, core::TimePoint now) const;
    /// Held jobs are the desk's: the kiosk never sends one again by itself.
    static bool retriesHeldByItself() { return false; }
    /// A submitted job in CUPS state `state`; `queueGone`: its queue no longer exists.
    static CupsOutcome followUp(JobState state, bool queueStopped, bool queueGone);

private:
    PolicyOptions m_opt;
};

}  // namespace kiosk::printing
