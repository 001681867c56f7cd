// The print outbox's state machine (kiosk/core/print_job.hpp): names and transitions.
#include <kiosk/core/print_job.hpp>

#include <array>
#include <utility>

namespace kiosk::core {

namespace {
constexpr std::array<std::pair<PrintJobState, std::string_view>, 6> kStates{{
    {PrintJobState::Pending, "pending"},
    {PrintJobState::Submitted, "submitted"},
    {PrintJobState::Printed, "printed"},
    {PrintJobState::Failed, "failed"},
    {PrintJobState::Held, "held"},
    {PrintJobState::Dismissed, "dismissed"},
}};
constexpr std::array<std::pair<PrintJobKind, std::string_view>, 2> kKinds{{
    {PrintJobKind::Badge, "badge"},
    {PrintJobKind::Reprint, "reprint"},
}};
}  // namespace

std::string_view stateName(PrintJobState s) {
    for (const auto& [v, n] : kStates)
        if (v == s) return n;
    return "pending";
}

std::optional<PrintJobState> printJobStateFromName(std::string_view name) {
    for (const auto& [v, n] : kStates)
        if (n == name) return v;
    return std::nullopt;
}

std::string_view kindName(PrintJobKind k) {
    for (const auto& [v, n] : kKinds)
        if (v == k) return n;
    return "badge";
}

std::optional<PrintJobKind> printJobKindFromName(std::string_view name) {
    for (const auto& [v, n] : kKinds)
        if (n == name) return v;
    return std::nullopt;
}

bool isFinal(PrintJobState s) {
    return s == PrintJobState::Printed || s == PrintJobState::Dismissed;
}
bool isInFlight(PrintJobState s) {
    return s == PrintJobState::Pending || s == PrintJobState::Submitted;
}
bool waitsForDesk(PrintJobState s) {
    return s == PrintJobState::Held || s == PrintJobState::Failed;
}

std::string_view transitionName(PrintTransition t) {
    switch (t) {
        case PrintTransition::Attempt:
            return "attempt";
        case PrintTransition::Submitted:
            return "submitted";
        case PrintTransition::Waiting:
            return "waiting";
        case PrintTransition::Printed:
            return "printed";
        case PrintTransition::Failed:
            return "failed";
        case PrintTransition::Held:
            return "held";
        case PrintTransition::Requeued:
            return "requeued";
        case PrintTransition::Retried:
            return "retried";
        case PrintTransition::Dismissed:
            return "dismissed";
    }
    return "attempt";
}

std::optional<PrintJobState> nextState(PrintJobState from, PrintTransition t) {
    using S = PrintJobState;
    const bool pending = from == S::Pending, submitted = from == S::Submitted;
    switch (t) {
        case PrintTransition::Attempt:
            if (pending) return S::Pending;
            break;
        case PrintTransition::Submitted:  // submitted again: recovered by title after a crash
            if (pending || submitted) return S::Submitted;
            break;
        case PrintTransition::Waiting:
            if (submitted) return S::Submitted;
            break;
        case PrintTransition::Printed:
            if (submitted) return S::Printed;
            break;
        case PrintTransition::Failed:
            if (pending || submitted) return S::Failed;
            break;
        case PrintTransition::Held:
            if (pending || submitted) return S::Held;
            break;
        case PrintTransition::Requeued:
            if (submitted) return S::Pending;
            break;
        case PrintTransition::Retried:
            if (waitsForDesk(from)) return S::Pending;
            break;
        case PrintTransition::Dismissed:
            if (waitsForDesk(from)) return S::Dismissed;
            break;
    }
    return std::nullopt;
}

PrintStep PrintStep::attempt(std::string printer, TimePoint at) {
    PrintStep s;
    s.transition = PrintTransition::Attempt;
    s.printer = std::move(printer);
    s.at = at;
    return s;
}
PrintStep PrintStep::submitted(int cupsJobId, std::string printer, TimePoint at) {
    PrintStep s;
    s.transition = PrintTransition::Submitted;
    s.cupsJobId = cupsJobId;
    s.printer = std::move(printer);
    s.at = at;
    return s;
}
PrintStep PrintStep::waiting(std::string code, std::string text, TimePoint at) {
    PrintStep s;
    s.transition = PrintTransition::Waiting;
    s.errorCode = std::move(code);
    s.errorText = std::move(text);
    s.at = at;
    return s;
}
PrintStep PrintStep::printed(TimePoint at) {
    PrintStep s;
    s.transition = PrintTransition::Printed;
    s.at = at;
    return s;
}
PrintStep PrintStep::failed(std::string code, std::string text, TimePoint at) {
    PrintStep s = waiting(std::move(code), std::move(text), at);
    s.transition = PrintTransition::Failed;
    return s;
}
PrintStep PrintStep::held(std::string code, std::string text, TimePoint at) {
    PrintStep s = waiting(std::move(code), std::move(text), at);
    s.transition = PrintTransition::Held;
    return s;
}
PrintStep PrintStep::requeued(TimePoint at) {
    PrintStep s;
    s.transition = PrintTransition::Requeued;
    s.at = at;
    return s;
}
PrintStep PrintStep::retried(std::string machine, std::string printer, std::string actor, TimePoint at) {
    PrintStep s;
    s.transition = PrintTransition::Retried;
    s.machine = std::move(machine);
    s.printer = std::move(printer);
    s.actor = std::move(actor);
    s.at = at;
    return s;
}
PrintStep PrintStep::dismissed(std::string note, std::string actor, TimePoint at) {
    PrintStep s;
    s.transition = PrintTransition::Dismissed;
    s.errorCode = "desk.dismissed";
    s.errorText = std::move(note);
    s.actor = std::move(actor);
    s.at = at;
    return s;
}

}  // namespace kiosk::core
