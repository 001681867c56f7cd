#pragma once
/// The print outbox's state machine: job kinds, states and the transitions between them. Plain
/// values, no I/O; the database stores the stable names (`stateName`, `kindName`) and applies a
/// transition with Database::advancePrintJob, one BEGIN IMMEDIATE transaction each.
///
///   pending ──attempt──▶ pending (attempts + 1, recorded before the Print-Job is sent)
///   pending ──submitted─▶ submitted ──printed──▶ printed
///   pending | submitted ──failed──▶ failed      pending | submitted ──held──▶ held
///   submitted ──waiting──▶ submitted (a problem noted while CUPS holds the job)
///   submitted ──requeued─▶ pending (lost between Print-Job and its id, and not found in CUPS)
///   held | failed ──retried──▶ pending (at the machine that retries: the desk)
///   held | failed ──dismissed──▶ dismissed (handled at the desk)
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::core {

/// The same alias as in types.hpp (which includes this header for ScanResult::printJob).
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

enum class PrintJobKind {
    Badge,    ///< "badge": the one badge of a check-in
    Reprint,  ///< "reprint": an explicit, counted extra badge
};
std::string_view kindName(PrintJobKind k);
std::optional<PrintJobKind> printJobKindFromName(std::string_view name);

enum class PrintJobState {
    Pending,    ///< "pending": waiting for its machine's printer
    Submitted,  ///< "submitted": accepted by CUPS, followed to completion
    Printed,    ///< "printed": final
    Failed,     ///< "failed": CUPS or the renderer gave up; the desk decides
    Held,       ///< "held": not sent (printer stopped, gone, expired …); the person was told
                ///< "your badge waits at the help desk", so it prints at the desk or not at all
    Dismissed,  ///< "dismissed": final; handled at the desk (note in errorText)
};
std::string_view stateName(PrintJobState s);
std::optional<PrintJobState> printJobStateFromName(std::string_view name);
bool isFinal(PrintJobState s);       ///< printed / dismissed
bool isInFlight(PrintJobState s);    ///< pending / submitted: a printer still works on it
bool waitsForDesk(PrintJobState s);  ///< held / failed

enum class PrintTransition {
    Attempt,
    Submitted,
    Waiting,
    Printed,
    Failed,
    Held,
    Requeued,
    Retried,
    Dismissed
};
std::string_view transitionName(PrintTransition t);  ///< "attempt", "submitted", …
/// The state after `t`, or nullopt when `t` is not allowed from `from` (see the diagram above).
std::optional<PrintJobState> nextState(PrintJobState from, PrintTransition t);

/// A print job in the outbox (one per check-in that wants a badge, plus explicit reprints).
struct PrintJob {
    std::string id;  ///< globally unique; the CUPS job title carries it, never a name
    std::string attendeeId;
    std::string checkinId;  ///< empty for reprints and walk-ins printed from the desk
    PrintJobKind kind = PrintJobKind::Badge;
    PrintJobState state = PrintJobState::Pending;
    std::string machine;  ///< the kiosk where the person stands; only its printer prints the job
    std::string printer;  ///< the CUPS queue it was (or is being) sent to
    int cupsJobId = 0;
    std::string errorCode;  ///< stable code ("printer.stopped", "desk.dismissed"); empty when fine
    std::string errorText;  ///< the sentence for the desk and the logs
    int attempts = 0;
    TimePoint createdAt{};
    TimePoint updatedAt{};
};

/// One transition with what it records. Build it with the named functions.
struct PrintStep {
    PrintTransition transition = PrintTransition::Attempt;
    TimePoint at{};
    int cupsJobId = 0;      ///< submitted
    std::string printer;    ///< attempt / submitted: the queue; retried: the retrying machine's queue
    std::string machine;    ///< retried: the machine that prints it now
    std::string errorCode;  ///< failed / held / waiting
    std::string errorText;  ///< failed / held / waiting; dismissed: the desk's note
    std::string actor;      ///< retried / dismissed: recorded in the audit log

    static PrintStep attempt(std::string printer, TimePoint at);
    static PrintStep submitted(int cupsJobId, std::string printer, TimePoint at);
    static PrintStep waiting(std::string code, std::string text, TimePoint at);
    static PrintStep printed(TimePoint at);
    static PrintStep failed(std::string code, std::string text, TimePoint at);
    static PrintStep held(std::string code, std::string text, TimePoint at);
    static PrintStep requeued(TimePoint at);
    static PrintStep retried(std::string machine, std::string printer, std::string actor, TimePoint at);
    static PrintStep dismissed(std::string note, std::string actor, TimePoint at);
};

/// Which jobs Database::printJobs returns (all fields optional), oldest first.
struct PrintJobQuery {
    std::optional<PrintJobState> state;
    std::optional<std::string> machine;
    std::string attendeeId;  ///< empty = everyone
    int limit = 1000;
};

}  // namespace kiosk::core
