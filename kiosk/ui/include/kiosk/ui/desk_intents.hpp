#pragma once
// The help desk's own intents (E2), joined to the shell's Intent variant in intents.hpp.
// Plain values only, like every intent.
#include <string>

namespace kiosk::ui {

enum class DeskPage { Search, Attendee, WalkIn, Queue, Settings };

/// Every text the desk's forms hold. The draft lives in DeskModel; a widget that changes it
/// pushes EditDeskField and the controller stores the new text.
enum class DeskField {
    CheckinReason,
    AnnulReason,
    BadgeName,
    WalkInFirstName,
    WalkInLastName,
    WalkInOrganisation,
    WalkInCategory,
    WalkInWorkingGroup,
    WalkInLanguage,  ///< "fr" / "nl" / "en"
    NewPin,
    NewPinRepeat,
    EraseReason,
};

struct ShowDeskPage {
    DeskPage page = DeskPage::Search;
};
struct EditDeskField {
    DeskField field = DeskField::CheckinReason;
    std::string text;
};
/// A held or failed badge from the queue: back to pending so the printer tries again.
struct RetryPrintJob {
    std::string printJobId;
};
/// A held badge that will not be printed (handed out by hand, person left): taken off the queue.
struct DismissPrintJob {
    std::string printJobId;
    std::string note;
};
struct DismissNotice {};
/// The arrivals as CSV (the same file as `kiosk export`), written beside the event database.
struct ExportArrivals {};
/// Erase the person's personal data at their request (core: Database::erase, docs/privacy.md).
struct EraseAttendee {
    std::string attendeeId;
    std::string reason;
};

/// A duplicate pair from the queue (two machines each let the person in): "same person, fine".
struct ResolveDuplicate {
    std::string checkinId;       ///< the later check-in of the pair
    std::string firstCheckinId;  ///< the one in force
};
/// A duplicate pair's "annul one": `checkinId` is annulled, the other check-in stays.
struct AnnulDuplicate {
    std::string checkinId;
    std::string otherCheckinId;  ///< named in the annul's reason
};

}  // namespace kiosk::ui
