#pragma once
// The public screen's controller: the attendee state machine, the check-in worker it feeds, the
// result sounds, the camera preview and the organiser's status line. The shell routes scans and
// the attendee intents here and calls draw() in attendee mode; everything it keeps is its own.
#include <kiosk/core/checkin_worker.hpp>
#include <kiosk/ui/attendee_model.hpp>
#include <kiosk/ui/attendee_screen.hpp>
#include <kiosk/ui/intents.hpp>
#include <kiosk/ui/shell_context.hpp>
#include <kiosk/ui/sound.hpp>
#include "frame_stats.hpp"

#include <kiosk/scanner.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace kiosk::printing {
struct PrintEvent;
}

namespace kiosk::ui {

class Backend;

struct AttendeeOptions {
    std::string kioskName;
    bool noCamera = false;
    std::string badgePickup;
    bool lockdown = true;
    AttendeeTimings timings;
};

class AttendeeController {
public:
    using Clock = std::chrono::steady_clock;

    /// `worker` may be null (dashboard-only window: scans are not taken).
    AttendeeController(AttendeeOptions options, std::unique_ptr<core::CheckinWorker> worker,
                       FrameStats& stats);
    ~AttendeeController();

    void setEvent(const std::string& name, core::Language defaultLanguage);
    const AttendeeState& state() const { return m_state; }
    /// The language chosen with the buttons (the shell's and the desk's language).
    core::Language kioskLanguage() const { return m_state.kioskLanguage; }

    /// A code from the camera, the wedge or a test. `badge`: queue a badge for an arrival.
    void submitScan(std::string payload, Clock::time_point codeAt, core::TimePoint utc, std::string origin,
                    bool badge);
    /// Check-in results and printer progress; the timers of the result screens.
    void drain(ShellContext& ctx, const std::vector<printing::PrintEvent>& printEvents,
               Clock::time_point now);
    /// Takes the scanner's newest preview frame (if any) for the next upload.
    void takePreview(scanner::ScanService& scan);
    /// Uploads a fresh preview frame to the GPU. True when the picture changed.
    bool uploadPreview(Backend& backend);

    /// SetLanguage, SubmitCode, DismissResult. False when the intent is not the public screen's.
    bool handle(const Intent& intent, ShellContext& ctx, bool takesScans, Clock::time_point now,
                core::TimePoint utc);

    /// What the public screen shows now, every word in the language on screen (the attendee's
    /// own during their welcome, else the kiosk's). Needs ctx.fonts.
    AttendeeView view(const ShellContext& ctx, bool cameraAvailable);
    void draw(const ShellContext& ctx, bool cameraAvailable, IntentSink& sink);
    /// The top bar's staff and text-size labels, in the language on screen.
    std::pair<std::string, std::string> topBar(const ShellContext& ctx) const;
    /// kiosk name · camera · printer · audio, in the language on screen (no personal data).
    std::string statusLine(const ShellContext& ctx) const;
    bool welcomeOnScreen() const { return m_state.screen == AttendeeScreen::Welcome; }

private:
    void onCheckinDone(core::CheckinDone& d, ShellContext& ctx);

    AttendeeOptions m_opt;
    std::unique_ptr<core::CheckinWorker> m_worker;
    FrameStats& m_stats;
    AttendeeState m_state;
    SoundPlayer m_sound;
    Fonts m_fallbackFonts;  ///< the body font standing in for the title font (see draw())
    uint64_t m_nextJobId = 1;
    // camera preview
    scanner::PreviewFrame m_preview;
    bool m_previewFresh = false;
    void* m_previewTexture = nullptr;
    int m_textureW = 0;
    int m_textureH = 0;
};

}  // namespace kiosk::ui
