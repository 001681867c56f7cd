// Read-side reports (stats, audit, the arrivals export) and the print outbox.
#include "store/database_impl.hpp"
#include "util_ids.hpp"

#include <kiosk/core/csv.hpp>
#include <kiosk/core/file.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

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
    "id, attendee_id, checkin_id, kind, state, cups_job_id, machine, printer, error_code, error_text, "
    "attempts, "
    "created_at, updated_at";

PrintJob readJob(const store::Stmt& st) {
    PrintJob j;
    j.id = st.text(0);
    j.attendeeId = st.text(1);
    j.checkinId = st.text(2);
    j.kind = printJobKindFromName(st.text(3)).value_or(PrintJobKind::Reprint);
    if (auto state = printJobStateFromName(st.text(4))) {
        j.state = *state;
    } else {  // written by something else: nobody prints it by itself, the desk sees it
        j.state = PrintJobState::Held;
    }
    j.cupsJobId = static_cast<int>(st.i64(5));
    j.machine = st.text(6);
    j.printer = st.text(7);
    j.errorCode = st.text(8);
    j.errorText = st.text(9);
    j.attempts = static_cast<int>(st.i64(10));
    j.createdAt = fromMs(st.i64(11));
    j.updatedAt = fromMs(st.i64(12));
    return j;
}

/// Print services of this process, by database file (the wake-up hint of the outbox).
struct OutboxRegistry {
    std::mutex mu;
    uint64_t next = 1;
    std::map<uint64_t, std::pair<std::string, std::function<void()>>> subscribers;
    static OutboxRegistry& get() {
        static OutboxRegistry r;
        return r;
    }
};

std::string canonicalDbPath(const std::string& path) {
    std::error_code ec;
    auto p = std::filesystem::weakly_canonical(path, ec);
    return ec ? path : p.string();
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
    {
        KIOSK_STMT(st, c, "SELECT count(*) FROM reentries");
        if (!st.step()) return c.error("stats");
        s.reentries = st.i64(0);
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
        // In flight (isInFlight) and waiting for the desk (waitsForDesk); dismissed is final.
        KIOSK_STMT(st, c,
                   "SELECT coalesce(sum(state IN ('pending', 'submitted')), 0), "
                   "coalesce(sum(state IN ('held', 'failed')), 0) "
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
    // Duplicates exist only in files that pulled other machines' arrivals: a few people.
    auto dups = duplicates(/*openOnly=*/true);
    if (!dups) return dups.error();
    o.openDuplicates = static_cast<int64_t>(dups->size());
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
    w.row({"attendee_id", "first_name", "last_name", "badge_name", "organisation", "category",
           "working_group", "email", "checked_in_at", "kiosk", "actor", "external_source", "external_id"});
    KIOSK_STMT(
        st, c,
        "SELECT a.id, a.first_name, a.last_name, a.badge_name, a.organisation, a.category, a.working_group, "
        "a.email, c.at, c.kiosk, c.actor, a.external_source, a.external_id FROM attendees a "
        "JOIN checkins c ON c.id = a.current_checkin_id ORDER BY c.at, a.sort_key");
    int rows = 0;
    while (st.step()) {
        std::vector<std::string> cells;
        cells.reserve(13);
        for (int i = 0; i < 13; ++i)
            cells.push_back(i == 8 ? formatIso8601Local(fromMs(st.i64(i))) : st.text(i));
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
            return Error{"db.backup_check",
                         "the backup copy failed its integrity check (" + verdict +
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

void notifyOutbox(const std::string& dbPath) {
    auto& r = OutboxRegistry::get();
    const std::string key = canonicalDbPath(dbPath);
    std::lock_guard lk(r.mu);  // held while calling: an unsubscribe waits for a running callback
    for (auto& [id, sub] : r.subscribers)
        if (sub.first == key) sub.second();
}

OutboxSubscription onOutboxChange(const std::string& dbPath, std::function<void()> callback) {
    auto& r = OutboxRegistry::get();
    std::lock_guard lk(r.mu);
    const uint64_t id = r.next++;
    r.subscribers.emplace(id, std::make_pair(canonicalDbPath(dbPath), std::move(callback)));
    return OutboxSubscription(id);
}

OutboxSubscription::~OutboxSubscription() {
    if (m_id == 0) return;
    auto& r = OutboxRegistry::get();
    std::lock_guard lk(r.mu);
    r.subscribers.erase(m_id);
}

Result<std::optional<PrintJob>> Database::Impl::loadPrintJob(const std::string& id) const {
    static const std::string sql = std::string("SELECT ") + kJobCols + " FROM print_jobs WHERE id = ?1";
    KIOSK_STMT(st, conn, sql.c_str());
    st.bind(1, id);
    if (st.step()) return std::optional<PrintJob>(readJob(st));
    if (st.failed()) return conn.error("print outbox");
    return std::optional<PrintJob>{};
}

Result<std::optional<PrintJob>> Database::Impl::loadBadgeJob(const std::string& checkinId) const {
    static const std::string sql =
        std::string("SELECT ") + kJobCols +
        " FROM print_jobs WHERE checkin_id = ?1 AND kind = 'badge' AND checkin_id <> ''";
    KIOSK_STMT(st, conn, sql.c_str());
    st.bind(1, checkinId);
    if (st.step()) return std::optional<PrintJob>(readJob(st));
    if (st.failed()) return conn.error("print outbox");
    return std::optional<PrintJob>{};
}

Result<PrintJob> Database::Impl::insertPrintJob(const NewPrintJob& n) const {
    if (!n.checkinId.empty() && n.kind == PrintJobKind::Badge) {
        // One badge per check-in, however often the kiosk asks (crash, retry, second window).
        auto existing = loadBadgeJob(n.checkinId);
        if (!existing) return existing.error();
        if (*existing) return std::move(**existing);
    }
    auto a = loadAttendee(n.attendeeId);
    if (!a) return a.error();
    if (!*a) return Error{"attendee.not_found", "no attendee with id " + n.attendeeId};
    PrintJob j;
    j.id = ids::newId();
    j.attendeeId = n.attendeeId;
    j.checkinId = n.checkinId;
    j.kind = n.kind;
    j.state = PrintJobState::Pending;
    j.machine = n.machine;
    j.createdAt = j.updatedAt = n.at;
    {
        KIOSK_STMT(st, conn,
                   "INSERT INTO print_jobs(id, attendee_id, checkin_id, kind, state, machine, created_at, "
                   "updated_at) "
                   "VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?6)");
        st.bind(1, j.id)
            .bind(2, n.attendeeId)
            .bind(3, n.checkinId)
            .bind(4, kindName(n.kind))
            .bind(5, n.machine);
        st.bind(6, toMs(n.at));
        st.step();
        if (st.failed()) return conn.error("print outbox");
    }
    if (n.kind != PrintJobKind::Badge || n.checkinId.empty()) {
        if (auto s = insertAudit(n.at, n.actor, "print." + std::string(kindName(n.kind)), n.attendeeId,
                                 jsonDetail({{"job", j.id}, {"machine", n.machine}}));
            !s)
            return s.error();
    }
    return j;
}

Result<PrintJob> Database::enqueuePrint(const std::string& attendeeId, const std::string& checkinId,
                                        PrintJobKind kind, const std::string& machine,
                                        const std::string& actor, TimePoint at) {
    if (auto s = m_impl->requireWritable("print"); !s) return s.error();
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    auto job = m_impl->insertPrintJob({attendeeId, checkinId, kind, machine, actor, at});
    if (!job) return job.error();
    if (auto s = tx.commit(); !s) return s.error();
    if (job->state == PrintJobState::Pending) notifyOutbox(m_impl->path);
    return job;
}

Result<std::vector<PrintJob>> Database::printJobs(const PrintJobQuery& q) const {
    static const std::string sql =
        std::string("SELECT ") + kJobCols +
        " FROM print_jobs WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR machine = ?2)"
        " AND (?3 = '' OR attendee_id = ?3) ORDER BY created_at, rowid LIMIT ?4";
    KIOSK_STMT(st, m_impl->conn, sql.c_str());
    if (q.state) st.bind(1, stateName(*q.state));
    st.bindOpt(2, q.machine).bind(3, q.attendeeId).bind(4, q.limit);
    std::vector<PrintJob> out;
    while (st.step()) out.push_back(readJob(st));
    if (st.failed()) return m_impl->conn.error("print outbox");
    return out;
}

Result<std::optional<PrintJob>> Database::printJob(const std::string& id) const {
    return m_impl->loadPrintJob(id);
}

Result<PrintJob> Database::advancePrintJob(const std::string& id, const PrintStep& step) {
    if (auto s = m_impl->requireWritable("print"); !s) return s.error();
    const auto& c = m_impl->conn;
    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s.error();
    auto loaded = m_impl->loadPrintJob(id);
    if (!loaded) return loaded.error();
    if (!*loaded) return Error{"print.not_found", "no print job with id " + id};
    PrintJob j = std::move(**loaded);
    const auto next = nextState(j.state, step.transition);
    if (!next)
        return Error{"print.bad_transition", "print job " + id + " is " + std::string(stateName(j.state)) +
                                                 ": cannot apply \"" +
                                                 std::string(transitionName(step.transition)) + "\""};
    const TimePoint at = step.at == TimePoint{} ? nowUtc() : step.at;
    switch (step.transition) {
        case PrintTransition::Attempt:
            j.attempts += 1;  // on disk before the Print-Job is sent (exactly once, rule 1)
            j.printer = step.printer;
            break;
        case PrintTransition::Submitted:
            j.cupsJobId = step.cupsJobId;
            if (!step.printer.empty()) j.printer = step.printer;
            j.errorCode.clear();
            j.errorText.clear();
            break;
        case PrintTransition::Printed:
            j.errorCode.clear();
            j.errorText.clear();
            break;
        case PrintTransition::Waiting:
        case PrintTransition::Failed:
        case PrintTransition::Held:
        case PrintTransition::Dismissed:
            j.errorCode = step.errorCode;
            j.errorText = step.errorText;
            break;
        case PrintTransition::Requeued:
            break;
        case PrintTransition::Retried:
            // It prints where the retry was asked for (the desk), or nowhere.
            j.machine = step.machine;
            if (!step.printer.empty()) j.printer = step.printer;
            j.errorCode.clear();
            j.errorText.clear();
            break;
    }
    j.state = *next;
    j.updatedAt = at;
    {
        KIOSK_STMT(st, c,
                   "UPDATE print_jobs SET state = ?2, cups_job_id = ?3, machine = ?4, printer = ?5, "
                   "error_code = ?6, "
                   "error_text = ?7, attempts = ?8, updated_at = ?9 WHERE id = ?1");
        st.bind(1, j.id)
            .bind(2, stateName(j.state))
            .bind(3, j.cupsJobId)
            .bind(4, j.machine)
            .bind(5, j.printer);
        st.bind(6, j.errorCode).bind(7, j.errorText).bind(8, j.attempts).bind(9, toMs(at));
        st.step();
        if (st.failed()) return c.error("print outbox");
    }
    if (step.transition == PrintTransition::Retried || step.transition == PrintTransition::Dismissed) {
        if (auto s = m_impl->insertAudit(
                at, step.actor.empty() ? "desk" : step.actor,
                "print." + std::string(transitionName(step.transition)), j.attendeeId,
                jsonDetail({{"job", j.id}, {"machine", j.machine}, {"note", step.errorText}}));
            !s)
            return s.error();
    }
    if (auto s = tx.commit(); !s) return s.error();
    if (j.state == PrintJobState::Pending) notifyOutbox(m_impl->path);
    return j;
}

Result<int> Database::reprintCount(const std::string& attendeeId) const {
    KIOSK_STMT(st, m_impl->conn,
               "SELECT count(*) FROM print_jobs WHERE attendee_id = ?1 AND kind = 'reprint'");
    st.bind(1, attendeeId);
    if (!st.step()) return m_impl->conn.error("print outbox");
    return static_cast<int>(st.i64(0));
}

}  // namespace kiosk::core
