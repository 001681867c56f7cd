// The CUPS facade against a real scheduler: queues, states, reasons, submit and lookup by title.
#include "printer_fixture.hpp"

using namespace printer_test;
using kiosk::printing::Cups;
using kiosk::printing::JobState;
using kiosk::printing::QueueState;

TEST_CASE("printer: IPP state reasons map to stable codes with a severity") {
    auto r = kiosk::printing::parseStateReason("media-empty-error");
    REQUIRE(r);
    CHECK(r->code == "media-empty");
    CHECK(r->severity == "error");
    CHECK(r->keyword == "media-empty-error");
    CHECK(!r->text.empty());
    r = kiosk::printing::parseStateReason("offline-report");
    REQUIRE(r);
    CHECK(r->code == "offline");
    CHECK(r->severity == "report");
    r = kiosk::printing::parseStateReason("media-jam-warning");
    REQUIRE(r);
    CHECK(r->code == "media-jam");
    CHECK(r->severity == "warning");
    r = kiosk::printing::parseStateReason("paused");
    REQUIRE(r);
    CHECK(r->code == "paused");
    CHECK(r->severity == "error");  // RFC 8011: no suffix means error
    r = kiosk::printing::parseStateReason("com.example-fancy-thing-warning");
    REQUIRE(r);
    CHECK(r->code == "other");
    CHECK(r->text.find("com.example-fancy-thing") != std::string::npos);
    CHECK_FALSE(kiosk::printing::parseStateReason("none"));
}

TEST_CASE("printer: an unreachable scheduler is printer.unreachable, not a hang") {
    Cups cups("/nonexistent/kiosk-no-cups.sock", std::chrono::milliseconds(500));
    const auto t0 = std::chrono::steady_clock::now();
    auto q = cups.listQueues();
    REQUIRE_FALSE(q.ok());
    CHECK(q.error().code == "printer.unreachable");
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    auto s = cups.submitPdf("kiosk-pdf", "kiosk-x", "%PDF-1.4");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == "printer.unreachable");
}

TEST_CASE("printer: lists queues with state, accepting flag, default and reasons") {
    if (!ensureCups()) return;
    TestQueue tq;
    Cups cups;
    auto queues = cups.listQueues();
    REQUIRE_MESSAGE(queues.ok(), (queues.ok() ? "" : queues.error().message));
    bool found = false, sawDefault = false;
    for (const auto& q : *queues) {
        if (q.name == tq.name) {
            found = true;
            CHECK(q.state == QueueState::Idle);
            CHECK(q.accepting);
            CHECK(q.ready());
            CHECK(q.info == "kiosk test queue (cups-pdf)");
        }
        if (q.isDefault) {
            sawDefault = true;
            CHECK(q.name == "kiosk-pdf");  // scripts/cups-test-env makes it the default
        }
    }
    CHECK(found);
    CHECK(sawDefault);
    auto def = cups.defaultQueue();
    REQUIRE(def.ok());
    CHECK(def->value_or("") == "kiosk-pdf");

    auto missing = cups.queue("kiosk-no-such-queue");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == "printer.not_found");

    // A disabled queue reports "stopped" and the "paused" reason; re-enabling clears both.
    REQUIRE(run("cupsdisable -r 'test: out of labels' " + tq.name).status == 0);
    auto stopped = cups.queue(tq.name);
    REQUIRE(stopped.ok());
    CHECK(stopped->state == QueueState::Stopped);
    CHECK_FALSE(stopped->ready());
    bool paused = false;
    for (const auto& r : stopped->reasons) paused |= r.code == "paused";
    CHECK(paused);
    CHECK(stopped->stateMessage == "test: out of labels");
    REQUIRE(run("cupsenable " + tq.name).status == 0);
    auto again = cups.queue(tq.name);
    REQUIRE(again.ok());
    CHECK(again->state == QueueState::Idle);
    CHECK(again->reasons.empty());

    REQUIRE(run("cupsreject " + tq.name).status == 0);
    auto rejecting = cups.queue(tq.name);
    REQUIRE(rejecting.ok());
    CHECK_FALSE(rejecting->accepting);
    auto refused = cups.submitPdf(tq.name, "kiosk-refused", "%PDF-1.4\n%%EOF\n");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "printer.not_accepting");
}

TEST_CASE("printer: submitPdf, follow to completion, find the job again by its title") {
    if (!ensureCups()) return;
    TestQueue tq;
    TestDb t;
    auto pdf = kiosk::printing::renderAttendeeBadge(*t.db, t.person.id, "");
    REQUIRE_MESSAGE(pdf.ok(), (pdf.ok() ? "" : pdf.error().message));
    Cups cups;
    const std::string title = "kiosk-facadetest" + std::to_string(::getpid());
    auto id = cups.submitPdf(tq.name, title, *pdf);
    REQUIRE_MESSAGE(id.ok(), (id.ok() ? "" : id.error().message));
    CHECK(*id > 0);
    JobState state = JobState::Pending;
    for (int i = 0; i < 300 && !kiosk::printing::isTerminal(state); ++i) {
        auto js = cups.jobState(tq.name, *id);
        REQUIRE(js.ok());
        CHECK(js->title == title);
        CHECK(js->queue == tq.name);
        state = js->state;
        std::this_thread::sleep_for(100ms);
    }
    CHECK(state == JobState::Completed);
    auto found = cups.findJobByTitle("", title);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->id == *id);
    auto none = cups.findJobByTitle(tq.name, title + "-never-sent");
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    auto unknown = cups.jobState(tq.name, 99999999);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == "printer.job_unknown");
    const auto files = outputsFor(title);
    REQUIRE(files.size() == 1);
    auto code = t.db->primaryCode(t.person.id);
    REQUIRE(code.ok());
    CHECK(qrFromPdf(files.front()) == *code);
}
