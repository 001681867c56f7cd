#pragma once
// Thin RAII layer over libpq: an owned connection and owned results, every command with a
// deadline (a frozen or silent server must not hang the agent: it notices within seconds and
// reports "offline"), parameters as text, errors as values.
#include <kiosk/core/result.hpp>

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::core::pg {

struct ConnDeleter {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct ResultDeleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};

using Param = std::optional<std::string>;  ///< nullopt = SQL NULL

/// One query's rows, owned; values as text.
class Rows {
public:
    Rows() = default;
    explicit Rows(PGresult* r) : m_r(r) {}
    int size() const { return m_r ? PQntuples(m_r.get()) : 0; }
    int columns() const { return m_r ? PQnfields(m_r.get()) : 0; }
    bool isNull(int row, int col) const { return PQgetisnull(m_r.get(), row, col) != 0; }
    std::string text(int row, int col) const {
        return std::string(PQgetvalue(m_r.get(), row, col),
                           static_cast<std::size_t>(PQgetlength(m_r.get(), row, col)));
    }
    Param opt(int row, int col) const {
        if (isNull(row, col)) return std::nullopt;
        return text(row, col);
    }
    int64_t i64(int row, int col) const;  ///< 0 for NULL
    std::string affected() const { return m_r ? PQcmdTuples(m_r.get()) : ""; }

private:
    std::unique_ptr<PGresult, ResultDeleter> m_r;
};

/// A libpq connection. Move-only; closed in the destructor. After a timeout or a lost link the
/// connection is marked broken and every later call fails: reconnect.
class Connection {
public:
    /// `conninfo`: any libpq connection string or URI ('' = the PG* environment). Connection
    /// options that notice a silent link within seconds are added unless `conninfo` sets them.
    static Result<Connection> connect(const std::string& conninfo, std::chrono::seconds timeout);
    Connection() = default;
    Connection(Connection&&) noexcept = default;
    Connection& operator=(Connection&&) noexcept = default;

    /// Runs one statement (with $1… text parameters) within `deadline`; error "sync.timeout"
    /// when the server does not answer in time, "sync.lost" when the link broke, "sync.sql"
    /// (with SQLSTATE in the message) when the statement failed.
    Result<Rows> exec(std::string_view sql, const std::vector<Param>& params = {},
                      std::chrono::milliseconds deadline = std::chrono::seconds(5));
    /// Runs statements without parameters ("BEGIN", schema scripts).
    Status run(std::string_view sql, std::chrono::milliseconds deadline = std::chrono::seconds(5));
    /// Sends `sql` and returns without reading the answer (fault injection: an agent killed
    /// after its COMMIT left and before the answer came back).
    Status sendOnly(std::string_view sql);
    /// Waits up to `wait` for input (notifications) and returns the channels' payloads received.
    Result<std::vector<std::string>> notifications(std::chrono::milliseconds wait);
    bool broken() const { return m_broken || !m_c || PQstatus(m_c.get()) != CONNECTION_OK; }
    PGconn* get() const { return m_c.get(); }
    /// SQLSTATE of the last failed statement ("" if none).
    const std::string& lastState() const { return m_lastState; }

    /// Quotes an identifier / a literal for SQL that cannot take parameters (CREATE ROLE).
    std::string quoteIdent(std::string_view s) const;
    std::string quoteLiteral(std::string_view s) const;

private:
    explicit Connection(PGconn* c) : m_c(c) {}
    Result<Rows> execImpl(std::string_view sql, const std::vector<Param>& params,
                          std::chrono::milliseconds deadline, bool simple);
    Status waitFor(short events, std::chrono::steady_clock::time_point until);
    std::unique_ptr<PGconn, ConnDeleter> m_c;
    bool m_broken = false;
    std::string m_lastState;
    std::vector<std::string> m_pending;  ///< notifications seen while reading answers
    void collectNotifications();
};

/// PostgreSQL array literal of text values ({"a","b\"c",NULL}) for unnest($1::text[]).
std::string textArray(const std::vector<Param>& values);

/// A connection string with `user` (and a password if not empty) set, the rest kept.
Result<std::string> withUser(const std::string& conninfo, const std::string& user,
                             const std::string& password);

}  // namespace kiosk::core::pg
