// Opening and migrating the event database, the event and its signing key, our own codes.
#include "store/database_impl.hpp"
#include "store/schema.hpp"
#include "util_ids.hpp"

#include <kiosk/core/payload.hpp>
#include <kiosk/core/text.hpp>
#include <kiosk/core/utf8.hpp>

#include <sodium.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

namespace kiosk::core {

using store::Stmt;

// --- shared helpers -------------------------------------------------------------------------

Attendee readAttendee(const Stmt& st, int c) {
    Attendee a;
    a.id = st.text(c + 0);
    a.firstName = st.text(c + 1);
    a.lastName = st.text(c + 2);
    a.badgeName = st.text(c + 3);
    a.organisation = st.text(c + 4);
    a.category = st.text(c + 5);
    a.ticketType = st.text(c + 6);
    a.workingGroup = st.text(c + 7);
    a.email = st.text(c + 8);
    a.language = languageFromCode(st.text(c + 9)).value_or(Language::Fr);
    a.status = st.text(c + 10) == "cancelled" ? AttendeeStatus::Cancelled : AttendeeStatus::Registered;
    a.externalSource = st.text(c + 11);
    a.externalId = st.text(c + 12);
    a.erased = st.i64(c + 13) != 0;
    return a;
}

CheckinRecord readCheckin(const Stmt& st, int c) {
    CheckinRecord r;
    r.id = st.text(c + 0);
    r.nonce = st.text(c + 1);
    r.attendeeId = st.text(c + 2);
    r.at = fromMs(st.i64(c + 3));
    r.kiosk = st.text(c + 4);
    r.action = st.text(c + 5) == "annul" ? CheckinAction::Annul : CheckinAction::Checkin;
    r.actor = st.text(c + 6);
    r.reason = st.text(c + 7);
    r.annuls = st.text(c + 8);
    return r;
}

std::string searchWords(const Attendee& a) {
    std::string words =
        foldForSearch(a.firstName + " " + a.lastName + " " + a.badgeName + " " + a.organisation);
    // A name written with an apostrophe, a hyphen or spaces is also one word run together, as
    // people type it: "dhondt" finds D'Hondt, "vandenbossche" Van den Bossche, "jeanmarie"
    // Jean-Marie (the tokenizer splits the name itself at those characters).
    for (const std::string* part : {&a.firstName, &a.lastName, &a.badgeName}) {
        const std::string folded = foldForSearch(*part);
        std::string joined;
        bool split = false;
        for (std::size_t i = 0; i < folded.size(); ++i) {
            const char c = folded[i];
            if (c == '\'' || c == '-' || c == ' ' || c == '.') {
                split = true;
            } else if (folded.compare(i, 3, "\u2019") == 0 || folded.compare(i, 3, "\u02BC") == 0) {
                split = true;  // typographic apostrophes
                i += 2;
            } else {
                joined += c;
            }
        }
        if (split && !joined.empty()) words += " " + joined;
    }
    return words;
}

std::string sortKey(const Attendee& a) {
    return foldForSearch(a.lastName) + "\x1f" + foldForSearch(a.firstName);
}

std::string jsonDetail(std::initializer_list<std::pair<const char*, std::string>> kv) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : kv) j[k] = v;
    // Invalid UTF-8 (from a hostile payload) must not throw: replace it.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status Database::Impl::requireWritable(const char* what) const {
    if (readOnly) return Error{"db.readonly", std::string(what) + ": the database was opened read-only"};
    return {};
}

Result<std::optional<EventRow>> Database::Impl::loadEvent() const {
    KIOSK_STMT(st, conn,
               "SELECT id, name, venue, city, starts_at, ends_at, doors_open_at, doors_close_at, "
               "default_language, public_key, secret_key, short_name, tagline, colour, accent_colour, "
               "retention_days, demo, reentry FROM event LIMIT 1");
    if (!st.step()) {
        if (st.failed()) return conn.error("read event");
        return std::optional<EventRow>{};
    }
    EventRow r;
    r.event.id = st.text(0);
    r.event.name = st.text(1);
    r.event.venue = st.text(2);
    r.event.city = st.text(3);
    r.event.startsAt = fromMs(st.i64(4));
    r.event.endsAt = fromMs(st.i64(5));
    r.event.doorsOpenAt = fromMs(st.i64(6));
    r.event.doorsCloseAt = fromMs(st.i64(7));
    r.event.defaultLanguage = languageFromCode(st.text(8)).value_or(Language::Fr);
    r.publicKey = st.blob(9);
    r.secretKey = st.blob(10);
    r.event.shortName = st.text(11);
    r.event.tagline = st.text(12);
    r.event.colour = st.text(13);
    r.event.accentColour = st.text(14);
    r.event.retentionDays = static_cast<int>(st.i64(15));
    r.event.demo = st.i64(16) != 0;
    r.event.reentryAllowed = st.text(17) == "allowed";
    return std::optional<EventRow>(std::move(r));
}

Result<std::optional<Attendee>> Database::Impl::loadAttendee(const std::string& id) const {
    static const std::string sql =
        std::string("SELECT ") + kAttendeeCols + " FROM attendees a WHERE a.id = ?1";
    KIOSK_STMT(st, conn, sql.c_str());
    st.bind(1, id);
    if (st.step()) return std::optional<Attendee>(readAttendee(st, 0));
    if (st.failed()) return conn.error("read attendee");
    return std::optional<Attendee>{};
}

Result<std::optional<CheckinRecord>> Database::Impl::loadCheckin(const std::string& id) const {
    static const std::string sql = std::string("SELECT ") + kCheckinCols + " FROM checkins c WHERE c.id = ?1";
    KIOSK_STMT(st, conn, sql.c_str());
    st.bind(1, id);
    if (st.step()) return std::optional<CheckinRecord>(readCheckin(st, 0));
    if (st.failed()) return conn.error("read check-in");
    return std::optional<CheckinRecord>{};
}

Status Database::Impl::insertAudit(TimePoint at, const std::string& actor, const std::string& action,
                                   const std::string& attendeeId, const std::string& detail) const {
    KIOSK_STMT(
        st, conn,
        "INSERT INTO audit_log(id, at, actor, action, attendee_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    st.bind(1, ids::newId()).bind(2, toMs(at)).bind(3, actor).bind(4, action).bindNullIfEmpty(5, attendeeId);
    st.bind(6, detail.empty() ? std::string("{}") : detail);
    st.step();
    if (st.failed()) return conn.error("write audit log");
    return {};
}

Status Database::Impl::indexAttendee(const std::string& attendeeId, const Attendee& a) const {
    // The search index is keyed by attendees.seq. Bind it as a value: "INSERT INTO <fts5 table>
    // SELECT ..." made SQLite materialise the select for every row (1.8 s of a 100k-row import).
    int64_t seq = 0;
    {
        KIOSK_STMT(st, conn, "SELECT seq FROM attendees WHERE id = ?1");
        st.bind(1, attendeeId);
        if (!st.step())
            return st.failed() ? conn.error("update search index")
                               : Error{"attendee.not_found", "no attendee with id " + attendeeId};
        seq = st.i64(0);
    }
    {
        KIOSK_STMT(del, conn, "DELETE FROM attendee_search WHERE rowid = ?1");
        del.bind(1, seq);
        del.step();
        if (del.failed()) return conn.error("update search index");
    }
    return insertSearchWords(seq, a);
}

Status Database::Impl::insertSearchWords(int64_t seq, const Attendee& a) const {
    KIOSK_STMT(ins, conn, "INSERT INTO attendee_search(rowid, words) VALUES (?1, ?2)");
    ins.bind(1, seq).bind(2, searchWords(a));
    ins.step();
    if (ins.failed()) return conn.error("update search index");
    return {};
}

void NewAttendeeCounts::add(const Attendee& a) {
    const int64_t registered = a.status == AttendeeStatus::Registered ? 1 : 0;
    for (auto key : {std::pair<std::string, std::string>{"", ""},
                     {"category", a.category},
                     {"working_group", a.workingGroup}}) {
        Delta& d = m_deltas[std::move(key)];
        ++d.attendees;
        d.registered += registered;
    }
}

Status NewAttendeeCounts::applyTo(const store::Connection& c) const {
    for (const auto& [key, d] : m_deltas) {
        KIOSK_STMT(st, c,
                   "INSERT INTO stat_groups(dim, key, attendees, registered) VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT (dim, key) DO UPDATE SET attendees = attendees + excluded.attendees, "
                   "registered = registered + excluded.registered");
        st.bind(1, key.first).bind(2, key.second).bind(3, d.attendees).bind(4, d.registered);
        st.step();
        if (st.failed()) return c.error("update counters");
    }
    return {};
}

Status Database::Impl::insertAttendee(Attendee& a, TimePoint at, NewAttendeeCounts* batch) const {
    if (a.id.empty()) a.id = ids::newId();
    {
        KIOSK_STMT(
            st, conn,
            "INSERT INTO attendees(id, first_name, last_name, badge_name, organisation, category, "
            "ticket_type, working_group, email, language, status, external_source, external_id, sort_key, "
            "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
            "?15, ?15)");
        st.bind(1, a.id)
            .bind(2, a.firstName)
            .bind(3, a.lastName)
            .bind(4, a.badgeName)
            .bind(5, a.organisation);
        st.bind(6, a.category).bind(7, a.ticketType).bind(8, a.workingGroup).bind(9, a.email);
        st.bind(10, languageCode(a.language));
        st.bind(11, a.status == AttendeeStatus::Cancelled ? "cancelled" : "registered");
        st.bind(12, a.externalSource).bind(13, a.externalId).bind(14, sortKey(a)).bind(15, toMs(at));
        st.step();
        if (st.failed()) return conn.error("add attendee");
    }
    if (auto s = insertSearchWords(sqlite3_last_insert_rowid(conn.get()), a); !s) return s;
    if (batch) {
        batch->add(a);
        return {};
    }
    NewAttendeeCounts one;
    one.add(a);
    return one.applyTo(conn);
}

Result<std::string> Database::Impl::insertOwnCode(const EventRow& ev, const std::string& attendeeId,
                                                  TimePoint at) const {
    if (ev.secretKey.size() != crypto_sign_SECRETKEYBYTES)
        return Error{"event.no_key",
                     "the event has no signing key; set the event first: kiosk event --db FILE --name \"…\""};
    OwnCode code;
    code.eventId = ev.event.id;
    randombytes_buf(code.codeId.data(), code.codeId.size());
    const std::string payload =
        encodeOwnCode(code, reinterpret_cast<const unsigned char*>(ev.secretKey.data()));
    if (payload.empty())
        return Error{"event.bad_id", "the event id must be 1–64 bytes to be carried in a QR code"};
    KIOSK_STMT(
        st, conn,
        "INSERT INTO codes(id, attendee_id, kind, value, created_at) VALUES (?1, ?2, 'kiosk', ?3, ?4)");
    st.bind(1, ids::newId()).bind(2, attendeeId).bind(3, payload).bind(4, toMs(at));
    st.step();
    if (st.failed()) return conn.error("store code");
    return payload;
}

// --- open and migrate -----------------------------------------------------------------------

namespace {

Result<int> pragmaInt(const store::Connection& c, const char* sql) {
    KIOSK_STMT(st, c, sql);
    if (!st.step()) return c.error(sql);
    return static_cast<int>(st.i64(0));
}

Status migrate(const store::Connection& c, const std::string& path) {
    const int target = Database::schemaVersion();
    auto tooNew = [&](int v) {
        return Error{"db.newer_schema", path + " was written by a newer kiosk (schema version " +
                                            std::to_string(v) + ", this kiosk knows up to " +
                                            std::to_string(target) +
                                            "); update the kiosk program or open another file"};
    };
    auto current = pragmaInt(c, "PRAGMA user_version");
    if (!current) return current.error();
    if (*current > target) return tooNew(*current);
    if (*current == target) return {};

    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s;
    // Another process may have migrated while we waited for the write lock.
    current = pragmaInt(c, "PRAGMA user_version");
    if (!current) return current.error();
    if (*current > target) return tooNew(*current);
    if (*current == 0) {
        auto appId = pragmaInt(c, "PRAGMA application_id");
        if (!appId) return appId.error();
        auto tables = pragmaInt(c, "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'");
        if (!tables) return tables.error();
        if ((*appId != 0 && *appId != store::kApplicationId) || *tables > 0)
            return Error{"db.not_kiosk",
                         path + " is an SQLite file of another program; choose a new file name"};
        if (auto s =
                c.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                       "applied_at INTEGER NOT NULL)");
            !s)
            return s;
    }
    for (const auto& step : store::migrationSteps()) {
        if (step.version <= *current) continue;
        if (auto s = c.exec(step.sql); !s)
            return Error{"db.migration", std::string("schema step ") + std::to_string(step.version) + " (" +
                                             step.name + ") failed: " + s.error().message};
        KIOSK_STMT(rec, c, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?1, ?2, ?3)");
        rec.bind(1, step.version).bind(2, step.name).bind(3, toMs(nowUtc()));
        rec.step();
        if (rec.failed()) return c.error("record schema step");
    }
    const std::string setVersion = "PRAGMA user_version = " + std::to_string(target) +
                                   "; PRAGMA application_id = " + std::to_string(store::kApplicationId);
    if (auto s = c.exec(setVersion.c_str()); !s) return s;
    return tx.commit();
}

/// PRAGMA quick_check: every page read once (a damaged page is found now, at open, not when the
/// next backup fails or in the middle of the doors opening). It skips the index-content check of
/// integrity_check, which is what makes it cheap enough for every open (see docs/schema.md).
Status quickCheck(const store::Connection& c, const std::string& path) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(c.get(), "PRAGMA quick_check(5)", -1, &raw, nullptr) != SQLITE_OK) {
        sqlite3_finalize(raw);
        Error e = c.error("check the database");
        if (e.code == "db.corrupt")
            e.message = path + " is not a kiosk database or is damaged (" + e.message + ")";
        return e;
    }
    store::StmtPtr st(raw);
    std::string problems;
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
        const std::string line = t ? t : "";
        if (line == "ok") continue;
        problems += (problems.empty() ? "" : "; ") + line;
    }
    if (rc != SQLITE_DONE) {
        Error e = c.error("check the database");
        if (e.code == "db.corrupt") e.message = path + " is damaged (" + e.message + ")";
        return e;
    }
    if (!problems.empty())
        return Error{"db.corrupt",
                     path + " is damaged (" + problems +
                         "): restore the latest backup (see `kiosk backup` in the organiser guide)"};
    return {};
}

/// An open that failed for want of a writable folder says so: in WAL mode SQLite must create
/// FILE-wal and FILE-shm beside the database, and "unable to open database file" or "disk I/O
/// error" send people looking at the file, which is fine.
Error explainOpenError(Error e, const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    const std::string dir = parent.empty() ? std::string(".") : parent.string();
    if (e.code == "db.corrupt" || e.code == "db.newer_schema" || e.code == "db.old_schema" ||
        e.code == "db.not_kiosk" || e.code == "db.migration")
        return e;
    if (::access(dir.c_str(), W_OK | X_OK) == 0) return e;
    const int why = errno;
    std::error_code ec;
    if (std::filesystem::exists(path + "-wal", ec) && std::filesystem::exists(path + "-shm", ec)) return e;
    return Error{
        "db.folder_readonly",
        "cannot use " + path + ": the folder " + dir + " is " +
            (why == EROFS ? std::string("on a read-only file system")
                          : std::string("read-only for this user")) +
            ", and the kiosk must create " + path + "-wal and " + path +
            "-shm beside the database. Copy the file to a writable folder, or make the folder writable "
            "(" +
            e.message + ")"};
}

/// kiosk_search_words(first, last, badge, organisation): searchWords() as an SQL function.
void sqlSearchWords(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    auto arg = [&](int i) {
        const auto* t = i < argc ? sqlite3_value_text(argv[i]) : nullptr;
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string{};
    };
    Attendee a;
    a.firstName = arg(0);
    a.lastName = arg(1);
    a.badgeName = arg(2);
    a.organisation = arg(3);
    const std::string words = searchWords(a);
    sqlite3_result_text(ctx, words.c_str(), static_cast<int>(words.size()), SQLITE_TRANSIENT);
}

/// Busy handler: sleep 0.5–2.5 ms per try, give up after about 30 s (then "db.busy").
int busyWait(void* connection, int tries) {
    constexpr int kMaxTries = 15000;
    // Say that we wait: a long writer working in short transactions (an import) lets us in
    // between two of them (store::Connection::letWaitersIn).
    if (connection) static_cast<const store::Connection*>(connection)->markWaiting();
    if (tries >= kMaxTries) return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(500 + randombytes_uniform(2000)));
    return 1;
}

}  // namespace

int Database::schemaVersion() {
    return store::migrationSteps().back().version;
}

Result<Database> Database::open(const std::string& path, Mode mode) {
    if (sodium_init() < 0) return Error{"crypto.init", "libsodium failed to initialise"};
    struct stat before {};
    const bool existed = ::stat(path.c_str(), &before) == 0;
    if (mode != Mode::CreateIfMissing && !existed)
        return Error{"db.not_found", path + " does not exist; create it with `kiosk demo` or `kiosk import`"};
    // An empty file is not an empty event: SQLite would make a new database of it, with a new
    // signing key, and every scan would then be "ticket for another event".
    if (existed && S_ISREG(before.st_mode) && before.st_size == 0)
        return Error{"db.not_kiosk",
                     path +
                         " is an empty file (0 bytes), not a kiosk database: if it should hold "
                         "your event, restore a backup; for a new event choose a new file name"};
    int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (mode == Mode::CreateIfMissing) flags |= SQLITE_OPEN_CREATE;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    store::DbPtr db(raw);
    if (rc != SQLITE_OK)
        return Error{"db.open", "cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory") +
                                    " (check the path and its permissions)"};
    // Names, e-mails and the event's signing key: only the kiosk's user may read them. SQLite
    // has just created the file (still empty) with 0644; its -wal and -shm files copy the mode of
    // the database file, so they are 0600 too. An existing file keeps the mode its owner chose.
    if (!existed && ::chmod(path.c_str(), 0600) != 0)
        return Error{"db.open", "cannot make " + path + " private (chmod 600): " + std::strerror(errno)};
    sqlite3_extended_result_codes(raw, 1);
    // Other kiosk processes hold the write lock for a few milliseconds at a time. SQLite's default
    // busy handler backs off to 100 ms sleeps, so under load one waiter can keep losing the race
    // for seconds; short, jittered sleeps over a long budget keep every waiter in the race.
    sqlite3_busy_handler(raw, &busyWait, nullptr);
    if (auto s = registerPrivacyFunctions(raw); !s) return s.error();
    // The search index's words, for schema steps that rebuild the index in SQL.
    sqlite3_create_function_v2(raw, "kiosk_search_words", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                               &sqlSearchWords, nullptr, nullptr, nullptr);

    auto impl = std::make_unique<Impl>();
    impl->conn = store::Connection(std::move(db));
    impl->path = path;
    impl->readOnly = mode == Mode::ReadOnly;
    const auto& c = impl->conn;
    sqlite3_busy_handler(c.get(), &busyWait, const_cast<store::Connection*>(&impl->conn));
    auto configure = [&]() -> Status {
        // A confirmed check-in must survive a power cut: FULL syncs the WAL on every commit.
        if (!impl->readOnly) {
            if (auto s = c.exec("PRAGMA journal_mode = WAL"); !s) {
                auto e = s.error();
                if (e.code == "db.corrupt")
                    e.message = path + " is not a kiosk database or is damaged (" + e.message + ")";
                return e;
            }
        }
        // 32 MiB page cache: codes from other systems are random strings, so the index pages of a
        // large import are touched all over.
        // temp_store = MEMORY keeps statement journals (every write that fires a trigger or touches
        // the search index needs one) in memory: once one had spilled to a temp file, each attendee
        // of an import cost ~10 extra pwrite() calls.
        if (auto s =
                c.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768; "
                       "PRAGMA temp_store = MEMORY");
            !s)
            return s.error();

        if (existed) {
            if (auto s = quickCheck(c, path); !s) return s.error();
        }
        if (impl->readOnly) {
            auto v = pragmaInt(c, "PRAGMA user_version");
            if (!v) return v.error();
            if (*v > schemaVersion())
                return Error{"db.newer_schema", path + " was written by a newer kiosk (schema version " +
                                                    std::to_string(*v) + "); update the kiosk program"};
            if (*v < schemaVersion())
                return Error{"db.old_schema",
                             path + " needs an upgrade; open it once read-write (e.g. `kiosk stats`)"};
        } else if (auto s = migrate(c, path); !s) {
            return s.error();
        }
        return {};
    };
    if (auto s = configure(); !s) return explainOpenError(s.error(), path);
    if (auto s = impl->conn.watchFile(path); !s) return s.error();
    return Database(std::move(impl));
}

Database::Database(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

std::string Database::path() const {
    return m_impl->path;
}

// --- event and keys -------------------------------------------------------------------------

Result<std::optional<Event>> Database::event() const {
    auto row = m_impl->loadEvent();
    if (!row) return row.error();
    if (!*row) return std::optional<Event>{};
    return std::optional<Event>((*row)->event);
}

namespace {

/// Names and venues are shown on every screen and badge: a control or bidi character would
/// hide or reorder what is drawn. Zero-width characters are dropped (they show nothing).
Status cleanEventText(std::string& value, const char* what) {
    if (!utf8::isValid(value))
        return Error{"event.bad_text", std::string("the event's ") + what + " is not valid UTF-8"};
    value = text::stripZeroWidth(value);
    for (auto pred : {&text::isControl, &text::isBidiControl}) {
        const auto at = text::findFirst(value, pred);
        if (at == std::string::npos) continue;
        char32_t cp = 0;
        utf8::decodeAt(value, at, cp);
        char hex[16];
        std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(cp));
        return Error{"event.bad_text", std::string("the event's ") + what + " holds " +
                                           (pred == &text::isControl ? "a control character"
                                                                     : "a bidirectional control character") +
                                           " (" + hex + "): type it again without it"};
    }
    return {};
}

/// "#rrggbb" (any case), stored lower-case; "" = the template's own colour.
Status cleanColour(std::string& value, const char* what) {
    if (value.empty()) return {};
    bool ok = value.size() == 7 && value[0] == '#';
    for (std::size_t i = 1; ok && i < value.size(); ++i)
        ok = std::isxdigit(static_cast<unsigned char>(value[i]));
    if (!ok)
        return Error{"event.bad_colour", std::string("the event's ") + what + " '" + value +
                                             "' is not a colour: give it as #rrggbb, e.g. #16324F"};
    for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return {};
}

}  // namespace

Status Database::setEvent(const Event& input) {
    return m_impl->writeEvent(input, /*markDemo=*/false);
}

Status Database::Impl::writeEvent(const Event& input, bool markDemo) const {
    if (auto s = requireWritable("set event"); !s) return s;
    Event e = input;
    if (e.id.empty() || e.id.size() > 64)
        return Error{"event.bad_id", "the event id must be 1–64 characters (it is carried in every QR code)"};
    if (!utf8::isValid(e.id) || text::findFirst(e.id, &text::isInvisible) != std::string::npos)
        return Error{"event.bad_id",
                     "the event id must be valid UTF-8 without control or invisible characters "
                     "(it is carried in every QR code)"};
    if (e.retentionDays < 0 || e.retentionDays > 36500)
        return Error{"event.bad_retention",
                     "the retention period must be 0 to 36500 days after the event's end"};
    using Field = std::pair<std::string*, const char*>;
    for (auto [field, what] : {Field{&e.name, "name"}, Field{&e.venue, "venue"}, Field{&e.city, "city"},
                               Field{&e.shortName, "short name"}, Field{&e.tagline, "tagline"}})
        if (auto s = cleanEventText(*field, what); !s) return s;
    for (auto [field, what] : {Field{&e.colour, "colour"}, Field{&e.accentColour, "accent colour"}})
        if (auto s = cleanColour(*field, what); !s) return s;
    const auto& c = conn;
    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s;
    auto existing = loadEvent();
    if (!existing) return existing.error();
    if (*existing) {
        if ((*existing)->event.id != e.id)
            return Error{"event.id_change",
                         "this database belongs to event '" + (*existing)->event.id +
                             "'; its QR codes carry that id. Use a new database file for '" + e.id + "'"};
        KIOSK_STMT(st, c,
                   "UPDATE event SET name = ?2, venue = ?3, city = ?4, starts_at = ?5, ends_at = ?6, "
                   "doors_open_at = ?7, doors_close_at = ?8, default_language = ?9, short_name = ?10, "
                   "tagline = ?11, colour = ?12, accent_colour = ?13, retention_days = ?14, reentry = ?15 "
                   "WHERE id = ?1");
        st.bind(1, e.id).bind(2, e.name).bind(3, e.venue).bind(4, e.city).bind(5, toMs(e.startsAt));
        st.bind(6, toMs(e.endsAt)).bind(7, toMs(e.doorsOpenAt)).bind(8, toMs(e.doorsCloseAt));
        st.bind(9, languageCode(e.defaultLanguage));
        st.bind(10, e.shortName).bind(11, e.tagline).bind(12, e.colour).bind(13, e.accentColour);
        st.bind(14, e.retentionDays);
        st.bind(15, e.reentryAllowed ? "allowed" : "refused");
        st.step();
        if (st.failed()) return c.error("update event");
    } else {
        unsigned char pk[crypto_sign_PUBLICKEYBYTES];
        unsigned char sk[crypto_sign_SECRETKEYBYTES];
        crypto_sign_keypair(pk, sk);
        KIOSK_STMT(
            st, c,
            "INSERT INTO event(id, name, venue, city, starts_at, ends_at, doors_open_at, doors_close_at, "
            "default_language, public_key, secret_key, short_name, tagline, colour, accent_colour, "
            "retention_days, reentry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
            "?15, ?16, "
            "?17)");
        st.bind(1, e.id).bind(2, e.name).bind(3, e.venue).bind(4, e.city).bind(5, toMs(e.startsAt));
        st.bind(6, toMs(e.endsAt)).bind(7, toMs(e.doorsOpenAt)).bind(8, toMs(e.doorsCloseAt));
        st.bind(9, languageCode(e.defaultLanguage));
        st.bind(12, e.shortName).bind(13, e.tagline).bind(14, e.colour).bind(15, e.accentColour);
        st.bindBlob(10, pk, sizeof pk).bindBlob(11, sk, sizeof sk).bind(16, e.retentionDays);
        st.bind(17, e.reentryAllowed ? "allowed" : "refused");
        st.step();
        sodium_memzero(sk, sizeof sk);
        if (st.failed()) return c.error("create event");
    }
    if (markDemo) {
        // Only createDemoEvent sets it: the demo PIN is accepted on this database alone.
        KIOSK_STMT(st, c, "UPDATE event SET demo = 1 WHERE id = ?1");
        st.bind(1, e.id);
        st.step();
        if (st.failed()) return c.error("mark the demo event");
    }
    return tx.commit();
}

Result<std::string> Database::eventLogo() const {
    KIOSK_STMT(st, m_impl->conn, "SELECT coalesce(logo, x'') FROM event LIMIT 1");
    if (st.step()) return st.blob(0);
    if (st.failed()) return m_impl->conn.error("read the event's logo");
    return std::string();
}

Status Database::setEventLogo(const std::string& bytes, const std::string& actor, TimePoint at) {
    if (auto s = m_impl->requireWritable("set the event's logo"); !s) return s;
    static constexpr std::string_view kPng("\x89PNG\r\n\x1a\n", 8);
    static constexpr std::string_view kJpeg("\xff\xd8\xff", 3);
    const std::string_view head(bytes);
    if (!bytes.empty() && !head.starts_with(kPng) && !head.starts_with(kJpeg))
        return Error{"event.bad_logo", "the logo must be a PNG or JPEG file (this one is neither)"};
    if (bytes.size() > kMaxLogoBytes)
        return Error{"event.bad_logo",
                     "the logo is " + std::to_string(bytes.size() / 1024) +
                         " KiB; at most 2048 KiB (a badge needs no more than 600 × 600 pixels)"};
    const auto& c = m_impl->conn;
    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s;
    auto ev = m_impl->loadEvent();
    if (!ev) return ev.error();
    if (!*ev)
        return Error{"event.missing",
                     "no event in this database yet: name it first with kiosk event --db FILE "
                     "--name \"…\""};
    {
        KIOSK_STMT(st, c, "UPDATE event SET logo = ?1");
        if (bytes.empty())
            st.bindNull(1);
        else
            st.bindBlob(1, bytes.data(), static_cast<int>(bytes.size()));
        st.step();
        if (st.failed()) return c.error("set the event's logo");
    }
    if (auto s = m_impl->insertAudit(at, actor, "event.logo", "",
                                     jsonDetail({{"bytes", std::to_string(bytes.size())}}));
        !s)
        return s;
    return tx.commit();
}

Result<std::string> Database::issueCode(const std::string& attendeeId) {
    if (auto s = m_impl->requireWritable("issue code"); !s) return s.error();
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    auto ev = m_impl->loadEvent();
    if (!ev) return ev.error();
    if (!*ev)
        return Error{"event.missing",
                     "no event in this database yet: name it first with kiosk event --db FILE --name \"…\" "
                     "(our QR codes carry the event)"};
    auto a = m_impl->loadAttendee(attendeeId);
    if (!a) return a.error();
    if (!*a) return Error{"attendee.not_found", "no attendee with id " + attendeeId};
    if ((*a)->erased)
        return Error{"attendee.erased", "attendee " + attendeeId + " was erased: no code is issued"};
    auto code = m_impl->insertOwnCode(**ev, attendeeId, nowUtc());
    if (!code) return code;
    if (auto s = tx.commit(); !s) return s.error();
    return code;
}

Result<std::string> Database::primaryCode(const std::string& attendeeId) {
    {
        // What the attendee's confirmation carries: the code of the system they registered with
        // if it was imported, else our own code. Revoked codes count as well — scanning them
        // must say "revoked", not hand out a fresh valid code.
        // An erased person's codes are tokens, not codes: there is nothing to print or scan.
        KIOSK_STMT(
            st, m_impl->conn,
            "SELECT value, revoked_reason IS 'erased' FROM codes WHERE attendee_id = ?1 AND kind <> "
            "'eventbrite_prefix' ORDER BY revoked_at IS NOT NULL, kind = 'kiosk', created_at, rowid LIMIT 1");
        st.bind(1, attendeeId);
        if (st.step()) {
            if (st.i64(1) != 0)
                return Error{"attendee.erased",
                             "attendee " + attendeeId + " was erased: their codes are gone"};
            return st.text(0);
        }
        if (st.failed()) return m_impl->conn.error("read codes");
    }
    return issueCode(attendeeId);
}

}  // namespace kiosk::core
