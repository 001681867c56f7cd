#pragma once
// Intents: what a widget asks for. Screens never act on the core themselves; they push an intent
// into the IntentSink while drawing, and after the frame KioskApp::handleIntents() acts on each
// one in order (the Dear ImGui "application is the single source of truth" pattern).
//
// Ownership: the shell (E1) owns this file. Desk / dashboard (E2) may append their own intent
// structs at the end of the variant; keep each struct a plain value (copyable, no pointers into
// models that die with the frame).
#include <kiosk/ui/desk_intents.hpp>  // E2: the help desk's own intents

#include <kiosk/ui/desk_intents.hpp>

#include <kiosk/core/desk.hpp>
#include <kiosk/core/types.hpp>

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace kiosk::ui {

// --- shell / attendee mode --------------------------------------------------------------------
struct SetLanguage {  ///< language buttons (always visible on the public screen)
    core::Language language = core::Language::Fr;
};
struct SubmitCode {  ///< a payload typed or scanned by other means than ScanService (tests, desk)
    std::string payload;
};
struct DismissResult {};  ///< "OK" on a welcome / help-desk screen: back to idle now
struct RequestStaff {};   ///< the discreet staff button (or F12): show the PIN pad
struct CancelPin {};      ///< back from the PIN pad to the attendee screen
struct EnterDesk {        ///< a PIN typed on the pad; only the shell decides whether it opens
    std::string pin;
};
struct LeaveDesk {};      ///< back to attendee mode (locks the desk)
struct ShowDashboard {};  ///< desk → dashboard view inside the app (still behind the PIN)
struct ShowDesk {};       ///< dashboard view → desk
struct ToggleLargeText {};
struct PinKey {  ///< PIN pad: '0'..'9', '\b' erase one, 'c' clear, '\n' enter
    char key = 0;
};
/// A key of the desk's on-screen keyboard (onscreen_keyboard.hpp), for the focused text field.
struct OskKey {
    enum class Kind { Text, Backspace, Enter, Shift, Layer, Fold };
    Kind kind = Kind::Text;
    std::string text;   ///< Kind::Text: what it types
    std::string upper;  ///< …with Shift (empty: the same)
};

// --- help desk (E2 handles these in its DeskController) ---------------------------------------
struct SearchAttendees {
    std::string text;
};
struct SelectAttendee {
    std::string attendeeId;
};
struct CheckInAttendee {  ///< manual check-in at the desk
    std::string attendeeId;
    std::string reason;
};
struct Annul {
    std::string attendeeId;
    std::string reason;
};
struct Reprint {
    std::string attendeeId;
};
struct RenameForBadge {
    std::string attendeeId;
    std::string badgeName;
};
struct RegisterWalkIn {  ///< creates, checks in and prints
    core::Attendee attendee;
    bool printBadge = true;
    /// The volunteer saw the registered people with this name and still adds a new one. Without
    /// it, a walk-in whose name matches a registered person exactly is not created.
    bool confirmedNew = false;
};
struct ResolveCase {  ///< a refused scan from the kiosk queue, closed with what the desk did
    std::string refusedScanId;
    std::string note;
    core::CaseAction action = core::CaseAction::Close;  ///< check the person in / reprint with it
};
struct ChangePin {
    std::string newPin;
};

using Intent =
    std::variant<SetLanguage, SubmitCode, DismissResult, RequestStaff, CancelPin, EnterDesk, LeaveDesk,
                 ShowDashboard, ShowDesk, ToggleLargeText, SearchAttendees, SelectAttendee, CheckInAttendee,
                 Annul, Reprint, RenameForBadge, RegisterWalkIn, ResolveCase, ChangePin, PinKey, OskKey,
                 // E2 (desk_intents.hpp):
                 ShowDeskPage, EditDeskField, RetryPrintJob, DismissPrintJob, DismissNotice, ExportArrivals,
                 EraseAttendee, ResolveDuplicate, AnnulDuplicate>;

/// Collects the intents of one frame. Widgets push; the shell takes them after the frame.
class IntentSink {
public:
    void push(Intent intent) { m_items.push_back(std::move(intent)); }
    std::vector<Intent> take() { return std::exchange(m_items, {}); }
    bool empty() const { return m_items.empty(); }
    std::size_t size() const { return m_items.size(); }

private:
    std::vector<Intent> m_items;
};

}  // namespace kiosk::ui
