// Several machines, one event (docs/sync.md, docs/deployment.md): kiosk server init | publish |
// enroll | status, kiosk sync, kiosk duplicates. Thin over kiosk/core/sync.hpp; the options,
// JSON shapes and exit codes are contracts scripts and tests rely on (issue 11).
#include "commands.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/sync.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace kiosk::app {

namespace {

using kiosk::core::Database;
namespace sync = kiosk::core::sync;

constexpr int kExitError = 2;

void fail(CommandContext& ctx, const std::string& cmd, const core::Error& e) {
    std::fprintf(stderr, "kiosk %s: %s [%s]\n", cmd.c_str(), e.message.c_str(), e.code.c_str());
    ctx.exitCode = kExitError;
}

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// --server, with the PG* environment as the default ('' lets libpq read it).
std::string serverOrEnv(const std::string& s) {
    return s;
}

std::atomic<bool> g_stop{false};
extern "C" void onStopSignal(int) {
    g_stop.store(true);
}

struct Options {
    std::string server;
    std::string db;
    std::string device;
    std::string kind = "kiosk";
    bool json = false;
    bool once = false;
    bool open = false;
    bool quiet = false;
    // kiosk duplicates: the desk's two answers from a script
    std::string samePerson;  ///< the later check-in of a pair: "same person, fine"
    std::string annul;       ///< a check-in of a pair to annul
    std::string actor;
    std::string note;
};

nlohmann::json sideJson(const core::DuplicateSide& s) {
    nlohmann::json j = {{"at", core::formatIso8601(s.at)}, {"kiosk", s.kiosk}, {"checkin", s.checkinId}};
    return j;
}

}  // namespace

void registerSyncCommands(CLI::App& app, CommandContext& ctx) {
    auto opt = std::make_shared<Options>();

    auto* server =
        app.add_subcommand("server", "The event's PostgreSQL server: set up, publish, enroll, status");
    server->require_subcommand(1);

    auto* init = server->add_subcommand("init", "Create or upgrade the server schema");
    init->add_option("--server", opt->server,
                     "libpq connection string or URI (default: the PG* environment)");
    init->add_flag("--json", opt->json, "Machine-readable output");
    init->callback([opt, &ctx] {
        auto r = sync::initServer(serverOrEnv(opt->server));
        if (!r) return fail(ctx, "server init", r.error());
        if (opt->json) {
            std::cout << dump({{"from", r->fromVersion}, {"to", r->toVersion}}) << "\n";
        } else if (r->fromVersion == r->toVersion) {
            std::cout << "server schema is current (version " << r->toVersion << ")\n";
        } else {
            std::cout << "server schema " << r->fromVersion << " -> " << r->toVersion << "\n";
        }
    });

    auto* pub =
        server->add_subcommand("publish", "Upload the event, people and codes from the organiser's file");
    pub->add_option("--db", opt->db, "The organiser's event file")->required();
    pub->add_option("--server", opt->server, "libpq connection string or URI (default: the PG* environment)");
    pub->add_flag("--json", opt->json, "Machine-readable output");
    pub->callback([opt, &ctx] {
        auto db = Database::open(opt->db, Database::Mode::OpenExisting);
        if (!db) return fail(ctx, "server publish", db.error());
        auto r = sync::publish(*db, serverOrEnv(opt->server));
        if (!r) return fail(ctx, "server publish", r.error());
        if (opt->json) {
            std::cout << dump({{"event", r->eventId},
                               {"attendees", r->attendees},
                               {"codes", r->codes},
                               {"codes_issued", r->codesIssued},
                               {"changed", r->changedRows}})
                      << "\n";
        } else {
            std::cout << "published " << r->eventId << ": " << r->attendees << " people, " << r->codes
                      << " codes (" << r->changedRows << " rows changed on the server, " << r->codesIssued
                      << " codes issued now)\n";
        }
    });

    auto* enr = server->add_subcommand("enroll", "Create a device (kiosk, desk, dashboard) and its own role");
    enr->add_option("--server", opt->server, "libpq connection string or URI (default: the PG* environment)");
    enr->add_option("--device", opt->device, "Unique machine name, e.g. entrance-1")->required();
    enr->add_option("--kind", opt->kind, "kiosk | desk | dashboard")
        ->check(CLI::IsMember({"kiosk", "desk", "dashboard"}));
    enr->add_flag("--json", opt->json, "Machine-readable output");
    enr->callback([opt, &ctx] {
        auto r = sync::enroll(serverOrEnv(opt->server), opt->device, *sync::deviceKindFromName(opt->kind));
        if (!r) return fail(ctx, "server enroll", r.error());
        if (opt->json) {
            std::cout << dump({{"device", r->device}, {"server", r->conninfo}}) << "\n";
        } else {
            std::cout << "enrolled " << r->device << " (role " << r->role << ")\nconnection: " << r->conninfo
                      << "\n";
        }
    });

    auto* st = server->add_subcommand("status", "Devices, last seen, rows waiting, clock offset, duplicates");
    st->add_option("--server", opt->server, "libpq connection string or URI (default: the PG* environment)");
    st->add_flag("--json", opt->json, "Machine-readable output");
    st->callback([opt, &ctx] {
        auto r = sync::serverStatus(serverOrEnv(opt->server));
        if (!r) return fail(ctx, "server status", r.error());
        if (opt->json) {
            auto devs = nlohmann::json::array();
            for (const auto& d : r->devices) {
                nlohmann::json j = {{"name", d.name},
                                    {"kind", d.kind},
                                    {"online", d.online},
                                    {"waiting", d.waiting},
                                    {"checkins", d.rows}};
                j["last_seen"] =
                    d.lastSeenAt ? nlohmann::json(core::formatIso8601(*d.lastSeenAt)) : nlohmann::json();
                j["clock_offset_ms"] = d.clockOffsetMs ? nlohmann::json(*d.clockOffsetMs) : nlohmann::json();
                devs.push_back(std::move(j));
            }
            std::cout << dump({{"schema", r->schemaVersion},
                               {"event", r->eventId},
                               {"attendees", r->attendees},
                               {"checked_in", r->checkedIn},
                               {"checkins", r->checkins},
                               {"duplicates", r->duplicates},
                               {"open_duplicates", r->openDuplicates},
                               {"feed", r->feedPosition},
                               {"devices", devs}})
                      << "\n";
            return;
        }
        std::cout << "event " << r->eventId << " · schema " << r->schemaVersion << " · " << r->checkedIn
                  << " of " << r->attendees << " in · " << r->openDuplicates << " open duplicates ("
                  << r->duplicates << " in all)\n";
        for (const auto& d : r->devices) {
            std::cout << "  " << d.name << " (" << d.kind << ") " << (d.online ? "online" : "OFFLINE")
                      << " · last seen " << (d.lastSeenAt ? core::formatIso8601(*d.lastSeenAt) : "never")
                      << " · " << d.waiting << " to send";
            if (d.clockOffsetMs)
                std::cout << " · clock " << (*d.clockOffsetMs >= 0 ? "+" : "") << *d.clockOffsetMs << " ms";
            std::cout << "\n";
        }
    });

    auto* sy =
        app.add_subcommand("sync", "Run the sync agent: push this machine's rows, pull everyone else's");
    sy->add_option("--db", opt->db, "This machine's event file (filled from the server on the first sync)")
        ->required();
    sy->add_option("--server", opt->server, "The device's connection string (from kiosk server enroll)");
    sy->add_option("--device", opt->device, "This machine's enrolled name")->required();
    sy->add_flag("--once", opt->once,
                 "One push and one pull, then exit: 0 in sync, 2 when the server is unreachable");
    sy->add_flag("--json", opt->json, "Machine-readable output");
    sy->callback([opt, &ctx] {
        sync::AgentOptions ao;
        ao.dbPath = opt->db;
        ao.conninfo = serverOrEnv(opt->server);
        ao.device = opt->device;
        const bool json = opt->json;
        sync::Agent agent(ao, [json](const std::string& line) {
            if (!json) std::fprintf(stderr, "kiosk sync: %s\n", line.c_str());
        });
        if (opt->once) {
            auto r = agent.once();
            if (!r) return fail(ctx, "sync", r.error());
            if (json) {
                std::cout << dump({{"device", opt->device},
                                   {"pushed", r->pushed},
                                   {"pulled", r->pulled},
                                   {"cursor", r->cursor},
                                   {"in_sync", true}})
                          << "\n";
            } else {
                std::cout << "in sync: pushed " << r->pushed << ", pulled " << r->pulled << " (feed "
                          << r->cursor << ")\n";
            }
            return;
        }
        struct sigaction sa {};
        sa.sa_handler = onStopSignal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, nullptr);
        sigaction(SIGINT, &sa, nullptr);
        auto r = agent.run([] { return g_stop.load(); });
        if (!r) return fail(ctx, "sync", r.error());
    });

    auto* dup = app.add_subcommand("duplicates", "Check-ins of one person accepted twice (kiosks apart)");
    dup->add_option("--db", opt->db, "Event file")->required();
    dup->add_flag("--open", opt->open, "Only the pairs no desk has resolved");
    dup->add_flag("--json", opt->json, "Machine-readable output");
    dup->add_option("--same-person", opt->samePerson,
                    "Resolve the pair whose later check-in is this id: the same person, fine");
    dup->add_option("--annul", opt->annul, "Annul this check-in of a pair (the other one stays in force)");
    dup->add_option("--actor", opt->actor, "Who decides (recorded and audited), e.g. desk:Amina");
    dup->add_option("--note", opt->note, "--same-person: a note; --annul: the reason (required)");
    dup->callback([opt, &ctx] {
        if (!opt->samePerson.empty() || !opt->annul.empty()) {
            // The desk's two answers (docs/sync.md), one core operation each.
            if (!opt->samePerson.empty() && !opt->annul.empty())
                return fail(ctx, "duplicates",
                            core::Error{"usage", "--same-person and --annul: one answer at a time"});
            auto rw = Database::open(opt->db, Database::Mode::OpenExisting);
            if (!rw) return fail(ctx, "duplicates", rw.error());
            const core::TimePoint now = core::nowUtc();
            if (!opt->annul.empty()) {
                auto r = rw->deskAnnulCheckin(opt->annul, opt->note, {"cli", opt->actor, now});
                if (!r) return fail(ctx, "duplicates", r.error());
                std::cout << (opt->json ? dump({{"annulled", opt->annul}, {"annul", r->id}})
                                        : "annulled " + opt->annul)
                          << "\n";
                return;
            }
            auto pairs = rw->duplicates(false);
            if (!pairs) return fail(ctx, "duplicates", pairs.error());
            std::string first;
            for (const auto& d : *pairs)
                if (d.second.checkinId == opt->samePerson) first = d.first.checkinId;
            if (first.empty())
                return fail(ctx, "duplicates",
                            core::Error{"duplicate.not_found",
                                        opt->samePerson +
                                            " is not the later check-in of a pair (see kiosk duplicates)"});
            if (auto s = rw->resolveDuplicate(opt->samePerson, first, opt->actor,
                                              opt->note.empty() ? "same person, fine" : opt->note, now);
                !s)
                return fail(ctx, "duplicates", s.error());
            std::cout << (opt->json
                              ? dump({{"resolved", opt->samePerson}, {"first", first}})
                              : "resolved: " + opt->samePerson + " and " + first + " are the same person")
                      << "\n";
            return;
        }
        auto db = Database::open(opt->db, Database::Mode::ReadOnly);
        if (!db) return fail(ctx, "duplicates", db.error());
        auto r = db->duplicates(opt->open);
        if (!r) return fail(ctx, "duplicates", r.error());
        if (opt->json) {
            auto arr = nlohmann::json::array();
            for (const auto& d : *r)
                arr.push_back({{"attendee", {{"id", d.attendeeId}, {"name", d.name}}},
                               {"first", sideJson(d.first)},
                               {"second", sideJson(d.second)},
                               {"resolved", d.resolved}});
            std::cout << dump(arr) << "\n";
            return;
        }
        if (r->empty()) std::cout << "no duplicates\n";
        for (const auto& d : *r)
            std::cout << d.name << ": " << d.first.kiosk << " " << core::formatIso8601(d.first.at) << " ["
                      << d.first.checkinId << "] · " << d.second.kiosk << " "
                      << core::formatIso8601(d.second.at) << " [" << d.second.checkinId << "]"
                      << (d.second.late() ? " (late: offline)" : "") << (d.resolved ? " · resolved" : "")
                      << "\n";
    });
}

}  // namespace kiosk::app
