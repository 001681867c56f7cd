// Personal data as the law requires (docs/privacy.md): erase one person (GDPR Art. 17), purge
// everyone when the retention period ends (Art. 5(1)(e)), and hand over everything held about
// one person (Art. 15).
//
// Erasure is expressed as updates of personal fields on the rows that exist plus one audit fact,
// never as deletes: the anonymous rows keep the counts and the arrivals chart right, and the same
// updates can be replayed on another copy of the database. After the commit the file itself is
// cleaned: SQLite keeps old row images in free space, free pages and the write-ahead log, and
// FTS5 keeps deleted tokens in its segments until they are merged.
//
//   erasedToken / SQL kiosk_erased_token   one-way token that replaces a code or external id
//   Needles                                what of a person free text may quote
//   Scrubber                               the updates shared by erase and purge
//   cleanFile                              VACUUM + wal_checkpoint(TRUNCATE)
//   personalData                           the Art. 15 document
//   retention
#include "store/database_impl.hpp"

#include <kiosk/core/log.hpp>
#include <kiosk/core/payload.hpp>

#include <sodium.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace kiosk::core {

namespace {

constexpr const char* kErased = "[erased]";

/// Audit detail keys whose values never hold personal data; every other value of an erased
/// person's audit entries is replaced by "[erased]" (an allow-list: a key added later is
/// scrubbed until someone decides it is safe).
const std::set<std::string, std::less<>> kSafeDetailKeys = {
    "category", "source",       "fields",  "line",      "job",      "machine", "kiosk",
    "annulled", "refused_scan", "item",    "variation", "subevent", "added",   "imported",
    "updated",  "unchanged",    "revoked", "rejected",  "listed",   "erased",  "codes_revoked"};

/// Audit actions whose detail is the erasure's own record (checked when written).
bool isErasureFact(const std::string& action) {
    return action == "attendee.erase" || action == "privacy.purge";
}

void erasedTokenSql(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    if (argc != 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const int n = sqlite3_value_bytes(argv[0]);
    const std::string token = erasedToken(std::string_view(p ? p : "", static_cast<std::size_t>(n)));
    sqlite3_result_text(ctx, token.data(), static_cast<int>(token.size()), SQLITE_TRANSIENT);
}

/// What free text elsewhere may quote of a person. Phrases (e-mail, code values, external id,
/// full names) match as substrings; the words of their names (4 letters or more) match as whole
/// words, folded (case and accents): "friend of quirinvaldez" names Quirinvaldez-Øhrström, but
/// "Annabelle" does not name Anna. One predicate for erase (what is scrubbed) and person (what is
/// handed over), also as the SQL function kiosk_mentions(text, needles_json).
struct Needles {
    std::vector<std::string> phrases;
    std::vector<std::string> words;  ///< folded

    void addPhrase(const std::string& v) {
        if (v.size() >= 3 && std::find(phrases.begin(), phrases.end(), v) == phrases.end())
            phrases.push_back(v);
    }
    void addName(const std::string& v) {
        addPhrase(v);
        for (auto& w : foldedWords(v))
            if (w.size() >= 4 && std::find(words.begin(), words.end(), w) == words.end())
                words.push_back(std::move(w));
    }
    bool empty() const { return phrases.empty() && words.empty(); }
    bool quotedIn(std::string_view text) const {
        for (const auto& p : phrases)
            if (text.find(p) != std::string_view::npos) return true;
        if (words.empty()) return false;
        for (const auto& w : foldedWords(text))
            if (std::find(words.begin(), words.end(), w) != words.end()) return true;
        return false;
    }
    std::string json() const {
        return nlohmann::json{{"p", phrases}, {"w", words}}.dump(-1, ' ', false,
                                                                 nlohmann::json::error_handler_t::replace);
    }
    static Needles fromJson(std::string_view text) {
        Needles n;
        const auto j = nlohmann::json::parse(text, nullptr, false);
        if (j.is_object()) {
            n.phrases = j.value("p", std::vector<std::string>{});
            n.words = j.value("w", std::vector<std::string>{});
        }
        return n;
    }

private:
    /// Letters and digits (any byte of a non-ASCII letter) of the folded text, split at the rest.
    static std::vector<std::string> foldedWords(std::string_view text) {
        std::vector<std::string> out;
        std::string word;
        for (const char ch : foldForSearch(text)) {
            const auto u = static_cast<unsigned char>(ch);
            if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || u >= 0x80) {
                word += ch;
            } else if (!word.empty()) {
                out.push_back(std::move(word));
                word.clear();
            }
        }
        if (!word.empty()) out.push_back(std::move(word));
        return out;
    }
};

void mentionsSql(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    if (argc != 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    // The needles are the same for every row of a statement: parsed once, kept as auxdata
    // (which SQLite may drop at any time: then they are parsed again).
    Needles parsed;
    const auto* n = static_cast<const Needles*>(sqlite3_get_auxdata(ctx, 1));
    if (!n) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
        parsed = Needles::fromJson(p ? p : "");
        n = &parsed;
        sqlite3_set_auxdata(ctx, 1, new Needles(parsed), [](void* v) { delete static_cast<Needles*>(v); });
    }
    const auto* t = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const int len = sqlite3_value_bytes(argv[0]);
    sqlite3_result_int(ctx, n->quotedIn(std::string_view(t ? t : "", static_cast<std::size_t>(len))) ? 1 : 0);
}

/// Scrubs an audit detail (JSON object text). `all`: every value outside kSafeDetailKeys (the
/// person's own entries); else only the values that quote `needles`. Returns nullopt if nothing
/// changes.
std::optional<std::string> scrubDetail(const std::string& detail, bool all, const Needles& needles) {
    auto j = nlohmann::json::parse(detail, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
        // Not ours to read: keep nothing of it if it could be personal.
        if (all || needles.quotedIn(detail)) return std::string("{\"erased\":\"") + kErased + "\"}";
        return std::nullopt;
    }
    bool changed = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.value().is_string() && it.value().get<std::string>() == kErased) continue;
        const bool safe = kSafeDetailKeys.count(it.key()) > 0;
        const std::string text = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
        if ((all && !safe) || needles.quotedIn(text)) {
            it.value() = kErased;
            changed = true;
        }
    }
    if (!changed) return std::nullopt;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// The updates of an erasure. Scope: one attendee (`id`) or everyone (`id` empty: purge). Each
/// statement is idempotent, so erasing twice changes nothing the second time.
class Scrubber {
public:
    Scrubber(const store::Connection& conn, std::string id, TimePoint at)
        : c(conn), m_id(std::move(id)), m_at(at) {}

    Status run(const Needles& needles, ErasureReport& r) {
        // The order matters: the secrets list and refused scans are matched against the code
        // values before those are replaced, and the check-in log's trigger lets a reason change
        // only once the attendee is marked erased.
        if (auto s = exec(
                "UPDATE revoked_secrets SET secret = kiosk_erased_token(secret) WHERE secret IN "
                "(SELECT value FROM codes WHERE (?1 IS NULL OR attendee_id = ?1) AND revoked_reason IS NOT "
                "'erased')",
                "erase: revoked secrets");
            !s)
            return s.error();
        // Their scans (also of their code before it was imported, or by someone else), then the
        // desk's notes on other cases that name them.
        auto refused = exec(
            "UPDATE refused_scans SET payload_escaped = '[erased]', resolution_note = CASE WHEN "
            "coalesce(resolution_note, '') = '' THEN resolution_note ELSE '[erased]' END "
            "WHERE (?1 IS NULL OR attendee_id = ?1 OR kiosk_mentions(payload_escaped, ?3)) "
            "AND (payload_escaped <> '[erased]' OR coalesce(resolution_note, '') NOT IN ('', '[erased]'))",
            "erase: refused scans", needles);
        if (!refused) return refused.error();
        r.refusedScrubbed += *refused;
        auto notes = exec(
            "UPDATE refused_scans SET resolution_note = '[erased]' WHERE coalesce(resolution_note, '') NOT "
            "IN "
            "('', '[erased]') AND (?1 IS NULL OR kiosk_mentions(resolution_note, ?3))",
            "erase: desk notes", needles);
        if (!notes) return notes.error();
        r.refusedScrubbed += *notes;
        {
            KIOSK_STMT(
                st, c,
                "SELECT count(*) FROM codes WHERE (?1 IS NULL OR attendee_id = ?1) AND revoked_at IS NULL");
            bindScope(st);
            if (!st.step()) return c.error("erase: codes");
            r.codesRevoked += st.i64(0);
        }
        auto codes = exec(
            "UPDATE codes SET value = kiosk_erased_token(value), revoked_at = coalesce(revoked_at, ?2), "
            "revoked_reason = 'erased' WHERE (?1 IS NULL OR attendee_id = ?1) AND revoked_reason IS NOT "
            "'erased'",
            "erase: codes");
        if (!codes) return codes.error();
        r.codesErased += *codes;
        if (auto s = audit(needles, r); !s) return s;
        auto jobs = exec(
            "UPDATE print_jobs SET error_text = '' WHERE (?1 IS NULL OR attendee_id = ?1) AND error_text <> "
            "''",
            "erase: print jobs");
        if (!jobs) return jobs.error();
        r.printJobsScrubbed += *jobs;
        {
            KIOSK_STMT(st, c,
                       "SELECT count(*) FROM attendees WHERE (?1 IS NULL OR id = ?1) AND erased_at IS NULL");
            bindScope(st);
            if (!st.step()) return c.error("erase: attendees");
            r.attendees += st.i64(0);
        }
        // The search index: the person's words go, then the whole index is rebuilt from what is
        // left, because FTS5 keeps a deleted row's tokens in its older segments until a merge.
        if (m_id.empty()) {
            if (auto s = c.exec("DELETE FROM attendee_search", "erase: search index"); !s) return s;
        } else {
            KIOSK_STMT(st, c,
                       "DELETE FROM attendee_search WHERE rowid = (SELECT seq FROM attendees WHERE id = ?1)");
            st.bind(1, m_id);
            st.step();
            if (st.failed()) return c.error("erase: search index");
        }
        // Only the personal fields change: status, category, working group and the arrival stay,
        // so the running counters (schema step 5) are not touched. The external id becomes a
        // token, so that a later import of the same export does not bring the person back.
        if (auto s =
                exec("UPDATE attendees SET first_name = '', last_name = '', badge_name = '', "
                     "organisation = '', email = '', sort_key = '', external_id = CASE WHEN external_id = '' "
                     "OR erased_at IS NOT NULL THEN external_id ELSE kiosk_erased_token(external_source || "
                     "char(31) || external_id) END, erased_at = coalesce(erased_at, ?2) "
                     "WHERE (?1 IS NULL OR id = ?1) AND (erased_at IS NULL OR first_name <> '' OR "
                     "last_name <> '' OR badge_name <> '' OR organisation <> '' OR email <> '')",
                     "erase: attendee");
            !s)
            return s.error();
        auto checkins = exec(
            "UPDATE checkins SET reason = '[erased]' WHERE (?1 IS NULL OR attendee_id = ?1) AND reason NOT "
            "IN ('', '[erased]')",
            "erase: check-in reasons");
        if (!checkins) return checkins.error();
        r.checkinsScrubbed += *checkins;
        return c.exec("INSERT INTO attendee_search(attendee_search) VALUES ('rebuild')",
                      "erase: rebuild search index");
    }

private:
    void bindScope(store::Stmt& st) const {
        if (m_id.empty())
            st.bindNull(1);
        else
            st.bind(1, m_id);
    }

    /// One statement with ?1 = scope, ?2 = the time, ?3 = the needles; returns the rows changed.
    Result<int64_t> exec(const char* sql, const char* what, const Needles& needles = {}) const {
        Error err;
        sqlite3_stmt* raw = c.prepare(sql, &err);
        if (!raw) return err;
        store::Stmt st(raw);
        bindScope(st);
        if (sqlite3_bind_parameter_count(raw) >= 2) st.bind(2, toMs(m_at));
        if (sqlite3_bind_parameter_count(raw) >= 3) st.bind(3, needles.json());
        st.step();
        if (st.failed()) return c.error(what);
        return static_cast<int64_t>(sqlite3_changes(c.get()));
    }

    /// The person's own audit entries lose every value outside kSafeDetailKeys; entries about
    /// others (or nobody) lose the values that quote the person. Purge: every entry.
    Status audit(const Needles& needles, ErasureReport& r) const {
        std::vector<std::pair<int64_t, std::string>> updates;
        {
            KIOSK_STMT(st, c, "SELECT rowid, attendee_id, action, detail FROM audit_log");
            while (st.step()) {
                if (isErasureFact(st.text(2))) continue;
                const bool own = m_id.empty() || st.text(1) == m_id;
                if (auto scrubbed = scrubDetail(st.text(3), own, needles))
                    updates.emplace_back(st.i64(0), std::move(*scrubbed));
            }
            if (st.failed()) return c.error("erase: audit log");
        }
        for (const auto& [row, detail] : updates) {
            KIOSK_STMT(up, c, "UPDATE audit_log SET detail = ?2 WHERE rowid = ?1");
            up.bind(1, row).bind(2, detail);
            up.step();
            if (up.failed()) return c.error("erase: audit log");
        }
        r.auditScrubbed += static_cast<int64_t>(updates.size());
        return {};
    }

    const store::Connection& c;
    std::string m_id;
    TimePoint m_at;
};

/// After the commit: rewrite the file (VACUUM: no old row image left in free space or free
/// pages) and copy the write-ahead log into it, truncating the log to 0 bytes.
void cleanFile(const store::Connection& c, ErasureReport& r) {
    if (auto s = c.exec("VACUUM", "rewrite the database file"); !s) {
        r.cleanupProblem = s.error().message;
    }
    int logFrames = -1, copied = -1;
    const int rc =
        sqlite3_wal_checkpoint_v2(c.get(), "main", SQLITE_CHECKPOINT_TRUNCATE, &logFrames, &copied);
    if (rc != SQLITE_OK || logFrames != 0) {
        if (!r.cleanupProblem.empty()) r.cleanupProblem += "; ";
        r.cleanupProblem += "the write-ahead log could not be truncated (" +
                            store::sqliteError(c.get(), "checkpoint").message + ")";
    }
    r.fileCleaned = r.cleanupProblem.empty();
    if (!r.fileCleaned)
        r.cleanupProblem +=
            ". The data is erased; older copies of pages may remain in the file until another "
            "process lets go: close the kiosks on this file and run the same command again";
}

/// secure_delete for this connection while an erasure runs: what SQLite frees is overwritten
/// with zeros (old row images inside pages, freed pages), also if the VACUUM cannot run.
class SecureDelete {
public:
    explicit SecureDelete(const store::Connection& c) : m_c(c) {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(c.get(), "PRAGMA secure_delete", -1, &raw, nullptr) == SQLITE_OK &&
            sqlite3_step(raw) == SQLITE_ROW)
            m_before = sqlite3_column_int(raw, 0);
        sqlite3_finalize(raw);
        m_ok = c.exec("PRAGMA secure_delete = ON").ok();
    }
    ~SecureDelete() {
        const std::string sql = "PRAGMA secure_delete = " + std::to_string(m_before);
        sqlite3_exec(m_c.get(), sql.c_str(), nullptr, nullptr, nullptr);
    }
    bool ok() const { return m_ok; }

private:
    const store::Connection& m_c;
    int m_before = 0;
    bool m_ok = false;
};

Result<Needles> needlesOf(const store::Connection& c, const Attendee& a) {
    Needles n;
    for (const auto* v : {&a.firstName, &a.lastName, &a.badgeName}) n.addName(*v);
    if (!a.firstName.empty() && !a.lastName.empty()) n.addName(a.firstName + " " + a.lastName);
    n.addPhrase(a.email);
    n.addPhrase(a.externalId);
    KIOSK_STMT(st, c, "SELECT value FROM codes WHERE attendee_id = ?1 AND revoked_reason IS NOT 'erased'");
    st.bind(1, a.id);
    while (st.step()) n.addPhrase(st.text(0));
    if (st.failed()) return c.error("read codes");
    return n;
}

struct PersonalTable {
    const char* name;
    /// Rows of this table that belong to or mention the person: ?1 = attendee id, ?2 = what
    /// free text may quote of them (Needles::json, for kiosk_mentions).
    const char* where;
};
constexpr PersonalTable kPersonalTables[] = {
    {"attendees", "id = ?1"},
    {"codes", "attendee_id = ?1"},
    {"checkins", "attendee_id = ?1"},
    // Re-entries (step 13): who came back in and when; no free text, so an erase leaves the rows
    // (the person they name is blanked) and the counts stay.
    {"reentries", "attendee_id = ?1"},
    {"refused_scans",
     "attendee_id = ?1 OR kiosk_mentions(payload_escaped, ?2) OR kiosk_mentions(resolution_note, ?2)"},
    {"audit_log", "attendee_id = ?1 OR kiosk_mentions(detail, ?2)"},
    {"print_jobs", "attendee_id = ?1"},
    {"attendee_search", "rowid = (SELECT seq FROM attendees WHERE id = ?1)"},
    {"revoked_secrets", "secret IN (SELECT value FROM codes WHERE attendee_id = ?1)"},
    {"duplicate_resolutions", "attendee_id = ?1 OR kiosk_mentions(note, ?2)"},
    // People with two arrivals or more (step 16): only the id, which an erase keeps like the
    // check-ins it summarises.
    {"checkins_multi", "attendee_id = ?1"},
};
constexpr const char* kTablesWithoutPersonalData[] = {
    "event",  // the event, its signing key and retention rule
    "schema_migrations",
    "stat_groups",    // anonymous counts by category / working group
    "stat_arrivals",  // anonymous arrivals per 5 minutes
    "pretix_keys",    // pretix's public keys
    "badge_rules",    // a badge per category / ticket type (no person in it)
    "sync_state",     // the sync agent's device, server and cursor
    "sync_outbox",    // ids of rows still to send (the rows themselves are in their tables)
};

bool isTimeColumn(std::string_view name) {
    return name == "at" || (name.size() > 3 && name.substr(name.size() - 3) == "_at");
}

}  // namespace

std::string erasedToken(std::string_view value) {
    // BLAKE2b over a domain tag and the value: the same token on every copy of the database, so
    // a scan of an erased code still finds it (and says `revoked`), but not the value itself.
    static constexpr std::string_view kTag = "kiosk.erased\x1f";
    unsigned char out[16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, sizeof out);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kTag.data()), kTag.size());
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(value.data()), value.size());
    crypto_generichash_final(&st, out, sizeof out);
    char hex[sizeof out * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return std::string("erased:") + hex;
}

Status registerPrivacyFunctions(sqlite3* db) {
    constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function_v2(db, "kiosk_erased_token", 1, kFlags, nullptr, &erasedTokenSql, nullptr,
                                   nullptr, nullptr) != SQLITE_OK ||
        sqlite3_create_function_v2(db, "kiosk_mentions", 2, kFlags, nullptr, &mentionsSql, nullptr, nullptr,
                                   nullptr) != SQLITE_OK)
        return store::sqliteError(db, "register the privacy functions");
    return {};
}

std::vector<std::string> personalDataTables() {
    std::vector<std::string> out;
    for (const auto& t : kPersonalTables) out.emplace_back(t.name);
    return out;
}

std::vector<std::string> tablesWithoutPersonalData() {
    return {std::begin(kTablesWithoutPersonalData), std::end(kTablesWithoutPersonalData)};
}

std::optional<TimePoint> retentionUntil(const Event& e) {
    const TimePoint base = e.endsAt != TimePoint{} ? e.endsAt : e.startsAt;
    if (base == TimePoint{}) return std::nullopt;
    return base + std::chrono::days{std::max(0, e.retentionDays)};
}

Result<ErasureReport> Database::erase(const std::string& attendeeId, const std::string& reason,
                                      const std::string& actor, TimePoint at) {
    if (auto s = m_impl->requireWritable("erase"); !s) return s.error();
    if (reason.empty())
        return Error{"erase.no_reason",
                     "say why the data is erased (--reason), e.g. \"Art. 17 request of 2026-03-20\""};
    if (actor.empty()) return Error{"erase.no_actor", "say who erases the data"};
    const auto& c = m_impl->conn;
    SecureDelete secure(c);
    if (!secure.ok()) return c.error("erase: secure_delete");
    ErasureReport r;
    {
        store::Transaction tx(c);
        if (auto s = tx.begin(); !s) return s.error();
        auto a = m_impl->loadAttendee(attendeeId);
        if (!a) return a.error();
        if (!*a)
            return Error{"attendee.not_found",
                         "no attendee with id " + escapeForDisplay(attendeeId) + " (see `kiosk search`)"};
        auto needles = needlesOf(c, **a);
        if (!needles) return needles.error();
        // The erasure's own record keeps its reason: it must not bring the person back.
        if (needles->quotedIn(reason) || needles->quotedIn(actor))
            return Error{
                "erase.reason_quotes_person",
                "the reason (or actor) quotes the person's name, e-mail or code, and it is kept in the "
                "audit log: say why without it, e.g. \"Art. 17 request of 2026-03-20\""};
        Scrubber scrub(c, attendeeId, at);
        if (auto s = scrub.run(*needles, r); !s) return s.error();
        if (r.attendees > 0) {
            if (auto s = m_impl->insertAudit(
                    at, actor, "attendee.erase", attendeeId,
                    jsonDetail({{"reason", reason}, {"codes_revoked", std::to_string(r.codesRevoked)}}));
                !s)
                return s.error();
        }
        if (auto s = tx.commit(); !s) return s.error();
    }
    cleanFile(c, r);
    return r;
}

Status Database::Impl::scrubPulledErasure(const std::string& attendeeId, TimePoint at) const {
    if (auto s = conn.exec("PRAGMA secure_delete = ON", "erase: secure_delete"); !s) return s;
    auto a = loadAttendee(attendeeId);
    if (!a) return a.error();
    if (!*a) return {};  // a person this file never held: nothing to scrub
    auto needles = needlesOf(conn, **a);
    if (!needles) return needles.error();
    ErasureReport r;
    Scrubber scrub(conn, attendeeId, at);
    return scrub.run(*needles, r);
}

void Database::Impl::cleanAfterErasure() const {
    ErasureReport r;
    cleanFile(conn, r);
    if (!r.fileCleaned) logWarn("sync: a pulled erasure: " + r.cleanupProblem);
    (void)conn.exec("PRAGMA secure_delete = OFF");
}

Result<ErasureReport> Database::purge(const std::string& actor, TimePoint at) {
    if (auto s = m_impl->requireWritable("purge"); !s) return s.error();
    if (actor.empty()) return Error{"erase.no_actor", "say who purges the data"};
    const auto& c = m_impl->conn;
    SecureDelete secure(c);
    if (!secure.ok()) return c.error("purge: secure_delete");
    ErasureReport r;
    {
        store::Transaction tx(c);
        if (auto s = tx.begin(); !s) return s.error();
        Scrubber scrub(c, "", at);
        if (auto s = scrub.run(Needles{}, r); !s) return s.error();
        if (auto s = m_impl->insertAudit(at, actor, "privacy.purge", "",
                                         jsonDetail({{"erased", std::to_string(r.attendees)},
                                                     {"codes_revoked", std::to_string(r.codesRevoked)}}));
            !s)
            return s.error();
        if (auto s = tx.commit(); !s) return s.error();
    }
    cleanFile(c, r);
    return r;
}

Result<std::string> Database::personalData(const std::string& attendeeId) const {
    const auto& c = m_impl->conn;
    // One snapshot for the whole document.
    const bool outer = sqlite3_get_autocommit(c.get()) != 0 && c.exec("BEGIN").ok();
    struct End {
        const store::Connection& c;
        bool open;
        ~End() {
            if (open) sqlite3_exec(c.get(), "COMMIT", nullptr, nullptr, nullptr);
        }
    } end{c, outer};
    auto a = m_impl->loadAttendee(attendeeId);
    if (!a) return a.error();
    if (!*a)
        return Error{"attendee.not_found",
                     "no attendee with id " + escapeForDisplay(attendeeId) + " (see `kiosk search`)"};
    auto needles = needlesOf(c, **a);
    if (!needles) return needles.error();
    nlohmann::json doc = nlohmann::json::object();
    doc["attendee_id"] = attendeeId;
    doc["erased"] = (*a)->erased;
    if (auto ev = m_impl->loadEvent(); ev && *ev) {
        doc["event"] = {{"id", (*ev)->event.id}, {"name", (*ev)->event.name}};
        if (auto until = retentionUntil((*ev)->event)) doc["kept_until"] = formatIso8601(*until);
    }
    for (const auto& t : kPersonalTables) {
        const std::string sql = std::string("SELECT * FROM ") + t.name + " WHERE " + t.where;
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(c.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
            sqlite3_finalize(raw);
            return c.error(std::string("read ") + t.name);
        }
        store::StmtPtr owned(raw);
        sqlite3_bind_text(raw, 1, attendeeId.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_bind_parameter_count(raw) >= 2) {
            const std::string j = needles->json();
            sqlite3_bind_text(raw, 2, j.c_str(), -1, SQLITE_TRANSIENT);
        }
        auto rows = nlohmann::json::array();
        int rc;
        while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
            nlohmann::json row = nlohmann::json::object();
            for (int i = 0; i < sqlite3_column_count(raw); ++i) {
                const std::string col = sqlite3_column_name(raw, i);
                switch (sqlite3_column_type(raw, i)) {
                    case SQLITE_NULL:
                        row[col] = nullptr;
                        break;
                    case SQLITE_INTEGER: {
                        const int64_t v = sqlite3_column_int64(raw, i);
                        row[col] = isTimeColumn(col) && v > 0 ? nlohmann::json(formatIso8601(fromMs(v)))
                                                              : nlohmann::json(v);
                        break;
                    }
                    case SQLITE_FLOAT:
                        row[col] = sqlite3_column_double(raw, i);
                        break;
                    case SQLITE_BLOB: {
                        const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(raw, i));
                        const int n = sqlite3_column_bytes(raw, i);
                        std::string hex(static_cast<std::size_t>(n) * 2 + 1, '\0');
                        if (n > 0) sodium_bin2hex(hex.data(), hex.size(), p, static_cast<std::size_t>(n));
                        hex.resize(static_cast<std::size_t>(n) * 2);
                        row[col] = hex;
                        break;
                    }
                    default: {
                        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, i));
                        row[col] =
                            std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(raw, i)));
                    }
                }
            }
            rows.push_back(std::move(row));
        }
        if (rc != SQLITE_DONE) return c.error(std::string("read ") + t.name);
        doc[t.name] = std::move(rows);
    }
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<RetentionStatus> Database::retention(TimePoint now) const {
    auto ev = m_impl->loadEvent();
    if (!ev) return ev.error();
    RetentionStatus s;
    if (*ev) {
        s.retentionDays = (*ev)->event.retentionDays;
        s.until = retentionUntil((*ev)->event);
        s.passed = s.until && *s.until <= now;
    }
    KIOSK_STMT(st, m_impl->conn, "SELECT count(*) FROM attendees WHERE erased_at IS NULL");
    if (!st.step()) return m_impl->conn.error("retention");
    s.peopleHeld = st.i64(0);
    return s;
}

}  // namespace kiosk::core
