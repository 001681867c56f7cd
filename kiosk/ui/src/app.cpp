// KioskApp: the shell. It owns the window-side resources (ImGui context, fonts, the services)
// and one controller per job, and only wires them:
//   AttendeeController  public screen, check-in worker, sounds, preview (attendee_controller.cpp)
//   PinGate             the PIN pad between the public screen and the desk (pin_gate.cpp)
//   DeskController      the help desk (desk_controller.cpp)
//   DashboardController the figures (dashboard_controller.cpp)
//   FrameStats          frame times, latencies, whether a frame must be rendered (frame_stats.cpp)
//
// Sections: Impl · create · input · drainQueues · frame · handleIntents · runFrame · observation.
#include <kiosk/core/access.hpp>
#include <kiosk/core/file.hpp>
#include <kiosk/core/log.hpp>
#include <kiosk/printing/printer.hpp>
#include <kiosk/scanner.hpp>
#include <kiosk/ui.hpp>

#include <kiosk/ui/dashboard_controller.hpp>
#include <kiosk/ui/dashboard_screen.hpp>
#include <kiosk/ui/desk_controller.hpp>
#include <kiosk/ui/desk_screen.hpp>
#include <kiosk/ui/font_loader.hpp>
#include <kiosk/ui/intents.hpp>
#include <kiosk/ui/onscreen_keyboard.hpp>
#include <kiosk/ui/pin_gate.hpp>
#include <kiosk/ui/shell_context.hpp>
#include <kiosk/ui/strings.hpp>
#include <kiosk/ui/theme.hpp>
#include <kiosk/ui/typing_guard.hpp>
#include "attendee_controller.hpp"
#include "frame_stats.hpp"
#include "keyboard_screen.hpp"

#include <imgui.h>
#include <imgui_internal.h>  // the on-screen keyboard gives the focus back to the text field
#include <nlohmann/json.hpp>

#include <cstdio>
#include <optional>

namespace kiosk::ui {

using Steady = std::chrono::steady_clock;

std::string_view modeName(Mode m) {
    switch (m) {
        case Mode::Attendee:
            return "attendee";
        case Mode::Desk:
            return "desk";
        case Mode::Dashboard:
            return "dashboard";
    }
    return "attendee";
}

namespace {

/// The desk's page as the status file names it (tests). A switch: a new page is a warning here.
const char* deskPageName(DeskPage page) {
    switch (page) {
        case DeskPage::Search:
            return "search";
        case DeskPage::Attendee:
            return "attendee";
        case DeskPage::WalkIn:
            return "walk_in";
        case DeskPage::Queue:
            return "queue";
        case DeskPage::Settings:
            return "settings";
    }
    return "";
}

double msBetween(Steady::time_point a, Steady::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
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
    ImGuiContext* imgui = nullptr;
    ShellContext ctx;
    IntentSink sink;

    Mode mode = Mode::Attendee;
    FontLoader fonts;
    bool fontsDirty = true;
    bool largeText = false;
    float pixelsPerMm = 96.f / 25.4f;
    Steady::time_point lastHealth{};
    std::string lastStatus;

    FrameStats stats;
    PinGate gate;
    TypingGuard typing;  // keyboard keys for the PIN pad: a person's, not a scanner's burst

    // The desk's on-screen keyboard. A tap on one of its keys takes ImGui's focus from the text
    // field for a moment; the field that was active last gets it back at the start of the next
    // frame, with what the key typed (characters; Backspace / Enter as a key held for one frame).
    OnScreenKeyboard osk;
    ImGuiID oskTarget = 0;
    ImGuiWindow* oskTargetWindow = nullptr;
    std::optional<Typed> oskPending;
    int oskKeyDown = -1;           // io.KeysDown index held for one frame
    std::vector<KeyRect> oskKeys;  // where its keys were drawn (status file, tests)

    bool deskKeyboard() const { return mode == Mode::Desk && osk.setting() != KeyboardSetting::Off; }

    /// Before ImGui::NewFrame: Backspace / Enter from the keyboard are a key down for one frame,
    /// once the field has its focus back (ImGui ignores keys in the frame a field is activated).
    void oskKeysBeforeNewFrame() {
        ImGuiIO& io = ImGui::GetIO();
        if (oskKeyDown >= 0) {
            io.KeysDown[oskKeyDown] = false;
            oskKeyDown = -1;
        }
        if (!oskPending || (!oskPending->backspace && !oskPending->enter)) return;
        if (oskTarget == 0 || GImGui->ActiveId != oskTarget) return;  // next frame, after the focus
        const ImGuiKey key = oskPending->backspace ? ImGuiKey_Backspace : ImGuiKey_Enter;
        // The GLFW backend maps ImGui's keys to its own codes; a backend that maps none (tests)
        // gets a slot of its own.
        if (io.KeyMap[key] < 0) io.KeyMap[key] = 400 + key;
        oskKeyDown = io.KeyMap[key];
        io.KeysDown[oskKeyDown] = true;
        oskPending.reset();
    }

    /// After ImGui::NewFrame: the text field gets the focus back and the typed characters.
    void oskTypeIntoField() {
        if (!oskPending) return;
        ImGuiContext& g = *GImGui;
        // Only the field ImGui still holds the edit state of (it keeps one): never another's.
        if (oskTarget == 0 || g.InputTextState.ID != oskTarget) {
            oskPending.reset();
            return;
        }
        if (g.ActiveId != oskTarget) ImGui::SetActiveID(oskTarget, oskTargetWindow);
        for (char32_t cp : decodeUtf8(oskPending->text)) ImGui::GetIO().AddInputCharacter(cp);
        oskPending->text.clear();
        // A Backspace or Enter waits for the next frame (oskKeysBeforeNewFrame).
        if (!oskPending->backspace && !oskPending->enter) oskPending.reset();
    }

    /// After drawing: the text field being edited is the keyboard's target.
    void oskTrackField() {
        ImGuiContext& g = *GImGui;
        if (g.ActiveId != 0 && g.ActiveId == g.InputTextState.ID) {
            oskTarget = g.ActiveId;
            oskTargetWindow = g.ActiveIdWindow;
        }
    }
    std::optional<AttendeeController> attendee;
    std::optional<DeskController> desk;
    std::optional<DashboardController> dashboard;

    Impl(AppOptions o, core::Database d) : opt(std::move(o)), db(std::move(d)), ctx{.db = db, .text = text} {}

    Steady::time_point steadyNow() const { return opt.steadyNow ? opt.steadyNow() : Steady::now(); }
    core::TimePoint utcNow() const { return opt.utcNow ? opt.utcNow() : core::nowUtc(); }
    core::Language language() const { return attendee->kioskLanguage(); }
    bool takesScans() const { return !opt.dashboardOnly; }

    void refreshContext() {
        ctx.language = language();
        ctx.kioskName = opt.kioskName;
        ctx.dbPath = db.path();
        ctx.now = utcNow();
        ctx.steadyNow = steadyNow();
        ctx.print = print.get();
        ctx.pinLock = &gate.lock();
        ctx.actor = core::deskActor(gate.lock().unlockedBy());
        gate.setUtcNow(ctx.now);
        ctx.pixelsPerMm = pixelsPerMm;
        ctx.largeText = largeText;
        ctx.fonts = &fonts.fonts();
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
            h.message = text.get(language(), "status.no_printer");
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

    /// What the sync agent beside the window last wrote (nothing on a machine that never synced).
    std::optional<core::SyncStatus> syncState() const {
        auto s = db.syncStatus();
        if (!s || !s->attached) return std::nullopt;
        return *s;
    }

    /// The names the large fonts are about to draw: the welcome's first name, the desk's heading.
    bool requestGlyphs() {
        bool added = fonts.request(attendee->state().firstName);
        if (desk && mode == Mode::Desk && desk->model().selected) {
            const core::Attendee& a = desk->model().selected->attendee;
            added = fonts.request(a.firstName) || added;
            added = fonts.request(a.lastName) || added;
        }
        return added;
    }

    /// Letters of the name the large font draws on this screen (the welcome's first name, the
    /// desk's heading) that it lacks: 0 when the whole name is drawn in the large font.
    int largeFontMissing() const {
        std::string name;
        if (mode == Mode::Attendee && !gate.isOpen() && attendee->welcomeOnScreen())
            name = attendee->state().firstName;
        if (mode == Mode::Desk && desk && desk->model().selected)
            name =
                desk->model().selected->attendee.firstName + " " + desk->model().selected->attendee.lastName;
        const ImFont* title = fonts.fonts().title;
        if (name.empty() || !title) return 0;
        int missing = 0;
        for (char32_t cp : decodeUtf8(name))
            if (cp > 0xFFFF || !title->FindGlyphNoFallback(static_cast<ImWchar>(cp))) ++missing;
        return missing;
    }

    bool cameraAvailable() const { return scan && !opt.noCamera && ctx.scanner.state != "failed"; }

    void leaveDesk() {
        if (mode == Mode::Desk) core::logInfo("help desk locked (" + ctx.actor + ")");
        gate.lock().lock();
        gate.close();
        mode = Mode::Attendee;
        if (desk) desk->clear();
    }

    std::string screenName() const {
        if (mode == Mode::Desk) return "desk";
        if (mode == Mode::Dashboard) return "dashboard";
        if (gate.isOpen()) return "pin";
        return std::string(attendeeScreenName(attendee->state().screen));
    }

    std::string statusJson() const {
        const AttendeeState& a = attendee->state();
        nlohmann::json j;
        j["mode"] = std::string(modeName(mode));
        j["screen"] = screenName();
        j["outcome"] = a.screen == AttendeeScreen::Idle ? nlohmann::json(nullptr)
                       : a.outcome ? nlohmann::json(std::string(core::reasonCode(*a.outcome)))
                                   : nlohmann::json("error");
        j["caseRef"] = a.caseRef;
        j["language"] = std::string(core::languageCode(a.shownLanguage));
        j["badge"] = static_cast<int>(a.badge);
        j["badgeProgress"] = a.badgeProgress;
        j["generation"] = a.generation;
        j["pinMessage"] = gate.message();
        j["pinTyped"] = gate.typed();
        j["pinScansDropped"] = typing.burstsDropped();
        j["largeText"] = largeText;
        // Every word of the public screen's frame, for the tests of its language.
        const auto [staff, large] = attendee->topBar(ctx);
        j["topBar"] = {staff, large};
        j["statusLine"] = attendee->statusLine(ctx);
        j["largeFontMissing"] = largeFontMissing();
        // Who the desk's actions are recorded as (the volunteer who unlocked it), while open.
        j["deskActor"] = mode == Mode::Desk ? ctx.actor : std::string{};
        j["writeProblem"] = ctx.writeProblem;  // "db.replaced: …" while check-ins are not saved
        // The desk's on-screen keyboard and where its keys are (tests tap them).
        if (mode == Mode::Desk) {
            nlohmann::json keys = nlohmann::json::array();
            for (const auto& k : oskKeys) keys.push_back({k.label, k.x + k.w / 2, k.y + k.h / 2});
            j["keyboard"] = {{"shown", deskKeyboard() && osk.shown()}, {"keys", keys}};
            if (desk) {
                j["deskQuery"] = desk->model().query;
                j["deskPage"] = deskPageName(desk->model().page);
                // The queue as drawn: kind, machine, and for a duplicate both machines and times.
                nlohmann::json cases = nlohmann::json::array();
                for (const auto& c : desk->model().cases) {
                    nlohmann::json e = {{"kind", c.kind == DeskCase::Kind::Duplicate  ? "duplicate"
                                                 : c.kind == DeskCase::Kind::PrintJob ? "print"
                                                                                      : "refused"},
                                        {"kiosk", c.kiosk},
                                        {"reason", c.reason}};
                    if (c.kind == DeskCase::Kind::Duplicate)
                        e["pair"] = {{c.first.kiosk, c.first.timeLocal, c.first.late},
                                     {c.second.kiosk, c.second.timeLocal, c.second.late}};
                    cases.push_back(std::move(e));
                }
                j["deskCases"] = std::move(cases);
                j["deskNotice"] = desk->model().notice.key;
            }
        }
        // The headcount the dashboard shows, for the Xvfb test of `--mode dashboard`.
        if (dashboard && mode == Mode::Dashboard) {
            j["arrived"] = dashboard->model().arrived;
            j["registered"] = dashboard->model().registered;
            j["openDuplicates"] = dashboard->model().openDuplicates;
            nlohmann::json machines = nlohmann::json::array();
            for (const auto& x : dashboard->model().machines)
                machines.push_back({{"name", x.name}, {"online", x.online}, {"since", x.offlineSinceLocal}});
            j["machines"] = std::move(machines);
        }
        return j.dump();
    }

    void writeStatusIfChanged() {
        if (opt.statusFile.empty()) return;
        std::string s = statusJson();
        if (s == lastStatus) return;
        lastStatus = s;
        // Test hook only (the --status-file option): a tiny write to a private temporary and a
        // rename, without fsync (the UI thread never waits on the disk).
        (void)core::writeFileAtomically(opt.statusFile, s + "\n", 0600, core::AtomicFile::Sync::Fast);
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
    std::unique_ptr<core::CheckinWorker> checkinWorker;
    if (!options.dashboardOnly) {
        auto worker = core::CheckinWorker::start(db.path());
        if (!worker)
            return core::Error{"ui.worker", "cannot open a second connection to " + db.path() + ": " +
                                                worker.error().message};
        checkinWorker = std::move(worker).value();
    }

    auto impl = std::make_unique<Impl>(std::move(options), std::move(db));
    Impl& m = *impl;
    m.text = std::move(strings).value();
    m.scan = std::move(scan);
    m.print = std::move(print);
    m.largeText = m.opt.largeText;
    m.mode = m.opt.dashboardOnly ? Mode::Dashboard : m.opt.mode;
    AttendeeOptions ao;
    ao.kioskName = m.opt.kioskName;
    ao.noCamera = m.opt.noCamera;
    ao.badgePickup = m.opt.badgePickup;
    ao.lockdown = m.opt.lockdown;
    ao.timings.welcomeFor = m.opt.welcomeFor;
    ao.timings.helpFor = m.opt.helpFor;
    m.attendee.emplace(std::move(ao), std::move(checkinWorker), m.stats);

    auto ev = m.db.event();
    if (ev && ev->has_value()) {
        m.attendee->setEvent((*ev)->name, (*ev)->defaultLanguage);
        m.fonts.addText((*ev)->name);
    }
    // The large fonts get exactly the letters this event's names and texts need.
    for (std::string_view t : m.text.allTexts()) m.fonts.addText(t);
    if (auto people = m.db.attendees()) {
        for (const auto& a : *people) {
            m.fonts.addText(a.firstName);
            m.fonts.addText(a.lastName);  // the desk's heading shows the whole name
        }
    }

    // The demo PIN only on a database `kiosk demo` made (marked in it), never from an event id.
    const bool isDemo = ev && ev->has_value() && (*ev)->demo;
    core::PinConfig pin = core::loadPinConfig(m.db.path(), m.opt.allowDemoPin && isDemo);
    // The organiser's own words (paths included) go here; the public pad shows a translation.
    if (!pin.problem.empty()) std::fprintf(stderr, "kiosk: help desk closed: %s\n", pin.problem.c_str());
    m.gate.configure(std::move(pin), core::pinFileFor(m.db.path()), m.utcNow(), m.steadyNow());
    m.osk.configure(m.opt.keyboard);

    m.imgui = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing of a session survives on disk
    io.LogFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;

    if (m.scan) {
        if (auto st = m.scan->start(); !st)
            std::fprintf(stderr, "kiosk: scanner: %s (%s)\n", st.error().message.c_str(),
                         st.error().code.c_str());
    }
    m.refreshContext();
    if (!m.opt.dashboardOnly) m.desk.emplace(m.ctx);
    m.dashboard.emplace(m.ctx, /*standalone=*/m.opt.dashboardOnly);  // no "back to desk" on a second screen
    return std::unique_ptr<KioskApp>(new KioskApp(std::move(impl)));
}

KioskApp::KioskApp(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

KioskApp::~KioskApp() {
    if (!m_impl) return;
    m_impl->stats.write(m_impl->opt.statsFile);
    if (m_impl->scan) m_impl->scan->stop();
    m_impl->attendee.reset();  // the check-in worker finishes its job in progress
    m_impl->print.reset();
    if (m_impl->imgui) ImGui::DestroyContext(m_impl->imgui);
}

// =============================================================================================
// input

void KioskApp::onChar(char32_t cp, Steady::time_point now) {
    Impl& m = *m_impl;
    if (m.mode != Mode::Attendee) {
        // Desk text fields get characters through ImGui; a real keyboard is in use.
        m.osk.physicalKeyTyped();
        return;
    }
    if (m.gate.isOpen()) {
        // Held until known to be a person's typing: a code scanned now must not become digits.
        m.typing.key(cp < 0x80 ? static_cast<char>(cp) : '?', now);
        return;
    }
    // No widget has focus on the public screen: every character is the wedge scanner's.
    if (m.scan) m.scan->feedWedgeChar(cp, now);
}

void KioskApp::onKey(Key key, Steady::time_point now) {
    Impl& m = *m_impl;
    if (m.mode == Mode::Desk) {
        // The desk's pages from the keyboard: a volunteer with a queue forming does not reach
        // for the mouse.
        static constexpr std::pair<Key, DeskPage> kPages[] = {{Key::F1, DeskPage::Search},
                                                              {Key::F2, DeskPage::Attendee},
                                                              {Key::F3, DeskPage::WalkIn},
                                                              {Key::F4, DeskPage::Queue},
                                                              {Key::F5, DeskPage::Settings}};
        for (const auto& [k, page] : kPages)
            if (k == key) m.sink.push(ShowDeskPage{page});
        return;
    }
    if (m.mode != Mode::Attendee) return;
    if (m.gate.isOpen()) {
        if (key == Key::Enter) m.typing.key('\n', now);  // a scanner's Enter must not submit
        if (key == Key::Backspace) m.typing.key('\b', now);
        if (key == Key::Tab) m.typing.key('\t', now);  // some scanners end with Tab
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
        case Key::Enter:
            wk = scanner::WedgeKey::Enter;
            break;
        case Key::Tab:
            wk = scanner::WedgeKey::Tab;
            break;
        case Key::Backspace:
            wk = scanner::WedgeKey::Backspace;
            break;
        case Key::Escape:
            wk = scanner::WedgeKey::Escape;
            break;
        default:
            break;
    }
    m.scan->feedWedgeKey(wk, now);
}

// =============================================================================================
// drainQueues

void KioskApp::drainQueues() {
    Impl& m = *m_impl;
    const auto now = m.steadyNow();
    m.refreshContext();

    if (m.scan) {
        for (auto& ev : m.scan->poll()) {
            // A code shown to the camera at the desk finds its person (no check-in: the volunteer
            // decides); the dashboard ignores scans.
            if (m.mode == Mode::Desk && m.desk) {
                m.sink.push(SearchAttendees{std::move(ev.text)});
                continue;
            }
            if (m.mode != Mode::Attendee || !m.takesScans()) continue;
            const auto codeAt = ev.time - std::chrono::duration_cast<Steady::duration>(
                                              std::chrono::duration<double, std::milli>(ev.latencyMs));
            const core::TimePoint utc = ev.utc.time_since_epoch().count() ? ev.utc : m.utcNow();
            m.attendee->submitScan(std::move(ev.text), codeAt, utc,
                                   std::string(scanner::originName(ev.origin)), m.print != nullptr);
        }
        m.attendee->takePreview(*m.scan);
    }
    std::vector<printing::PrintEvent> printEvents;
    if (m.print) printEvents = m.print->poll();
    m.attendee->drain(m.ctx, printEvents, now);

    if (now - m.lastHealth > std::chrono::milliseconds(500)) {
        m.lastHealth = now;
        m.ctx.scanner = m.scannerHealth();
        m.ctx.printer = m.printerHealth();
        m.ctx.sync = m.syncState();
    }
    // Keyboard keys for the PIN pad, once they are known not to be a scanner's burst. Stamped by
    // the backend with the real clock, so compared with it.
    for (char k : m.typing.take(Steady::now())) {
        m.osk.physicalKeyTyped();  // a person typed on a real keyboard: the desk needs no keyboard on screen
        if (m.gate.isOpen() && ((k >= '0' && k <= '9') || k == '\b' || k == '\n')) m.sink.push(PinKey{k});
    }
    if (m.gate.poll(now, m.text, m.language())) m.mode = Mode::Desk;
    if (m.mode != Mode::Attendee && !m.opt.dashboardOnly && m.gate.lock().tick(now)) m.leaveDesk();
    m.refreshContext();
    if (m.desk && m.mode == Mode::Desk) m.desk->refresh(m.ctx);
    if (m.dashboard && m.mode == Mode::Dashboard) m.dashboard->refresh(m.ctx);
}

// =============================================================================================
// frame

void KioskApp::frame() {
    Impl& m = *m_impl;
    if (m.mode != Mode::Attendee &&
        (ImGui::IsMouseClicked(0) || ImGui::GetIO().InputQueueCharacters.Size > 0))
        m.gate.lock().touch(m.steadyNow());

    if (m.mode == Mode::Attendee && m.gate.isOpen()) {
        LockView v = m.gate.view(m.text, m.language());
        v.fonts = &m.fonts.fonts();
        v.pixelsPerMm = m.pixelsPerMm;
        drawLock(v, m.sink);
    } else if (m.mode == Mode::Attendee) {
        m.attendee->draw(m.ctx, m.cameraAvailable(), m.sink);
    } else if (m.mode == Mode::Desk) {
        KeyboardView kv;
        kv.fonts = &m.fonts.fonts();
        kv.pixelsPerMm = m.pixelsPerMm;
        kv.shift = m.osk.shift();
        const bool keyboard = m.deskKeyboard() && m.osk.shown();
        if (keyboard) {
            kv.rows = m.osk.rows(m.language());
            // The desk is drawn above the keyboard, not under it.
            auto* vp = static_cast<ImGuiViewportP*>(ImGui::GetMainViewport());
            vp->WorkOffsetMax.y -= keyboardHeight(kv, vp->Size.y);
            vp->UpdateWorkRect();
        }
        m.oskTypeIntoField();
        if (m.desk) drawDesk(m.desk->model(), m.sink);
        if (keyboard)
            drawKeyboard(kv, m.sink, &m.oskKeys);
        else if (m.deskKeyboard())
            drawKeyboardButton(kv, m.sink, &m.oskKeys);
        m.oskTrackField();
    } else if (m.mode == Mode::Dashboard) {
        if (m.dashboard) drawDashboard(m.dashboard->model(), m.sink);
    }
    if (m.mode != Mode::Desk) {
        m.oskKeys.clear();
        m.oskTarget = 0;
        m.oskPending.reset();
    }
}

// =============================================================================================
// handleIntents

void KioskApp::handleIntents() {
    Impl& m = *m_impl;
    auto intents = m.sink.take();
    const auto now = m.steadyNow();
    if (!intents.empty() && m.mode != Mode::Attendee) m.gate.lock().touch(now);
    for (auto& intent : intents) {
        const core::Language l = m.language();
        // Shell intents: the PIN gate and the changes of mode.
        if (const auto* k = std::get_if<PinKey>(&intent)) {
            m.gate.key(k->key, now, m.text, l);
        } else if (const auto* o = std::get_if<OskKey>(&intent)) {
            if (auto typed = m.osk.press(*o)) {
                if (m.oskPending && !m.oskPending->backspace && !m.oskPending->enter && !typed->backspace &&
                    !typed->enter)
                    m.oskPending->text += typed->text;  // two taps in one frame
                else
                    m.oskPending = std::move(*typed);
            }
        } else if (const auto* e = std::get_if<EnterDesk>(&intent)) {
            m.gate.enter(e->pin, now, m.text, l);
        } else if (std::holds_alternative<RequestStaff>(intent)) {
            if (m.mode == Mode::Attendee && !m.opt.dashboardOnly) m.gate.open(m.text, l);
            m.typing.reset();
        } else if (std::holds_alternative<CancelPin>(intent)) {
            m.gate.close();
            m.typing.reset();
        } else if (std::holds_alternative<LeaveDesk>(intent)) {
            m.leaveDesk();
        } else if (std::holds_alternative<ShowDashboard>(intent)) {
            if (m.gate.lock().unlocked()) m.mode = Mode::Dashboard;
        } else if (std::holds_alternative<ShowDesk>(intent)) {
            if (m.gate.lock().unlocked() && !m.opt.dashboardOnly) m.mode = Mode::Desk;
        } else if (std::holds_alternative<ToggleLargeText>(intent)) {
            m.largeText = !m.largeText;
            m.fontsDirty = true;
        } else if (m.attendee->handle(intent, m.ctx, m.mode == Mode::Attendee && m.takesScans(), now,
                                      m.utcNow())) {
            // the public screen's own
        } else if (m.gate.lock().unlocked()) {
            // Everything else belongs to the screen of the current mode, and only behind the PIN.
            if (m.mode == Mode::Desk && m.desk) m.desk->handle(intent, m.ctx);
            if (m.mode == Mode::Dashboard && m.dashboard) m.dashboard->handle(intent, m.ctx);
        }
    }
    m.writeStatusIfChanged();
}

// =============================================================================================
// runFrame

bool KioskApp::runFrame(Backend& backend) {
    Impl& m = *m_impl;
    const auto start = Steady::now();
    m.stats.frameStarted(start);

    backend.pollEvents();  // 1. poll
    const auto work = Steady::now();
    drainQueues();  // 2. drain queues

    m.pixelsPerMm = backend.pixelsPerMm();
    const int fbHeight = backend.framebufferHeight();
    // Rebuild the atlas when the screen size class changes (not for a few pixels of resize), and
    // before the first frame that draws a name with a letter the large fonts do not have yet.
    if (m.requestGlyphs()) m.fontsDirty = true;
    const int built = m.fonts.builtForHeight();
    bool mustRender = false;  // the picture changed in a way the draw lists do not show
    if (m.fontsDirty || built == 0 || std::abs(fbHeight - built) > built / 8) {
        mustRender = true;
        m.fonts.build(fbHeight, m.largeText);
        m.stats.fontAtlas(m.fonts.lastBuildMs(), m.fonts.atlasWidth(), m.fonts.atlasHeight());
        theme::applyStyle(m.fonts.bodyPx(), m.pixelsPerMm);
        backend.fontsChanged();
        m.fontsDirty = false;
    }
    if (m.attendee->uploadPreview(backend)) mustRender = true;

    backend.newFrame();  // 3. new frame
    m.oskKeysBeforeNewFrame();
    ImGui::NewFrame();
    frame();  // 4. draw
    const bool welcomeDrawn = m.mode == Mode::Attendee && !m.gate.isOpen() && m.attendee->welcomeOnScreen();
    handleIntents();  // 5. act
    ImGui::Render();
    const uint64_t drawHash = FrameStats::hashDrawData(ImGui::GetDrawData());
    m.stats.uiWork(msBetween(work, Steady::now()));
    if (m.stats.mustRender(mustRender, drawHash, start)) {
        const auto renderStart = Steady::now();
        backend.renderAndSwap();  // 6. render, swap
        m.stats.rendered(msBetween(renderStart, Steady::now()), drawHash);
    }

    const auto end = Steady::now();
    m.stats.frameDone(msBetween(work, end));
    if (welcomeDrawn) m.stats.welcomeShown(end, m.utcNow());
    m.stats.writeIfDue(m.opt.statsFile, end);
    return !backend.quitRequested();
}

// =============================================================================================
// observation

Mode KioskApp::mode() const {
    return m_impl->mode;
}
std::string KioskApp::screenName() const {
    return m_impl->screenName();
}
std::string KioskApp::statusJson() const {
    return m_impl->statusJson();
}
void KioskApp::writeStats() const {
    m_impl->stats.write(m_impl->opt.statsFile);
}

}  // namespace kiosk::ui
