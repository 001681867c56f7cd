// Core subcommands: demo, codes, checkin, annul, search, stats. Thin over kiosk::core; the
// output formats and exit codes are contracts scripts rely on (issue 2, tests/core/cli_test.cpp).
#include "commands.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/assets.hpp>
#include <kiosk/core/checkin_worker.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

namespace kiosk::app {

namespace {

using kiosk::core::Database;

constexpr int kExitUsage = 2;
constexpr int kExitRefused = 3;

void fail(CommandContext& ctx, const std::string& cmd, const std::string& message) {
    std::fprintf(stderr, "kiosk %s: %s\n", cmd.c_str(), message.c_str());
    ctx.exitCode = kExitUsage;
}

std::optional<Database> openDb(CommandContext& ctx, const std::string& cmd, const std::string& path,
                               Database::Mode mode = Database::Mode::OpenExisting) {
    auto db = Database::open(path, mode);
    if (!db) {
        fail(ctx, cmd, db.error().message + " [" + db.error().code + "]");
        return std::nullopt;
    }
    return std::move(db).value();
}

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string defaultActor() {
    const char* user = std::getenv("USER");
    return user && *user ? std::string("cli:") + user : std::string("cli");
}

nlohmann::json groupsJson(const std::vector<core::Stats::Group>& groups) {
    auto arr = nlohmann::json::array();
    for (const auto& g : groups)
        arr.push_back({{"name", g.name}, {"registered", g.registered}, {"checked_in", g.checkedIn}});
    return arr;
}

struct Options {
    std::string db;
    std::string kiosk = "cli";
    std::string payload;
    std::string nonce;
    std::string at;
    std::string actor;
    std::string attendee;
    std::string reason;
    std::string text;
    int limit = 50;
    bool json = false;
    bool badge = false;
    bool fromStdin = false;
};

}  // namespace

void registerCoreCommands(CLI::App& app, CommandContext& ctx) {
    auto opt = std::make_shared<Options>();

    // --- demo
    auto* demo = app.add_subcommand(
        "demo",
        "Create the demo event database (RRBSI 2018, Brussels, 100 people); on an existing demo database, "
        "reopen its doors for today (check-ins are kept)");
    demo->add_option("--db", opt->db, "Database file to create")->required();
    demo->callback([opt, &ctx] {
        auto db = openDb(ctx, "demo", opt->db, Database::Mode::CreateIfMissing);
        if (!db) return;
        auto ev = db->event();
        if (!ev) return fail(ctx, "demo", ev.error().message);
        const bool existed = ev->has_value();
        // Another event's file is never touched; the demo's own file gets today's doors again
        // (its doors are relative to when it was made: a rehearsal the next day must still work).
        if (existed && (*ev)->id != core::kDemoEventId)
            return fail(ctx, "demo",
                        opt->db + " already holds the event '" + (*ev)->id +
                            "'; delete the file or choose another --db");
        if (auto s = core::createDemoEvent(*db, core::nowUtc()); !s)
            return fail(ctx, "demo", s.error().message);
        // The demo network's logo, like any organiser's (kiosk event --logo): from the assets
        // installed with the program.
        auto assets = core::assetsDir();
        if (!assets) return fail(ctx, "demo", assets.error().message + " [" + assets.error().code + "]");
        const std::string logoPath = *assets + "/images/rrbsi-2018-logo.png";
        std::ifstream in(logoPath, std::ios::binary);
        std::string logo((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (logo.empty()) return fail(ctx, "demo", "cannot read " + logoPath + ": reinstall the kiosk");
        if (auto s = db->setEventLogo(logo, "demo", core::nowUtc()); !s)
            return fail(ctx, "demo", s.error().message);
        auto people = db->attendees();
        if (existed)
            std::printf(
                "demo event in %s: doors open again from an hour ago for twelve hours (%zu attendees, "
                "check-ins kept)\n",
                opt->db.c_str(), people ? people->size() : 0);
        else
            std::printf("demo event created in %s (%zu attendees)\n", opt->db.c_str(),
                        people ? people->size() : 0);
    });

    // --- codes
    auto* codes = app.add_subcommand("codes", "One line per attendee: id<TAB>name<TAB>QR payload");
    codes->add_option("--db", opt->db, "Event database")->required();
    codes->callback([opt, &ctx] {
        auto db = openDb(ctx, "codes", opt->db);
        if (!db) return;
        auto people = db->attendees();
        if (!people) return fail(ctx, "codes", people.error().message);
        for (const auto& a : *people) {
            if (a.erased) continue;  // no name, no code: nothing to print or scan
            auto code = db->primaryCode(a.id);
            if (!code) return fail(ctx, "codes", code.error().message);
            std::printf("%s\t%s\t%s\n", a.id.c_str(), a.displayName().c_str(), code->c_str());
        }
    });

    // --- checkin
    auto* checkin = app.add_subcommand("checkin", "Check in the attendee a scanned payload belongs to");
    checkin->add_option("--db", opt->db, "Event database")->required();
    checkin->add_option("--kiosk", opt->kiosk, "Kiosk name recorded with the check-in");
    checkin->add_option("--at", opt->at, "Time of the scan, ISO 8601 (default: now)");
    checkin->add_flag("--json", opt->json, "Print one JSON object (one per line with --stdin)");
    checkin->add_flag("--badge", opt->badge,
                      "Queue the badge with the arrival, in the same transaction, for --kiosk's printer");
    checkin->add_flag("--stdin", opt->fromStdin,
                      "Read payloads line by line from stdin, through the kiosk's own check-in worker");
    checkin->add_option("--nonce", opt->nonce,
                        "Unique id of this scan: a retry with the same nonce (after a timeout) is answered "
                        "with the first answer and writes nothing twice");
    checkin->add_option("PAYLOAD", opt->payload, "Scanned text");
    checkin->callback([opt, &ctx] {
        std::optional<core::TimePoint> fixedAt;
        if (!opt->at.empty()) {
            auto parsed = core::parseIso8601(opt->at);
            if (!parsed) return fail(ctx, "checkin", "--at must be ISO 8601, e.g. 2018-03-16T08:30:00Z");
            fixedAt = *parsed;
        }
        if (opt->fromStdin == !opt->payload.empty())
            return fail(ctx, "checkin", "give either a PAYLOAD or --stdin (one payload per line)");
        // The kiosk's path: the check-in worker with its own connection, as the window runs it.
        auto worker = core::CheckinWorker::start(opt->db);
        if (!worker) return fail(ctx, "checkin", worker.error().message + " [" + worker.error().code + "]");
        auto report = [&](const core::CheckinDone& d) -> bool {
            if (!d.result) {
                fail(ctx, "checkin", d.error.message + " [" + d.error.code + "]");
                return false;
            }
            const core::ScanResult& r = *d.result;
            const std::string outcome(core::reasonCode(r.outcome));
            if (opt->json) {
                nlohmann::json j;
                j["outcome"] = outcome;
                j["attendee"] =
                    r.attendee ? nlohmann::json{{"id", r.attendee->id}, {"name", r.attendee->displayName()}}
                               : nlohmann::json(nullptr);
                j["first_checkin"] = r.firstCheckin
                                         ? nlohmann::json{{"at", core::formatIso8601(r.firstCheckin->at)},
                                                          {"kiosk", r.firstCheckin->kiosk}}
                                         : nlohmann::json(nullptr);
                if (!r.caseRef.empty()) j["case_ref"] = r.caseRef;
                if (r.checkin) j["checkin_id"] = r.checkin->id;
                if (r.printJob)
                    j["print_job"] = {{"id", r.printJob->id},
                                      {"machine", r.printJob->machine},
                                      {"state", std::string(core::stateName(r.printJob->state))}};
                std::printf("%s\n", dump(j).c_str());
            } else {
                std::string line = outcome;
                if (r.attendee) line += ": " + r.attendee->displayName();
                if (r.firstCheckin)
                    line += " (first check-in " + core::formatIso8601(r.firstCheckin->at) + " at " +
                            r.firstCheckin->kiosk + ")";
                if (!r.caseRef.empty()) line += " [case " + r.caseRef + "]";
                if (r.printJob) line += " [badge job " + r.printJob->id + " for " + r.printJob->machine + "]";
                std::printf("%s\n", core::escapeForDisplay(line).c_str());
            }
            std::fflush(stdout);  // a line printed is a check-in committed
            ctx.exitCode = std::max(ctx.exitCode, core::admits(r.outcome) ? 0 : kExitRefused);
            return true;
        };
        auto one = [&](std::string payload, uint64_t id) -> bool {
            core::CheckinJob job;
            job.id = id;
            job.request.payload = std::move(payload);
            job.request.kiosk = opt->kiosk;
            job.request.at = fixedAt.value_or(core::nowUtc());
            if (!opt->fromStdin) job.request.nonce = opt->nonce;
            job.queueBadge = opt->badge;
            job.origin = opt->fromStdin ? "stdin" : "cli";
            (*worker)->submit(std::move(job));
            for (;;) {  // one at a time, as a person at the kiosk: the answer before the next scan
                for (const auto& d : (*worker)->wait(std::chrono::seconds(1)))
                    if (d.id == id) return report(d);
            }
        };
        ctx.exitCode = 0;
        if (!opt->fromStdin) {
            one(opt->payload, 1);
            return;
        }
        uint64_t n = 0;
        for (std::string line; std::getline(std::cin, line);) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) continue;
            if (!one(std::move(line), ++n)) return;
        }
    });

    // --- annul
    auto* annul = app.add_subcommand("annul", "Undo an attendee's check-in (recorded with actor and reason)");
    annul->add_option("--db", opt->db, "Event database")->required();
    annul->add_option("--attendee", opt->attendee, "Attendee id (see kiosk search)")->required();
    annul->add_option("--reason", opt->reason, "Why the check-in is annulled")->required();
    annul->add_option("--actor", opt->actor, "Who annuls (default: cli:$USER)");
    annul->add_option("--kiosk", opt->kiosk, "Kiosk or desk name");
    annul->callback([opt, &ctx] {
        auto db = openDb(ctx, "annul", opt->db);
        if (!db) return;
        const std::string actor = opt->actor.empty() ? defaultActor() : opt->actor;
        auto r = db->deskAnnul(opt->attendee, opt->reason, {opt->kiosk, actor, core::nowUtc()});
        if (!r) return fail(ctx, "annul", r.error().message);
        std::printf("annulled the check-in of %s (check-in %s)\n", opt->attendee.c_str(), r->annuls.c_str());
    });

    // --- search
    auto* search = app.add_subcommand("search",
                                      "Find attendees by name, organisation, e-mail, order or confirmation "
                                      "reference, case reference or scanned code");
    search->add_option("--db", opt->db, "Event database")->required();
    search->add_flag("--json", opt->json, "Print a JSON array");
    search->add_option("--limit", opt->limit, "At most this many results (default 50)");
    search->add_option("TEXT", opt->text, "Beginnings of names, e.g. \"zoe dvor\"")->required();
    search->callback([opt, &ctx] {
        auto db = openDb(ctx, "search", opt->db);
        if (!db) return;
        auto found = db->findAttendees(opt->text, opt->limit);
        if (!found) return fail(ctx, "search", found.error().message);
        if (opt->json) {
            auto arr = nlohmann::json::array();
            for (const auto& a : *found)
                arr.push_back(
                    {{"id", a.id},
                     {"name", a.displayName()},
                     {"first_name", a.firstName},
                     {"last_name", a.lastName},
                     {"organisation", a.organisation},
                     {"category", a.category},
                     {"status", a.status == core::AttendeeStatus::Cancelled ? "cancelled" : "registered"}});
            std::printf("%s\n", dump(arr).c_str());
        } else {
            for (const auto& a : *found)
                std::printf("%s\t%s\t%s\n", a.id.c_str(), a.displayName().c_str(), a.organisation.c_str());
        }
    });

    // --- stats
    auto* stats = app.add_subcommand("stats", "Registered, checked in, by category, arrivals per 5 minutes");
    stats->add_option("--db", opt->db, "Event database")->required();
    stats->add_flag("--json", opt->json, "Print one JSON object");
    stats->callback([opt, &ctx] {
        auto db = openDb(ctx, "stats", opt->db);
        if (!db) return;
        auto s = db->stats();
        if (!s) return fail(ctx, "stats", s.error().message);
        if (opt->json) {
            auto buckets = nlohmann::json::array();
            for (const auto& b : s->arrivalsPer5Min)
                buckets.push_back({{"start", core::formatIso8601(b.start)}, {"arrivals", b.arrivals}});
            const nlohmann::json j{{"registered", s->registered},
                                   {"checked_in", s->checkedIn},
                                   {"reentries", s->reentries},
                                   {"by_category", groupsJson(s->byCategory)},
                                   {"by_working_group", groupsJson(s->byWorkingGroup)},
                                   {"arrivals_per_5min", buckets}};
            std::printf("%s\n", dump(j).c_str());
            return;
        }
        std::printf("registered\t%lld\nchecked in\t%lld\n", static_cast<long long>(s->registered),
                    static_cast<long long>(s->checkedIn));
        if (s->reentries > 0)
            std::printf("re-entries\t%lld (people already in, not counted again)\n",
                        static_cast<long long>(s->reentries));
        std::printf("\nby category\tchecked in / registered\n");
        for (const auto& g : s->byCategory)
            std::printf("  %s\t%lld / %lld\n", g.name.empty() ? "(none)" : g.name.c_str(),
                        static_cast<long long>(g.checkedIn), static_cast<long long>(g.registered));
        std::printf("\nby working group\tchecked in / registered\n");
        for (const auto& g : s->byWorkingGroup)
            std::printf("  %s\t%lld / %lld\n", g.name.empty() ? "(none)" : g.name.c_str(),
                        static_cast<long long>(g.checkedIn), static_cast<long long>(g.registered));
        std::printf("\narrivals per 5 minutes (UTC)\n");
        for (const auto& b : s->arrivalsPer5Min)
            std::printf("  %s\t%lld\n", core::formatIso8601(b.start).c_str(),
                        static_cast<long long>(b.arrivals));
    });
}

}  // namespace kiosk::app
