// The print policy without CUPS: which jobs a machine's printer takes, in which order, and when
// it holds, recovers or expires a job (kiosk/printing/print_policy.hpp).
#include <doctest/doctest.h>

#include <kiosk/printing/print_policy.hpp>

using namespace std::chrono_literals;
using kiosk::core::PrintJob;
using kiosk::core::PrintJobState;
using kiosk::printing::CupsOutcome;
using kiosk::printing::JobState;
using kiosk::printing::PendingAction;
using kiosk::printing::PrintPolicy;
using kiosk::printing::QueueView;

namespace {

const kiosk::core::TimePoint kNow = kiosk::core::TimePoint{} + std::chrono::hours(24 * 365 * 50);

PrintPolicy policy() {
    return PrintPolicy({.machine = "entrance-1", .expireAfter = 10min, .maxAttempts = 5});
}

PrintJob job(std::string id, std::string machine, kiosk::core::TimePoint created, int attempts = 0) {
    PrintJob j;
    j.id = std::move(id);
    j.machine = std::move(machine);
    j.createdAt = created;
    j.attempts = attempts;
    return j;
}

QueueView ready() {
    QueueView q;
    q.printer = "badges";
    q.reachable = q.accepting = true;
    return q;
}

}  // namespace

TEST_CASE("policy: a printer takes only its own machine's pending jobs, oldest first") {
    const auto order =
        policy().sendOrder({job("c", "entrance-1", kNow - 1s), job("x", "entrance-2", kNow - 9s),
                            job("a", "entrance-1", kNow - 5s), job("d", "", kNow - 7s)});
    REQUIRE(order.size() == 2);
    CHECK(order[0].id == "a");
    CHECK(order[1].id == "c");
    CHECK(policy().decide(job("x", "entrance-2", kNow), ready(), kNow).action == PendingAction::NotMine);
    CHECK(policy().decide(job("d", "", kNow), ready(), kNow).action == PendingAction::NotMine);
}

TEST_CASE("policy: a fresh job on a ready printer is sent") {
    CHECK(policy().decide(job("a", "entrance-1", kNow - 2s), ready(), kNow).action == PendingAction::Send);
}

TEST_CASE("policy: a printer that is not ready holds the job with its reason") {
    QueueView stopped = ready();
    stopped.stopped = true;
    stopped.errorCode = "printer.stopped";
    stopped.errorText = "queue \"badges\" is stopped: Out of paper.";
    const auto d = policy().decide(job("a", "entrance-1", kNow), stopped, kNow);
    CHECK(d.action == PendingAction::Hold);
    CHECK(d.code == "printer.stopped");
    CHECK(d.text.find("Out of paper") != std::string::npos);

    QueueView none;  // no queue chosen and no CUPS default
    const auto n = policy().decide(job("a", "entrance-1", kNow), none, kNow);
    CHECK(n.action == PendingAction::Hold);
    CHECK(n.code == "printer.none");

    QueueView rejecting = ready();
    rejecting.accepting = false;
    CHECK(policy().decide(job("a", "entrance-1", kNow), rejecting, kNow).code == "printer.not_accepting");
}

TEST_CASE("policy: a job sent before is looked up in CUPS first, then sent again only if CUPS never saw it") {
    const auto sentOnce = job("a", "entrance-1", kNow - 3s, 1);
    CHECK(policy().decide(sentOnce, ready(), kNow).action == PendingAction::Recover);
    CHECK(policy().decide(sentOnce, ready(), kNow, /*recovered=*/true).action == PendingAction::Send);
    // Recovery comes before expiry: an old job that is in CUPS is followed, not held.
    CHECK(policy().decide(job("a", "entrance-1", kNow - 1h, 1), ready(), kNow).action ==
          PendingAction::Recover);
}

TEST_CASE("policy: after maxAttempts sends the job is held for the desk") {
    const auto d = policy().decide(job("a", "entrance-1", kNow - 3s, 5), ready(), kNow, true);
    CHECK(d.action == PendingAction::Hold);
    CHECK(d.code == "print.too_many_attempts");
}

TEST_CASE("policy: a job older than expireAfter is never printed by itself") {
    const auto young = job("a", "entrance-1", kNow - 9min);
    const auto old = job("b", "entrance-1", kNow - 11min);
    CHECK_FALSE(policy().expired(young, kNow));
    CHECK(policy().expired(old, kNow));
    const auto d = policy().decide(old, ready(), kNow);
    CHECK(d.action == PendingAction::Hold);
    CHECK(d.code == "print.expired");
    CHECK(d.text.find("11 min") != std::string::npos);
    // Another machine's expired job stays another machine's: not held, not printed here.
    CHECK(policy().decide(job("c", "entrance-2", kNow - 1h), ready(), kNow).action == PendingAction::NotMine);
}

TEST_CASE("policy: only pending jobs are sent - held ones are the desk's") {
    auto held = job("a", "entrance-1", kNow);
    held.state = PrintJobState::Held;
    CHECK(policy().decide(held, ready(), kNow).action == PendingAction::NotMine);
    CHECK(policy().sendOrder({held}).empty());
    CHECK_FALSE(PrintPolicy::retriesHeldByItself());
}

TEST_CASE("policy: what a CUPS job state means for a submitted job") {
    CHECK(PrintPolicy::followUp(JobState::Completed, false, false) == CupsOutcome::Printed);
    CHECK(PrintPolicy::followUp(JobState::Aborted, false, false) == CupsOutcome::Failed);
    CHECK(PrintPolicy::followUp(JobState::Cancelled, false, false) == CupsOutcome::Failed);
    CHECK(PrintPolicy::followUp(JobState::Cancelled, false, /*queueGone=*/true) == CupsOutcome::Held);
    CHECK(PrintPolicy::followUp(JobState::Processing, false, false) == CupsOutcome::Printing);
    CHECK(PrintPolicy::followUp(JobState::Pending, /*queueStopped=*/true, false) == CupsOutcome::Waiting);
    CHECK(PrintPolicy::followUp(JobState::Held, false, false) == CupsOutcome::Accepted);
}
