#pragma once
/// The help desk's operations as values: who acts, what they ask, what came of it. Each operation
/// is one Database member (kiosk/core.hpp, "help desk") running one BEGIN IMMEDIATE transaction;
/// the window's desk and the CLI call them and never compose two writes themselves.
#include <kiosk/core/types.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::core {

/// Who performs a desk action, on which machine and when. Recorded in the check-in log, the
/// audit log and the print outbox (the badge prints on `kiosk`'s printer or nowhere).
struct DeskContext {
    std::string kiosk;  ///< the machine the volunteer stands at
    std::string actor;  ///< the volunteer as the audit log names them ("desk:Amina")
    TimePoint at{};
};

/// A walk-in: someone not in the export who is let in at the desk.
struct WalkInRequest {
    Attendee attendee;  ///< names, organisation, category, group, language (id ignored)
    bool printBadge = true;
    /// The volunteer has seen the registered people with the same name and this is someone
    /// else. Without it, a registered look-alike stops the walk-in (nothing is written).
    bool confirmedNew = false;
};

enum class WalkInOutcome {
    Registered,  ///< created, checked in and (if asked) the badge job written
    LookAlike,   ///< a registered person has the same name: nothing written, see lookAlikes
};

struct WalkInResult {
    WalkInOutcome outcome = WalkInOutcome::Registered;
    Attendee attendee;                     ///< the person created (Registered)
    std::vector<Attendee> lookAlikes;      ///< LookAlike: registered people with the same name
    std::optional<CheckinRecord> checkin;  ///< Registered: the arrival
    std::optional<PrintJob> printJob;      ///< Registered with printBadge: the badge job
};

/// The name as the volunteer typed it, as stored: surrounding blanks trimmed, and the registered
/// "First Last" stored as "" (no override), so later imports that fix the registered name still
/// show through.
std::string normaliseBadgeName(const Attendee& a, std::string_view typed);

struct BadgeRename {
    bool changed = false;  ///< false: the stored name was already this (nothing written)
    std::string stored;    ///< the override now stored ("" = none)
    std::string shown;     ///< what the badge shows: the override or "First Last"
};

/// What closing a case from the kiosks' queue does besides closing it.
enum class CaseAction {
    Close,    ///< "resolved": nothing else
    CheckIn,  ///< check the case's person in (with their badge) and close it
    Reprint,  ///< reprint the case's person's badge (a lost badge) and close it
};

struct CaseResolution {
    std::string caseRef;
    std::string attendeeId;             ///< "" when the case names nobody
    std::optional<ScanResult> checkin;  ///< CaseAction::CheckIn: the desk check-in's result
    std::optional<PrintJob> printJob;   ///< the badge job written with it
};

}  // namespace kiosk::core
