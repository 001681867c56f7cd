#pragma once
// The public screen's state machine, kept free of ImGui so it is tested without a window.
// Privacy by construction: from a check-in result only the first name and the working group of a
// *successful* check-in are copied in; every other outcome keeps nothing but the reason code and
// the case reference. A surname, e-mail or list can therefore never reach the public screen.
#include <kiosk/ui/strings.hpp>

#include <kiosk/core/types.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::ui {

enum class AttendeeScreen { Idle, Welcome, Help };
std::string_view attendeeScreenName(AttendeeScreen s);  ///< "idle" / "welcome" / "help"

/// What the icon draws; always paired with a word and a colour.
enum class Tone { Success, Refused, Attention };

enum class BadgeStage { None, NoPrinter, Queued, Printing, Printed, Failed };

struct AttendeeState {
    AttendeeScreen screen = AttendeeScreen::Idle;
    core::Language kioskLanguage = core::Language::Fr;  ///< chosen with the buttons
    core::Language shownLanguage = core::Language::Fr;  ///< attendee's own while a result shows
    std::string eventName;
    // result (welcome / help)
    std::optional<core::Outcome> outcome;  ///< nullopt on Help = infrastructure error
    std::string firstName;                 ///< welcome only
    std::string workingGroup;              ///< welcome only
    std::string caseRef;                   ///< help only
    std::string printJobId;                ///< welcome only: the badge being followed
    BadgeStage badge = BadgeStage::None;
    float badgeProgress = 0.f;
    std::chrono::steady_clock::time_point shownAt{};
    std::chrono::steady_clock::time_point until{};
    uint64_t generation = 0;  ///< bumps on every change of screen (status file, tests)
    bool checking = false;    ///< a scan is with the check-in worker
};

struct AttendeeTimings {
    std::chrono::milliseconds welcomeFor{6000};
    std::chrono::milliseconds helpFor{9000};
};

/// A check-in result arrived. `hasPrinter`: the badge is being printed here (else: pickup text).
void applyScanResult(AttendeeState& s, const core::ScanResult& r, bool hasPrinter,
                     std::chrono::steady_clock::time_point now, const AttendeeTimings& t);
/// The check-in could not run at all (database error): help desk without a case reference.
void applyCheckinError(AttendeeState& s, std::chrono::steady_clock::time_point now, const AttendeeTimings& t);
/// Progress of the badge that belongs to the current welcome (other jobs are ignored).
void applyPrintProgress(AttendeeState& s, const std::string& printJobId, core::PrintJobState outboxState,
                        float progress, bool failed);
/// The print job row of the current welcome was created.
void attachPrintJob(AttendeeState& s, const std::string& printJobId);
/// Back to idle when the result has been shown long enough. True when the screen changed.
bool tick(AttendeeState& s, std::chrono::steady_clock::time_point now);
void dismiss(AttendeeState& s);
void setLanguage(AttendeeState& s, core::Language l);

/// Every text the public screen shows for the current state, already translated: what the
/// screen draws and what the model tests read.
struct PublicScreen {
    AttendeeScreen screen = AttendeeScreen::Idle;
    Tone tone = Tone::Success;
    std::string word;                ///< next to the icon: "Checked in", "Help desk" …
    std::string headline;            ///< "Welcome, Marie!" / "Please see the help desk"
    std::vector<std::string> lines;  ///< group, badge status, kind explanation
    std::string reference;           ///< "Your reference: K7F-3Q" (help only)
    std::string badgeLine;           ///< welcome only
    float badgeProgress = -1.f;      ///< <0: no progress bar
    std::string okLabel;
    // idle
    std::string title;                        ///< event name
    std::string instruction;                  ///< in the kiosk language
    std::vector<std::string> otherLanguages;  ///< the instruction in the two other languages
    std::string hint;
};
PublicScreen describe(const AttendeeState& s, const Strings& text, bool cameraAvailable,
                      const std::string& pickupPlace);

/// The tone of an outcome: success for the outcomes that let the person in (checked_in,
/// reentry); one attention tone for every refusal.
Tone toneFor(std::optional<core::Outcome> o);

}  // namespace kiosk::ui
