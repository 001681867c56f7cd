#pragma once
// Thin RAII layer over the SQLite C API: owned handles, cached prepared statements that are
// reset after every use, and an IMMEDIATE transaction that rolls back unless committed.
#include <kiosk/core/result.hpp>

#include <sqlite3.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kiosk::core::store {

struct DbDeleter {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtDeleter {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbDeleter>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

Error sqliteError(sqlite3* db, std::string_view what);

/// A borrowed, cached statement for one use: bind, step, read; reset and unbound on scope exit.
class Stmt {
public:
    explicit Stmt(sqlite3_stmt* s) : m_s(s) {}
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt() {
        sqlite3_reset(m_s);
        sqlite3_clear_bindings(m_s);
    }

    Stmt& bind(int i, std::string_view v) {
        sqlite3_bind_text(m_s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Stmt& bind(int i, int64_t v) {
        sqlite3_bind_int64(m_s, i, v);
        return *this;
    }
    Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
    Stmt& bindBlob(int i, const void* p, int n) {
        sqlite3_bind_blob(m_s, i, p, n, SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bindNull(int i) {
        sqlite3_bind_null(m_s, i);
        return *this;
    }
    Stmt& bindOpt(int i, const std::optional<std::string>& v) { return v ? bind(i, *v) : bindNull(i); }
    Stmt& bindNullIfEmpty(int i, const std::string& v) { return v.empty() ? bindNull(i) : bind(i, v); }

    /// SQLITE_ROW → true, SQLITE_DONE → false; anything else is recorded in rc().
    bool step() {
        m_rc = sqlite3_step(m_s);
        return m_rc == SQLITE_ROW;
    }
    bool failed() const { return m_rc != SQLITE_ROW && m_rc != SQLITE_DONE; }
    int rc() const { return m_rc; }

    std::string text(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_s, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_s, col))) : std::string();
    }
    std::optional<std::string> optText(int col) const {
        if (sqlite3_column_type(m_s, col) == SQLITE_NULL) return std::nullopt;
        return text(col);
    }
    int64_t i64(int col) const { return sqlite3_column_int64(m_s, col); }
    bool isNull(int col) const { return sqlite3_column_type(m_s, col) == SQLITE_NULL; }
    std::string blob(int col) const {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(m_s, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_s, col))) : std::string();
    }

private:
    sqlite3_stmt* m_s;
    int m_rc = SQLITE_OK;
};

/// Owns the connection and the statements prepared on it (prepared once, reused).
class Connection {
public:
    Connection() = default;
    explicit Connection(DbPtr db) : m_db(std::move(db)) {}
    sqlite3* get() const { return m_db.get(); }

    /// The cached statement for this SQL text; nullptr and an error on a prepare failure.
    sqlite3_stmt* prepare(const char* sql, Error* err) const;
    /// Run SQL without results (schema, pragmas, transaction control).
    /// `what` names the step in the error ("save the change"); the SQL itself by default.
    Status exec(const char* sql, const char* what = nullptr) const;
    Error error(std::string_view what) const { return sqliteError(m_db.get(), what); }

    /// Remembers which file `path` is now (device and inode), so that checkFile() can tell when
    /// it was deleted, replaced or emptied while this connection has it open.
    Status watchFile(const std::string& path);
    /// "db.replaced" when the database file this connection writes into is no longer the file at
    /// its path (deleted, replaced by a copy or another event, truncated to 0 bytes): a commit
    /// would land in a file no one will read again. Once seen, every later call says so too,
    /// even if a file reappears at the path: the kiosk must be restarted on the right file.
    Status checkFile() const;

    // --- Waiting writers, seen across processes. A connection waiting for the write lock says so
    // with a read lock (Linux open-file-description lock, F_OFD_SETLK) on the file "<db>-waiting"
    // beside the database; a long writer (an import) asks whether anyone holds one, commits, and
    // lets them in before it takes the lock again: SQLite's waiters poll every 0.5–2.5 ms and
    // would hardly ever catch the moment between two of its transactions.
    /// From the busy handler: this connection waits for the write lock.
    void markWaiting() const;
    /// The wait is over (BEGIN IMMEDIATE or COMMIT returned).
    void doneWaiting() const;
    /// True when another connection (any process) waits for the write lock. One fcntl call.
    bool othersWaiting() const;
    /// Between two transactions of a long writer: returns once no other connection waits any
    /// more (each got its turn), or after `maxMs` (false: someone still says it waits).
    bool letWaitersIn(int maxMs) const;

private:
    int waitFd() const;  ///< the turnstile file, opened on first use; -1 if it cannot be

    mutable int m_waitFd = -2;  ///< -2: not opened yet
    mutable bool m_waiting = false;
    DbPtr m_db;
    std::string m_watchPath;
    dev_t m_watchDev = 0;
    ino_t m_watchIno = 0;
    mutable dev_t m_walDev = 0;
    mutable ino_t m_walIno = 0;  ///< 0: no -wal seen yet
    mutable std::optional<Error> m_lost;
    // Keyed by the address of the SQL literal. Cleared in the destructor before m_db closes.
    mutable std::unordered_map<const char*, StmtPtr> m_stmts;

public:
    ~Connection();
    Connection(Connection&& o) noexcept;
    Connection& operator=(Connection&& o) noexcept;
};

/// BEGIN IMMEDIATE … COMMIT. Rolls back in the destructor unless commit() succeeded, so every
/// early return leaves the database as it was.
class Transaction {
public:
    explicit Transaction(const Connection& c) : m_c(c) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Status begin();
    Status commit();
    ~Transaction();

private:
    const Connection& m_c;
    bool m_open = false;
};

}  // namespace kiosk::core::store
