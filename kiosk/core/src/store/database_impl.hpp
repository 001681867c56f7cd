#pragma once
// Database::Impl, shared by the store's translation units (database.cpp: open, event, codes;
// attendees.cpp: people, search, import; engine/checkin.cpp: the check-in engine;
// store/reports.cpp: stats, outbox, audit, export).
#include "store/sqlite.hpp"

#include <kiosk/core.hpp>

#include <array>

/// Borrow the cached statement for `sql` as `var`; returns the prepare error from the
/// enclosing function (any Result<T> or Status) if it cannot be prepared.
#define KIOSK_STMT(var, conn, sql)                                  \
    ::kiosk::core::Error var##Err;                                  \
    sqlite3_stmt* var##Raw = (conn).prepare(sql, &var##Err);        \
    if (!var##Raw) return var##Err;                                 \
    ::kiosk::core::store::Stmt var(var##Raw)

namespace kiosk::core {

inline int64_t toMs(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint fromMs(int64_t ms) { return TimePoint{std::chrono::milliseconds{ms}}; }

struct EventRow {
    Event event;
    std::string publicKey;  // 32 bytes
    std::string secretKey;  // 64 bytes
};

/// The columns readAttendee() expects, in order.
inline constexpr const char* kAttendeeCols =
    "a.id, a.first_name, a.last_name, a.badge_name, a.organisation, a.category, a.ticket_type, "
    "a.working_group, a.email, a.language, a.status, a.external_source, a.external_id";
Attendee readAttendee(const store::Stmt& st, int col);

/// The columns readCheckin() expects, in order.
inline constexpr const char* kCheckinCols = "c.id, c.nonce, c.attendee_id, c.at, c.kiosk, c.action, c.actor, c.reason";
CheckinRecord readCheckin(const store::Stmt& st, int col);

/// Folded words for the search index and the sort key ("dvorak\x1fzoe").
std::string searchWords(const Attendee& a);
std::string sortKey(const Attendee& a);
/// JSON object text from key/value pairs (values escaped).
std::string jsonDetail(std::initializer_list<std::pair<const char*, std::string>> kv);

struct Database::Impl {
    store::Connection conn;
    std::string path;
    bool readOnly = false;

    Result<std::optional<EventRow>> loadEvent() const;
    Result<std::optional<Attendee>> loadAttendee(const std::string& id) const;
    Result<std::optional<CheckinRecord>> loadCheckin(const std::string& id) const;
    Status insertAudit(TimePoint at, const std::string& actor, const std::string& action,
                       const std::string& attendeeId, const std::string& detail) const;
    /// Insert (new id) or replace the attendee's words in the search index.
    Status indexAttendee(const std::string& attendeeId, const Attendee& a) const;
    Status insertAttendee(Attendee& a, TimePoint at) const;  ///< assigns a.id if empty
    /// New own code for an attendee, inside the caller's transaction.
    Result<std::string> insertOwnCode(const EventRow& ev, const std::string& attendeeId, TimePoint at) const;
    Status requireWritable(const char* what) const;
};

}  // namespace kiosk::core
