// kiosk scan: decode image files (one JSON line per file, the shape ../shared/peers/zbar-scan
// prints) or run the live scanner on a camera or a frame directory, optionally checking each
// debounced scan in against an event database.
#include "commands.hpp"

#include <kiosk/core.hpp>
#include <kiosk/scanner.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace kiosk::app {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void onSignal(int) {
    g_interrupted = true;
}

struct ScanArgs {
    bool json = false;
    std::vector<std::string> files;
    bool camera = false;
    std::string device;
    std::string framesDir;
    double fps = 15;
    bool loop = false;
    std::string db;
    std::string kioskName = "cli";
    double duration = 0;  // seconds, 0 = until Ctrl+C (or the end of a non-looping sequence)
    bool listCameras = false;
    int width = 1280, height = 720;
};

int scanFiles(const ScanArgs& a) {
    scanner::Decoder decoder;
    int status = 0;
    for (const auto& path : a.files) {
        auto img = scanner::loadImage(path);
        std::optional<scanner::Decoded> d;
        double ms = 0;
        if (!img) {
            std::fprintf(stderr, "kiosk scan: %s\n", img.error().message.c_str());
            status = 2;
        } else {
            const auto t0 = std::chrono::steady_clock::now();
            d = decoder.decode(img->view(), scanner::DecodeBudget{std::chrono::seconds(2), true});
            ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            if (!d && status == 0) status = 1;
        }
        if (a.json) {
            // Same separators as zbar-scan (Python json.dumps) so the lines line up.
            const auto str = [](const nlohmann::json& v) {
                return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            };
            std::printf("{\"file\": %s, \"text\": %s, \"ms\": %s}\n", str(path).c_str(),
                        d ? str(d->text).c_str() : "null", str(std::round(ms * 1000) / 1000).c_str());
        } else if (d) {
            std::printf("%s: %s\n", path.c_str(), core::escapeForDisplay(d->text).c_str());
        } else {
            std::printf("%s: no code found\n", path.c_str());
        }
        std::fflush(stdout);
    }
    return status;
}

int scanLive(const ScanArgs& a) {
    std::optional<core::Database> db;
    if (!a.db.empty()) {
        auto r = core::Database::open(a.db, core::Database::Mode::OpenExisting);
        if (!r) {
            std::fprintf(stderr, "kiosk scan: %s: %s\n", r.error().code.c_str(), r.error().message.c_str());
            return 2;
        }
        db.emplace(std::move(r.value()));
    }
    std::unique_ptr<scanner::FrameSource> source;
    if (!a.framesDir.empty())
        source = scanner::openFrameSequence({a.framesDir, a.fps, a.loop});
    else
        source = scanner::openCamera({a.device, a.width, a.height, 30});
    scanner::ScanService service(std::move(source));
    if (auto st = service.start(); !st) {
        std::fprintf(stderr, "kiosk scan: %s\n", st.error().message.c_str());
        return 2;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const auto t0 = std::chrono::steady_clock::now();
    std::string lastHealth;
    int exitCode = 0;
    while (!g_interrupted) {
        for (auto& e : service.poll()) {
            nlohmann::ordered_json j;
            j["text"] = e.text;
            j["origin"] = std::string(scanner::originName(e.origin));
            j["utc"] = core::formatIso8601(e.utc);
            j["latency_ms"] = e.latencyMs;
            std::string outcome;
            if (db) {
                core::ScanRequest req;
                req.payload = e.text;
                req.kiosk = a.kioskName;
                req.at = e.utc;
                auto r = db->checkIn(req);
                if (!r) {
                    std::fprintf(stderr, "kiosk scan: check-in failed: %s: %s\n", r.error().code.c_str(),
                                 r.error().message.c_str());
                    exitCode = 2;
                    j["outcome"] = nullptr;
                } else {
                    outcome = std::string(core::reasonCode(r->outcome));
                    j["outcome"] = outcome;
                    j["case"] = r->caseRef;
                    if (r->outcome == core::Outcome::CheckedIn && r->attendee)
                        j["first_name"] = r->attendee->firstName;
                }
            }
            if (a.json)
                std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
            else
                std::printf("%s  %s  (%.0f ms)%s%s\n", core::formatIso8601(e.utc).c_str(),
                            core::escapeForDisplay(e.text).c_str(), e.latencyMs,
                            outcome.empty() ? "" : "  → ", outcome.c_str());
            std::fflush(stdout);
        }
        const auto h = service.health();
        const std::string healthLine = std::string(scanner::stateName(h.state)) + ": " + h.message;
        if (healthLine != lastHealth) {
            std::fprintf(stderr, "kiosk scan: %s\n", healthLine.c_str());
            lastHealth = healthLine;
        }
        if (h.state == scanner::SourceState::Failed) {
            exitCode = 2;
            break;
        }
        if (h.state == scanner::SourceState::Finished) {
            // Let the decoder finish the last frames before leaving.
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            for (auto& e : service.poll())
                std::printf(
                    "%s\n",
                    a.json ? nlohmann::ordered_json{{"text", e.text}, {"origin", "camera"}}.dump().c_str()
                           : core::escapeForDisplay(e.text).c_str());
            break;
        }
        if (a.duration > 0 &&
            std::chrono::steady_clock::now() - t0 > std::chrono::duration<double>(a.duration))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    service.stop();
    return exitCode;
}

int listCameras() {
    auto cams = scanner::listCameras();
    if (cams.empty()) std::printf("no camera found under /dev/video* (check permissions: group 'video')\n");
    for (const auto& c : cams) {
        std::printf("%s  %s", c.device.c_str(), c.name.c_str());
        for (const auto& s : c.sizes) std::printf("  %dx%d", s[0], s[1]);
        std::printf("\n");
    }
    return 0;
}

}  // namespace

void registerScanCommands(CLI::App& app, CommandContext& ctx) {
    auto args = std::make_shared<ScanArgs>();
    auto* cmd = app.add_subcommand(
        "scan",
        "Decode QR codes in image files, or scan live from a camera or a frame directory.\n"
        "Exit status for files: 0 all decoded, 1 some without a code, 2 unreadable file.");
    cmd->add_flag("--json", args->json, "One JSON line per file / scan");
    cmd->add_option("files", args->files, "PNG or JPEG files")->check(CLI::ExistingFile);
    cmd->add_option("--camera", args->device, "Scan live from a camera (default: the first one found)")
        ->expected(0, 1)
        ->each([args](const std::string&) { args->camera = true; });
    cmd->add_flag("--list-cameras", args->listCameras, "List capture devices and their frame sizes");
    cmd->add_option(
        "--size",
        [args](const CLI::results_t& r) {
            return std::sscanf(r[0].c_str(), "%dx%d", &args->width, &args->height) == 2;
        },
        "Preferred camera frame size, e.g. 1280x720");
    cmd->add_option("--frames", args->framesDir, "Play a directory of PNG/JPEG frames as a camera")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--fps", args->fps, "Frame rate for --frames")->check(CLI::Range(0.1, 240.0));
    cmd->add_flag("--loop", args->loop, "Loop the --frames directory");
    cmd->add_option("--db", args->db, "Check each scan in against this event database");
    cmd->add_option("--kiosk", args->kioskName, "Kiosk name recorded with each check-in");
    cmd->add_option("--duration", args->duration, "Stop live scanning after this many seconds");
    cmd->callback([args, &ctx, cmd] {
        if (args->listCameras) {
            ctx.exitCode = listCameras();
            return;
        }
        // `--camera` without a value still counts (each() only runs for given values).
        if (cmd->count("--camera") > 0) args->camera = true;
        if (args->camera || !args->framesDir.empty()) {
            ctx.exitCode = scanLive(*args);
        } else if (!args->files.empty()) {
            ctx.exitCode = scanFiles(*args);
        } else {
            throw CLI::ValidationError("kiosk scan", "give image files, --camera [DEVICE] or --frames DIR");
        }
    });
}

}  // namespace kiosk::app
