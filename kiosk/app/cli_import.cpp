// Import and export subcommands. Thin over kiosk::core: Database::importFile (parse + apply),
// and Database::exportArrivalsCsv. Output and exit codes are documented in docs/import.md:
//   0  the file was processed and at least one row was accepted (or it had no data rows);
//   1  every data row was rejected (nothing usable: read the reasons);
//   2  usage error, unreadable or unrecognised file, database error.
#include "commands.hpp"

#include <kiosk/core.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace kiosk::app {

namespace {

using kiosk::core::Database;
using kiosk::core::ImportFormat;

constexpr int kExitAllRejected = 1;
constexpr int kExitError = 2;

void fail(CommandContext& ctx, const char* cmd, const core::Error& e) {
    std::fprintf(stderr, "kiosk %s: %s [%s]\n", cmd, e.message.c_str(), e.code.c_str());
    ctx.exitCode = kExitError;
}

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string defaultActor() {
    const char* user = std::getenv("USER");
    return user && *user ? std::string("cli:") + user : std::string("cli");
}

struct ImportOptions {
    std::string db;
    std::string file;
    std::string format = "auto";
    std::string actor;
    std::string revoked;  // pretix's revoked-secrets list
    bool revokeMissing = false;
    bool json = false;
};

struct ExportOptions {
    std::string db;
    std::string out;
    bool json = false;
};

/// kiosk import --revoked FILE: pretix's revoked secrets, after the export if both are given.
void runRevoked(const ImportOptions& o, CommandContext& ctx) {
    auto text = core::readExportFile(o.revoked);
    if (!text) return fail(ctx, "import", text.error());
    auto list = core::parseRevokedSecrets(*text);
    if (!list) return fail(ctx, "import", list.error());
    auto db = Database::open(o.db, Database::Mode::CreateIfMissing);
    if (!db) return fail(ctx, "import", db.error());
    auto sum = db->addRevokedSecrets(list->secrets, o.revoked, o.actor.empty() ? defaultActor() : o.actor,
                                     core::nowUtc());
    if (!sum) return fail(ctx, "import", sum.error());
    if (list->morePages)
        std::fprintf(stderr,
                     "warning: %s is one page of pretix's list (\"next\" is set): import the other pages "
                     "too, or fetch it with ?page_size=1000\n",
                     core::escapeForDisplay(o.revoked).c_str());
    if (o.json) {
        std::printf("%s\n", dump({{"revoked_file", o.revoked},
                                  {"listed", sum->listed},
                                  {"added", sum->added},
                                  {"codes_revoked", sum->codesRevoked},
                                  {"more_pages", list->morePages}})
                                .c_str());
        return;
    }
    std::printf("pretix revoked secrets: %s\n  listed     %d\n  new        %d\n  codes revoked %d\n",
                core::escapeForDisplay(o.revoked).c_str(), sum->listed, sum->added, sum->codesRevoked);
}

void runImport(const ImportOptions& o, CommandContext& ctx) {
    if (o.file.empty()) {
        if (o.revoked.empty()) {
            std::fprintf(stderr, "kiosk import: give the export FILE, or --revoked FILE\n");
            ctx.exitCode = 2;
        } else {
            runRevoked(o, ctx);
        }
        return;
    }
    ImportFormat format = ImportFormat::Auto;
    if (o.format == "pretix")
        format = ImportFormat::Pretix;
    else if (o.format == "eventbrite")
        format = ImportFormat::Eventbrite;
    else if (o.format == "generic")
        format = ImportFormat::Generic;
    else if (o.format == "indico")
        format = ImportFormat::Indico;

    std::error_code ec;
    const bool existed = std::filesystem::exists(o.db, ec);
    auto db = Database::open(o.db, Database::Mode::CreateIfMissing);
    if (!db) return fail(ctx, "import", db.error());
    // Parses on a second thread while the rows already read are written, in one transaction.
    core::ImportApplyOptions apply;
    apply.revokeMissing = o.revokeMissing;
    auto sum =
        db->importFile(o.file, format, o.actor.empty() ? defaultActor() : o.actor, core::nowUtc(), apply);
    if (!sum) {
        // A failed import writes nothing: not even the empty database this command created.
        if (!existed) {
            { auto closing = std::move(db).value(); }
            for (const char* suffix : {"", "-wal", "-shm", "-waiting"})
                std::filesystem::remove(o.db + suffix, ec);
        }
        return fail(ctx, "import", sum.error());
    }

    // People without an event: the screens have no name to show, the doors no times, and our own
    // QR codes no key. Say what to do next (stderr: stdout stays the summary / JSON).
    auto ev = db->event();
    const bool noEvent = ev && !ev->has_value();
    if (noEvent && !o.json)
        std::fprintf(stderr,
                     "note: %s has no event yet; name it and set its door times with: kiosk event --db %s "
                     "--name \"…\" --doors-open \"YYYY-MM-DD HH:MM\" --doors-close \"…\"\n",
                     o.db.c_str(), o.db.c_str());
    const int accepted = sum->imported + sum->updated + sum->unchanged;
    if (accepted == 0 && !sum->rejected.empty()) ctx.exitCode = kExitAllRejected;

    if (o.json) {
        auto rejected = nlohmann::json::array();
        for (const auto& r : sum->rejected) rejected.push_back({{"line", r.line}, {"reason", r.reason}});
        auto missing = nlohmann::json::array();
        for (const auto& p : sum->missing)
            missing.push_back(
                {{"attendee_id", p.attendeeId}, {"external_id", p.externalId}, {"name", p.name}});
        auto warnings = nlohmann::json::array();
        for (const auto& w : sum->warnings) warnings.push_back({{"line", w.line}, {"warning", w.reason}});
        const nlohmann::json j{{"source", sum->source},
                               {"file", o.file},
                               {"event", noEvent || !ev ? nlohmann::json() : nlohmann::json((*ev)->id)},
                               {"imported", sum->imported},
                               {"updated", sum->updated},
                               {"unchanged", sum->unchanged},
                               {"revoked", sum->revoked},
                               {"reissued", sum->reissued},
                               {"earlier_checkins", sum->earlierCheckins},
                               {"missing_count", sum->missingCount},
                               {"missing", missing},
                               {"missing_revoked", sum->missingRevoked},
                               {"rejected_count", sum->rejected.size()},
                               {"rejected", rejected},
                               {"warnings", warnings},
                               {"encoding", sum->encoding},
                               {"notes", sum->notes}};
        std::printf("%s\n", dump(j).c_str());
        if (!o.revoked.empty()) runRevoked(o, ctx);
        return;
    }
    std::printf("%s export: %s\n", sum->source.c_str(), core::escapeForDisplay(o.file).c_str());
    std::printf("  imported   %d\n  updated    %d\n  unchanged  %d\n  revoked    %d\n", sum->imported,
                sum->updated, sum->unchanged, sum->revoked);
    if (sum->reissued > 0)
        std::printf("  reissued   %d       old codes revoked: the export brings a new code for the person\n",
                    sum->reissued);
    if (sum->earlierCheckins > 0)
        std::printf("  checked in %d       already checked in at %s (imported as check-ins made there)\n",
                    sum->earlierCheckins, sum->source.c_str());
    if (sum->missingCount > 0) {
        if (sum->missingRevoked > 0)
            std::printf(
                "  missing    %d       not in this export: cancelled, codes revoked (--revoke-missing)\n",
                sum->missingCount);
        else
            std::printf(
                "  missing    %d       imported before from %s, not in this export; if the file is a "
                "complete export, import it again with --revoke-missing to revoke them\n",
                sum->missingCount, sum->source.c_str());
    }
    std::printf("  rejected   %zu\n", sum->rejected.size());
    for (const auto& r : sum->rejected)
        std::printf("line %d: %s\n", r.line, core::escapeForDisplay(r.reason).c_str());
    for (const auto& w : sum->warnings)
        std::printf("line %d: warning: %s\n", w.line, core::escapeForDisplay(w.reason).c_str());
    for (const auto& n : sum->notes) std::printf("note: %s\n", core::escapeForDisplay(n).c_str());
    for (const auto& p : sum->missing)
        std::printf("missing: %s (%s)\n", core::escapeForDisplay(p.name).c_str(),
                    core::escapeForDisplay(p.externalId).c_str());
    if (sum->missingCount > static_cast<int>(sum->missing.size()))
        std::printf("missing: … and %d more\n", sum->missingCount - static_cast<int>(sum->missing.size()));
    if (!o.revoked.empty()) runRevoked(o, ctx);
}

void runExport(const ExportOptions& o, CommandContext& ctx) {
    auto db = Database::open(o.db, Database::Mode::OpenExisting);
    if (!db) return fail(ctx, "export", db.error());
    auto rows = db->exportArrivalsCsv(o.out);
    if (!rows) return fail(ctx, "export", rows.error());
    const std::string warning =
        "the file holds personal data (names, e-mail addresses, arrival times): it is "
        "readable only by you (mode 0600); keep it off shared folders and delete it when "
        "it has served";
    if (o.json) {
        std::printf("%s\n", dump({{"rows", *rows}, {"out", o.out}, {"warning", warning}}).c_str());
    } else {
        std::fprintf(stderr, "kiosk export: %s: %s\n", core::escapeForDisplay(o.out).c_str(),
                     warning.c_str());
        std::printf("wrote %d arrival%s to %s\n", *rows, *rows == 1 ? "" : "s",
                    core::escapeForDisplay(o.out).c_str());
    }
}

void runBackup(const ExportOptions& o, CommandContext& ctx) {
    auto db = Database::open(o.db, Database::Mode::ReadOnly);
    if (!db) return fail(ctx, "backup", db.error());
    auto bytes = db->backupTo(o.out);
    if (!bytes) return fail(ctx, "backup", bytes.error());
    if (o.json) {
        std::printf("%s\n", dump({{"out", o.out}, {"bytes", *bytes}, {"integrity", "ok"}}).c_str());
    } else {
        std::printf("backed up %s to %s (%.1f KiB, integrity ok)\n", core::escapeForDisplay(o.db).c_str(),
                    core::escapeForDisplay(o.out).c_str(), static_cast<double>(*bytes) / 1024.0);
    }
}

}  // namespace

void registerImportCommands(CLI::App& app, CommandContext& ctx) {
    auto in = std::make_shared<ImportOptions>();
    auto* imp = app.add_subcommand(
        "import",
        "Import attendees from a pretix, Eventbrite, Indico or generic export (re-import updates people)");
    imp->add_option("--db", in->db, "Event database file (created if missing)")->required();
    imp->add_option("--format", in->format, "Export format; auto detects it from the header")
        ->check(CLI::IsMember({"auto", "pretix", "eventbrite", "indico", "generic"}));
    imp->add_option("--actor", in->actor, "Who imports, for the audit log (default cli:$USER)");
    imp->add_flag("--json", in->json, "Print one JSON object");
    imp->add_option("--revoked", in->revoked,
                    "pretix's revoked secrets (its REST API's JSON, or one secret per line): signed tickets "
                    "refused as revoked although their signature is valid");
    imp->add_flag("--revoke-missing", in->revokeMissing,
                  "The file is a complete export: cancel the people imported before from the same system "
                  "who are not in it (their codes are revoked)");
    imp->add_option("FILE", in->file,
                    "The CSV export, or Indico's registration list JSON (optional with --revoked)");
    imp->callback([in, &ctx] { runImport(*in, ctx); });

    auto out = std::make_shared<ExportOptions>();
    auto* exp = app.add_subcommand("export", "Write the arrivals as CSV (safe to open in a spreadsheet)");
    exp->add_option("--db", out->db, "Event database file")->required();
    exp->add_option("--out", out->out, "CSV file to write (replaced atomically)")->required();
    exp->add_flag("--json", out->json, "Print one JSON object");
    exp->callback([out, &ctx] { runExport(*out, ctx); });

    auto bak = std::make_shared<ExportOptions>();
    auto* backup = app.add_subcommand(
        "backup", "Copy the whole event database while kiosks keep running (checked, replaced atomically)");
    backup->add_option("--db", bak->db, "Event database file")->required();
    backup->add_option("--out", bak->out, "Backup file to write, e.g. on a USB stick")->required();
    backup->add_flag("--json", bak->json, "Print one JSON object");
    backup->callback([bak, &ctx] { runBackup(*bak, ctx); });
}

}  // namespace kiosk::app
