#pragma once
/// kiosk::ui facade: the kiosk's screens (Dear ImGui) and the application state behind them.
/// Depends on the core, the scanner and printing, never on GLFW or OpenGL: the window lives in the
/// `kiosk` executable (kiosk/app/window/) and reaches the UI through the small Backend interface,
/// so tests run whole frames headless.
///
/// One loop, explicit phases (KioskApp::runFrame):
///   backend.pollEvents()   input → ImGui and → onChar/onKey (wedge scanner, PIN pad)
///   drainQueues()          scanner events, check-in worker results, printer progress
///   backend.newFrame(); ImGui::NewFrame()
///   frame()                draw the current mode; widgets push intents, never act
///   handleIntents()        the one place that acts (core calls, mode changes)
///   ImGui::Render(); backend.render(); backend.swap()
/// The UI thread never waits on camera, disk or printer: decoding runs in ScanService's thread,
/// check-in writes in the check-in worker (own SQLite connection), printing in PrintService.
///
/// How the help desk and dashboard (E2) plug in — KioskApp owns one of each and calls them:
///   src/desk_controller.hpp     class DeskController {
///                                 explicit DeskController(ShellContext&);
///                                 void refresh(ShellContext&);        // after drainQueues, once per frame
///                                 const DeskModel& model() const;
///                                 bool handle(const Intent&, ShellContext&);  // true = consumed
///                               };
///   src/desk_screen.hpp         void drawDesk(const DeskModel&, IntentSink&);
///   src/dashboard_controller.hpp / dashboard_screen.hpp: same shape with DashboardModel,
///                               void drawDashboard(const DashboardModel&, IntentSink&);
///   src/pin_gate.hpp            the pad around core::PinLock (kiosk/core/access.hpp: verification,
///                               delays kept in the PIN file, idle lock) — the shell owns one,
///                               feeds EnterDesk{pin} to it and switches to Mode::Desk only on
///                               PinAttempt::Opened; PinLock::tick() locks it back to attendee mode.
///   The PIN pad (the gate out of attendee mode) is drawn by the shell (src/lock_screen.cpp) and
///   also accepts typed digits, Backspace and Enter, so a keyboard and the Xvfb tests can use it.
/// In frame(): Mode::Desk → drawDesk(desk.model(), sink); Mode::Dashboard → drawDashboard(...);
/// in handleIntents(): shell intents first, every other intent is offered to the controller of
/// the current mode. Controllers get a ShellContext (src/shell_context.hpp): the Database, the
/// translated strings, the language, kiosk name, clock, health of scanner and printer, and the
/// printer to submit reprints / walk-in badges to.
#include <kiosk/core.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::scanner {
class ScanService;
}
namespace kiosk::printing {
class PrintService;
}

namespace kiosk::ui {

enum class Mode { Attendee, Desk, Dashboard };
std::string_view modeName(Mode m);  ///< "attendee" / "desk" / "dashboard"

/// The desk's on-screen keyboard, for a desk on a touch-only machine: `auto` shows it until a key
/// is typed on a real keyboard (the PIN included), `on` always, `off` never.
enum class KeyboardSetting { Auto, On, Off };
std::optional<KeyboardSetting> keyboardSettingFromName(std::string_view name);  ///< auto / on / off

/// Keys the shell listens to (the backend maps its own key codes to these).
/// F1–F5 switch the desk's pages (search, person, walk-in, queue, settings) once it is open.
enum class Key { Enter, Tab, Backspace, Escape, F1, F2, F3, F4, F5, F12, Other };

struct AppOptions {
    std::string kioskName = "kiosk-1";
    Mode mode = Mode::Attendee;
    bool dashboardOnly = false;  ///< `--mode dashboard`: read-only second screen, no PIN, no scans
    bool largeText = false;
    bool lockdown = true;      ///< false with --windowed (development)
    std::string assetsDir;     ///< holds lang/ (and lang/*/ for other screens' strings)
    std::string statusFile;    ///< test hook: one JSON line rewritten whenever the screen changes
    std::string statsFile;     ///< frame-time / latency figures written on exit and every 10 s
    std::string printerQueue;  ///< empty: no printer, the welcome says where to get the badge
    std::string badgePickup;   ///< where badges are handed out without a printer ("help desk")
    bool noCamera = false;     ///< wedge scanner only: the idle screen says "scan", not "camera"
    /// The demo database (marked by `kiosk demo`, Event::demo) without a PIN in `<db>.pin`
    /// opens with the documented demo PIN. No other database ever does.
    bool allowDemoPin = true;
    KeyboardSetting keyboard = KeyboardSetting::Auto;  ///< the desk's on-screen keyboard
    std::chrono::milliseconds welcomeFor{6000};
    std::chrono::milliseconds helpFor{9000};
    /// Injected clocks (tests). Defaults: std::chrono::steady_clock and core::nowUtc.
    std::function<std::chrono::steady_clock::time_point()> steadyNow;
    std::function<core::TimePoint()> utcNow;
};

/// The window system seen from the UI. GLFW + OpenGL 3 in the app; a headless one in tests.
class Backend {
public:
    virtual ~Backend() = default;
    /// Window events → ImGui's IO and → KioskApp::onChar / onKey.
    virtual void pollEvents() = 0;
    /// Platform and renderer NewFrame (sets io.DisplaySize); before ImGui::NewFrame.
    virtual void newFrame() = 0;
    /// Draws ImGui::GetDrawData() and presents it.
    virtual void renderAndSwap() = 0;
    /// Creates (texture == nullptr) or updates an RGBA texture; returns the ImTextureID.
    virtual void* updateTexture(void* texture, const uint8_t* rgba, int width, int height) = 0;
    /// The font atlas was rebuilt: drop the font texture (recreated at the next newFrame).
    virtual void fontsChanged() = 0;
    /// Framebuffer height in pixels (fonts are rasterised for it) and monitor density.
    virtual int framebufferHeight() const = 0;
    virtual float pixelsPerMm() const = 0;  ///< from the monitor's physical size; 96 dpi fallback
    /// True only when a development window (--windowed) was closed.
    virtual bool quitRequested() const = 0;
};

/// The whole application state: mode, language, the database, the scanner and printer services,
/// the attendee screen's state, the desk and dashboard controllers. Only the UI thread calls it.
class KioskApp {
public:
    /// Creates the ImGui context (no ini file) and starts the check-in worker on its own
    /// connection to `db.path()`. `scan` / `print` may be null (no scanner / no printer).
    /// Errors: "ui.assets" (language files missing or malformed), "ui.worker" (second connection).
    static core::Result<std::unique_ptr<KioskApp>> create(AppOptions options, core::Database db,
                                                          std::unique_ptr<scanner::ScanService> scan,
                                                          std::unique_ptr<printing::PrintService> print);
    ~KioskApp();
    KioskApp(const KioskApp&) = delete;
    KioskApp& operator=(const KioskApp&) = delete;

    // --- input (from the backend's callbacks, UI thread). No text field needs focus: in attendee
    // mode characters go to the wedge decoder, on the PIN pad to the PIN.
    /// `at`: when the key arrived, as well as the backend can tell (the wedge decoder tells a
    /// scanner from a person by the gaps between keys). Without it: now.
    void onChar(char32_t codepoint, std::chrono::steady_clock::time_point at);
    void onKey(Key key, std::chrono::steady_clock::time_point at);
    void onChar(char32_t codepoint) { onChar(codepoint, std::chrono::steady_clock::now()); }
    void onKey(Key key) { onKey(key, std::chrono::steady_clock::now()); }

    // --- loop phases (runFrame calls them in order; tests may call them one by one)
    void drainQueues();
    void frame();  ///< between ImGui::NewFrame() and ImGui::Render()
    void handleIntents();
    /// One iteration of the loop. Returns false when the app should exit (windowed dev only).
    bool runFrame(Backend& backend);

    // --- observation (status line, tests)
    Mode mode() const;
    std::string screenName() const;  ///< "idle", "welcome", "help", "pin", "desk", "dashboard"
    std::string statusJson() const;  ///< what --status-file holds
    void writeStats() const;         ///< frame times and latencies to --stats-file (if set)

    struct Impl;

private:
    explicit KioskApp(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace kiosk::ui
