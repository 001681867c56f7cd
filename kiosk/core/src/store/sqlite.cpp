#include "store/sqlite.hpp"

namespace kiosk::core::store {

Error sqliteError(sqlite3* db, std::string_view what) {
    const int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
    std::string msg(what);
    msg += ": ";
    msg += db ? sqlite3_errmsg(db) : "no database connection";
    const int primary = code & 0xFF;
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

Status Transaction::begin() {
    if (auto s = m_c.exec("BEGIN IMMEDIATE", "start writing"); !s) return s;
    m_open = true;
    return {};
}

Status Transaction::commit() {
    if (!m_open) return Error{"db.error", "commit without an open transaction"};
    if (auto s = m_c.exec("COMMIT", "save the change"); !s) return s;  // destructor rolls back what is left
    m_open = false;
    return {};
}

Transaction::~Transaction() {
    if (m_open) sqlite3_exec(m_c.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace kiosk::core::store
