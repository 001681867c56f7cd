// Personal data subcommands (docs/privacy.md): erase (GDPR Art. 17), person (Art. 15) and purge
// (the end of the retention period). Thin over Database::erase / personalData / purge.
#include "commands.hpp"

#include <kiosk/core.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

namespace kiosk::app {

namespace {

using kiosk::core::Database;

struct PrivacyOptions {
    std::string db;
    std::string attendee;
    std::string reason;
    std::string actor;
    bool json = false;
    bool yes = false;
};

void fail(CommandContext& ctx, const std::string& cmd, const core::Error& e) {
    std::fprintf(stderr, "kiosk %s: %s [%s]\n", cmd.c_str(), e.message.c_str(), e.code.c_str());
    ctx.exitCode = 2;
}

std::string defaultActor() {
    const char* user = std::getenv("USER");
    return user && *user ? std::string("cli:") + user : std::string("cli");
}

nlohmann::json reportJson(const core::ErasureReport& r) {
    nlohmann::json j{{"attendees_erased", r.attendees},
                     {"codes_revoked", r.codesRevoked},
                     {"codes_erased", r.codesErased},
                     {"checkins_scrubbed", r.checkinsScrubbed},
                     {"refused_scans_scrubbed", r.refusedScrubbed},
                     {"audit_entries_scrubbed", r.auditScrubbed},
                     {"print_jobs_scrubbed", r.printJobsScrubbed},
                     {"file_cleaned", r.fileCleaned}};
    if (!r.cleanupProblem.empty()) j["cleanup_problem"] = r.cleanupProblem;
    return j;
}

/// Exit 0 once the data is erased; a file that could not be cleaned is said on stderr (exit 4:
/// erased, but run again once the other processes let go).
void finish(CommandContext& ctx, const std::string& cmd, const core::ErasureReport& r) {
    if (!r.fileCleaned) {
        std::fprintf(stderr, "kiosk %s: %s\n", cmd.c_str(), r.cleanupProblem.c_str());
        ctx.exitCode = 4;
    }
}

}  // namespace

void registerPrivacyCommands(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<PrivacyOptions>();

    // --- erase
    auto* erase = app.add_subcommand(
        "erase",
        "Erase one person's personal data (GDPR Art. 17): names, e-mail, organisation, external id, code "
        "values and what free text quotes of them; the anonymous row stays for the counts");
    erase->add_option("--db", o->db, "Event database")->required();
    erase->add_option("--attendee", o->attendee, "Attendee id (see kiosk search)")->required();
    erase
        ->add_option("--reason", o->reason,
                     "Why, kept in the audit log (without the person's name), e.g. \"Art. 17 request of "
                     "2026-03-20\"")
        ->required();
    erase->add_option("--actor", o->actor, "Who erases (default: cli:$USER)");
    erase->add_flag("--json", o->json, "Print one JSON object");
    erase->callback([o, &ctx] {
        auto db = Database::open(o->db, Database::Mode::OpenExisting);
        if (!db) return fail(ctx, "erase", db.error());
        auto r =
            db->erase(o->attendee, o->reason, o->actor.empty() ? defaultActor() : o->actor, core::nowUtc());
        if (!r) return fail(ctx, "erase", r.error());
        if (o->json) {
            auto j = reportJson(*r);
            j["attendee_id"] = o->attendee;
            j["already_erased"] = r->attendees == 0;
            std::printf("%s\n", j.dump().c_str());
        } else if (r->attendees == 0) {
            std::printf("%s was already erased; checked again, nothing personal was left\n",
                        o->attendee.c_str());
        } else {
            std::printf(
                "erased %s: %lld code(s) revoked, %lld check-in reason(s), %lld refused scan(s), %lld audit "
                "entr(y/ies), %lld print job(s) scrubbed%s\n",
                o->attendee.c_str(), static_cast<long long>(r->codesRevoked),
                static_cast<long long>(r->checkinsScrubbed), static_cast<long long>(r->refusedScrubbed),
                static_cast<long long>(r->auditScrubbed), static_cast<long long>(r->printJobsScrubbed),
                r->fileCleaned ? "; the database file and its -wal hold no copy" : "");
        }
        finish(ctx, "erase", *r);
    });

    // --- person
    auto* person = app.add_subcommand(
        "person", "Everything held about one person (GDPR Art. 15) as one JSON document, every table");
    person->add_option("--db", o->db, "Event database")->required();
    person->add_option("--attendee", o->attendee, "Attendee id (see kiosk search)")->required();
    person->add_flag("--json", o->json, "JSON (the only format; accepted for symmetry)");
    person->callback([o, &ctx] {
        auto db = Database::open(o->db, Database::Mode::OpenExisting);
        if (!db) return fail(ctx, "person", db.error());
        auto doc = db->personalData(o->attendee);
        if (!doc) return fail(ctx, "person", doc.error());
        std::printf("%s\n", doc->c_str());
    });

    // --- purge
    auto* purge = app.add_subcommand(
        "purge",
        "Anonymise every attendee (the end of the retention period, see kiosk event --retention-days); the "
        "anonymous counts and the arrivals chart stay");
    purge->add_option("--db", o->db, "Event database")->required();
    purge->add_flag("--yes", o->yes, "Do not ask for confirmation");
    purge->add_option("--actor", o->actor, "Who purges (default: cli:$USER)");
    purge->add_flag("--json", o->json, "Print one JSON object");
    purge->callback([o, &ctx] {
        auto db = Database::open(o->db, Database::Mode::OpenExisting);
        if (!db) return fail(ctx, "purge", db.error());
        const auto now = core::nowUtc();
        auto ret = db->retention(now);
        if (!ret) return fail(ctx, "purge", ret.error());
        if (!o->yes) {
            std::fprintf(stderr,
                         "kiosk purge: this erases the names, e-mails and codes of the %lld people in %s",
                         static_cast<long long>(ret->peopleHeld), o->db.c_str());
            if (ret->until && !ret->passed)
                std::fprintf(stderr, " (their retention date, %s, has not passed yet)",
                             core::formatIso8601(*ret->until).c_str());
            std::fprintf(stderr, ". It cannot be undone.\n");
            if (!::isatty(STDIN_FILENO)) {
                std::fprintf(stderr, "kiosk purge: add --yes to run it without a terminal\n");
                ctx.exitCode = 2;
                return;
            }
            std::fprintf(stderr, "Type yes to continue: ");
            std::string answer;
            std::getline(std::cin, answer);
            if (answer != "yes") {
                std::fprintf(stderr, "kiosk purge: nothing changed\n");
                ctx.exitCode = 2;
                return;
            }
        }
        auto r = db->purge(o->actor.empty() ? defaultActor() : o->actor, now);
        if (!r) return fail(ctx, "purge", r.error());
        if (o->json) {
            std::printf("%s\n", reportJson(*r).dump().c_str());
        } else {
            std::printf(
                "purged %s: %lld people anonymised, %lld code(s) revoked; counts and arrivals kept%s\n",
                o->db.c_str(), static_cast<long long>(r->attendees), static_cast<long long>(r->codesRevoked),
                r->fileCleaned ? "; the database file and its -wal hold no copy" : "");
            std::printf(
                "Backups made before now still hold the data: delete them or purge each copy "
                "(kiosk purge --db BACKUP --yes), see docs/privacy.md\n");
        }
        finish(ctx, "purge", *r);
    });
}

}  // namespace kiosk::app
