// The print policy (kiosk/printing/print_policy.hpp): pure decisions, no CUPS, no database.
#include <kiosk/printing/print_policy.hpp>

#include <algorithm>

namespace kiosk::printing {

PrintPolicy::PrintPolicy(PolicyOptions options) : m_opt(std::move(options)) {}

bool PrintPolicy::mine(const core::PrintJob& job) const {
    return job.machine == m_opt.machine;
}

std::vector<core::PrintJob> PrintPolicy::sendOrder(std::vector<core::PrintJob> pending) const {
    std::erase_if(pending, [&](const core::PrintJob& j) {
        return !mine(j) || j.state != core::PrintJobState::Pending;
    });
    std::stable_sort(pending.begin(), pending.end(), [](const core::PrintJob& a, const core::PrintJob& b) {
        return a.createdAt < b.createdAt;
    });
    return pending;
}

bool PrintPolicy::expired(const core::PrintJob& job, core::TimePoint now) const {
    return now - job.createdAt > m_opt.expireAfter;
}

PendingDecision PrintPolicy::decide(const core::PrintJob& job, const QueueView& queue, core::TimePoint now,
                                    bool recovered) const {
    if (!mine(job) || job.state != core::PrintJobState::Pending) return {PendingAction::NotMine, {}, {}};
    // Sent before: CUPS may have it. Looking it up comes before anything else, expiry included,
    // so a badge already printing is followed, not held.
    if (job.attempts > 0 && !recovered) return {PendingAction::Recover, {}, {}};
    if (expired(job, now)) {
        const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - job.createdAt).count();
        return {PendingAction::Hold, "print.expired",
                "queued " + std::to_string(minutes) +
                    " min ago and never printed: not printed now, the person may have left; print it at the "
                    "help desk if they still need it"};
    }
    if (job.attempts >= m_opt.maxAttempts)
        return {PendingAction::Hold, "print.too_many_attempts",
                "sent " + std::to_string(job.attempts) + " times without result; the help desk decides"};
    if (!queue.ready()) {
        std::string code = queue.errorCode, text = queue.errorText;
        if (queue.printer.empty() && code.empty()) code = "printer.none";
        if (code.empty())
            code = queue.stopped      ? "printer.stopped"
                   : !queue.accepting ? "printer.not_accepting"
                                      : "printer.unreachable";
        if (text.empty()) text = "the printer is not ready";
        return {PendingAction::Hold, std::move(code), std::move(text)};
    }
    return {PendingAction::Send, {}, {}};
}

CupsOutcome PrintPolicy::followUp(JobState state, bool queueStopped, bool queueGone) {
    switch (state) {
        case JobState::Completed:
            return CupsOutcome::Printed;
        case JobState::Aborted:
            return CupsOutcome::Failed;
        case JobState::Cancelled:
            // A deleted queue cancels its jobs: that badge was never printed, the desk prints it.
            return queueGone ? CupsOutcome::Held : CupsOutcome::Failed;
        case JobState::Processing:
            return CupsOutcome::Printing;
        case JobState::Pending:
        case JobState::Held:
        case JobState::Stopped:
            // In CUPS already: it prints by itself once the queue is enabled again.
            return queueStopped ? CupsOutcome::Waiting : CupsOutcome::Accepted;
    }
    return CupsOutcome::Accepted;
}

}  // namespace kiosk::printing
