#pragma once
/// Domain types of the check-in kiosk. Plain values, no I/O.
#include <kiosk/core/print_job.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::core {

/// All times are UTC, milliseconds since the Unix epoch. Time is always passed in, never read
/// deep inside the core.
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;
TimePoint nowUtc();                      ///< for front ends only
std::string formatIso8601(TimePoint t);  ///< "2018-03-16T08:42:07Z"
/// The same instant in this machine's time zone (TZ), with its offset: "2018-03-16T09:42:07+01:00".
/// The kiosk runs where the event is, so this is the event's time (as `kiosk event` reads times).
std::string formatIso8601Local(TimePoint t);
std::optional<TimePoint> parseIso8601(std::string_view);  ///< accepts Z / ±hh:mm offsets

/// The closed set of check-in outcomes. The reason codes are stable: they are stored in the
/// database and logs unchanged and only the UI translates them.
enum class Outcome {
    CheckedIn,          ///< "checked_in"
    AlreadyCheckedIn,   ///< "already_checked_in" (first check-in's time and kiosk are reported)
    UnknownCode,        ///< "unknown_code"
    Revoked,            ///< "revoked"
    Cancelled,          ///< "cancelled"
    WrongEvent,         ///< "wrong_event"
    NotOpenYet,         ///< "not_open_yet"
    Closed,             ///< "closed"
    InvalidPayload,     ///< "invalid_payload"
    TicketNotYetValid,  ///< "ticket_not_yet_valid": before the ticket's own valid-from (pretix_sig1)
    TicketExpired,      ///< "ticket_expired": after the ticket's own valid-until (pretix_sig1)
    /// "reentry": someone already in scanned again and the event allows re-entry; the scan is
    /// logged as a re-entry, the check-in in force (`firstCheckin`) is unchanged
    Reentry,
};
/// True for the outcomes that let the person in: checked_in and reentry.
bool admits(Outcome o);
std::string_view reasonCode(Outcome o);
std::optional<Outcome> outcomeFromReasonCode(std::string_view code);

enum class Language { Fr, Nl, En };
std::string_view languageCode(Language l);                        ///< "fr" / "nl" / "en"
std::optional<Language> languageFromCode(std::string_view code);  ///< case-insensitive, "fr-BE" ok

enum class AttendeeStatus { Registered, Cancelled };

struct Event {
    std::string id;    ///< short slug, carried in our QR codes, e.g. "rrbsi-2018"
    std::string name;  ///< "3e rencontre annuelle du RRBSI"
    std::string venue;
    std::string city;
    TimePoint startsAt{};
    TimePoint endsAt{};
    TimePoint doorsOpenAt{};   ///< scans before this are `not_open_yet`
    TimePoint doorsCloseAt{};  ///< scans after this are `closed`
    Language defaultLanguage = Language::Fr;
    // Branding for badges and confirmations (the logo itself: Database::eventLogo, kept out of
    // this struct because every scan reads the event).
    std::string shortName;     ///< as in a badge's header ("RRBSI 2018"); empty = name
    std::string tagline;       ///< a line under it on badges ("Brussels regional network …"); may be empty
    std::string colour;        ///< main colour, "#rrggbb" (badge header); empty = the template's
    std::string accentColour;  ///< second colour, "#rrggbb" (a rule under the header); empty = the template's
    /// Personal data is kept this many days after the event's end (endsAt, else startsAt), then
    /// `kiosk purge` anonymises everyone (docs/privacy.md).
    int retentionDays = 30;
    /// Made by `kiosk demo` (createDemoEvent), recorded in the database: only such a database
    /// accepts the demo PIN. Read-only: setEvent ignores it.
    bool demo = false;
    /// A second scan by someone already in: false = `already_checked_in` (the help desk),
    /// true = `reentry` ("welcome back", logged, counted once).
    bool reentryAllowed = false;
};

/// What a badge rule matches: an attendee's category or ticket type (without regard to case).
enum class BadgeMatch { Category, TicketType };
std::string_view badgeMatchName(BadgeMatch m);  ///< "category" / "ticket_type"

/// A badge per kind of attendee (docs/badges.md): people of this category or ticket type get
/// this template, band colour and role word. An empty part keeps the default.
struct BadgeRule {
    BadgeMatch match = BadgeMatch::Category;
    std::string value;         ///< "speaker", "Keynote" …
    std::string templateName;  ///< a template's name (not a path); "" = the kiosk's default
    std::string colour;        ///< band colour "#rrggbb"; "" = the template's colour for the category
    std::string role;          ///< role word on the band; "" = the category's translated label
};
/// One change to a rule: the parts given replace the rule's; `remove` clears it first. A rule
/// left with no part is deleted.
struct BadgeRuleChange {
    BadgeMatch match = BadgeMatch::Category;
    std::string value;
    std::optional<std::string> templateName, colour, role;
    bool remove = false;
};

struct Attendee {
    std::string id;  ///< globally unique (random 128-bit, hex), stable across re-imports
    std::string firstName;
    std::string lastName;
    std::string badgeName;  ///< "name as printed" override set at the desk; empty = first+last
    std::string organisation;
    std::string category;  ///< e.g. "participant", "speaker", "staff", "press"
    std::string ticketType;
    std::string workingGroup;
    std::string email;
    Language language = Language::Fr;
    AttendeeStatus status = AttendeeStatus::Registered;
    std::string externalSource;  ///< "pretix", "eventbrite", "generic", "demo", "walkin"
    std::string externalId;      ///< id in that source (order position, attendee #…)
    /// Erased at the person's request or by the retention purge (docs/privacy.md): every personal
    /// field is empty, the row stays, anonymous, for the counts.
    bool erased = false;

    std::string displayName() const;  ///< badgeName if set, else "First Last"
};

enum class CheckinAction { Checkin, Annul };

/// One row of the append-only check-in log.
struct CheckinRecord {
    std::string id;     ///< globally unique
    std::string nonce;  ///< unique; a repeated nonce writes nothing twice
    std::string attendeeId;
    TimePoint at{};
    std::string kiosk;
    CheckinAction action = CheckinAction::Checkin;
    std::string actor;   ///< "self" for attendee scans, volunteer name for desk actions
    std::string reason;  ///< for annul / manual check-in
    std::string annuls;  ///< an annul: the id of the check-in it cancels ("" for arrivals)
};

struct ScanRequest {
    std::string payload;  ///< raw scanned text, unvalidated
    std::string kiosk;    ///< kiosk name, e.g. "entrance-1"
    TimePoint at{};
    std::string nonce;  ///< empty: the engine generates one
    std::string actor = "self";
};

struct ScanResult {
    Outcome outcome = Outcome::InvalidPayload;
    std::optional<Attendee> attendee;
    std::optional<CheckinRecord> firstCheckin;  ///< for already_checked_in and reentry
    std::optional<CheckinRecord> checkin;       ///< the record written, for checked_in
    std::string caseRef;   ///< short reference shown on screen for the help desk ("K7F-3Q")
    std::string codeKind;  ///< "kiosk", "pretix", "eventbrite", "indico", "hievents", "unknown"
    /// The badge job written in the same transaction as the arrival (EngineOptions::queueBadge).
    std::optional<PrintJob> printJob;
};

struct RefusedScan {
    std::string id;
    std::string caseRef;
    TimePoint at{};
    std::string kiosk;
    Outcome outcome = Outcome::UnknownCode;
    std::string payloadEscaped;  ///< control characters and invalid UTF-8 escaped
    std::optional<std::string> attendeeId;
    bool resolved = false;
};

struct Stats {
    int64_t registered = 0;  ///< not cancelled
    int64_t checkedIn = 0;   ///< distinct attendees currently checked in (annuls subtracted)
    int64_t reentries = 0;   ///< scans answered `reentry` (not in checkedIn: a person counts once)
    struct Group {
        std::string name;
        int64_t registered = 0;
        int64_t checkedIn = 0;
    };
    std::vector<Group> byCategory;
    std::vector<Group> byWorkingGroup;
    struct Bucket {
        TimePoint start{};
        int64_t arrivals = 0;
    };
    std::vector<Bucket> arrivalsPer5Min;
};

}  // namespace kiosk::core
