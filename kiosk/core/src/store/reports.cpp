// Read-side reports (stats, audit, the arrivals export) and the print outbox.
#include "csv.hpp"
#include "store/database_impl.hpp"
#include "util_ids.hpp"

#include <kiosk/core/file.hpp>

#include <cstdio>
#include <filesystem>

namespace kiosk::core {

namespace {

/// A read transaction so that all figures of one report come from the same snapshot.
class ReadSnapshot {
public:
    /// Inside an open transaction (a report built of other reports) the outer one is the snapshot.
    explicit ReadSnapshot(const store::Connection& c) : m_c(c) {
        m_open = sqlite3_get_autocommit(c.get()) != 0 && c.exec("BEGIN").ok();
    }
    ~ReadSnapshot() {
        if (m_open) sqlite3_exec(m_c.get(), "COMMIT", nullptr, nullptr, nullptr);
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

private:
    const store::Connection& m_c;
    bool m_open = false;
};

constexpr const char* kJobCols =
    "id, attendee_id, checkin_id, kind, state, cups_job_id, printer, last_error, attempts, created_at, updated_at";

PrintJob readJob(const store::Stmt& st) {
    PrintJob j;
    j.id = st.text(0);
    j.attendeeId = st.text(1);
    j.checkinId = st.text(2);
    j.kind = st.text(3);
    j.state = st.text(4);
    j.cupsJobId = static_cast<int>(st.i64(5));
    j.printer = st.text(6);
    j.lastError = st.text(7);
    j.attempts = static_cast<int>(st.i64(8));
    j.createdAt = fromMs(st.i64(9));
    j.updatedAt = fromMs(st.i64(10));
    return j;
}

}  // namespace

Result<Stats> Database::stats() const {
    // Running counters kept by triggers (schema step 5): a few dozen rows, whatever the crowd.
    const auto& c = m_impl->conn;
    ReadSnapshot snapshot(c);
    Stats s;
    {
        KIOSK_STMT(st, c,
                   "SELECT dim, key, registered, checked_in FROM stat_groups WHERE attendees > 0 "
                   "ORDER BY dim, key");
        while (st.step()) {
            const std::string dim = st.text(0);
            Stats::Group g{st.text(1), st.i64(2), st.i64(3)};
            if (dim.empty()) {
                s.registered = g.registered;
                s.checkedIn = g.checkedIn;
            } else if (dim == "category") {
                s.byCategory.push_back(std::move(g));
            } else if (dim == "working_group") {
                s.byWorkingGroup.push_back(std::move(g));
            }
        }
        if (st.failed()) return c.error("stats");
    }
    {
        // Arrivals of the people checked in now, by the time of their effective check-in (an
        // annulled arrival no longer counts), so the buckets add up to checkedIn.
        KIOSK_STMT(st, c, "SELECT bucket, n FROM stat_arrivals WHERE n > 0 ORDER BY bucket");
        while (st.step()) s.arrivalsPer5Min.push_back({fromMs(st.i64(0) * 300000), st.i64(1)});
        if (st.failed()) return c.error("stats");
    }
    return s;
}

Result<Database::Overview> Database::overview(int recentLimit) const {
    const auto& c = m_impl->conn;
    ReadSnapshot snapshot(c);
    // The snapshot starts with the first read: make it now, so every figure below is from it.
    auto st0 = stats();
    if (!st0) return st0.error();
    Overview o;
    o.stats = std::move(st0).value();
    {
        // A job dismissed at the desk stays held/failed with the desk.dismissed marker.
        KIOSK_STMT(st, c,
                   "SELECT coalesce(sum(state IN ('pending', 'submitted')), 0), "
                   "coalesce(sum(state IN ('held', 'failed') AND last_error NOT LIKE 'desk.dismissed%'), 0) "
                   "FROM print_jobs WHERE state IN ('pending', 'submitted', 'held', 'failed')");
        if (!st.step()) return c.error("overview");
        o.printsWaiting = st.i64(0);
        o.printsHeld = st.i64(1);
    }
    {
        KIOSK_STMT(st, c, "SELECT count(*) FROM refused_scans WHERE resolved_at IS NULL");
        if (!st.step()) return c.error("overview");
        o.openCases = st.i64(0);
    }
    auto checkins = recentCheckins(recentLimit);
    if (!checkins) return checkins.error();
    o.recentCheckins = std::move(checkins).value();
    auto refused = refusedScans(/*unresolvedOnly=*/false, recentLimit);
    if (!refused) return refused.error();
    o.recentRefused = std::move(refused).value();
    return o;
}

Result<int> Database::exportArrivalsCsv(const std::string& path) const {
    const auto& c = m_impl->conn;
    ReadSnapshot snapshot(c);
    // A private temporary beside the target (never a fixed "OUT.tmp" someone could plant as a
    // symlink), 0600: the file holds names and e-mail addresses.
    auto f = AtomicFile::create(path);
    if (!f) return f.error();
    csv::CsvWriter w;
    // A UTF-8 byte-order mark: without it Excel reads the file as Windows-1252 ("ÅžÃ¼krÃ¼").
    if (auto s = f->write("\xEF\xBB\xBF"); !s) return s.error();
    w.row({"attendee_id", "first_name", "last_name", "badge_name", "organisation", "category", "working_group",
           "email", "checked_in_at", "kiosk", "actor", "external_source", "external_id"});
    KIOSK_STMT(st, c,
               "SELECT a.id, a.first_name, a.last_name, a.badge_name, a.organisation, a.category, a.working_group, "
               "a.email, c.at, c.kiosk, c.actor, a.external_source, a.external_id FROM attendees a "
               "JOIN checkins c ON c.id = a.current_checkin_id ORDER BY c.at, a.sort_key");
    int rows = 0;
    while (st.step()) {
        std::vector<std::string> cells;
        for (int i = 0; i < 13; ++i) cells.push_back(i == 8 ? formatIso8601(fromMs(st.i64(i))) : st.text(i));
        w.row(cells);
        ++rows;
        if (rows % 1000 == 0) {
            if (auto s = f->write(w.take()); !s) return s.error();
        }
    }
    if (st.failed()) return c.error("export");
    if (auto s = f->write(w.take()); !s) return s.error();
    if (auto s = f->commit(); !s) return s.error();
    return rows;
}

Result<int64_t> Database::backupTo(const std::string& path) const {
    // SQLite writes the copy by path into our own O_EXCL temporary (0600, random name): the
    // backup holds everything the database holds.
    auto tmpFile = AtomicFile::create(path);
    if (!tmpFile) return tmpFile.error();
    if (auto s = tmpFile->closeFd(); !s) return s.error();
    const std::string tmp = tmpFile->tempPath();
    {
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(tmp.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
        store::DbPtr dest(raw);
        if (rc != SQLITE_OK)
            return Error{"io.open", "cannot write " + tmp + ": check the folder exists and is writable"};
        sqlite3_backup* b = sqlite3_backup_init(dest.get(), "main", m_impl->conn.get(), "main");
        if (!b) return store::sqliteError(dest.get(), "backup");
        // All pages in one step: a kiosk database is small, and one step is one consistent read.
        const int step = sqlite3_backup_step(b, -1);
        const int done = sqlite3_backup_finish(b);
        if (step != SQLITE_DONE || done != SQLITE_OK) return store::sqliteError(dest.get(), "backup");
        // The copy is checked before it replaces an older backup.
        sqlite3_stmt* st = nullptr;
        std::string verdict;
        if (sqlite3_prepare_v2(dest.get(), "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            verdict = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        if (verdict != "ok")
            return Error{"db.backup_check", "the backup copy failed its integrity check (" + verdict +
                                                "); the database itself may be damaged: keep the old backups"};
    }
    if (auto s = tmpFile->commit(); !s) return s.error();
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return ec ? int64_t{0} : static_cast<int64_t>(size);
}

Result<std::vector<AuditEntry>> Database::audit(int limit) const {
    KIOSK_STMT(st, m_impl->conn,
               "SELECT at, actor, action, attendee_id, detail FROM audit_log ORDER BY rowid DESC LIMIT ?1");
    st.bind(1, limit);
    std::vector<AuditEntry> out;
    while (st.step()) out.push_back({fromMs(st.i64(0)), st.text(1), st.text(2), st.text(3), st.text(4)});
    if (st.failed()) return m_impl->conn.error("read audit log");
    return out;
}

// --- print outbox ---------------------------------------------------------------------------

Result<PrintJob> Database::enqueuePrint(const std::string& attendeeId, const std::string& checkinId,
                                        const std::string& kind, const std::string& actor, TimePoint at) {
    if (auto s = m_impl->requireWritable("print"); !s) return s.error();
    if (kind.empty()) return Error{"print.bad_kind", "a print job needs a kind (\"badge\" or \"reprint\")"};
    const auto& c = m_impl->conn;
    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s.error();
    if (!checkinId.empty()) {
        // One badge per check-in, however often the kiosk asks (crash, retry, second window).
        static const std::string sql =
            std::string("SELECT ") + kJobCols + " FROM print_jobs WHERE checkin_id = ?1 AND kind = ?2 AND checkin_id <> ''";
        KIOSK_STMT(st, c, sql.c_str());
        st.bind(1, checkinId).bind(2, kind);
        if (st.step()) return readJob(st);
        if (st.failed()) return c.error("print outbox");
    }
    auto a = m_impl->loadAttendee(attendeeId);
    if (!a) return a.error();
    if (!*a) return Error{"attendee.not_found", "no attendee with id " + attendeeId};
    PrintJob j;
    j.id = ids::newId();
    j.attendeeId = attendeeId;
    j.checkinId = checkinId;
    j.kind = kind;
    j.state = "pending";
    j.createdAt = j.updatedAt = at;
    {
        KIOSK_STMT(st, c,
                   "INSERT INTO print_jobs(id, attendee_id, checkin_id, kind, state, created_at, updated_at) "
                   "VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)");
        st.bind(1, j.id).bind(2, attendeeId).bind(3, checkinId).bind(4, kind).bind(5, toMs(at));
        st.step();
        if (st.failed()) return c.error("print outbox");
    }
    if (kind != "badge" || checkinId.empty()) {
        if (auto s = m_impl->insertAudit(at, actor, "print." + kind, attendeeId, jsonDetail({{"job", j.id}})); !s)
            return s.error();
    }
    if (auto s = tx.commit(); !s) return s.error();
    return j;
}

Result<std::vector<PrintJob>> Database::printJobs(std::string_view state, int limit) const {
    static const std::string sql = std::string("SELECT ") + kJobCols +
                                   " FROM print_jobs WHERE (?1 = '' OR state = ?1) ORDER BY created_at, rowid LIMIT ?2";
    KIOSK_STMT(st, m_impl->conn, sql.c_str());
    st.bind(1, state).bind(2, limit);
    std::vector<PrintJob> out;
    while (st.step()) out.push_back(readJob(st));
    if (st.failed()) return m_impl->conn.error("print outbox");
    return out;
}

Result<std::optional<PrintJob>> Database::printJob(const std::string& id) const {
    static const std::string sql = std::string("SELECT ") + kJobCols + " FROM print_jobs WHERE id = ?1";
    KIOSK_STMT(st, m_impl->conn, sql.c_str());
    st.bind(1, id);
    if (st.step()) return std::optional<PrintJob>(readJob(st));
    if (st.failed()) return m_impl->conn.error("print outbox");
    return std::optional<PrintJob>{};
}

Status Database::updatePrintJob(const PrintJob& job) {
    if (auto s = m_impl->requireWritable("print"); !s) return s;
    const auto& c = m_impl->conn;
    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s;
    KIOSK_STMT(st, c,
               "UPDATE print_jobs SET state = ?2, cups_job_id = ?3, printer = ?4, last_error = ?5, attempts = ?6, "
               "updated_at = ?7 WHERE id = ?1");
    st.bind(1, job.id).bind(2, job.state).bind(3, job.cupsJobId).bind(4, job.printer).bind(5, job.lastError);
    st.bind(6, job.attempts).bind(7, toMs(job.updatedAt == TimePoint{} ? nowUtc() : job.updatedAt));
    st.step();
    if (st.failed()) return c.error("print outbox");
    if (sqlite3_changes(c.get()) == 0) return Error{"print.not_found", "no print job with id " + job.id};
    return tx.commit();
}

Result<int> Database::reprintCount(const std::string& attendeeId) const {
    KIOSK_STMT(st, m_impl->conn, "SELECT count(*) FROM print_jobs WHERE attendee_id = ?1 AND kind = 'reprint'");
    st.bind(1, attendeeId);
    if (!st.step()) return m_impl->conn.error("print outbox");
    return static_cast<int>(st.i64(0));
}

}  // namespace kiosk::core
