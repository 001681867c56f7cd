#pragma once
// Database::Impl, shared by the store's translation units (database.cpp: open, event, codes;
// attendees.cpp: people, search, import; engine/checkin.cpp: the check-in engine;
// store/reports.cpp: stats, outbox, audit, export).
#include "store/sqlite.hpp"

#include <kiosk/core.hpp>

#include <array>
#include <map>
#include <utility>

/// Borrow the cached statement for `sql` as `var`; returns the prepare error from the
/// enclosing function (any Result<T> or Status) if it cannot be prepared.
#define KIOSK_STMT(var, conn, sql)                           \
    ::kiosk::core::Error var##Err;                           \
    sqlite3_stmt* var##Raw = (conn).prepare(sql, &var##Err); \
    if (!var##Raw) return var##Err;                          \
    ::kiosk::core::store::Stmt var(var##Raw)

namespace kiosk::core {

inline int64_t toMs(TimePoint t) {
    return t.time_since_epoch().count();
}
inline TimePoint fromMs(int64_t ms) {
    return TimePoint{std::chrono::milliseconds{ms}};
}

struct EventRow {
    Event event;
    std::string publicKey;  // 32 bytes
    std::string secretKey;  // 64 bytes
};

/// The columns readAttendee() expects, in order.
inline constexpr const char* kAttendeeCols =
    "a.id, a.first_name, a.last_name, a.badge_name, a.organisation, a.category, a.ticket_type, "
    "a.working_group, a.email, a.language, a.status, a.external_source, a.external_id, "
    "a.erased_at IS NOT NULL";
/// The number of columns in kAttendeeCols (a query's own columns follow them).
inline constexpr int kAttendeeColCount = 14;
Attendee readAttendee(const store::Stmt& st, int col);

/// The columns readCheckin() expects, in order.
inline constexpr const char* kCheckinCols =
    "c.id, c.nonce, c.attendee_id, c.at, c.kiosk, c.action, c.actor, c.reason, c.annuls";
CheckinRecord readCheckin(const store::Stmt& st, int col);

/// Folded words for the search index and the sort key ("dvorak\x1fzoe").
std::string searchWords(const Attendee& a);
std::string sortKey(const Attendee& a);
/// The one-way token that replaces an erased person's code values and external id
/// ("erased:" + 32 hex digits; store/privacy.cpp). Also the SQL function kiosk_erased_token.
std::string erasedToken(std::string_view value);
/// Registers kiosk_erased_token on a connection (every connection Database::open makes).
Status registerPrivacyFunctions(sqlite3* db);
/// JSON object text from key/value pairs (values escaped).
std::string jsonDetail(std::initializer_list<std::pair<const char*, std::string>> kv);

/// Running counters for people added (schema step 5). Updates and deletes of attendees are
/// counted by triggers; inserts are counted here, by the one function that inserts, because an
/// insert trigger made every insert carry a statement journal (2.3 s of a 100k-row import).
/// An import adds up its new people and writes the counters once, in its transaction.
class NewAttendeeCounts {
public:
    void add(const Attendee& a);
    Status applyTo(const store::Connection& c) const;

private:
    struct Delta {
        int64_t attendees = 0;
        int64_t registered = 0;
    };
    std::map<std::pair<std::string, std::string>, Delta> m_deltas;  // (dim, key)
};

/// What insertPrintJob writes.
struct NewPrintJob {
    std::string attendeeId;
    std::string checkinId;  ///< empty for reprints and desk badges without a check-in
    PrintJobKind kind = PrintJobKind::Badge;
    std::string machine;  ///< the kiosk where the person stands
    std::string actor;
    TimePoint at{};
};

/// Tells this process's print services that the outbox of `dbPath` has new work. Call it after
/// the commit that wrote a pending job (insertPrintJob's callers, a retry).
void notifyOutbox(const std::string& dbPath);

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
    /// Adds the folded words of a person to the search index under attendees.seq.
    Status insertSearchWords(int64_t seq, const Attendee& a) const;
    /// Assigns a.id if empty. Counts the person into `batch` (applied by the caller before
    /// commit) or, without one, into the running counters at once.
    Status insertAttendee(Attendee& a, TimePoint at, NewAttendeeCounts* batch = nullptr) const;
    /// New own code for an attendee, inside the caller's transaction.
    Result<std::string> insertOwnCode(const EventRow& ev, const std::string& attendeeId, TimePoint at) const;
    Status requireWritable(const char* what) const;
    /// setEvent; `markDemo` also marks it as the demo (createDemoEvent only), one transaction.
    Status writeEvent(const Event& e, bool markDemo) const;
    /// Stores the desk's name-as-printed override of `a` (reindexed, audited), inside the
    /// caller's transaction.
    Status updateBadgeName(const Attendee& a, const std::string& name, const std::string& actor,
                           TimePoint at) const;
    /// Recomputes the attendee's check-in in force (current_checkin_id, checked_in_at) from the
    /// log: the earliest check-in, by (at, id), that no annul names. The same rule on every
    /// machine and on the server, so merged copies agree (store/replication.cpp).
    Status refreshInForce(const std::string& attendeeId) const;
    /// A person erased on another machine, as the sync agent pulls it: the same scrub as
    /// Database::erase (names, codes, reasons, cases, audit details, search index) inside the
    /// caller's transaction, without a second audit fact (the erasing machine's travels). Turns
    /// secure_delete on; call cleanAfterErasure() after the commit.
    Status scrubPulledErasure(const std::string& attendeeId, TimePoint at) const;
    /// After the commit of scrubPulledErasure: the file rewritten and the WAL truncated, as
    /// after an erase (a problem is logged: the data is erased, old page copies may remain).
    void cleanAfterErasure() const;
    /// The pretix_sig1 keys (store/pretix.cpp), oldest first.
    Result<std::vector<PretixKeyInfo>> loadPretixKeys() const;
    /// The one insert into print_jobs, inside the caller's transaction: the badge of a check-in
    /// (checkIn with queueBadge), a walk-in's badge, a reprint. A check-in's badge is written
    /// once: for a check-in that already has a job of this kind, that job is returned. Audits
    /// every job that is not a check-in's own badge. After the commit, call notifyOutbox(path).
    Result<PrintJob> insertPrintJob(const NewPrintJob& job) const;
    Result<std::optional<PrintJob>> loadPrintJob(const std::string& id) const;
    /// The badge job of a check-in, if one was written.
    Result<std::optional<PrintJob>> loadBadgeJob(const std::string& checkinId) const;
};

}  // namespace kiosk::core
