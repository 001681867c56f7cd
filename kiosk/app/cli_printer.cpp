// `kiosk print` and `kiosk printers`: thin over kiosk::printing::Cups and PrintService, the same
// calls the window makes. Exit status: 0 printed (or already printed), 2 usage / database error,
// 4 not printed (held for the help desk, failed, or timed out; the message says why).
#include "commands.hpp"

#include <kiosk/core.hpp>
#include <kiosk/printing/printer.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

namespace kiosk::app {
namespace {

constexpr int kNotPrinted = 4;

struct PrintArgs {
    std::string db;
    std::string attendee;
    std::string printer;
    std::string templ;
    std::string media;
    std::string kiosk = "cli";  ///< the machine whose printer prints the job
    bool reprint = false;
    int timeoutSeconds = 120;
};

int fail(const core::Error& e) {
    std::fprintf(stderr, "kiosk: %s: %s\n", e.code.c_str(), e.message.c_str());
    return 2;
}

int runPrint(const PrintArgs& a) {
    using namespace std::chrono;
    auto opened = core::Database::open(a.db, core::Database::Mode::OpenExisting);
    if (!opened) return fail(opened.error());
    core::Database& db = *opened;
    auto person = db.attendee(a.attendee);
    if (!person) return fail(person.error());
    if (!person->has_value()) return fail({"attendee.unknown", "no attendee with id " + a.attendee});

    auto jobs = db.printJobs({.state = {}, .machine = {}, .attendeeId = a.attendee, .limit = 100000});
    if (!jobs) return fail(jobs.error());
    std::vector<core::PrintJob> theirs = std::move(jobs).value();
    std::sort(theirs.begin(), theirs.end(),
              [](const auto& x, const auto& y) { return x.createdAt < y.createdAt; });

    std::string jobId;
    if (!a.reprint) {
        for (const auto& j : theirs)
            if (j.state == core::PrintJobState::Printed) {
                std::printf(
                    "badge already printed (job %s, %s, CUPS job %d on %s); not printing again.\n"
                    "Use --reprint for a counted reprint.\n",
                    j.id.c_str(), core::formatIso8601(j.updatedAt).c_str(), j.cupsJobId, j.printer.c_str());
                return 0;
            }
        // A job already on its way (or held for the desk) is the one to finish, not a new one.
        for (const auto& j : theirs)
            if (core::isInFlight(j.state) || j.state == core::PrintJobState::Held) {
                if (j.state == core::PrintJobState::Held) {
                    // An explicit retry: it prints here now (attempts > 0 keeps the lookup by title).
                    auto retried = db.advancePrintJob(
                        j.id, core::PrintStep::retried(a.kiosk, a.printer, "cli", core::nowUtc()));
                    if (!retried) return fail(retried.error());
                    std::printf("retrying held job %s (%s: %s)\n", j.id.c_str(), j.errorCode.c_str(),
                                j.errorText.c_str());
                } else if (j.machine != a.kiosk) {
                    continue;  // on its way at another kiosk: not this command's to print
                } else {
                    std::printf("following job %s already in the outbox (%s)\n", j.id.c_str(),
                                std::string(core::stateName(j.state)).c_str());
                }
                jobId = j.id;
                break;
            }
    }
    if (jobId.empty()) {
        std::string checkinId;
        if (!a.reprint) {
            auto hist = db.history(a.attendee);
            if (!hist) return fail(hist.error());
            for (const auto& r : *hist)
                if (r.action == core::CheckinAction::Checkin) checkinId = r.id;
        }
        auto job = db.enqueuePrint(a.attendee, checkinId,
                                   a.reprint ? core::PrintJobKind::Reprint : core::PrintJobKind::Badge,
                                   a.kiosk, "cli", core::nowUtc());
        if (!job) return fail(job.error());
        if (job->machine != a.kiosk) {  // the check-in's badge, on its way at the kiosk that took it
            std::printf("badge job %s belongs to kiosk \"%s\" (%s); not printing it here.\n", job->id.c_str(),
                        job->machine.c_str(), std::string(core::stateName(job->state)).c_str());
            return kNotPrinted;
        }
        jobId = job->id;
        if (a.reprint) {
            auto n = db.reprintCount(a.attendee);
            std::printf("reprint %s queued (reprint number %d for this attendee)\n", jobId.c_str(),
                        n ? *n : 0);
        } else {
            std::printf("badge job %s queued\n", jobId.c_str());
        }
    }

    printing::PrintServiceOptions opt;
    opt.dbPath = a.db;
    opt.printer = a.printer;
    opt.templateName = a.templ;
    opt.media = a.media;
    opt.actor = "cli";
    opt.drainOutbox = false;  // this command prints its own job, not the kiosk's whole outbox
    opt.machine = a.kiosk;
    printing::PrintService service(opt);
    service.submitJob(jobId);

    const bool tty = ::isatty(STDOUT_FILENO) != 0;
    const auto deadline = steady_clock::now() + seconds(a.timeoutSeconds);
    std::string lastStage;
    while (steady_clock::now() < deadline) {
        for (const auto& e : service.poll()) {
            if (e.jobId != jobId) continue;
            if (e.stage == lastStage && e.errorCode.empty()) continue;
            lastStage = e.stage;
            std::printf("%s[%3d%%] %-9s", tty ? "\r" : "", static_cast<int>(e.progress * 100),
                        e.stage.c_str());
            if (e.cupsJobId) std::printf(" CUPS job %d on %s", e.cupsJobId, e.printer.c_str());
            if (e.acceptedAfterMs) std::printf(" (accepted %.0f ms after queueing)", *e.acceptedAfterMs);
            if (!e.errorCode.empty()) std::printf(" %s: %s", e.errorCode.c_str(), e.errorText.c_str());
            std::printf("\n");
            std::fflush(stdout);
            if (e.state == core::PrintJobState::Printed) return 0;
            if (e.state == core::PrintJobState::Failed || e.state == core::PrintJobState::Dismissed)
                return kNotPrinted;
            if (e.state == core::PrintJobState::Held) {
                std::printf(
                    "The check-in stands; the badge is held for the help desk (kiosk print again, or "
                    "reprint from the desk, once the printer is fixed).\n");
                return kNotPrinted;
            }
        }
        std::this_thread::sleep_for(milliseconds(50));
    }
    std::fprintf(stderr,
                 "kiosk: printer.timeout: job %s not finished after %d s; it stays in the outbox "
                 "and will not be sent twice\n",
                 jobId.c_str(), a.timeoutSeconds);
    return kNotPrinted;
}

int runPrinters(bool json, const std::string& server) {
    printing::Cups cups(server);
    auto queues = cups.listQueues();
    if (!queues) {
        if (json) {
            std::printf("%s\n",
                        nlohmann::json{
                            {"error", {{"code", queues.error().code}, {"message", queues.error().message}}}}
                            .dump(2)
                            .c_str());
        } else {
            std::fprintf(stderr, "kiosk: %s: %s\n", queues.error().code.c_str(),
                         queues.error().message.c_str());
        }
        return kNotPrinted;
    }
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& q : *queues) {
            nlohmann::json reasons = nlohmann::json::array();
            for (const auto& r : q.reasons)
                reasons.push_back(
                    {{"code", r.code}, {"keyword", r.keyword}, {"severity", r.severity}, {"text", r.text}});
            out.push_back({{"name", q.name},
                           {"state", std::string(printing::queueStateCode(q.state))},
                           {"accepting", q.accepting},
                           {"default", q.isDefault},
                           {"ready", q.ready()},
                           {"info", q.info},
                           {"location", q.location},
                           {"makeModel", q.makeModel},
                           {"message", q.stateMessage},
                           {"reasons", reasons}});
        }
        std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return 0;
    }
    if (queues->empty()) {
        std::printf("no print queues on %s (add one with lpadmin, or scripts/cups-test-env start)\n",
                    cups.server().c_str());
        return 0;
    }
    for (const auto& q : *queues) {
        std::printf("%s %-20s %-10s %s", q.isDefault ? "*" : " ", q.name.c_str(),
                    std::string(printing::queueStateCode(q.state)).c_str(),
                    q.accepting ? "accepting" : "rejecting");
        if (!q.info.empty()) std::printf("  %s", q.info.c_str());
        std::printf("\n");
        for (const auto& r : q.reasons)
            std::printf("      %s (%s, %s): %s\n", r.code.c_str(), r.keyword.c_str(), r.severity.c_str(),
                        r.text.c_str());
    }
    return 0;
}

}  // namespace

void registerPrinterCommands(CLI::App& app, CommandContext& ctx) {
    auto args = std::make_shared<PrintArgs>();
    auto* print = app.add_subcommand("print", "Print an attendee's badge through CUPS, exactly once");
    print->add_option("--db", args->db, "Event database")->required();
    print->add_option("--attendee", args->attendee, "Attendee id")->required();
    print->add_option("--printer", args->printer, "CUPS queue (default: the CUPS default queue)");
    print->add_option("--template", args->templ,
                      "Default badge template, name or path (a badge per kind from kiosk event wins)");
    print->add_option(
        "--media", args->media,
        "Paper sent with the job: default the badge's page size; 'queue' for the printer's setting");
    print->add_flag("--reprint", args->reprint, "Print again even if printed before (counted)");
    print->add_option("--kiosk", args->kiosk, "Machine name: the job belongs to it (default: cli)");
    print->add_option("--timeout", args->timeoutSeconds, "Seconds to wait for the printer")
        ->capture_default_str();
    print->callback([args, &ctx] { ctx.exitCode = runPrint(*args); });

    auto json = std::make_shared<bool>(false);
    auto server = std::make_shared<std::string>();
    auto* printers = app.add_subcommand("printers", "List CUPS queues with their state and reasons");
    printers->add_flag("--json", *json, "Machine-readable output");
    printers->add_option("--server", *server, "CUPS server or socket (default: CUPS_SERVER / local)");
    printers->callback([json, server, &ctx] { ctx.exitCode = runPrinters(*json, *server); });
}

}  // namespace kiosk::app
