#include "store/sqlite.hpp"

#include "ofd_lock.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

namespace kiosk::core::store {

namespace {

/// SQLite does not keep the EFBIG of a write that crossed RLIMIT_FSIZE (errno is gone by the time
/// the error is reported), so a finite limit that one of the database's files has reached is
/// taken as the cause.
bool fileSizeLimitReached(sqlite3* db) {
    struct rlimit lim {};
    if (::getrlimit(RLIMIT_FSIZE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return false;
    const char* main = sqlite3_db_filename(db, "main");
    if (!main || !*main) return false;
    const std::string base = main;
    for (const char* suffix : {"", "-wal", "-journal"}) {
        struct stat st {};
        // Within one page of growth (SQLite writes pages of at most 64 KiB).
        if (::stat((base + suffix).c_str(), &st) == 0 &&
            static_cast<rlim_t>(st.st_size) + 65536 >= lim.rlim_cur)
            return true;
    }
    return false;
}

}  // namespace

Error sqliteError(sqlite3* db, std::string_view what) {
    const int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
    std::string msg(what);
    msg += ": ";
    msg += db ? sqlite3_errmsg(db) : "no database connection";
    const int primary = code & 0xFF;
    // The operating system's reason, when SQLite kept one: "disk I/O error" alone sends people
    // looking at the wrong thing.
    const int sysErr = db ? sqlite3_system_errno(db) : 0;
    if (sysErr == EFBIG || ((primary == SQLITE_IOERR || primary == SQLITE_FULL) && fileSizeLimitReached(db)))
        return {"db.io", msg +
                             " (file-size limit reached: this process may not make files larger (ulimit -f, "
                             "systemd LimitFSIZE=); raise the limit, and check free disk space)"};
    if (primary == SQLITE_FULL) return {"db.io", msg + " (the disk is full: free disk space, then retry)"};
    if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) {
        if (sysErr == ENOSPC) return {"db.io", msg + " (the disk is full: free disk space, then retry)"};
        if (sysErr == EDQUOT) return {"db.io", msg + " (disk quota exceeded: free disk space, then retry)"};
        if (sysErr == EROFS)
            return {"db.readonly", msg + " (the file system is mounted read-only: use a writable disk)"};
    }
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        return {"db.busy", msg + " (another kiosk process holds the database; retry in a moment)"};
    if (primary == SQLITE_READONLY) return {"db.readonly", msg + " (open the database read-write)"};
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
        return {"db.corrupt", msg + " (the file is not a valid kiosk database; restore a backup)"};
    if (primary == SQLITE_FULL || primary == SQLITE_IOERR)
        return {"db.io", msg + " (check free disk space and the disk itself)"};
    if (primary == SQLITE_CONSTRAINT) return {"db.constraint", msg};
    return {"db.error", msg};
}

sqlite3_stmt* Connection::prepare(const char* sql, Error* err) const {
    auto it = m_stmts.find(sql);
    if (it != m_stmts.end()) return it->second.get();
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(m_db.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
        sqlite3_finalize(raw);
        if (err) *err = error("prepare");
        return nullptr;
    }
    m_stmts.emplace(sql, StmtPtr(raw));
    return raw;
}

Status Connection::exec(const char* sql, const char* what) const {
    char* msg = nullptr;
    if (sqlite3_exec(m_db.get(), sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        sqlite3_free(msg);
        return error(what ? std::string_view(what) : std::string_view(sql).substr(0, 60));
    }
    return {};
}

Status Connection::watchFile(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return Error{"db.replaced",
                     path + " vanished while it was being opened (" + std::strerror(errno) + ")"};
    m_watchPath = path;
    m_watchDev = st.st_dev;
    m_watchIno = st.st_ino;
    // The inode just read must be the one SQLite has open (it could have been swapped between
    // sqlite3_open and the stat above).
    return checkFile();
}

Status Connection::checkFile() const {
    if (m_lost) return *m_lost;
    if (m_watchPath.empty()) return {};
    const std::string& p = m_watchPath;
    const char* cause = nullptr;
    struct stat st {};
    int moved = 0;
    if (::stat(p.c_str(), &st) != 0)
        cause = errno == ENOENT ? "was deleted" : "can no longer be found";
    else if (st.st_dev != m_watchDev || st.st_ino != m_watchIno)
        cause = "was replaced by another file";
    else if (st.st_size == 0)
        cause = "was emptied (it is 0 bytes now)";
    // SQLite's own comparison of its open descriptor (fstat) with the path (stat): it catches an
    // unlinked file whose name was reused within the same stat() above as well.
    else if (sqlite3_file_control(m_db.get(), "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved)
        cause = "was replaced or deleted";
    // The write-ahead log holds every commit since the last checkpoint. This connection keeps it
    // open (WAL mode), so no SQLite connection deletes it meanwhile: if it is gone or another
    // file, someone removed it, and what we commit goes where no other kiosk will look.
    struct stat wal {};
    const std::string walPath = p + "-wal";
    if (!cause) {
        if (::stat(walPath.c_str(), &wal) == 0) {
            if (m_walIno == 0) {
                m_walDev = wal.st_dev;
                m_walIno = wal.st_ino;
            } else if (wal.st_dev != m_walDev || wal.st_ino != m_walIno) {
                cause = "lost its write-ahead log (the file -wal beside it was replaced)";
            }
        } else if (errno == ENOENT && m_walIno != 0) {
            cause =
                "lost its write-ahead log (the file -wal beside it was deleted; the last check-ins are in "
                "it)";
        }
    }
    if (!cause) return {};
    m_lost =
        Error{"db.replaced",
              "the event database " + p + " " + cause +
                  " while the kiosk was running; nothing more is saved into the old file. Put the file back "
                  "or restore a backup, then restart the kiosk"};
    return *m_lost;
}

Connection::~Connection() {
    m_stmts.clear();
    if (m_waitFd >= 0) ::close(m_waitFd);
}

Connection::Connection(Connection&& o) noexcept
    : m_waitFd(std::exchange(o.m_waitFd, -2)),
      m_waiting(std::exchange(o.m_waiting, false)),
      m_db(std::move(o.m_db)),
      m_watchPath(std::move(o.m_watchPath)),
      m_watchDev(o.m_watchDev),
      m_watchIno(o.m_watchIno),
      m_walDev(o.m_walDev),
      m_walIno(o.m_walIno),
      m_lost(std::move(o.m_lost)),
      m_stmts(std::move(o.m_stmts)) {}

Connection& Connection::operator=(Connection&& o) noexcept {
    if (this != &o) {
        m_stmts.clear();
        if (m_waitFd >= 0) ::close(m_waitFd);
        m_db = std::move(o.m_db);
        m_watchPath = std::move(o.m_watchPath);
        m_watchDev = o.m_watchDev;
        m_watchIno = o.m_watchIno;
        m_walDev = o.m_walDev;
        m_walIno = o.m_walIno;
        m_lost = std::move(o.m_lost);
        m_stmts = std::move(o.m_stmts);
        m_waitFd = std::exchange(o.m_waitFd, -2);
        m_waiting = std::exchange(o.m_waiting, false);
    }
    return *this;
}

int Connection::waitFd() const {
    if (m_waitFd != -2) return m_waitFd;
    m_waitFd = -1;
    const char* main = m_db ? sqlite3_db_filename(m_db.get(), "main") : nullptr;
    if (!main || !*main) return -1;  // in-memory: no other process
    // Private like the database (0600); it holds nothing but locks.
    m_waitFd =
        ::open((std::string(main) + "-waiting").c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    return m_waitFd;
}

void Connection::markWaiting() const {
    if (m_waiting) return;
    const int fd = waitFd();
    // Open-file-description locks: one per connection (its own descriptor), in any process,
    // released when the descriptor closes (a waiter that dies leaves nothing behind).
    if (fd >= 0 && ofd::tryLock(fd, F_RDLCK)) m_waiting = true;
}

void Connection::doneWaiting() const {
    if (!m_waiting) return;
    (void)ofd::tryLock(m_waitFd, F_UNLCK);
    m_waiting = false;
}

bool Connection::othersWaiting() const {
    const int fd = waitFd();
    if (fd < 0) return false;
    return ofd::heldByOther(fd, F_WRLCK);  // would a write lock conflict with someone's read lock?
}

bool Connection::letWaitersIn(int maxMs) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(maxMs);
    // Each waiter drops its lock once its BEGIN IMMEDIATE went through.
    while (othersWaiting()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return true;
}

Status Transaction::begin() {
    auto begun = m_c.exec("BEGIN IMMEDIATE", "start writing");
    m_c.doneWaiting();
    if (!begun) return begun;
    m_open = true;
    // Checked once the write lock is held: a file replaced from now on is seen at commit.
    return m_c.checkFile();
}

Status Transaction::commit() {
    if (!m_open) return Error{"db.error", "commit without an open transaction"};
    // Before COMMIT: a write into a deleted or replaced file is rolled back (destructor), so the
    // caller never reports an arrival that is not in the event's file.
    if (auto s = m_c.checkFile(); !s) return s;
    auto committed = m_c.exec("COMMIT", "save the change");
    m_c.doneWaiting();
    if (!committed) return committed;  // the destructor rolls back what is left
    m_open = false;
    // After COMMIT: a file replaced between the check and the commit took the write with it.
    return m_c.checkFile();
}

Transaction::~Transaction() {
    if (m_open) sqlite3_exec(m_c.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace kiosk::core::store
