// `kiosk run`: the window. Wires the database, the scanner (camera, frame sequence or wedge
// scanner only), the printer and the GLFW backend to kiosk::ui::KioskApp and runs the loop.
#include "backup/periodic_backup.hpp"
#include "commands.hpp"
#include "window/glfw_backend.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/assets.hpp>
#include <kiosk/core/log.hpp>
#include <kiosk/printing/badge.hpp>
#include <kiosk/printing/printer.hpp>
#include <kiosk/scanner.hpp>
#include <kiosk/ui.hpp>

#include <unistd.h>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace kiosk::app {

namespace {

std::atomic<bool> g_quit{false};

extern "C" void onQuitSignal(int) {
    g_quit.store(true);
}

struct RunOptions {
    std::string db;
    std::string mode = "attendee";
    std::string kiosk;
    std::string camera;
    bool cameraGiven = false;
    std::string frames;
    double fps = 15;
    std::string printer;
    std::string templateName;
    std::string media;
    std::string badgePickup;
    std::string keyboard = "auto";
    bool windowed = false;
    bool largeText = false;
    std::string statusFile;
    std::string statsFile;
    std::string assets;
    double welcomeSeconds = 6;
    std::string backup;
    double backupMinutes = 5;
};

std::string defaultKioskName() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0 && host[0]) return host;
    return "kiosk-1";
}

/// The dashboard only reads: it opens the database read-only, so a second screen can never write
/// (nor hold the write lock). A database from an older release is upgraded first, read-write, once.
core::Result<core::Database> openForMode(const RunOptions& o) {
    if (o.mode != "dashboard") return core::Database::open(o.db, core::Database::Mode::OpenExisting);
    auto db = core::Database::open(o.db, core::Database::Mode::ReadOnly);
    if (db || db.error().code != "db.old_schema") return db;
    if (auto upgraded = core::Database::open(o.db, core::Database::Mode::OpenExisting); !upgraded)
        return upgraded.error();
    return core::Database::open(o.db, core::Database::Mode::ReadOnly);
}

int run(const RunOptions& o) {
    auto db = openForMode(o);
    if (!db) {
        std::fprintf(stderr, "kiosk run: %s [%s]\n", db.error().message.c_str(), db.error().code.c_str());
        return 2;
    }

    // The organiser's record of the day, beside the database (kiosk/core/log.hpp). A dashboard
    // only reads: it logs to stderr alone.
    if (o.mode != "dashboard") {
        if (auto st = core::openLog(o.db, "run"); !st)
            std::fprintf(stderr, "kiosk run: %s [%s]; logging to stderr only\n", st.error().message.c_str(),
                         st.error().code.c_str());
    }
    core::logInfo("kiosk run started: kiosk " + (o.kiosk.empty() ? defaultKioskName() : o.kiosk) + ", mode " +
                  o.mode + ", database " + o.db + ", printer " + (o.printer.empty() ? "none" : o.printer));

    if (auto ev = db->event(); ev && !ev->has_value())
        std::fprintf(stderr,
                     "kiosk run: %s has no event yet: the screens show no event name and any time is open; "
                     "set it with kiosk event --db %s --name \"…\" --doors-open … --doors-close …\n",
                     o.db.c_str(), o.db.c_str());
    if (auto ret = db->retention(core::nowUtc()); ret && ret->purgeDue())
        std::fprintf(
            stderr,
            "kiosk run: the retention period of %s ended on %s and it still holds the personal data of "
            "%lld people; anonymise them with kiosk purge --db %s (docs/privacy.md)\n",
            o.db.c_str(), core::formatIso8601(*ret->until).c_str(), static_cast<long long>(ret->peopleHeld),
            o.db.c_str());

    // --assets is the one folder for the screens' text and the badge templates alike (the print
    // worker finds templates through core::assetsDir, which reads this variable once).
    if (!o.assets.empty()) ::setenv("KIOSK_ASSETS_DIR", o.assets.c_str(), 1);
    auto assets = core::assetsDir();
    if (!assets) {
        std::fprintf(stderr, "kiosk run: %s [%s]\n", assets.error().message.c_str(),
                     assets.error().code.c_str());
        return 2;
    }

    // A template that does not load would hold every badge of the day: refuse it now.
    if (auto t = printing::sharedRenderer().loadTemplate(o.templateName); !t) {
        std::fprintf(stderr, "kiosk run: --template: %s [%s]\n", t.error().message.c_str(),
                     t.error().code.c_str());
        return 2;
    }

    ui::AppOptions opt;
    opt.kioskName = o.kiosk.empty() ? defaultKioskName() : o.kiosk;
    opt.dashboardOnly = o.mode == "dashboard";
    opt.mode = opt.dashboardOnly ? ui::Mode::Dashboard : ui::Mode::Attendee;
    opt.largeText = o.largeText;
    opt.lockdown = !o.windowed;
    opt.assetsDir = *assets;
    opt.statusFile = o.statusFile;
    opt.statsFile = o.statsFile;
    opt.printerQueue = o.printer;
    opt.badgePickup = o.badgePickup;
    opt.keyboard = *ui::keyboardSettingFromName(o.keyboard);  // checked by the option
    opt.welcomeFor = std::chrono::milliseconds(static_cast<int>(o.welcomeSeconds * 1000));

    // Scanner: a frame sequence, a camera, or (no camera on this machine) the wedge scanner only.
    std::unique_ptr<scanner::ScanService> scan;
    if (!opt.dashboardOnly) {
        std::unique_ptr<scanner::FrameSource> source;
        if (!o.frames.empty()) {
            scanner::SequenceOptions so;
            so.directory = o.frames;
            so.fps = o.fps;
            source = scanner::openFrameSequence(so);
            // Said here, not on the public screen's status line (no paths there).
            std::fprintf(stderr, "kiosk run: camera: the frames in %s\n", o.frames.c_str());
        } else if (o.cameraGiven || !scanner::listCameras().empty()) {
            scanner::CameraOptions co;
            co.device = o.camera;
            source = scanner::openCamera(co);
        } else {
            opt.noCamera = true;
            std::fprintf(stderr, "kiosk run: no camera found (/dev/video*): USB barcode scanner only\n");
        }
        scan = std::make_unique<scanner::ScanService>(std::move(source));
    }

    // Printer: only when a queue is named; without one the welcome says where to get the badge.
    std::unique_ptr<printing::PrintService> print;
    if (!o.printer.empty() && !opt.dashboardOnly) {
        printing::PrintServiceOptions po;
        po.dbPath = db->path();
        po.printer = o.printer;
        po.actor = "kiosk:" + opt.kioskName;
        po.machine = opt.kioskName;  // it prints the badges of the people at this kiosk only
        po.templateName = o.templateName;
        po.media = o.media;
        print = std::make_unique<printing::PrintService>(po);
    }

    ui::AppOptions appOpt = opt;
    auto app =
        ui::KioskApp::create(std::move(appOpt), std::move(db).value(), std::move(scan), std::move(print));
    if (!app) {
        std::fprintf(stderr, "kiosk run: %s [%s]\n", app.error().message.c_str(), app.error().code.c_str());
        return 2;
    }

    WindowOptions wo;
    wo.windowed = o.windowed;
    wo.title = "kiosk — " + opt.kioskName;
    wo.quitFlag = &g_quit;
    auto window = GlfwBackend::create(wo);
    if (!window) {
        std::fprintf(stderr, "kiosk run: %s [%s]\n", window.error().message.c_str(),
                     window.error().code.c_str());
        return 2;
    }
    (*window)->attach(**app);

    struct sigaction sa {};
    sa.sa_handler = onQuitSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    // A copy of the database every few minutes, e.g. on a USB stick (attendee mode only: the
    // kiosk that writes is the one worth copying).
    std::unique_ptr<PeriodicBackup> backup;
    if (!o.backup.empty() && !opt.dashboardOnly)
        backup = std::make_unique<PeriodicBackup>(
            o.db, o.backup, std::chrono::seconds(static_cast<long>(o.backupMinutes * 60.0)));

    while ((*app)->runFrame(**window)) {
    }
    backup.reset();
    (*app)->writeStats();
    // The window's ImGui backends shut down while the app's ImGui context still exists.
    auto w = std::move(window).value();
    auto a = std::move(app).value();
    w.reset();
    a.reset();
    core::logInfo("kiosk run stopped");
    core::closeLog();
    return 0;
}

}  // namespace

void registerRunCommand(CLI::App& app, CommandContext& ctx) {
    auto opts = std::make_shared<RunOptions>();
    auto* run =
        app.add_subcommand("run", "Open the kiosk window (attendee self check-in, help desk, dashboard)");
    run->add_option("--db", opts->db, "Event database (.kiosk file)")->required();
    run->add_option("--mode", opts->mode, "attendee (default) or dashboard (read-only second screen)")
        ->check(CLI::IsMember({"attendee", "dashboard"}));
    run->add_option("--kiosk", opts->kiosk, "Name of this kiosk in the check-in log (default: host name)");
    run->add_option_function<std::string>(
        "--camera", [opts](const std::string& d) { opts->camera = d, opts->cameraGiven = true; },
        "V4L2 camera device, e.g. /dev/video0 (default: the first camera found)");
    run->add_option("--frames", opts->frames, "Directory of PNG/JPEG frames played as a camera (demo, tests)")
        ->check(CLI::ExistingDirectory);
    run->add_option("--fps", opts->fps, "Frame rate of --frames")->check(CLI::Range(0.5, 120.0));
    run->add_option("--printer", opts->printer, "CUPS queue for badges (default: no printer)");
    run->add_option(
        "--template", opts->templateName,
        "Badge template: a name in share/kiosk/templates (default, a7, cr80, 62mm, 4x3in, 4x6in) or "
        "a .json path (default: default)");
    run->add_option(
        "--media", opts->media,
        "Paper for the badges, sent with every job: default the template's page size; 'queue' for "
        "the printer's own setting; or a name the printer lists (lpoptions -p Q -l)");
    run->add_option("--badge-pickup", opts->badgePickup,
                    "Where badges are handed out when there is no printer");
    run->add_option("--keyboard", opts->keyboard,
                    "The help desk's on-screen keyboard, for a touch-only machine: auto (shown until a key "
                    "is typed on a real keyboard), on, off")
        ->check(CLI::IsMember({"auto", "on", "off"}));
    run->add_flag("--windowed", opts->windowed, "Development: a normal window, closable, no lockdown");
    run->add_flag("--large-text", opts->largeText, "Start in large-text mode");
    run->add_option("--status-file", opts->statusFile, "Write the screen state as one JSON line (tests)");
    run->add_option("--backup", opts->backup,
                    "Copy the database to this file every few minutes while running (e.g. on a USB stick)");
    run->add_option("--backup-minutes", opts->backupMinutes, "Minutes between backups (default 5)")
        ->check(CLI::Range(0.05, 1440.0));
    run->add_option("--stats-file", opts->statsFile, "Write frame-time and latency figures as JSON");
    run->add_option("--assets", opts->assets,
                    "Folder holding lang/ and templates/ (default: share/kiosk beside the program's bin/)");
    run->add_option("--welcome-seconds", opts->welcomeSeconds, "How long the welcome stays")
        ->check(CLI::Range(1.0, 60.0));
    run->callback([opts, &ctx] { ctx.exitCode = kiosk::app::run(*opts); });
}

}  // namespace kiosk::app
