// Attendees: adding, reading, renaming, accent-insensitive search, and applying an import.
#include "store/database_impl.hpp"
#include "util_ids.hpp"

#include <kiosk/core/payload.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
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

// --- import ---------------------------------------------------------------------------------

namespace {

/// One import in one transaction: rows applied in file order, then the counters of the new
/// people, one summary audit entry and the commit. Shared by applyImport (rows in memory) and
/// importFile (rows arriving from the parse thread).
class ImportApplier {
public:
    ImportApplier(Database::Impl& impl, std::string actor, TimePoint at)
        : m(impl), c(impl.conn), m_tx(impl.conn), m_actor(std::move(actor)), m_at(at) {}

    Status begin() { return m_tx.begin(); }

    Status apply(const ImportRow& row, const std::string& source);

    /// `parseRejected` (the parser's) come first in the summary, then the rows refused here.
    Result<ImportSummary> finish(std::vector<RejectedRow> parseRejected, const std::string& source) {
        m_sum.source = source;
        m_sum.rejected = std::move(parseRejected);
        m_sum.rejected.insert(m_sum.rejected.end(), std::make_move_iterator(m_rejected.begin()),
                              std::make_move_iterator(m_rejected.end()));
        if (auto s = m_newPeople.applyTo(c); !s) return s.error();
        if (auto s = m.insertAudit(m_at, m_actor, "import.apply", "",
                                   jsonDetail({{"source", source},
                                               {"imported", std::to_string(m_sum.imported)},
                                               {"updated", std::to_string(m_sum.updated)},
                                               {"unchanged", std::to_string(m_sum.unchanged)},
                                               {"revoked", std::to_string(m_sum.revoked)},
                                               {"rejected", std::to_string(m_sum.rejected.size())}}));
            !s)
            return s.error();
        if (auto s = m_tx.commit(); !s) return s.error();
        return std::move(m_sum);
    }

private:
    Database::Impl& m;
    const store::Connection& c;
    store::Transaction m_tx;
    std::string m_actor;
    TimePoint m_at;
    ImportSummary m_sum;
    std::vector<RejectedRow> m_rejected;
    NewAttendeeCounts m_newPeople;
    std::optional<bool> m_anyErased;  ///< someone in the file was erased (asked once per import)
};

Status ImportApplier::apply(const ImportRow& row, const std::string& source) {
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
            if (a != b) changed.push_back(name);
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
            // Re-registered (e.g. a refund reversed): the codes the import revoked are valid again.
            KIOSK_STMT(st, c,
                       "UPDATE codes SET revoked_at = NULL, revoked_reason = NULL "
                       "WHERE attendee_id = ?1 AND revoked_reason = 'import.cancelled'");
            st.bind(1, attendeeId);
            st.step();
            if (st.failed()) return c.error("import: restore codes");
        }
    }

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
        if (sqlite3_changes(c.get()) > 0) return {};
        KIOSK_STMT(find, c, "SELECT attendee_id FROM codes WHERE value = ?1");
        find.bind(1, value);
        if (find.step() && find.text(0) != attendeeId)
            m_rejected.push_back({row.line, "code " + escapeForDisplay(value.substr(0, 80)) +
                                                " already belongs to another attendee; code not added"});
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
    }
    for (const auto& prefix : row.codePrefixes) {
        const auto clean = sanitizePayload(prefix);
        if (!clean) continue;
        if (auto s = addCode(*clean, "eventbrite_prefix"); !s) return s;
    }
    return {};
}

}  // namespace

Result<ImportSummary> Database::applyImport(const ImportBatch& batch, const std::string& actor,
                                            TimePoint at) {
    if (auto s = m_impl->requireWritable("import"); !s) return s.error();
    ImportApplier applier(*m_impl, actor, at);
    if (auto s = applier.begin(); !s) return s.error();
    for (const ImportRow& row : batch.rows)
        if (auto s = applier.apply(row, batch.source); !s) return s.error();
    return applier.finish(batch.rejected, batch.source);
}

Result<ImportSummary> Database::importFile(const std::string& path, ImportFormat format,
                                           const std::string& actor, TimePoint at) {
    if (auto s = m_impl->requireWritable("import"); !s) return s.error();
    auto bytes = readExportFile(path);
    if (!bytes) return bytes.error();
    ImportApplier applier(*m_impl, actor, at);
    if (auto s = applier.begin(); !s) return s.error();

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
        for (const ImportRow& row : chunk.rows) {
            written = applier.apply(row, chunk.source);
            if (!written) {
                std::lock_guard lock(mutex);
                stop = true;
                changed.notify_all();
                break;
            }
        }
    }
    parser.join();
    if (!written) return written.error();  // the transaction rolls back
    if (!*batch) return batch->error();
    return applier.finish(std::move((*batch)->rejected), (*batch)->source);
}

}  // namespace kiosk::core
