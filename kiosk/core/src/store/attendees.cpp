// Attendees: adding, reading, renaming, accent-insensitive search, and applying an import.
#include "store/database_impl.hpp"
#include "util_ids.hpp"

#include <kiosk/core/payload.hpp>
#include <kiosk/core/text.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace kiosk::core {

namespace {

std::string statusText(AttendeeStatus s) {
    return s == AttendeeStatus::Cancelled ? "cancelled" : "registered";
}

/// The search query as FTS5 syntax: every token of the folded text must prefix-match a word.
/// Tokens keep letters and digits only, so user text can never be FTS5 syntax.
std::string ftsQuery(std::string_view text) {
    const std::string folded = foldForSearch(text);
    std::string query, token;
    auto flush = [&] {
        if (token.empty()) return;
        if (!query.empty()) query += ' ';
        query += '"' + token + "\"*";
        token.clear();
    };
    for (const char ch : folded) {
        const auto u = static_cast<unsigned char>(ch);
        // ASCII letters/digits, and any byte of a non-ASCII letter (Greek, Cyrillic, …).
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || u >= 0x80)
            token += ch;
        else
            flush();
    }
    flush();
    return query;
}

}  // namespace

Result<Attendee> Database::addAttendee(Attendee a, const std::string& actor) {
    if (auto s = m_impl->requireWritable("add attendee"); !s) return s.error();
    if (a.firstName.empty() && a.lastName.empty())
        return Error{"attendee.no_name", "an attendee needs a first or a last name"};
    a.id.clear();
    const auto at = nowUtc();
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    if (auto s = m_impl->insertAttendee(a, at); !s) {
        if (s.error().code == "db.constraint")
            return Error{"attendee.duplicate", "an attendee with external id " + a.externalSource + "/" +
                                                   a.externalId + " already exists"};
        return s.error();
    }
    if (auto s =
            m_impl->insertAudit(at, actor, a.externalSource == "walkin" ? "attendee.walkin" : "attendee.add",
                                a.id, jsonDetail({{"name", a.displayName()}, {"category", a.category}}));
        !s)
        return s.error();
    if (auto s = tx.commit(); !s) return s.error();
    return a;
}

Result<std::optional<Attendee>> Database::attendee(const std::string& id) const {
    return m_impl->loadAttendee(id);
}

Result<std::vector<Attendee>> Database::attendees() const {
    static const std::string sql =
        std::string("SELECT ") + kAttendeeCols + " FROM attendees a ORDER BY a.sort_key, a.id";
    KIOSK_STMT(st, m_impl->conn, sql.c_str());
    std::vector<Attendee> out;
    while (st.step()) out.push_back(readAttendee(st, 0));
    if (st.failed()) return m_impl->conn.error("list attendees");
    return out;
}

Status Database::Impl::updateBadgeName(const Attendee& a, const std::string& name, const std::string& actor,
                                       TimePoint at) const {
    // An erased person has no name to print: renaming would bring personal data back.
    if (a.erased) return Error{"attendee.erased", "attendee " + a.id + " was erased at their request"};
    {
        KIOSK_STMT(st, conn, "UPDATE attendees SET badge_name = ?2, updated_at = ?3 WHERE id = ?1");
        st.bind(1, a.id).bind(2, name).bind(3, toMs(at));
        st.step();
        if (st.failed()) return conn.error("rename");
    }
    Attendee renamed = a;
    renamed.badgeName = name;
    if (auto s = indexAttendee(a.id, renamed); !s) return s;
    return insertAudit(at, actor, "attendee.rename", a.id,
                       jsonDetail({{"before", a.badgeName}, {"after", name}}));
}

Status Database::renameForBadge(const std::string& id, const std::string& badgeName,
                                const std::string& actor) {
    if (auto s = m_impl->requireWritable("rename"); !s) return s;
    const auto clean = sanitizePayload(badgeName);  // same rules: UTF-8, no control characters
    if (!badgeName.empty() && !clean)
        return Error{"attendee.bad_name", "the badge name must be valid text of at most 4 KiB"};
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s;
    auto a = m_impl->loadAttendee(id);
    if (!a) return a.error();
    if (!*a) return Error{"attendee.not_found", "no attendee with id " + id};
    if (auto s = m_impl->updateBadgeName(**a, clean.value_or(""), actor, nowUtc()); !s) return s;
    return tx.commit();
}

Result<std::vector<Attendee>> Database::search(std::string_view text, int limit) const {
    const std::string query = ftsQuery(text.substr(0, 256));
    if (query.empty() || limit <= 0) return std::vector<Attendee>{};
    // A broad prefix ("z", "lef") matches thousands of people at a 10,000-person event; sorting
    // them all by name cost 50-70 ms per keystroke. The desk only needs a page of candidates and
    // narrows as the volunteer types, so take the first kCandidates matches in index order and
    // sort those: exact for every query with fewer matches, a fair sample for broader ones.
    constexpr int kCandidates = 200;
    static const std::string sql =
        std::string("SELECT ") + kAttendeeCols +
        " FROM (SELECT rowid AS r FROM attendee_search WHERE attendee_search MATCH ?1"
        " LIMIT ?3) m JOIN attendees a ON a.seq = m.r"
        " ORDER BY a.sort_key, a.id LIMIT ?2";
    KIOSK_STMT(st, m_impl->conn, sql.c_str());
    st.bind(1, query).bind(2, limit).bind(3, std::max(limit, kCandidates));
    std::vector<Attendee> out;
    while (st.step()) out.push_back(readAttendee(st, 0));
    if (st.failed()) return m_impl->conn.error("search");
    return out;
}

Result<std::vector<Attendee>> Database::findAttendees(std::string_view raw, int limit) const {
    std::vector<Attendee> out;
    const std::string text = text::trimBlanks(raw.substr(0, 4096));
    if (text.empty() || limit <= 0) return out;
    const auto& c = m_impl->conn;
    std::set<std::string> seen;
    // Each query below binds ?1 (and ?2) and yields attendee ids.
    auto addIds = [&](const char* sql, const std::string& a1, const std::string& a2 = {}) -> Status {
        KIOSK_STMT(st, c, sql);
        st.bind(1, a1);
        if (sqlite3_bind_parameter_count(stRaw) >= 2) st.bind(2, a2);
        std::vector<std::string> ids;
        while (st.step()) ids.push_back(st.text(0));
        if (st.failed()) return c.error("search");
        for (const auto& id : ids) {
            if (static_cast<int>(out.size()) >= limit || !seen.insert(id).second) continue;
            auto a = m_impl->loadAttendee(id);
            if (!a) return a.error();
            if (*a) out.push_back(std::move(**a));
        }
        return {};
    };
    const bool oneWord = text.find_first_of(" \t") == std::string::npos;
    // A scanned code: the same lookup the engine makes, without checking anyone in.
    if (auto clean = sanitizePayload(text)) {
        const auto cls = classifyPayload(*clean);
        if (auto s = addIds("SELECT attendee_id FROM codes WHERE value = ?1", cls.lookup); !s)
            return s.error();
    }
    if (oneWord) {
        std::string upper = text;
        for (auto& ch : upper)
            if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        // The case reference the kiosk showed ("K7F-3Q", typed in any case).
        if (auto s = addIds(
                "SELECT attendee_id FROM refused_scans WHERE case_ref = ?1 AND attendee_id IS NOT NULL",
                upper);
            !s)
            return s.error();
        // The reference on our confirmation: the attendee id, or its first 16+ hex digits (the
        // first 12 are the time the record was made, shared by everyone imported together).
        std::string lower = text;
        for (auto& ch : lower)
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        if (lower.size() >= 16 && lower.size() <= 64 &&
            lower.find_first_not_of("0123456789abcdef") == std::string::npos) {
            if (auto s = addIds("SELECT id FROM attendees WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 5",
                                lower, lower + "g");
                !s)
                return s.error();
        }
        // The ticketing system's reference: an external id, or an order code ("ABC12" for the
        // positions "ABC12-1", "ABC12-2"; Eventbrite's "order#1").
        for (const std::string& ref : {text, upper}) {
            if (auto s = addIds(
                    "SELECT id FROM attendees WHERE external_id <> '' AND (external_id = ?1 OR "
                    "(external_id > ?1 || '#' AND external_id < ?1 || '.')) ORDER BY external_id LIMIT 50",
                    ref);
                !s)
                return s.error();
            if (upper == text) break;
        }
        if (text.find('@') != std::string::npos) {
            if (auto s =
                    addIds("SELECT id FROM attendees WHERE email <> '' AND lower(email) = lower(?1)", text);
                !s)
                return s.error();
        }
    }
    if (static_cast<int>(out.size()) < limit) {
        auto byName = search(text, limit);
        if (!byName) return byName.error();
        for (auto& a : *byName)
            if (static_cast<int>(out.size()) < limit && seen.insert(a.id).second) out.push_back(std::move(a));
    }
    return out;
}

// --- import ---------------------------------------------------------------------------------

namespace {

using Clock = std::chrono::steady_clock;

/// Codes a re-import may replace: those that came from an export. Our own codes (issued here)
/// and Eventbrite's order+attendee prefixes are not replaced by a new secret.
bool replaceableKind(std::string_view kind) {
    return kind != "kiosk" && kind != "eventbrite_prefix";
}

/// One import, in short transactions ("batches"): rows applied in file order, each batch with
/// the counters of its new people; then a last transaction with the people missing from the
/// file, the summary's audit entry and a full sync. Shared by applyImport (rows in memory) and
/// importFile (rows arriving from the parse thread).
///
/// Why batches: a check-in at the door waits for the write lock. One transaction over 100,000
/// rows made it wait up to the whole import (1.6 s of a 2.1 s import). The import now notices a
/// waiting check-in within 16 rows (store::Connection::othersWaiting), commits, and lets it in
/// before going on (letWaitersIn); with nobody waiting, a transaction lasts up to
/// maxTransactionMs. Rows are upserts by external id, so a batch applied twice changes
/// nothing: an import that fails half-way reports how far it got, and running it again
/// completes it.
class ImportApplier {
public:
    ImportApplier(Database::Impl& impl, std::string actor, TimePoint at, ImportApplyOptions options)
        : m(impl), c(impl.conn), m_actor(std::move(actor)), m_at(at), m_options(options) {}

    ~ImportApplier() {
        m_tx.reset();  // rolls back an open batch
        if (m_relaxed) (void)c.exec("PRAGMA synchronous = FULL");
    }

    Status begin() {
        // Batches commit without fsync (synchronous = NORMAL: WAL order still keeps the file
        // consistent, a power cut loses at most the last batches, which the import has not
        // reported yet); the final transaction syncs them all with FULL. A check-in committed
        // in between syncs the WAL, and with it every batch before it.
        if (auto s = c.exec("PRAGMA synchronous = NORMAL", "prepare the import"); !s) return s;
        m_relaxed = true;
        {
            // People whose export names no language get the event's. In its own scope: a
            // statement still open would hold a read transaction into beginBatch's BEGIN
            // IMMEDIATE, and SQLite then answers a writer elsewhere with SQLITE_BUSY at once
            // instead of calling the busy handler (the import failed with db.busy when a kiosk
            // wrote just then; store_file_test caught it under ASan).
            KIOSK_STMT(ev, c, "SELECT default_language FROM event LIMIT 1");
            if (ev.step()) m_defaultLanguage = languageFromCode(ev.text(0)).value_or(Language::Fr);
            if (ev.failed()) return c.error("import: read the event's language");
        }
        return beginBatch();
    }

    Status apply(const ImportRow& row, const std::string& source);

    Result<ImportSummary> finish(ImportBatch meta);

    /// For the error of an import that stopped half-way.
    Error stopped(Error e) const {
        if (m_rowsCommitted == 0) return e;
        e.message += " — the import stopped after saving " + std::to_string(m_rowsCommitted) +
                     " rows (up to line " + std::to_string(m_lastLineCommitted) +
                     "); fix the cause and import the same file again: rows already saved are not "
                     "duplicated";
        return e;
    }

private:
    Status beginBatch() {
        m_tx.emplace(c);
        if (auto s = m_tx->begin(); !s) return s;
        m_batchStart = Clock::now();
        return {};
    }

    /// Commits the batch, lets waiting writers in, starts the next.
    Status rotate() {
        if (auto s = commitBatch(); !s) return s;
        // A waiter that does not come within 50 ms is not waiting for the write lock any more (it
        // was busy on something else and has not written since): stop asking about waiters for a
        // while, and commit on time alone meanwhile.
        if (!c.letWaitersIn(50)) m_ignoreWaitersUntil = Clock::now() + std::chrono::seconds(1);
        return beginBatch();
    }

    Status commitBatch() {
        if (auto s = m_newPeople.applyTo(c); !s) return s;
        m_newPeople = NewAttendeeCounts{};
        if (auto s = m_tx->commit(); !s) return s;
        m_tx.reset();
        m_rowsCommitted += m_rowsInBatch;
        m_lastLineCommitted = m_lastLine;
        m_rowsInBatch = 0;
        ++m_batches;
        return {};
    }

    Status revokeReplacedCodes(const std::string& attendeeId, const std::vector<std::string>& keep);
    Status importEarlierCheckin(const std::string& attendeeId, const Attendee& in, const ImportRow& row);
    Status reportMissing(const std::string& source, bool fileHadRejections);

    Database::Impl& m;
    const store::Connection& c;
    std::optional<store::Transaction> m_tx;
    std::string m_actor;
    TimePoint m_at;
    ImportApplyOptions m_options;
    bool m_relaxed = false;
    Clock::time_point m_batchStart, m_ignoreWaitersUntil;
    int m_rowsInBatch = 0, m_rowsCommitted = 0, m_lastLine = 0, m_lastLineCommitted = 0, m_batches = 0;
    ImportSummary m_sum;
    std::vector<RejectedRow> m_rejected;
    NewAttendeeCounts m_newPeople;
    std::optional<bool> m_anyErased;            ///< someone in the file was erased (asked once per import)
    Language m_defaultLanguage = Language::Fr;  ///< the event's, for rows without a language
    std::vector<std::string> m_present;         ///< attendee ids of this file's rows (missing people)
    int m_presentRegistered = 0;
};

Status ImportApplier::revokeReplacedCodes(const std::string& attendeeId,
                                          const std::vector<std::string>& keep) {
    std::vector<std::string> replaced;
    {
        KIOSK_STMT(st, c, "SELECT id, value, kind FROM codes WHERE attendee_id = ?1 AND revoked_at IS NULL");
        st.bind(1, attendeeId);
        while (st.step())
            if (replaceableKind(st.text(2)) && std::find(keep.begin(), keep.end(), st.text(1)) == keep.end())
                replaced.push_back(st.text(0));
        if (st.failed()) return c.error("import: read codes");
    }
    for (const auto& id : replaced) {
        KIOSK_STMT(up, c,
                   "UPDATE codes SET revoked_at = ?2, revoked_reason = 'import.reissued' WHERE id = ?1");
        up.bind(1, id).bind(2, toMs(m_at));
        up.step();
        if (up.failed()) return c.error("import: revoke replaced code");
    }
    m_sum.reissued += static_cast<int>(replaced.size());
    return {};
}

Status ImportApplier::importEarlierCheckin(const std::string& attendeeId, const Attendee& in,
                                           const ImportRow& row) {
    const TimePoint when = row.checkedInAt.value_or(m_at);
    // One fact per person and source: importing the export again adds nothing (the nonce is
    // taken), and a check-in annulled at our desk stays annulled.
    const std::string nonce = "import:" + in.externalSource + ":" + in.externalId;
    {
        KIOSK_STMT(cur, c, "SELECT current_checkin_id IS NOT NULL FROM attendees WHERE id = ?1");
        cur.bind(1, attendeeId);
        if (cur.step() && cur.i64(0) != 0) return {};  // already in (here or by an earlier import)
        if (cur.failed()) return c.error("import: read check-in state");
    }
    const std::string id = ids::newId();
    {
        KIOSK_STMT(st, c,
                   "INSERT INTO checkins(id, nonce, attendee_id, at, kiosk, action, actor, reason) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, 'checkin', ?6, ?7) ON CONFLICT (nonce) DO NOTHING");
        st.bind(1, id).bind(2, nonce).bind(3, attendeeId).bind(4, toMs(when)).bind(5, in.externalSource);
        st.bind(6, m_actor)
            .bind(7, "checked in at " + in.externalSource + " (line " + std::to_string(row.line) + ")");
        st.step();
        if (st.failed()) return c.error("import: write earlier check-in");
        if (sqlite3_changes(c.get()) == 0) return {};
    }
    KIOSK_STMT(up, c, "UPDATE attendees SET current_checkin_id = ?2, checked_in_at = ?3 WHERE id = ?1");
    up.bind(1, attendeeId).bind(2, id).bind(3, toMs(when));
    up.step();
    if (up.failed()) return c.error("import: write check-in state");
    ++m_sum.earlierCheckins;
    return {};
}

Status ImportApplier::apply(const ImportRow& row, const std::string& source) {
    // Time-bounded batches: the clock is read every 16 rows (a row takes ~20 µs).
    // Every 16 rows (~0.3 ms of work): if a check-in waits, commit now and let it in; else go on
    // up to maxTransactionMs (a long transaction costs nobody anything, and each commit rewrites
    // the index pages it shares with the previous one: 20 ms transactions made a 100,000-row
    // import 50–70 % slower).
    if (m_rowsInBatch > 0 && (m_rowsInBatch & 15) == 0) {
        const auto now = Clock::now();
        const bool waiting = now >= m_ignoreWaitersUntil && c.othersWaiting();
        if (waiting || now - m_batchStart >= std::chrono::milliseconds(m_options.maxTransactionMs))
            if (auto s = rotate(); !s) return s;
    }
    ++m_rowsInBatch;
    m_lastLine = row.line;

    const TimePoint at = m_at;
    const std::string& actor = m_actor;
    static const std::string findSql =
        std::string("SELECT ") + kAttendeeCols +
        " FROM attendees a WHERE a.external_source = ?1 AND a.external_id = ?2 AND a.external_id <> ''";
    Attendee in = row.attendee;
    if (in.externalSource.empty()) in.externalSource = source;
    in.status = row.cancelled ? AttendeeStatus::Cancelled : AttendeeStatus::Registered;
    if (in.firstName.empty() && in.lastName.empty()) {
        m_rejected.push_back({row.line, "missing name"});
        return {};
    }

    std::optional<Attendee> existing;
    if (!in.externalId.empty()) {
        KIOSK_STMT(st, c, findSql.c_str());
        st.bind(1, in.externalSource).bind(2, in.externalId);
        if (st.step()) existing = readAttendee(st, 0);
        if (st.failed()) return c.error("import: find attendee");
    }

    if (!existing && !in.externalId.empty()) {
        // Erased at the person's request or purged: the external id became a token (see
        // store/privacy.cpp), and the same export must not bring them back. Looked up only
        // when someone was erased: no cost for the usual import.
        if (!m_anyErased) {
            KIOSK_STMT(any, c, "SELECT EXISTS (SELECT 1 FROM attendees WHERE erased_at IS NOT NULL)");
            if (!any.step()) return c.error("import: find erased attendees");
            m_anyErased = any.i64(0) != 0;
        }
    }
    if (!existing && !in.externalId.empty() && *m_anyErased) {
        KIOSK_STMT(
            st, c,
            "SELECT 1 FROM attendees WHERE external_source = ?1 AND external_id = ?2 AND external_id <> ''");
        st.bind(1, in.externalSource).bind(2, erasedToken(in.externalSource + "\x1f" + in.externalId));
        if (st.step()) {
            m_rejected.push_back(
                {row.line, "this person's data was erased (kiosk erase / purge); not imported again"});
            return {};
        }
        if (st.failed()) return c.error("import: find erased attendee");
    }

    if (!row.languageGiven) in.language = existing ? existing->language : m_defaultLanguage;

    std::string attendeeId;
    if (!existing) {
        in.id.clear();
        in.badgeName.clear();
        if (auto s = m.insertAttendee(in, at, &m_newPeople); !s) return s;
        attendeeId = in.id;
        ++m_sum.imported;
    } else {
        attendeeId = existing->id;
        const Attendee& old = *existing;
        std::vector<std::string> changed;
        auto diff = [&](const char* name, const std::string& a, const std::string& b) {
            if (a != b) changed.emplace_back(name);
        };
        diff("first_name", old.firstName, in.firstName);
        diff("last_name", old.lastName, in.lastName);
        diff("organisation", old.organisation, in.organisation);
        diff("category", old.category, in.category);
        diff("ticket_type", old.ticketType, in.ticketType);
        diff("working_group", old.workingGroup, in.workingGroup);
        diff("email", old.email, in.email);
        diff("language", std::string(languageCode(old.language)), std::string(languageCode(in.language)));
        diff("status", statusText(old.status), statusText(in.status));
        if (changed.empty()) {
            ++m_sum.unchanged;
        } else {
            // The badge name is the desk's override and the check-ins live in their own log:
            // neither is touched by a re-import.
            in.badgeName = old.badgeName;
            {
                KIOSK_STMT(st, c,
                           "UPDATE attendees SET first_name = ?2, last_name = ?3, organisation = ?4, "
                           "category = ?5, ticket_type = ?6, working_group = ?7, email = ?8, language = ?9, "
                           "status = ?10, sort_key = ?11, updated_at = ?12 WHERE id = ?1");
                st.bind(1, attendeeId).bind(2, in.firstName).bind(3, in.lastName).bind(4, in.organisation);
                st.bind(5, in.category).bind(6, in.ticketType).bind(7, in.workingGroup).bind(8, in.email);
                st.bind(9, languageCode(in.language)).bind(10, statusText(in.status)).bind(11, sortKey(in));
                st.bind(12, toMs(at));
                st.step();
                if (st.failed()) return c.error("import: update attendee");
            }
            if (auto s = m.indexAttendee(attendeeId, in); !s) return s;
            std::string fields;
            for (const auto& f : changed) fields += (fields.empty() ? "" : ",") + f;
            if (auto s = m.insertAudit(at, actor, "attendee.import_update", attendeeId,
                                       jsonDetail({{"source", in.externalSource},
                                                   {"fields", fields},
                                                   {"line", std::to_string(row.line)}}));
                !s)
                return s;
            ++m_sum.updated;
        }
        if (row.cancelled && old.status != AttendeeStatus::Cancelled) {
            KIOSK_STMT(st, c,
                       "UPDATE codes SET revoked_at = ?2, revoked_reason = 'import.cancelled' "
                       "WHERE attendee_id = ?1 AND revoked_at IS NULL");
            st.bind(1, attendeeId).bind(2, toMs(at));
            st.step();
            if (st.failed()) return c.error("import: revoke codes");
            m_sum.revoked += sqlite3_changes(c.get());
        } else if (!row.cancelled && old.status == AttendeeStatus::Cancelled) {
            // Re-registered (a refund reversed, back in a complete export): the codes the import
            // revoked are valid again.
            KIOSK_STMT(st, c,
                       "UPDATE codes SET revoked_at = NULL, revoked_reason = NULL "
                       "WHERE attendee_id = ?1 AND revoked_reason IN ('import.cancelled', 'import.missing')");
            st.bind(1, attendeeId);
            st.step();
            if (st.failed()) return c.error("import: restore codes");
        }
    }
    m_present.push_back(attendeeId);
    if (!row.cancelled) ++m_presentRegistered;

    bool newCodeForExisting = false;
    std::vector<std::string> rowCodes;  // as stored (lookup form)
    auto addCode = [&](const std::string& value, std::string_view kind) -> Status {
        // Insert first, look up only on a clash: one index probe per new code instead of two.
        KIOSK_STMT(ins, c,
                   "INSERT INTO codes(id, attendee_id, kind, value, created_at, revoked_at, revoked_reason) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (value) DO NOTHING");
        ins.bind(1, ids::newId()).bind(2, attendeeId).bind(3, kind).bind(4, value).bind(5, toMs(at));
        if (row.cancelled) {
            ins.bind(6, toMs(at)).bind(7, "import.cancelled");
        } else {
            ins.bindNull(6).bindNull(7);
        }
        ins.step();
        if (ins.failed()) return c.error("import: add code");
        if (sqlite3_changes(c.get()) > 0) {
            newCodeForExisting |= existing.has_value();
            return {};
        }
        KIOSK_STMT(find, c, "SELECT attendee_id, revoked_reason FROM codes WHERE value = ?1");
        find.bind(1, value);
        if (find.step()) {
            if (find.text(0) != attendeeId) {
                m_rejected.push_back({row.line, "code " + escapeForDisplay(value.substr(0, 80)) +
                                                    " already belongs to another attendee; code not added"});
            } else if (!row.cancelled && find.optText(1) == std::optional<std::string>("import.reissued")) {
                // The export went back to a code it had replaced: valid again, and the one that
                // replaced it is revoked below.
                KIOSK_STMT(up, c,
                           "UPDATE codes SET revoked_at = NULL, revoked_reason = NULL WHERE value = ?1");
                up.bind(1, value);
                up.step();
                if (up.failed()) return c.error("import: restore code");
                newCodeForExisting = true;
            }
        }
        if (find.failed()) return c.error("import: find code");
        return {};
    };
    for (const auto& raw : row.codes) {
        const auto clean = sanitizePayload(raw);
        if (!clean) {
            m_rejected.push_back({row.line,
                                  "code is not valid text (control characters, invalid UTF-8 or "
                                  "longer than 4 KiB); code not added"});
            continue;
        }
        const auto cls = classifyPayload(*clean);
        if (auto s = addCode(cls.lookup, codeKindName(cls.kind)); !s) return s;
        rowCodes.push_back(cls.lookup);
    }
    for (const auto& prefix : row.codePrefixes) {
        const auto clean = sanitizePayload(prefix);
        if (!clean) continue;
        if (auto s = addCode(*clean, "eventbrite_prefix"); !s) return s;
    }
    // pretix re-issues a ticket's secret when the order changes: the export brings a new code for
    // someone we know, and the old one must stop working (a scan of it says `revoked`).
    if (newCodeForExisting && !row.cancelled)
        if (auto s = revokeReplacedCodes(attendeeId, rowCodes); !s) return s;
    if (row.checkedIn && !row.cancelled)
        if (auto s = importEarlierCheckin(attendeeId, in, row); !s) return s;
    return {};
}

Status ImportApplier::reportMissing(const std::string& source, bool fileHadRejections) {
    int64_t registered = 0;
    {
        KIOSK_STMT(st, c,
                   "SELECT count(*) FROM attendees WHERE external_source = ?1 AND external_id <> '' "
                   "AND status = 'registered' AND erased_at IS NULL");
        st.bind(1, source);
        if (st.step()) registered = st.i64(0);
        if (st.failed()) return c.error("import: count people");
    }
    // Everyone registered from this source is in the file: nothing to list (the usual case, and
    // every first import).
    if (registered <= m_presentRegistered) return {};
    std::sort(m_present.begin(), m_present.end());
    std::vector<MissingPerson> missing;
    {
        KIOSK_STMT(
            st, c,
            "SELECT id, external_id, first_name, last_name FROM attendees WHERE external_source = ?1 "
            "AND external_id <> '' AND status = 'registered' AND erased_at IS NULL ORDER BY sort_key, id");
        st.bind(1, source);
        while (st.step()) {
            std::string id = st.text(0);
            if (std::binary_search(m_present.begin(), m_present.end(), id)) continue;
            std::string name = st.text(2);
            if (!name.empty() && !st.text(3).empty()) name += ' ';
            name += st.text(3);
            missing.push_back({std::move(id), st.text(1), std::move(name)});
        }
        if (st.failed()) return c.error("import: find missing people");
    }
    m_sum.missingCount = static_cast<int>(missing.size());
    if (m_options.revokeMissing && !fileHadRejections) {
        for (const auto& p : missing) {
            {
                KIOSK_STMT(up, c, "UPDATE attendees SET status = 'cancelled', updated_at = ?2 WHERE id = ?1");
                up.bind(1, p.attendeeId).bind(2, toMs(m_at));
                up.step();
                if (up.failed()) return c.error("import: cancel missing person");
            }
            KIOSK_STMT(st, c,
                       "UPDATE codes SET revoked_at = ?2, revoked_reason = 'import.missing' "
                       "WHERE attendee_id = ?1 AND revoked_at IS NULL");
            st.bind(1, p.attendeeId).bind(2, toMs(m_at));
            st.step();
            if (st.failed()) return c.error("import: revoke missing person's codes");
            if (auto s = m.insertAudit(m_at, m_actor, "attendee.import_missing", p.attendeeId,
                                       jsonDetail({{"source", source}, {"external_id", p.externalId}}));
                !s)
                return s;
            ++m_sum.missingRevoked;
        }
    }
    if (missing.size() > 200) missing.resize(200);
    m_sum.missing = std::move(missing);
    return {};
}

Result<ImportSummary> ImportApplier::finish(ImportBatch meta) {
    const std::string source = meta.source;
    m_sum.source = source;
    m_sum.warnings = std::move(meta.warnings);
    m_sum.notes = std::move(meta.notes);
    m_sum.encoding = std::move(meta.encoding);
    m_sum.rejected = std::move(meta.rejected);
    m_sum.rejected.insert(m_sum.rejected.end(), std::make_move_iterator(m_rejected.begin()),
                          std::make_move_iterator(m_rejected.end()));
    // The last transaction syncs every batch (FULL) and holds what concerns the file as a whole.
    if (auto s = commitBatch(); !s) return stopped(s.error());
    if (auto s = c.exec("PRAGMA synchronous = FULL", "finish the import"); !s) return stopped(s.error());
    m_relaxed = false;
    if (auto s = beginBatch(); !s) return stopped(s.error());
    if (auto s = reportMissing(source, !m_sum.rejected.empty()); !s) return stopped(s.error());
    if (m_sum.missingCount > 0 && m_options.revokeMissing && m_sum.missingRevoked == 0)
        m_sum.notes.emplace_back(
            "--revoke-missing: nobody was revoked because rows of this file were rejected "
            "(their people would look missing); fix those rows and import again");
    if (auto s = m.insertAudit(m_at, m_actor, "import.apply", "",
                               jsonDetail({{"source", source},
                                           {"imported", std::to_string(m_sum.imported)},
                                           {"updated", std::to_string(m_sum.updated)},
                                           {"unchanged", std::to_string(m_sum.unchanged)},
                                           {"revoked", std::to_string(m_sum.revoked)},
                                           {"reissued", std::to_string(m_sum.reissued)},
                                           {"earlier_checkins", std::to_string(m_sum.earlierCheckins)},
                                           {"missing", std::to_string(m_sum.missingCount)},
                                           {"missing_revoked", std::to_string(m_sum.missingRevoked)},
                                           {"batches", std::to_string(m_batches)},
                                           {"rejected", std::to_string(m_sum.rejected.size())}}));
        !s)
        return stopped(s.error());
    if (auto s = m_tx->commit(); !s) return stopped(s.error());
    m_tx.reset();
    return std::move(m_sum);
}

}  // namespace

Result<ImportSummary> Database::applyImport(const ImportBatch& batch, const std::string& actor, TimePoint at,
                                            const ImportApplyOptions& options) {
    if (auto s = m_impl->requireWritable("import"); !s) return s.error();
    ImportApplier applier(*m_impl, actor, at, options);
    if (auto s = applier.begin(); !s) return s.error();
    for (const ImportRow& row : batch.rows)
        if (auto s = applier.apply(row, batch.source); !s) return applier.stopped(s.error());
    ImportBatch meta;
    meta.source = batch.source;
    meta.rejected = batch.rejected;
    meta.warnings = batch.warnings;
    meta.notes = batch.notes;
    meta.encoding = batch.encoding;
    return applier.finish(std::move(meta));
}

Result<ImportSummary> Database::importFile(const std::string& path, ImportFormat format,
                                           const std::string& actor, TimePoint at,
                                           const ImportApplyOptions& options) {
    if (auto s = m_impl->requireWritable("import"); !s) return s.error();
    auto bytes = readExportFile(path);
    if (!bytes) return bytes.error();
    ImportApplier applier(*m_impl, actor, at, options);

    // The parser runs on a second thread and hands over rows 2,048 at a time through a short
    // queue (bounded: memory stays flat whatever the file); this thread writes them as they come.
    struct Chunk {
        std::vector<ImportRow> rows;
        std::string source;
    };
    constexpr std::size_t kMaxQueued = 4;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Chunk> queue;
    bool parsed = false, stop = false;
    std::optional<Result<ImportBatch>> batch;
    std::thread parser([&] {
        const ImportRowSink sink = [&](std::vector<ImportRow>&& rows, const std::string& source) {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return stop || queue.size() < kMaxQueued; });
            if (stop) return;  // the writer failed: the rest is parsed and dropped
            queue.push_back({std::move(rows), source});
            changed.notify_all();
        };
        Result<ImportBatch> r = Error{"import.failed", "the parser stopped"};
        try {
            r = parseExportStreaming(*bytes, format, sink);
        } catch (const std::exception& e) {
            r = Error{"import.failed", std::string("parsing the export failed: ") + e.what()};
        }
        std::lock_guard lock(mutex);
        batch = std::move(r);
        parsed = true;
        changed.notify_all();
    });

    // Nothing is written before the first rows arrive: a file the parser refuses as a whole
    // (unknown format, missing columns) is refused before its first row, and writes nothing.
    bool begun = false;
    Status written;
    for (;;) {
        Chunk chunk;
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return parsed || !queue.empty(); });
            if (queue.empty()) break;
            chunk = std::move(queue.front());
            queue.pop_front();
            changed.notify_all();
        }
        if (!written) continue;  // drain what is queued; nothing more is written
        if (!begun) {
            written = applier.begin();
            begun = true;
        }
        for (const ImportRow& row : chunk.rows) {
            if (!written) break;
            written = applier.apply(row, chunk.source);
        }
        if (!written) {
            std::lock_guard lock(mutex);
            stop = true;
            changed.notify_all();
        }
    }
    parser.join();
    if (!written) return applier.stopped(written.error());
    if (!*batch) return applier.stopped(batch->error());
    if (!begun)
        if (auto s = applier.begin(); !s) return s.error();
    return applier.finish(std::move(**batch));
}

}  // namespace kiosk::core
