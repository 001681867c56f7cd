// libpq wrapper: non-blocking sends and reads under a deadline (see pg.hpp).
#include "sync/pg.hpp"

#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kiosk::core::pg {

namespace {

using Clock = std::chrono::steady_clock;

std::string connMessage(PGconn* c) {
    std::string m = c ? PQerrorMessage(c) : "out of memory";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
}

}  // namespace

int64_t Rows::i64(int row, int col) const {
    if (isNull(row, col)) return 0;
    return std::strtoll(PQgetvalue(m_r.get(), row, col), nullptr, 10);
}

Result<Connection> Connection::connect(const std::string& conninfo, std::chrono::seconds timeout) {
    // Defaults first: the caller's connection string (expanded from "dbname") overrides them.
    // TCP keepalives and tcp_user_timeout notice a silent LAN link in ~10 s instead of minutes.
    const std::string secs = std::to_string(std::max<int64_t>(1, timeout.count()));
    const char* keys[] = {"connect_timeout",     "keepalives",       "keepalives_idle",
                          "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                          "application_name",    "dbname",           nullptr};
    const char* values[] = {secs.c_str(), "1", "5", "2", "2", "5000", "kiosk", conninfo.c_str(), nullptr};
    PGconn* raw = PQconnectdbParams(keys, values, 1);
    Connection c(raw);
    if (!raw || PQstatus(raw) != CONNECTION_OK)
        return Error{"sync.unreachable", "cannot reach the event server: " + connMessage(raw)};
    if (PQsetnonblocking(raw, 1) != 0) return Error{"sync.lost", connMessage(raw)};
    return c;
}

Status Connection::waitFor(short events, Clock::time_point until) {
    const int fd = PQsocket(m_c.get());
    if (fd < 0) {
        m_broken = true;
        return Error{"sync.lost", "the connection to the event server is closed"};
    }
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) {
            m_broken = true;
            return Error{"sync.timeout", "the event server did not answer in time"};
        }
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(left));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            m_broken = true;
            return Error{"sync.lost", std::string("poll: ") + std::strerror(errno)};
        }
        if (n > 0) return {};
    }
}

void Connection::collectNotifications() {
    while (PGnotify* n = PQnotifies(m_c.get())) {
        m_pending.emplace_back(n->extra ? n->extra : "");
        PQfreemem(n);
    }
}

Result<Rows> Connection::exec(std::string_view sql, const std::vector<Param>& params,
                              std::chrono::milliseconds deadline) {
    return execImpl(sql, params, deadline, false);
}

Result<Rows> Connection::execImpl(std::string_view sql, const std::vector<Param>& params,
                                  std::chrono::milliseconds deadline, bool simple) {
    if (broken()) return Error{"sync.lost", "the connection to the event server is closed"};
    const auto until = Clock::now() + deadline;
    const std::string text(sql);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    // The simple protocol takes several statements (schema scripts); parameters need the other.
    const int sent = simple ? PQsendQuery(m_c.get(), text.c_str())
                            : PQsendQueryParams(m_c.get(), text.c_str(), static_cast<int>(params.size()),
                                                nullptr, values.data(), nullptr, nullptr, 0);
    if (!sent) {
        m_broken = true;
        return Error{"sync.lost", connMessage(m_c.get())};
    }
    for (;;) {  // flush the query (large batches do not fit the socket buffer at once)
        const int f = PQflush(m_c.get());
        if (f == 0) break;
        if (f < 0) {
            m_broken = true;
            return Error{"sync.lost", connMessage(m_c.get())};
        }
        if (auto s = waitFor(POLLOUT | POLLIN, until); !s) return s.error();
        if (!PQconsumeInput(m_c.get())) {
            m_broken = true;
            return Error{"sync.lost", connMessage(m_c.get())};
        }
    }
    std::optional<Rows> last;
    std::optional<Error> failure;
    for (;;) {
        while (PQisBusy(m_c.get())) {
            if (auto s = waitFor(POLLIN, until); !s) return s.error();
            if (!PQconsumeInput(m_c.get())) {
                m_broken = true;
                return Error{"sync.lost", connMessage(m_c.get())};
            }
        }
        PGresult* r = PQgetResult(m_c.get());
        if (!r) break;
        Rows rows(r);
        const auto st = PQresultStatus(r);
        if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
            if (!failure) {
                const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
                m_lastState = state ? state : "";
                std::string msg = PQresultErrorMessage(r);
                while (!msg.empty() && msg.back() == '\n') msg.pop_back();
                failure = Error{"sync.sql", msg + (m_lastState.empty() ? "" : " [" + m_lastState + "]")};
            }
        } else {
            last = std::move(rows);
        }
    }
    collectNotifications();
    if (PQstatus(m_c.get()) != CONNECTION_OK) {
        m_broken = true;
        return Error{"sync.lost", connMessage(m_c.get())};
    }
    if (failure) return *failure;
    m_lastState.clear();
    return last ? std::move(*last) : Rows{};
}

Status Connection::run(std::string_view sql, std::chrono::milliseconds deadline) {
    auto r = execImpl(sql, {}, deadline, true);
    if (!r) return r.error();
    return {};
}

Status Connection::sendOnly(std::string_view sql) {
    const std::string text(sql);
    if (!PQsendQuery(m_c.get(), text.c_str())) return Error{"sync.lost", connMessage(m_c.get())};
    while (PQflush(m_c.get()) == 1) {
    }
    return {};
}

Result<std::vector<std::string>> Connection::notifications(std::chrono::milliseconds wait) {
    if (broken()) return Error{"sync.lost", "the connection to the event server is closed"};
    if (m_pending.empty() && wait.count() > 0) {
        pollfd p{PQsocket(m_c.get()), POLLIN, 0};
        const int n = ::poll(&p, 1, static_cast<int>(wait.count()));
        if (n < 0 && errno != EINTR) {
            m_broken = true;
            return Error{"sync.lost", std::string("poll: ") + std::strerror(errno)};
        }
    }
    if (!PQconsumeInput(m_c.get())) {
        m_broken = true;
        return Error{"sync.lost", connMessage(m_c.get())};
    }
    collectNotifications();
    return std::exchange(m_pending, {});
}

std::string Connection::quoteIdent(std::string_view s) const {
    char* q = PQescapeIdentifier(m_c.get(), s.data(), s.size());
    std::string out = q ? q : "";
    PQfreemem(q);
    return out;
}

std::string Connection::quoteLiteral(std::string_view s) const {
    char* q = PQescapeLiteral(m_c.get(), s.data(), s.size());
    std::string out = q ? q : "";
    PQfreemem(q);
    return out;
}

std::string textArray(const std::vector<Param>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        if (!values[i]) {
            out += "NULL";
            continue;
        }
        out += '"';
        for (char ch : *values[i]) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    out += '}';
    return out;
}

Result<std::string> withUser(const std::string& conninfo, const std::string& user,
                             const std::string& password) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (!opts) {
        std::string m = err ? err : "cannot parse the connection string";
        PQfreemem(err);
        return Error{"sync.bad_conninfo", m};
    }
    auto quote = [](const std::string& v) {
        std::string q = "'";
        for (char ch : v) {
            if (ch == '\'' || ch == '\\') q += '\\';
            q += ch;
        }
        return q + "'";
    };
    std::string out;
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
        const std::string key = o->keyword;
        if (key == "user" || key == "password") continue;
        if (!o->val || !*o->val) continue;
        out += key + "=" + quote(o->val) + " ";
    }
    PQconninfoFree(opts);
    out += "user=" + quote(user);
    if (!password.empty()) out += " password=" + quote(password);
    return out;
}

}  // namespace kiosk::core::pg
