// KioskApp: the application state and the one loop (see ui.hpp for the phases).
//
// Sections: Impl (state) · create · input · drainQueues · frame · handleIntents · runFrame ·
// status and stats.
#include <kiosk/printing/printer.hpp>
#include <kiosk/scanner.hpp>
#include <kiosk/ui.hpp>

#include "attendee_model.hpp"
#include "attendee_screen.hpp"
#include "checkin_worker.hpp"
#include "font_loader.hpp"
#include "intents.hpp"
#include "pin.hpp"
#include "shell_context.hpp"
#include "sound.hpp"
#include "strings.hpp"
#include "theme.hpp"

#if __has_include("desk_controller.hpp") && __has_include("desk_screen.hpp")
#include "desk_controller.hpp"
#include "desk_screen.hpp"
#define KIOSK_UI_HAS_DESK 1
#endif
#if __has_include("dashboard_controller.hpp") && __has_include("dashboard_screen.hpp")
#include "dashboard_controller.hpp"
#include "dashboard_screen.hpp"
#define KIOSK_UI_HAS_DASHBOARD 1
#endif

#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <future>
#include <optional>

namespace kiosk::ui {

using Steady = std::chrono::steady_clock;

std::string_view modeName(Mode m) {
    switch (m) {
        case Mode::Attendee: return "attendee";
        case Mode::Desk: return "desk";
        case Mode::Dashboard: return "dashboard";
    }
    return "attendee";
}

namespace {

/// FNV-1a over everything ImGui will draw this frame. Equal hashes mean an identical picture, so
/// the backend need not rasterise it again: on a software renderer (llvmpipe, Xvfb, a kiosk PC
/// without a GPU driver) that is most of a frame's cost, and an idle screen costs nothing.
uint64_t hashDrawData(const ImDrawData* dd) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
    };
    if (!dd) return h;
    mix(&dd->DisplaySize, sizeof dd->DisplaySize);
    for (int i = 0; i < dd->CmdListsCount; ++i) {
        const ImDrawList* l = dd->CmdLists[i];
        mix(l->VtxBuffer.Data, static_cast<std::size_t>(l->VtxBuffer.Size) * sizeof(ImDrawVert));
        mix(l->IdxBuffer.Data, static_cast<std::size_t>(l->IdxBuffer.Size) * sizeof(ImDrawIdx));
        for (const ImDrawCmd& c : l->CmdBuffer) {
            mix(&c.ClipRect, sizeof c.ClipRect);
            mix(&c.TextureId, sizeof c.TextureId);
            mix(&c.ElemCount, sizeof c.ElemCount);
        }
    }
    return h;
}

double msBetween(Steady::time_point a, Steady::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

nlohmann::json percentiles(std::vector<double> v) {
    nlohmann::json j = nlohmann::json::object();
    j["count"] = v.size();
    if (v.empty()) return j;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1) + 0.5))]; };
    j["p50"] = at(0.50);
    j["p95"] = at(0.95);
    j["p99"] = at(0.99);
    j["max"] = v.back();
    return j;
}

}  // namespace

// =============================================================================================
// Impl

struct KioskApp::Impl {
    AppOptions opt;
    core::Database db;
    Strings text;
    std::unique_ptr<scanner::ScanService> scan;
    std::unique_ptr<printing::PrintService> print;
    std::unique_ptr<CheckinWorker> worker;
    ImGuiContext* imgui = nullptr;
    ShellContext ctx;

    Mode mode = Mode::Attendee;
    AttendeeState attendee;
    AttendeeTimings timings;
    FontLoader fonts;
    Fonts fallbackFonts;  ///< the body font standing in for the title font (see frame())
    bool fontsDirty = true;
    bool largeText = false;
    float pixelsPerMm = 96.f / 25.4f;
    IntentSink sink;
    SoundPlayer sound;

    // PIN gate (verification is ~0.1 s of argon2id: done on a thread, polled per frame)
    bool pinScreen = false;
    std::string pinEntry;
    PinLock pinLock;
    PinConfig pinConfig;
    std::string pinMessage;
    bool pinMessageIsError = false;
    std::optional<std::future<bool>> pinCheck;

#ifdef KIOSK_UI_HAS_DESK
    std::optional<DeskController> desk;
#endif
#ifdef KIOSK_UI_HAS_DASHBOARD
    std::optional<DashboardController> dashboard;
#endif

    // camera preview
    scanner::PreviewFrame preview;
    bool previewFresh = false;
    void* previewTexture = nullptr;
    int textureW = 0, textureH = 0;

    Steady::time_point lastHealth{};
    uint64_t nextJobId = 1;

    // measurements
    std::vector<double> frameWorkMs;      ///< drain → swap done (what the CPU spends per frame)
    std::vector<double> frameIntervalMs;  ///< start to start (includes the wait for the next frame)
    std::vector<double> uiWorkMs;         ///< drain → draw lists ready (our code, without the GPU driver)
    std::vector<double> renderSwapMs;     ///< OpenGL render + swap of frames that changed (llvmpipe: CPU)
    std::vector<double> scanToWelcomeMs;  ///< code entered (last key / frame capture) → welcome swapped
    std::vector<double> welcomeToAcceptedMs;  ///< welcome on screen → CUPS accepted the badge job
    std::vector<double> checkinDbMs;          ///< worker's checkIn + enqueuePrint
    std::optional<Steady::time_point> welcomeCodeAt;  ///< set when a welcome is about to be drawn
    std::string welcomeJobId;
    std::optional<core::TimePoint> welcomeShownUtc;
    Steady::time_point lastFrameStart{};
    uint64_t lastDrawHash = 0;
    Steady::time_point lastRender{};
    uint64_t framesRendered = 0;
    Steady::time_point lastStatsWrite{};
    std::string lastStatus;

    Impl(AppOptions o, core::Database d)
        : opt(std::move(o)), db(std::move(d)), ctx{.db = db, .text = text} {}

    Steady::time_point steadyNow() const { return opt.steadyNow ? opt.steadyNow() : Steady::now(); }
    core::TimePoint utcNow() const { return opt.utcNow ? opt.utcNow() : core::nowUtc(); }

    void refreshContext() {
        ctx.language = attendee.kioskLanguage;
        ctx.kioskName = opt.kioskName;
        ctx.dbPath = db.path();
        ctx.now = utcNow();
        ctx.steadyNow = steadyNow();
        ctx.print = print.get();
        ctx.pinLock = &pinLock;
        ctx.pixelsPerMm = pixelsPerMm;
        ctx.largeText = largeText;
        ctx.fonts = &fonts.fonts();
    }

    void submitScan(std::string payload, Steady::time_point codeAt, core::TimePoint utc, std::string origin) {
        CheckinJob job;
        job.id = nextJobId++;
        job.request.payload = std::move(payload);
        job.request.kiosk = opt.kioskName;
        job.request.at = utc;
        job.enqueueBadge = print != nullptr;
        job.codeAt = codeAt;
        job.origin = std::move(origin);
        if (!worker) return;  // dashboard-only: scans are not taken
        attendee.checking = true;
        worker->submit(std::move(job));
    }

    void onCheckinDone(CheckinDone& d) {
        const auto now = steadyNow();
        checkinDbMs.push_back(d.dbMs);
        if (!d.result) {
            std::fprintf(stderr, "kiosk: check-in failed: %s: %s\n", d.error.code.c_str(), d.error.message.c_str());
            // The attendee is sent to the desk; the status line and the desk say why.
            ctx.writeProblem = d.error.code + ": " + d.error.message;
            applyCheckinError(attendee, now, timings);
            sound.play(Tone::Attention);
            return;
        }
        ctx.writeProblem.clear();
        const core::ScanResult& r = *d.result;
        const bool printing = print != nullptr && d.printJob.has_value();
        applyScanResult(attendee, r, print != nullptr, now, timings);
        if (r.outcome == core::Outcome::CheckedIn) {
            welcomeCodeAt = d.codeAt;
            welcomeShownUtc.reset();
            welcomeJobId.clear();
            if (printing) {
                attachPrintJob(attendee, d.printJob->id);
                welcomeJobId = d.printJob->id;
                print->submitJob(d.printJob->id);
            } else if (print) {
                // The check-in counts; the badge could not even be queued: the desk prints it.
                std::fprintf(stderr, "kiosk: badge not queued: %s\n", d.printError.c_str());
                attachPrintJob(attendee, "unqueued");
                applyPrintProgress(attendee, "unqueued", "failed", 0.f, true);
            }
        }
        sound.play(toneFor(attendee.outcome));
    }

    ServiceHealth scannerHealth() const {
        ServiceHealth h;
        if (!scan) {
            h.state = "none";
            return h;
        }
        const auto sh = scan->health();
        h.state = std::string(scanner::stateName(sh.state));
        h.ok = sh.state == scanner::SourceState::Running || sh.state == scanner::SourceState::Stopped;
        h.message = sh.message;
        return h;
    }

    ServiceHealth printerHealth() const {
        ServiceHealth h;
        if (!print) {
            h.state = "none";
            h.message = text.get(attendee.kioskLanguage, "status.no_printer");
            return h;
        }
        const auto ph = print->health();
        h.ok = ph.ready();
        h.state = !ph.reachable ? "unreachable" : std::string(printing::queueStateCode(ph.state));
        if (!ph.accepting && ph.reachable) h.state = "not_accepting";
        h.message = ph.lastError;
        for (const auto& r : ph.reasons) h.message += (h.message.empty() ? "" : "; ") + r.text;
        return h;
    }

    std::string statusLine() const {
        const core::Language l = attendee.kioskLanguage;
        // Device states are stable codes ("running", "unreachable" …); the line shows them in words.
        std::string s = opt.kioskName;
        if (!ctx.writeProblem.empty()) s = "\u26A0 " + text.get(l, "status.not_saved") + "  ·  " + s;
        if (opt.noCamera)
            s += "  ·  " + text.get(l, "status.no_camera");
        else
            s += "  ·  " + text.format(l, "status.camera", {{"state", text.stateWord(l, ctx.scanner.state)}});
        if (!opt.scannerNote.empty()) s += " (" + opt.scannerNote + ")";
        if (print)
            s += "  ·  " + text.format(l, "status.printer", {{"state", text.stateWord(l, ctx.printer.state)}});
        else
            s += "  ·  " + text.get(l, "status.no_printer");
        if (!sound.available()) s += "  ·  " + text.get(l, "status.no_audio");
        return s;
    }

    bool cameraAvailable() const {
        return scan && !opt.noCamera && ctx.scanner.state != "failed";
    }

    void openPinScreen() {
        if (opt.dashboardOnly) return;
        pinScreen = true;
        pinEntry.clear();
        pinMessage.clear();
        pinMessageIsError = false;
        if (!pinLock.hasPin()) {
            pinMessage = pinConfig.problem.empty() ? text.get(attendee.kioskLanguage, "lock.no_pin") : pinConfig.problem;
            pinMessageIsError = true;
        }
    }

    void submitPin() {
        if (pinCheck) return;
        const std::string pin = std::exchange(pinEntry, {});
        const auto now = steadyNow();
        const core::Language l = attendee.kioskLanguage;
        if (auto gate = pinLock.beginAttempt(now)) {
            pinMessageIsError = true;
            if (*gate == PinAttempt::NoPin) {
                pinMessage = pinConfig.problem.empty() ? text.get(l, "lock.no_pin") : pinConfig.problem;
            } else {
                const auto wait = std::chrono::duration_cast<std::chrono::seconds>(pinLock.waitRemaining(now)).count() + 1;
                pinMessage = text.format(l, "lock.wait", {{"seconds", std::to_string(wait)}});
            }
            return;
        }
        pinMessage = text.get(l, "lock.checking");
        pinMessageIsError = false;
        pinCheck = std::async(std::launch::async, [hash = pinLock.hash(), pin] { return verifyPin(hash, pin); });
    }

    void pollPin() {
        if (!pinCheck) return;
        if (pinCheck->wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
        const bool matched = pinCheck->get();
        pinCheck.reset();
        const auto now = steadyNow();
        const PinAttempt a = pinLock.finishAttempt(matched, now);
        if (a == PinAttempt::Opened && pinLock.unlocked()) {
            pinScreen = false;
            pinMessage.clear();
            pinLock.touch(now);
            mode = Mode::Desk;
            return;
        }
        pinMessageIsError = true;
        pinMessage = text.get(attendee.kioskLanguage, "lock.wrong");
        const auto wait = pinLock.waitRemaining(now);
        if (wait.count() > 0) {
            const auto s = std::chrono::duration_cast<std::chrono::seconds>(wait).count() + 1;
            pinMessage += "  ·  " + text.format(attendee.kioskLanguage, "lock.wait", {{"seconds", std::to_string(s)}});
        }
    }

    void leaveDesk() {
        pinLock.lock();
        mode = Mode::Attendee;
        pinScreen = false;
#ifdef KIOSK_UI_HAS_DESK
        if (desk) desk->clear();
#endif
    }

    std::string screenName() const {
        if (mode == Mode::Desk) return "desk";
        if (mode == Mode::Dashboard) return "dashboard";
        if (pinScreen) return "pin";
        return std::string(attendeeScreenName(attendee.screen));
    }

    std::string statusJson() const {
        nlohmann::json j;
        j["mode"] = std::string(modeName(mode));
        j["screen"] = screenName();
        j["outcome"] = attendee.screen == AttendeeScreen::Idle ? nlohmann::json(nullptr)
                       : attendee.outcome ? nlohmann::json(std::string(core::reasonCode(*attendee.outcome)))
                                          : nlohmann::json("error");
        j["caseRef"] = attendee.caseRef;
        j["language"] = std::string(core::languageCode(attendee.shownLanguage));
        j["badge"] = static_cast<int>(attendee.badge);
        j["badgeProgress"] = attendee.badgeProgress;
        j["generation"] = attendee.generation;
        j["pinMessage"] = pinMessage;
        j["largeText"] = largeText;
        j["writeProblem"] = ctx.writeProblem;  // "db.replaced: …" while check-ins are not saved
#ifdef KIOSK_UI_HAS_DASHBOARD
        // E2: the headcount the dashboard shows, for the Xvfb test of `--mode dashboard`.
        if (dashboard && mode == Mode::Dashboard) {
            j["arrived"] = dashboard->model().arrived;
            j["registered"] = dashboard->model().registered;
        }
#endif
        return j.dump();
    }

    void writeStatusIfChanged() {
        if (opt.statusFile.empty()) return;
        std::string s = statusJson();
        if (s == lastStatus) return;
        lastStatus = s;
        // Test hook only (the --status-file option): a tiny write to a temp file and a rename.
        const std::string tmp = opt.statusFile + ".tmp";
        if (std::FILE* f = std::fopen(tmp.c_str(), "w")) {
            std::fputs(s.c_str(), f);
            std::fputc('\n', f);
            std::fclose(f);
            std::rename(tmp.c_str(), opt.statusFile.c_str());
        }
    }

    void writeStats() const {
        if (opt.statsFile.empty()) return;
        nlohmann::json j;
        j["frames"] = frameWorkMs.size();
        j["frames_rendered"] = framesRendered;
        j["frame_work_ms"] = percentiles(frameWorkMs);
        j["frame_interval_ms"] = percentiles(frameIntervalMs);
        j["ui_work_ms"] = percentiles(uiWorkMs);
        j["render_swap_ms"] = percentiles(renderSwapMs);
        j["scan_to_welcome_ms"] = percentiles(scanToWelcomeMs);
        j["scan_to_welcome_samples"] = scanToWelcomeMs;
        j["welcome_to_cups_accepted_ms"] = percentiles(welcomeToAcceptedMs);
        j["welcome_to_cups_accepted_samples"] = welcomeToAcceptedMs;
        j["checkin_db_ms"] = percentiles(checkinDbMs);
        const std::string tmp = opt.statsFile + ".tmp";
        std::ofstream(tmp) << j.dump(1) << "\n";
        std::rename(tmp.c_str(), opt.statsFile.c_str());
    }
};

// =============================================================================================
// create

core::Result<std::unique_ptr<KioskApp>> KioskApp::create(AppOptions options, core::Database db,
                                                         std::unique_ptr<scanner::ScanService> scan,
                                                         std::unique_ptr<printing::PrintService> print) {
    auto strings = Strings::load(options.assetsDir);
    if (!strings) return strings.error();
    // A dashboard-only window never checks anyone in: no worker, no second (writing) connection.
    std::unique_ptr<CheckinWorker> checkinWorker;
    if (!options.dashboardOnly) {
        auto worker = CheckinWorker::start(db.path());
        if (!worker) return core::Error{"ui.worker", "cannot open a second connection to " + db.path() + ": " +
                                                         worker.error().message};
        checkinWorker = std::move(worker).value();
    }

    auto impl = std::make_unique<Impl>(std::move(options), std::move(db));
    Impl& m = *impl;
    m.text = std::move(strings).value();
    m.scan = std::move(scan);
    m.print = std::move(print);
    m.worker = std::move(checkinWorker);
    m.timings.welcomeFor = m.opt.welcomeFor;
    m.timings.helpFor = m.opt.helpFor;
    m.largeText = m.opt.largeText;
    m.mode = m.opt.dashboardOnly ? Mode::Dashboard : m.opt.mode;

    auto ev = m.db.event();
    if (ev && ev->has_value()) {
        m.attendee.eventName = (*ev)->name;
        m.attendee.kioskLanguage = m.attendee.shownLanguage = (*ev)->defaultLanguage;
        m.fonts.addText((*ev)->name);
    }
    // The large fonts get exactly the letters this event's names and texts need.
    for (std::string_view t : m.text.allTexts()) m.fonts.addText(t);
    if (auto people = m.db.attendees()) {
        for (const auto& a : *people) m.fonts.addText(a.firstName);
    }

    const bool isDemo = ev && ev->has_value() && (*ev)->id.rfind("rrbsi", 0) == 0;
    m.pinConfig = loadPinConfig(m.db.path(), m.opt.allowDemoPin && isDemo);
    m.pinLock = PinLock(m.pinConfig.hash);

    m.imgui = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing of a session survives on disk
    io.LogFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;

    if (m.scan) {
        if (auto st = m.scan->start(); !st)
            std::fprintf(stderr, "kiosk: scanner: %s (%s)\n", st.error().message.c_str(), st.error().code.c_str());
    }
    m.refreshContext();
#ifdef KIOSK_UI_HAS_DESK
    if (!m.opt.dashboardOnly) m.desk.emplace(m.ctx);
#endif
#ifdef KIOSK_UI_HAS_DASHBOARD
    m.dashboard.emplace(m.ctx, /*standalone=*/m.opt.dashboardOnly);  // E2: no "back to desk" on a second screen
#endif
    return std::unique_ptr<KioskApp>(new KioskApp(std::move(impl)));
}

KioskApp::KioskApp(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

KioskApp::~KioskApp() {
    if (!m_impl) return;
    m_impl->writeStats();
    if (m_impl->pinCheck) m_impl->pinCheck->wait();
    if (m_impl->scan) m_impl->scan->stop();
    m_impl->worker.reset();
    m_impl->print.reset();
    if (m_impl->imgui) ImGui::DestroyContext(m_impl->imgui);
}

// =============================================================================================
// input

void KioskApp::onChar(char32_t cp, Steady::time_point now) {
    Impl& m = *m_impl;
    if (m.mode != Mode::Attendee) return;  // desk text fields get characters through ImGui
    if (m.pinScreen) {
        if (cp >= U'0' && cp <= U'9') m.sink.push(PinKey{static_cast<char>(cp)});
        return;
    }
    // No widget has focus on the public screen: every character is the wedge scanner's.
    if (m.scan) m.scan->feedWedgeChar(cp, now);
}

void KioskApp::onKey(Key key, Steady::time_point now) {
    Impl& m = *m_impl;
    if (m.mode != Mode::Attendee) return;
    if (m.pinScreen) {
        if (key == Key::Enter) m.sink.push(PinKey{'\n'});
        if (key == Key::Backspace) m.sink.push(PinKey{'\b'});
        if (key == Key::Escape) m.sink.push(CancelPin{});
        return;
    }
    if (key == Key::F12) {
        m.sink.push(RequestStaff{});
        return;
    }
    if (!m.scan) return;
    // Escape is not an exit in lockdown: it only resets a half-typed wedge burst.
    scanner::WedgeKey wk = scanner::WedgeKey::Other;
    switch (key) {
        case Key::Enter: wk = scanner::WedgeKey::Enter; break;
        case Key::Tab: wk = scanner::WedgeKey::Tab; break;
        case Key::Backspace: wk = scanner::WedgeKey::Backspace; break;
        case Key::Escape: wk = scanner::WedgeKey::Escape; break;
        default: break;
    }
    m.scan->feedWedgeKey(wk, now);
}

// =============================================================================================
// drainQueues

void KioskApp::drainQueues() {
    Impl& m = *m_impl;
    const auto now = m.steadyNow();

    if (m.worker)
        for (auto& done : m.worker->poll()) m.onCheckinDone(done);

    if (m.scan) {
        for (auto& ev : m.scan->poll()) {
            if (m.mode != Mode::Attendee || m.opt.dashboardOnly) continue;  // the desk has its own search
            const auto codeAt = ev.time - std::chrono::duration_cast<Steady::duration>(
                                              std::chrono::duration<double, std::milli>(ev.latencyMs));
            const core::TimePoint utc = ev.utc.time_since_epoch().count() ? ev.utc : m.utcNow();
            m.submitScan(std::move(ev.text), codeAt, utc, std::string(scanner::originName(ev.origin)));
        }
        if (m.scan->latestPreview(m.preview)) m.previewFresh = true;
    }

    if (m.print) {
        for (const auto& ev : m.print->poll()) {
            applyPrintProgress(m.attendee, ev.jobId, ev.state, ev.progress, !ev.errorCode.empty() && ev.progress <= 0.f);
            if (ev.stage == "accepted" && ev.jobId == m.welcomeJobId && m.welcomeShownUtc) {
                // Both instants on the UTC clock: the worker stamps the event, we stamped the welcome.
                m.welcomeToAcceptedMs.push_back(
                    static_cast<double>((ev.at - *m.welcomeShownUtc).count()));
                m.welcomeJobId.clear();
            }
        }
    }

    if (now - m.lastHealth > std::chrono::milliseconds(500)) {
        m.lastHealth = now;
        m.ctx.scanner = m.scannerHealth();
        m.ctx.printer = m.printerHealth();
    }
    m.sound.reap();
    m.pollPin();
    tick(m.attendee, now);
    if (m.mode != Mode::Attendee && !m.opt.dashboardOnly && m.pinLock.tick(now)) m.leaveDesk();
    m.refreshContext();
#ifdef KIOSK_UI_HAS_DESK
    if (m.desk && m.mode == Mode::Desk) m.desk->refresh(m.ctx);
#endif
#ifdef KIOSK_UI_HAS_DASHBOARD
    if (m.dashboard && m.mode == Mode::Dashboard) m.dashboard->refresh(m.ctx);
#endif
}

// =============================================================================================
// frame

void KioskApp::frame() {
    Impl& m = *m_impl;
    const Fonts& f = m.fonts.fonts();
    const core::Language l = m.attendee.kioskLanguage;
    if (m.mode != Mode::Attendee && (ImGui::IsMouseClicked(0) || ImGui::GetIO().InputQueueCharacters.Size > 0))
        m.pinLock.touch(m.steadyNow());

    if (m.mode == Mode::Attendee && m.pinScreen) {
        LockView v;
        v.title = m.text.get(l, "lock.title");
        v.prompt = m.text.get(l, "lock.prompt");
        v.digits = m.pinEntry.size();
        v.message = m.pinMessage;
        v.messageIsError = m.pinMessageIsError;
        v.busy = m.pinCheck.has_value();
        v.cancelLabel = m.text.get(l, "lock.cancel");
        v.enterLabel = m.text.get(l, "lock.enter");
        v.clearLabel = m.text.get(l, "lock.clear");
        v.fonts = &f;
        v.pixelsPerMm = m.pixelsPerMm;
        drawLock(v, m.sink);
    } else if (m.mode == Mode::Attendee) {
        AttendeeView v;
        v.screen = describe(m.attendee, m.text, m.cameraAvailable(), m.opt.badgePickup);
        v.language = m.attendee.shownLanguage;  // a result shows in the attendee's own language
        v.languageNames = {m.text.get(core::Language::Fr, "language.fr"), m.text.get(core::Language::Nl, "language.nl"),
                           m.text.get(core::Language::En, "language.en")};
        v.fonts = &f;
        // A name with letters outside the large font's set is drawn in the body font instead.
        if (!m.attendee.firstName.empty() && !FontLoader::hasAllGlyphs(f.title, v.screen.headline)) {
            m.fallbackFonts = f;
            m.fallbackFonts.title = f.body;
            v.fonts = &m.fallbackFonts;
        }
        v.pixelsPerMm = m.pixelsPerMm;
        v.largeText = m.largeText;
        v.largeTextLabel = m.text.get(l, m.largeText ? "attendee.normal_text" : "attendee.larger_text");
        v.staffLabel = m.text.get(l, "attendee.staff");
        if (m.previewTexture && m.cameraAvailable()) {
            v.previewTexture = m.previewTexture;
            v.previewWidth = m.textureW;
            v.previewHeight = m.textureH;
            v.previewHasCode = m.preview.hasCode;
            for (int i = 0; i < 4; ++i)
                v.previewCorners[i] = {static_cast<float>(m.preview.corners[i].x), static_cast<float>(m.preview.corners[i].y)};
        }
        v.statusLine = m.statusLine();
        v.statusWarning = !m.ctx.writeProblem.empty();
        v.lockdown = m.opt.lockdown;
        drawAttendee(v, m.sink);
    } else if (m.mode == Mode::Desk) {
#ifdef KIOSK_UI_HAS_DESK
        if (m.desk) drawDesk(m.desk->model(), m.sink);
#endif
    } else if (m.mode == Mode::Dashboard) {
#ifdef KIOSK_UI_HAS_DASHBOARD
        if (m.dashboard) drawDashboard(m.dashboard->model(), m.sink);
#else
        const ImGuiViewport* vp = ImGui::GetMainViewport();
        ImGui::SetNextWindowPos(vp->WorkPos);
        ImGui::SetNextWindowSize(vp->WorkSize);
        ImGui::Begin("##dashboard", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
        ImGui::TextUnformatted(m.text.get(l, "status.dashboard_unavailable").c_str());
        ImGui::End();
#endif
    }
}

// =============================================================================================
// handleIntents

void KioskApp::handleIntents() {
    Impl& m = *m_impl;
    auto intents = m.sink.take();
    if (!intents.empty() && m.mode != Mode::Attendee) m.pinLock.touch(m.steadyNow());
    for (auto& intent : intents) {
        bool handled = true;
        std::visit(
            [&](auto& i) {
                using T = std::decay_t<decltype(i)>;
                if constexpr (std::is_same_v<T, SetLanguage>) {
                    setLanguage(m.attendee, i.language);
                } else if constexpr (std::is_same_v<T, SubmitCode>) {
                    if (m.mode == Mode::Attendee && !m.opt.dashboardOnly)
                        m.submitScan(i.payload, m.steadyNow(), m.utcNow(), "test");
                } else if constexpr (std::is_same_v<T, DismissResult>) {
                    dismiss(m.attendee);
                } else if constexpr (std::is_same_v<T, RequestStaff>) {
                    if (m.mode == Mode::Attendee) m.openPinScreen();
                } else if constexpr (std::is_same_v<T, CancelPin>) {
                    m.pinScreen = false;
                    m.pinEntry.clear();
                } else if constexpr (std::is_same_v<T, PinKey>) {
                    if (!m.pinScreen || m.pinCheck) return;
                    if (i.key >= '0' && i.key <= '9' && m.pinEntry.size() < kPinMaxLength)
                        m.pinEntry.push_back(i.key);
                    else if (i.key == '\b' && !m.pinEntry.empty())
                        m.pinEntry.pop_back();
                    else if (i.key == 'c')
                        m.pinEntry.clear();
                    else if (i.key == '\n')
                        m.submitPin();
                } else if constexpr (std::is_same_v<T, EnterDesk>) {
                    if (m.pinScreen) {
                        m.pinEntry = i.pin;
                        m.submitPin();
                    }
                } else if constexpr (std::is_same_v<T, LeaveDesk>) {
                    m.leaveDesk();
                } else if constexpr (std::is_same_v<T, ShowDashboard>) {
                    if (m.pinLock.unlocked()) m.mode = Mode::Dashboard;
                } else if constexpr (std::is_same_v<T, ShowDesk>) {
                    if (m.pinLock.unlocked() && !m.opt.dashboardOnly) m.mode = Mode::Desk;
                } else if constexpr (std::is_same_v<T, ToggleLargeText>) {
                    m.largeText = !m.largeText;
                    m.fontsDirty = true;
                } else {
                    handled = false;
                }
            },
            intent);
        if (handled) continue;
        // Everything else belongs to the screen of the current mode, and only behind the PIN.
        if (!m.pinLock.unlocked()) continue;
#ifdef KIOSK_UI_HAS_DESK
        if (m.mode == Mode::Desk && m.desk) m.desk->handle(intent, m.ctx);
#endif
#ifdef KIOSK_UI_HAS_DASHBOARD
        if (m.mode == Mode::Dashboard && m.dashboard) m.dashboard->handle(intent, m.ctx);
#endif
    }
    m.writeStatusIfChanged();
}

// =============================================================================================
// runFrame

bool KioskApp::runFrame(Backend& backend) {
    Impl& m = *m_impl;
    const auto start = Steady::now();
    if (m.lastFrameStart.time_since_epoch().count()) m.frameIntervalMs.push_back(msBetween(m.lastFrameStart, start));
    m.lastFrameStart = start;

    backend.pollEvents();  // 1. poll
    const auto work = Steady::now();
    drainQueues();  // 2. drain queues

    m.pixelsPerMm = backend.pixelsPerMm();
    const int fbHeight = backend.framebufferHeight();
    // Rebuild the atlas when the screen size class changes (not for a few pixels of resize).
    const int built = m.fonts.builtForHeight();
    bool mustRender = false;  // the picture changed in a way the draw lists do not show
    if (m.fontsDirty || built == 0 || std::abs(fbHeight - built) > built / 8) {
        mustRender = true;
        m.fonts.build(fbHeight, m.largeText);
        theme::applyStyle(m.fonts.bodyPx(), m.pixelsPerMm);
        backend.fontsChanged();
        m.fontsDirty = false;
    }
    if (m.previewFresh && !m.preview.rgba.empty()) {
        m.previewTexture = backend.updateTexture(m.previewTexture, m.preview.rgba.data(), m.preview.width, m.preview.height);
        m.textureW = m.preview.width;
        m.textureH = m.preview.height;
        m.previewFresh = false;
        mustRender = true;
    }

    backend.newFrame();  // 3. new frame
    ImGui::NewFrame();
    frame();  // 4. draw
    const bool welcomeDrawn = m.mode == Mode::Attendee && !m.pinScreen && m.attendee.screen == AttendeeScreen::Welcome;
    handleIntents();  // 5. act
    ImGui::Render();
    const uint64_t drawHash = hashDrawData(ImGui::GetDrawData());
    m.uiWorkMs.push_back(msBetween(work, Steady::now()));
    // Once a second regardless: repairs any damage the window system did not tell us about.
    if (mustRender || drawHash != m.lastDrawHash || start - m.lastRender > std::chrono::seconds(1)) {
        m.lastRender = start;
        const auto renderStart = Steady::now();
        backend.renderAndSwap();  // 6. render, swap
        m.renderSwapMs.push_back(msBetween(renderStart, Steady::now()));
        m.lastDrawHash = drawHash;
        ++m.framesRendered;
    }

    const auto end = Steady::now();
    m.frameWorkMs.push_back(msBetween(work, end));
    // Bounded memory on a kiosk that runs all day: keep the most recent samples.
    for (auto* v : {&m.frameWorkMs, &m.frameIntervalMs, &m.uiWorkMs, &m.renderSwapMs})
        if (v->size() > 200000) v->erase(v->begin(), v->begin() + 100000);
    if (welcomeDrawn && m.welcomeCodeAt) {
        m.scanToWelcomeMs.push_back(msBetween(*m.welcomeCodeAt, end));
        m.welcomeCodeAt.reset();
        m.welcomeShownUtc = m.utcNow();
    }
    if (!m.opt.statsFile.empty() && end - m.lastStatsWrite > std::chrono::seconds(10)) {
        m.lastStatsWrite = end;
        m.writeStats();
    }
    return !backend.quitRequested();
}

// =============================================================================================
// observation

Mode KioskApp::mode() const { return m_impl->mode; }
std::string KioskApp::screenName() const { return m_impl->screenName(); }
std::string KioskApp::statusJson() const { return m_impl->statusJson(); }
void KioskApp::writeStats() const { m_impl->writeStats(); }

}  // namespace kiosk::ui
