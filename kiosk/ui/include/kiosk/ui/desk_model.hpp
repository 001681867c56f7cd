#pragma once
// What the help-desk screen draws: a plain value rebuilt by DeskController from the database.
// The desk is private to volunteers (behind the PIN), so names and payloads appear here; the
// dashboard model (dashboard_model.hpp) carries none.
#include <kiosk/ui/intents.hpp>

#include <kiosk/core.hpp>

#include <optional>
#include <string>
#include <vector>

struct ImFont;

namespace kiosk::ui {

class Strings;
struct Fonts;

/// What drawing needs besides data: refreshed by the controller each frame from the ShellContext
/// (the pointers are the shell's and valid for the frame, never kept across frames by screens).
struct ScreenEnv {
    const Strings* text = nullptr;
    core::Language language = core::Language::Fr;
    const Fonts* fonts = nullptr;
    float pixelsPerMm = 96.0f / 25.4f;
    bool largeText = false;
    std::string kioskName;

    const std::string& tr(std::string_view key) const;
    std::string fmt(std::string_view key,
                    std::initializer_list<std::pair<std::string_view, std::string_view>> args) const;
    float mm(float millimetres) const { return millimetres * pixelsPerMm; }
};

struct DeskHistoryRow {
    std::string timeLocal;  ///< "2018-03-16 09:12:04", local time of this machine
    std::string kiosk;
    std::string action;  ///< "checkin" / "annul"
    std::string actor;   ///< "self" or the desk actor
    std::string reason;
};

struct DeskPrintRow {
    std::string id;
    core::PrintJobKind kind = core::PrintJobKind::Badge;
    core::PrintJobState state = core::PrintJobState::Pending;
    std::string timeLocal;
    std::string error;  ///< "code: text", empty when fine
};

struct DeskAttendee {
    core::Attendee attendee;
    bool checkedIn = false;
    std::vector<DeskHistoryRow> history;  ///< newest first
    int reprints = 0;
    std::vector<DeskPrintRow> printJobs;  ///< this attendee's jobs, newest first
};

/// One check-in of a duplicate pair, as the desk shows it.
struct DeskCaseSide {
    std::string checkinId;
    std::string kiosk;
    std::string timeLocal;
    /// Reached the server long after it happened: made by a kiosk that was offline.
    bool late = false;
};

/// One entry of the queue of cases the kiosks sent to the desk.
struct DeskCase {
    enum class Kind { RefusedScan, PrintJob, Duplicate };
    Kind kind = Kind::RefusedScan;
    std::string id;       ///< refused scan id, print job id, or a duplicate's later check-in id
    std::string caseRef;  ///< the short reference the attendee was shown ("K7F-3Q")
    std::string timeLocal;
    std::string kiosk;
    std::string reason;      ///< outcome reason code ("unknown_code" …) or print state ("held" …)
    std::string detail;      ///< escaped payload, or the printer error
    std::string attendeeId;  ///< empty when unknown
    std::string attendeeName;
    DeskCaseSide first;   ///< Duplicate: the check-in in force
    DeskCaseSide second;  ///< Duplicate: the later one
};

struct WalkInDraft {
    std::string firstName;
    std::string lastName;
    std::string organisation;
    std::string category = "participant";
    std::string workingGroup;
    core::Language language = core::Language::Fr;
    /// Registered people whose names match what is typed: most "walk-ins" registered and forgot
    /// their code. Shown under the form so the desk opens the existing record instead.
    std::vector<core::Attendee> matches;
    std::vector<bool> matchesCheckedIn;  ///< parallel to matches
};

/// A message after an action, translated at draw time from its key.
struct DeskNotice {
    std::string key;  ///< e.g. "desk.notice.checked_in"; empty = none
    std::string arg;  ///< substituted for "{arg}" (a name, an error message)
    bool error = false;
};

struct DeskModel {
    ScreenEnv env;
    DeskPage page = DeskPage::Search;

    std::string query;
    std::vector<core::Attendee> results;
    std::vector<bool> resultsCheckedIn;  ///< parallel to results
    bool resultsTruncated = false;

    std::optional<DeskAttendee> selected;
    std::vector<DeskCase> cases;

    // Drafts of the forms (kept here, not in the widgets, so the model is the single truth).
    std::string checkinReason;
    std::string annulReason;
    std::string eraseReason;
    std::string badgeName;
    WalkInDraft walkIn;
    std::string newPin;
    std::string newPinRepeat;

    std::vector<std::string> categories;     ///< known categories, for the walk-in form
    std::vector<std::string> workingGroups;  ///< known working groups

    DeskNotice notice;
    /// An action is being written (or a PIN hashed) on the desk's worker: the screen says so and
    /// holds the action buttons until its result arrives.
    bool busy = false;
    bool demoPinWarning = false;  ///< the demo PIN opened the desk: ask to change it
    std::string writeProblem;     ///< the kiosk's last check-in was not saved (ShellContext::writeProblem)
    std::string lastExport;       ///< the arrivals file written last from the settings page
    int idleSecondsLeft = 120;    ///< until the desk locks itself
    std::string eventName;
    /// Set while the doors refuse every scan: "desk.doors.not_open" / "desk.doors.closed", with
    /// the local time they open / closed. Empty while check-in is open (or has no door times).
    std::string doorsKey;
    std::string doorsTime;
    /// Set once the event's retention date has passed and people are still held: the local
    /// time it passed (the banner asks for `kiosk purge`). Empty otherwise.
    std::string retentionPassed;

    double lastSearchMs = 0;  ///< measured, shown in the footer
    double lastRefreshMs = 0;
};

/// "2018-03-16 09:12:04" in this machine's time zone.
std::string formatLocalTime(core::TimePoint t, bool withDate = true);

}  // namespace kiosk::ui
