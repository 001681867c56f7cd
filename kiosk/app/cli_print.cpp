// Badge and confirmation subcommands: badge, badges, confirmations. Thin over kiosk::printing;
// `print` and `printers` (CUPS) live in cli_printer.cpp.
#include "commands.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/file.hpp>
#include <kiosk/printing/badge.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

namespace kiosk::app {

namespace {

namespace fs = std::filesystem;
using core::Database;
using printing::BadgeContent;

constexpr int kExitUsage = 2;

struct PrintOptions {
    std::string db;
    std::string attendee;
    std::string code;
    std::string out;
    std::string templateName;
    std::string sheet;
    bool quiet = false;
};

void fail(CommandContext& ctx, const std::string& cmd, const core::Error& e) {
    std::fprintf(stderr, "kiosk %s: %s [%s]\n", cmd.c_str(), e.message.c_str(), e.code.c_str());
    ctx.exitCode = kExitUsage;
}

std::optional<Database> openDb(CommandContext& ctx, const std::string& cmd, const std::string& path) {
    auto db = Database::open(path, Database::Mode::OpenExisting);
    if (!db) {
        fail(ctx, cmd, db.error());
        return std::nullopt;
    }
    return std::move(db).value();
}

core::Status writeFile(const fs::path& path, const std::string& bytes) {
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    // A private temporary beside the file, then a rename: a half-written badge never sits under
    // the final name, and a planted "NAME.part" symlink is never followed. 0600: badges and
    // confirmations carry names and scannable codes.
    return core::writeFileAtomically(path.string(), bytes, 0600, core::AtomicFile::Sync::Fast);
}

// Our own QR payload maps to its attendee through primaryCode; other systems' codes need a scan.
core::Result<std::string> attendeeForCode(Database& db, const std::string& code) {
    auto all = db.attendees();
    if (!all) return all.error();
    for (const auto& a : *all) {
        if (a.erased) continue;
        auto c = db.primaryCode(a.id);
        if (c && *c == code) return a.id;
    }
    return core::Error{
        "badge.unknown_code",
        "no attendee has this kiosk code; for pretix/Eventbrite codes use `kiosk search` and --attendee"};
}

// A plain bar on a terminal; nothing when piped, so scripts get clean output.
class Progress {
public:
    Progress(size_t total, bool enabled) : m_total(total), m_enabled(enabled && isatty(STDOUT_FILENO)) {}
    void step(size_t done) {
        if (!m_enabled || m_total == 0) return;
        const int width = 40;
        const int filled = static_cast<int>(width * done / m_total);
        std::printf("\r[%s%s] %zu/%zu", std::string(static_cast<size_t>(filled), '#').c_str(),
                    std::string(static_cast<size_t>(width - filled), ' ').c_str(), done, m_total);
        std::fflush(stdout);
        if (done == m_total) std::printf("\n");
    }

private:
    size_t m_total;
    bool m_enabled;
};

std::string safeFileName(const std::string& id) {
    std::string s;
    for (char c : id)
        s.push_back((std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_');
    return s;
}

void printWarnings(const std::vector<printing::RenderWarning>& warnings) {
    for (const auto& w : warnings)
        std::fprintf(stderr, "warning [%s]: %s\n", w.code.c_str(), w.message.c_str());
}

void runBadge(CommandContext& ctx, const PrintOptions& o) {
    auto db = openDb(ctx, "badge", o.db);
    if (!db) return;
    std::string id = o.attendee;
    if (id.empty()) {
        auto r = attendeeForCode(*db, o.code);
        if (!r) return fail(ctx, "badge", r.error());
        id = *r;
    }
    auto content = printing::badgeContentFor(*db, id);
    if (!content) return fail(ctx, "badge", content.error());
    auto& renderer = printing::sharedRenderer();
    // --template is the default; the organiser's badge per kind (kiosk event --badge-for) wins.
    auto tpl = renderer.templateFor(*content, o.templateName);
    if (!tpl) return fail(ctx, "badge", tpl.error());
    auto pdf = renderer.renderBadge(*content, *tpl);
    if (!pdf) return fail(ctx, "badge", pdf.error());
    printWarnings(pdf->warnings);
    if (auto st = writeFile(o.out, pdf->bytes); !st) return fail(ctx, "badge", st.error());
    std::printf("%s\n", o.out.c_str());
}

void runBadges(CommandContext& ctx, const PrintOptions& o) {
    auto db = openDb(ctx, "badges", o.db);
    if (!db) return;
    std::optional<printing::SheetLayout> sheet;
    if (!o.sheet.empty()) {
        sheet = printing::sheetLayoutFromName(o.sheet);
        if (!sheet) return fail(ctx, "badges", core::Error{"usage", "--sheet is a4-4xa6 or a4-8xa7"});
    }
    auto& renderer = printing::sharedRenderer();
    auto tpl = renderer.loadTemplate(o.templateName);
    if (!tpl) return fail(ctx, "badges", tpl.error());
    auto all = db->attendees();
    if (!all) return fail(ctx, "badges", all.error());
    std::vector<BadgeContent> contents;
    // Each attendee's template (a badge per kind); sheets hold one template each.
    std::vector<std::string> templateOf;
    std::map<std::string, printing::BadgeTemplate> templates{{tpl->name, *tpl}};
    for (const auto& a : *all) {
        if (a.status == core::AttendeeStatus::Cancelled || a.erased) continue;
        auto c = printing::badgeContentFor(*db, a.id);
        if (!c) return fail(ctx, "badges", c.error());
        auto t = renderer.templateFor(*c, o.templateName);
        if (!t) return fail(ctx, "badges", t.error());
        templates.emplace(t->name, *t);
        templateOf.push_back(t->name);
        contents.push_back(std::move(*c));
    }
    const auto t0 = std::chrono::steady_clock::now();
    Progress progress(contents.size(), !o.quiet);
    size_t files = 0, warnings = 0;
    if (sheet) {
        const size_t perFile = 64;  // a sheet file per 64 badges keeps files printable in chunks
        size_t done = 0;
        for (const auto& [name, t] : templates) {
            std::vector<BadgeContent> group;
            for (size_t i = 0; i < contents.size(); ++i)
                if (templateOf[i] == name) group.push_back(contents[i]);
            // The default template's sheets keep their plain name; the others carry theirs.
            const std::string stem =
                "sheets-" + o.sheet + (name == tpl->name ? std::string() : "-" + safeFileName(name));
            for (size_t first = 0; first < group.size(); first += perFile) {
                std::vector<BadgeContent> chunk(
                    group.begin() + static_cast<long>(first),
                    group.begin() + static_cast<long>(std::min(group.size(), first + perFile)));
                auto pdf = renderer.renderSheets(chunk, t, *sheet);
                if (!pdf) return fail(ctx, "badges", pdf.error());
                printWarnings(pdf->warnings);
                warnings += pdf->warnings.size();
                char number[32];
                std::snprintf(number, sizeof number, "-%03zu.pdf", first / perFile + 1);
                if (auto st = writeFile(fs::path(o.out) / (stem + number), pdf->bytes); !st)
                    return fail(ctx, "badges", st.error());
                ++files;
                done += chunk.size();
                progress.step(done);
            }
        }
    } else {
        for (size_t i = 0; i < contents.size(); ++i) {
            auto pdf = renderer.renderBadge(contents[i], templates.at(templateOf[i]));
            if (!pdf) return fail(ctx, "badges", pdf.error());
            printWarnings(pdf->warnings);
            warnings += pdf->warnings.size();
            const fs::path path =
                fs::path(o.out) / ("badge-" + safeFileName(contents[i].attendeeId) + ".pdf");
            if (auto st = writeFile(path, pdf->bytes); !st) return fail(ctx, "badges", st.error());
            ++files;
            progress.step(i + 1);
        }
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("badges: %zu attendees, %zu file(s) in %s, %.1f ms/badge, %zu warning(s)\n", contents.size(),
                files, o.out.c_str(), contents.empty() ? 0.0 : ms / contents.size(), warnings);
}

void runConfirmations(CommandContext& ctx, const PrintOptions& o) {
    auto db = openDb(ctx, "confirmations", o.db);
    if (!db) return;
    auto all = db->attendees();
    if (!all) return fail(ctx, "confirmations", all.error());
    Progress progress(all->size(), !o.quiet);
    size_t n = 0, done = 0;
    for (const auto& a : *all) {
        progress.step(++done);
        if (a.status == core::AttendeeStatus::Cancelled || a.erased) continue;
        auto content = printing::badgeContentFor(*db, a.id);
        if (!content) return fail(ctx, "confirmations", content.error());
        auto pdf = printing::sharedRenderer().renderConfirmation(*content);
        if (!pdf) return fail(ctx, "confirmations", pdf.error());
        printWarnings(pdf->warnings);
        const fs::path path = fs::path(o.out) / ("confirmation-" + safeFileName(a.id) + ".pdf");
        if (auto st = writeFile(path, pdf->bytes); !st) return fail(ctx, "confirmations", st.error());
        ++n;
    }
    std::printf("confirmations: %zu file(s) in %s\n", n, o.out.c_str());
}

}  // namespace

void registerPrintCommands(CLI::App& app, CommandContext& ctx) {
    auto opts = std::make_shared<PrintOptions>();

    auto* badge = app.add_subcommand("badge", "Render one attendee's badge as a PDF file");
    badge->add_option("--db", opts->db, "Event database")->required();
    auto* att = badge->add_option("--attendee", opts->attendee, "Attendee id");
    auto* code = badge->add_option("--code", opts->code, "The attendee's kiosk QR payload");
    att->excludes(code);
    badge->add_option("--out", opts->out, "Output PDF file")->required();
    badge->add_option("--template", opts->templateName, "Template name in assets/templates or a .json path");
    badge->callback([&ctx, opts, att, code] {
        if (att->count() == 0 && code->count() == 0) {
            std::fprintf(stderr, "kiosk badge: give --attendee ID or --code PAYLOAD\n");
            ctx.exitCode = kExitUsage;
            return;
        }
        runBadge(ctx, *opts);
    });

    auto* badges =
        app.add_subcommand("badges", "Render every registered attendee's badge (one PDF each, or A4 sheets)");
    badges->add_option("--db", opts->db, "Event database")->required();
    badges->add_option("--out", opts->out, "Output folder")->required();
    badges->add_option("--template", opts->templateName, "Template name in assets/templates or a .json path");
    badges->add_option("--sheet", opts->sheet, "A4 sheets with cut marks: a4-4xa6 or a4-8xa7");
    badges->add_flag("--quiet", opts->quiet, "No progress bar");
    badges->callback([&ctx, opts] { runBadges(ctx, *opts); });

    auto* conf =
        app.add_subcommand("confirmations", "Render one A4 registration confirmation PDF per attendee");
    conf->add_option("--db", opts->db, "Event database")->required();
    conf->add_option("--out", opts->out, "Output folder")->required();
    conf->add_flag("--quiet", opts->quiet, "No progress bar");
    conf->callback([&ctx, opts] { runConfirmations(ctx, *opts); });
}

}  // namespace kiosk::app
