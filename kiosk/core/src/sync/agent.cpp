// The sync agent (`kiosk sync`): pushes the rows written on this machine and pulls everyone
// else's (docs/sync.md).
//
//   connect   libpq with deadlines; hello (enrolled? which event? which server?); LISTEN
//   attach    the file's device and event; outbox triggers once the first pull caught up
//   push      outbox rows in write order, one server transaction per batch under the feed
//             lock; a replay stores nothing twice (ON CONFLICT); then the outbox rows go
//   pull      feed rows past the cursor from one snapshot, applied in one local transaction
//             with the new cursor; the outbox rows the apply's triggers wrote are dropped
//   run       local changes (PRAGMA data_version, 50 ms), notifications, a timer, a heartbeat
#include "sync/agent_lock.hpp"
#include "sync/entities.hpp"
#include "sync/local.hpp"
#include "sync/pg.hpp"

#include <kiosk/core/sync.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

namespace kiosk::core::sync {

namespace {

using Clock = std::chrono::steady_clock;

int64_t nowMs() {
    return toMs(nowUtc());
}

std::string fromHex(const std::string& hex) {
    std::string out;
    auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    return out;
}

bool transient(const Error& e) {
    return e.code == "sync.unreachable" || e.code == "sync.timeout" || e.code == "sync.lost" ||
           e.code == "sync.sql" || e.code == "db.busy";
}

/// KIOSK_SYNC_FAULT=<point>: the agent exits at that point (tests of the ambiguous commit and
/// of a pull cut short). Points: push.after_commit_sent, pull.mid_apply.
bool faultAt(const char* point) {
    static const char* fault = std::getenv("KIOSK_SYNC_FAULT");
    return fault && std::string(fault) == point;
}

// Outbox triggers: only in a file attached to a device (an organiser's file imports without
// them). The apply of a pull removes what they wrote for pulled rows in the same transaction.
constexpr const char* kOutboxTriggers = R"sql(
CREATE TRIGGER IF NOT EXISTS sync_out_attendee_new AFTER INSERT ON attendees
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('attendee', new.id); END;
CREATE TRIGGER IF NOT EXISTS sync_out_attendee_edit AFTER UPDATE OF first_name, last_name, badge_name,
  organisation, category, ticket_type, working_group, email, language, status ON attendees
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('attendee', new.id); END;
CREATE TRIGGER IF NOT EXISTS sync_out_code_new AFTER INSERT ON codes
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('code', new.id); END;
CREATE TRIGGER IF NOT EXISTS sync_out_code_revoke AFTER UPDATE OF revoked_at, revoked_reason ON codes
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('code', new.id); END;
CREATE TRIGGER IF NOT EXISTS sync_out_checkin AFTER INSERT ON checkins
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('checkin', new.id); END;
CREATE TRIGGER IF NOT EXISTS sync_out_reentry AFTER INSERT ON reentries
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('reentry', new.id); END;
CREATE TRIGGER IF NOT EXISTS sync_out_refused_new AFTER INSERT ON refused_scans
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('refused', new.id); END;
CREATE TRIGGER IF NOT EXISTS sync_out_refused_resolve AFTER UPDATE OF resolved_at ON refused_scans
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('refused', new.id); END;
CREATE TRIGGER IF NOT EXISTS sync_out_audit AFTER INSERT ON audit_log
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('audit', new.id); END;
CREATE TRIGGER IF NOT EXISTS sync_out_resolution AFTER INSERT ON duplicate_resolutions
  BEGIN INSERT INTO sync_outbox(entity, row_id) VALUES ('resolution', new.id); END;
)sql";

// Everything written on this machine (device_id NULL), in write order as far as the tables
// tell: people before their codes and check-ins.
constexpr const char* kEnqueueOwnRows = R"sql(
INSERT INTO sync_outbox(entity, row_id) SELECT 'attendee', id FROM attendees WHERE device_id IS NULL ORDER BY seq;
INSERT INTO sync_outbox(entity, row_id) SELECT 'code', id FROM codes WHERE device_id IS NULL ORDER BY rowid;
INSERT INTO sync_outbox(entity, row_id) SELECT 'checkin', id FROM checkins WHERE device_id IS NULL ORDER BY rowid;
INSERT INTO sync_outbox(entity, row_id) SELECT 'reentry', id FROM reentries WHERE device_id IS NULL ORDER BY rowid;
INSERT INTO sync_outbox(entity, row_id) SELECT 'refused', id FROM refused_scans WHERE device_id IS NULL ORDER BY rowid;
INSERT INTO sync_outbox(entity, row_id) SELECT 'audit', id FROM audit_log WHERE device_id IS NULL ORDER BY rowid;
INSERT INTO sync_outbox(entity, row_id) SELECT 'resolution', id FROM duplicate_resolutions WHERE device_id IS NULL;
)sql";

}  // namespace

struct Agent::State {
    AgentOptions opt;
    AgentLog log;
    std::optional<Database> db;
    std::optional<pg::Connection> pg;
    std::string device;
    std::string serverId;
    std::string eventId;
    int64_t lastDataVersion = -1;
    bool pushPending = true;
    bool pullPending = true;
    Clock::time_point lastPull{};
    Clock::time_point lastHello{};
    Clock::time_point nextConnect{};
    std::optional<bool> shownOnline;  ///< what the file says (written on changes only)
    std::string shownMachines;        ///< the machines' states last written to the file
    bool pulledErasure = false;       ///< the pull being applied erased someone here
    UniqueFd lock;                    ///< held while the agent runs (sync/agent_lock.hpp)

    /// The file this device already synced, opened before the server answered only to say it
    /// is offline (a file of no device or of another one stays untouched).
    void openOwnFile() {
        std::error_code ec;
        if (!std::filesystem::exists(opt.dbPath, ec)) return;
        auto d = Database::open(opt.dbPath, Database::Mode::OpenExisting);
        if (!d) return;
        auto mine = local::state(*d, "device");
        if (mine && *mine == device) db.emplace(std::move(*d));
    }

    /// One agent per file, and the window can tell that one runs (see agentHoldsLock).
    Status holdLock() {
        if (lock) return {};
        auto l = holdAgentLock(opt.dbPath);
        if (!l) return l.error();
        lock = std::move(*l);
        return {};
    }

    void say(const std::string& line) const {
        if (log) log(line);
    }

    Database::Impl& impl() { return SyncAccess::impl(*db); }

    Status setState(std::initializer_list<std::pair<const char*, std::string>> kv) {
        auto& m = impl();
        for (const auto& [k, v] : kv) {
            KIOSK_STMT(st, m.conn,
                       "INSERT INTO sync_state(key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET "
                       "value = excluded.value");
            st.bind(1, k).bind(2, v);
            st.step();
            if (st.failed()) return m.conn.error("write sync state");
        }
        return {};
    }

    Status markOnline(bool online, const std::string& why) {
        if (!db || (shownOnline && *shownOnline == online)) return {};
        store::Transaction tx(impl().conn);
        if (auto s = tx.begin(); !s) return s;
        if (online) {
            if (auto s = setState({{"online", "1"}, {"last_error", ""}}); !s) return s;
        } else {
            if (auto s = setState(
                    {{"online", "0"}, {"offline_since", std::to_string(nowMs())}, {"last_error", why}});
                !s)
                return s;
        }
        if (auto s = tx.commit(); !s) return s;
        shownOnline = online;
        return {};
    }

    Result<int64_t> outboxCount() {
        auto& m = impl();
        KIOSK_STMT(st, m.conn, "SELECT count(*) FROM sync_outbox");
        if (st.step()) return st.i64(0);
        return m.conn.error("read outbox");
    }

    Status hello() {
        int64_t waiting = 0;
        if (db) {
            auto n = outboxCount();
            if (!n) return n.error();
            waiting = *n;
        }
        auto r = pg->exec("SELECT device, server_id, event_id FROM kiosk_hello($1, $2, $3)",
                          {std::to_string(waiting), std::to_string(toMs(opt.clock())),
                           std::to_string(Database::schemaVersion())},
                          opt.deadline);
        if (!r) return r.error();
        if (r->size() == 0)
            return Error{"sync.not_enrolled",
                         "the server does not know this connection's role as a device: enroll "
                         "it with kiosk server enroll --device " +
                             device + " and use the connection string it prints"};
        if (r->text(0, 0) != device)
            return Error{"sync.other_device", "this connection string belongs to device '" + r->text(0, 0) +
                                                  "', not '" + device + "'"};
        serverId = r->text(0, 1);
        eventId = r->isNull(0, 2) ? "" : r->text(0, 2);
        lastHello = Clock::now();
        return noteMachines();
    }

    /// Every enrolled machine, online or offline since when, as the server sees them: written
    /// to the file when it changed (a machine going offline, coming back), for the dashboard.
    Status noteMachines() {
        if (!db) return {};
        auto r = pg->exec(
            "SELECT coalesce(json_agg(json_build_array(name, kind, "
            "last_seen_at > clock_timestamp() - interval '15 seconds', "
            "CASE WHEN last_seen_at > clock_timestamp() - interval '15 seconds' THEN 0 "
            "ELSE coalesce((extract(epoch FROM last_seen_at) * 1000)::bigint, 0) END) ORDER BY name), "
            "'[]')::text FROM device",
            {}, opt.deadline);
        if (!r) return r.error();
        const std::string machines = r->text(0, 0);
        if (machines == shownMachines) return {};
        store::Transaction tx(impl().conn);
        if (auto s = tx.begin(); !s) return s;
        if (auto s = setState({{"machines", machines}}); !s) return s;
        if (auto s = tx.commit(); !s) return s;
        shownMachines = machines;
        return {};
    }

    /// Connect, check who we are, open and attach the file. Nothing touches the file before
    /// the server answered.
    Status connect() {
        pg.reset();
        auto c = pg::Connection::connect(opt.conninfo,
                                         std::chrono::duration_cast<std::chrono::seconds>(opt.deadline));
        if (!c) return c.error();
        pg = std::move(*c);
        if (auto s = requireCurrentSchema(*pg); !s) return s;
        if (auto s = hello(); !s) return s;
        if (eventId.empty())
            return Error{"sync.no_event",
                         "the event server holds no event yet: publish it from the organiser's "
                         "file with kiosk server publish"};
        if (auto s = pg->run("LISTEN kiosk_feed", opt.deadline); !s) return s;
        if (!db) {
            auto d = Database::open(opt.dbPath, Database::Mode::CreateIfMissing);
            if (!d) return d.error();
            db.emplace(std::move(*d));
        }
        return attach();
    }

    Status attach() {
        auto& m = impl();
        store::Transaction tx(m.conn);
        if (auto s = tx.begin(); !s) return s;
        auto mine = local::state(*db, "device");
        if (!mine) return mine.error();
        if (!mine->empty() && *mine != device)
            return Error{"sync.other_device", opt.dbPath + " belongs to device '" + *mine + "', not '" +
                                                  device + "': each machine keeps its own file"};
        auto ev = local::readEvent(*db);
        if (!ev) return ev.error();
        if (*ev && *(*ev)->cols[0] != eventId)
            return Error{"sync.wrong_event", opt.dbPath + " holds event '" + *(*ev)->cols[0] +
                                                 "'; the server holds event '" + eventId +
                                                 "'. Use an empty file (or this event's) for this server"};
        auto knownServer = local::state(*db, "server_id");
        if (!knownServer) return knownServer.error();
        if (!knownServer->empty() && *knownServer != serverId) {
            // The server was rebuilt (or replaced): it has to learn everything this machine wrote
            // again, and this machine reads the new feed from its start.
            say("the event server is new (rebuilt?): sending everything written here again");
            auto outbox = local::state(*db, "outbox");
            if (!outbox) return outbox.error();
            if (*outbox == "1")
                if (auto s = m.conn.exec(kEnqueueOwnRows, "queue own rows"); !s) return s;
            if (auto s = setState({{"pulled_upto", "0"}}); !s) return s;
        }
        if (auto s = setState({{"device", device}, {"event_id", eventId}, {"server_id", serverId}}); !s)
            return s;
        return tx.commit();
    }

    /// Once the file caught up with the feed: from now on every row written here is queued.
    Status installOutbox() {
        auto done = local::state(*db, "outbox");
        if (!done) return done.error();
        if (*done == "1") return {};
        auto& m = impl();
        store::Transaction tx(m.conn);
        if (auto s = tx.begin(); !s) return s;
        if (auto s = m.conn.exec(kOutboxTriggers, "install outbox"); !s) return s;
        if (auto s = m.conn.exec(kEnqueueOwnRows, "queue own rows"); !s) return s;
        if (auto s = setState({{"outbox", "1"}}); !s) return s;
        if (auto s = tx.commit(); !s) return s;
        pushPending = true;
        return {};
    }

    // --- push ----------------------------------------------------------------------------

    /// One batch; returns how many outbox rows it acknowledged (0: nothing to send).
    Result<int64_t> pushBatch() {
        auto& m = impl();
        struct Item {
            int64_t seq;
            std::string entity, id;
        };
        std::vector<Item> items;
        {
            KIOSK_STMT(st, m.conn, "SELECT seq, entity, row_id FROM sync_outbox ORDER BY seq LIMIT ?1");
            st.bind(1, static_cast<int64_t>(opt.pushBatch));
            while (st.step()) items.push_back({st.i64(0), st.text(1), st.text(2)});
            if (st.failed()) return m.conn.error("read outbox");
        }
        if (items.empty()) return 0;
        auto total = outboxCount();
        if (!total) return total.error();
        const int64_t upto = items.back().seq;
        if (auto s = pg->run("BEGIN", opt.deadline); !s) return s.error();
        if (auto s = pg->exec("SELECT pg_advisory_xact_lock(19267)", {}, opt.deadline); !s) return s.error();
        for (const Entity& e : entities()) {
            std::vector<std::string> ids;
            std::set<std::string> seen;
            for (const auto& it : items)
                if (it.entity == e.name && seen.insert(it.id).second) ids.push_back(it.id);
            if (ids.empty()) continue;
            auto rows = local::readByIds(*db, e, ids);
            if (!rows) return rows.error();
            if (rows->empty()) continue;
            std::vector<pg::Param> params;
            for (std::size_t col = 0; col < e.cols.size(); ++col) {
                std::vector<pg::Param> values;
                values.reserve(rows->size());
                for (const auto& r : *rows) values.push_back(r[col]);
                params.emplace_back(pg::textArray(values));
            }
            params.emplace_back(device);
            static std::map<std::string, std::string> sqlCache;
            auto sql = sqlCache.find(e.name);
            if (sql == sqlCache.end()) sql = sqlCache.emplace(e.name, pushSql(e, e.onConflict)).first;
            if (auto r = pg->exec(sql->second, params, opt.deadline * 4); !r) return r.error();
        }
        const int64_t waitingAfter = *total - static_cast<int64_t>(items.size());
        if (auto r = pg->exec("SELECT 1 FROM kiosk_hello($1, $2, $3)",
                              {std::to_string(waitingAfter), std::to_string(toMs(opt.clock())),
                               std::to_string(Database::schemaVersion())},
                              opt.deadline);
            !r)
            return r.error();
        if (auto s = pg->exec("SELECT pg_notify('kiosk_feed', $1)", {device}, opt.deadline); !s)
            return s.error();
        if (faultAt("push.after_commit_sent")) {
            (void)pg->sendOnly("COMMIT");
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            ::_exit(75);
        }
        if (auto s = pg->run("COMMIT", opt.deadline); !s) return s.error();
        // Acknowledged: the rows leave the outbox. Killed before this, the next push sends them
        // again and the server stores nothing twice.
        store::Transaction tx(m.conn);
        if (auto s = tx.begin(); !s) return s.error();
        {
            KIOSK_STMT(st, m.conn, "DELETE FROM sync_outbox WHERE seq <= ?1");
            st.bind(1, upto);
            st.step();
            if (st.failed()) return m.conn.error("clear outbox");
        }
        if (auto s = setState({{"last_sync_at", std::to_string(nowMs())}}); !s) return s.error();
        if (auto s = tx.commit(); !s) return s.error();
        return static_cast<int64_t>(items.size());
    }

    Result<int64_t> pushAll() {
        int64_t n = 0;
        for (;;) {
            auto b = pushBatch();
            if (!b) return b.error();
            if (*b == 0) break;
            n += *b;
        }
        pushPending = false;
        return n;
    }

    // --- pull ----------------------------------------------------------------------------

    struct Batch {
        int64_t upto = 0;
        bool head = false;  ///< fewer than pullBatch feed rows: the batch reached the feed's head
        std::optional<std::vector<pg::Param>> event;       // kEventFields: see applyEvent
        std::map<std::string, std::vector<SyncRow>> rows;  // entity → cols…, device_id[, received ms]
        std::vector<SyncRow> extraAttendees;               // named by rows of the batch, not local yet
    };

    /// Feed rows past `cursor` (at most pullBatch), from one snapshot. upto 0: nothing new.
    Result<Batch> fetch(int64_t cursor) {
        Batch b;
        if (auto s = pg->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", opt.deadline); !s)
            return s.error();
        {
            std::string sql =
                "SELECT max(s), count(*) FROM (SELECT s FROM (SELECT server_seq AS s FROM event WHERE "
                "server_seq > $1";
            for (const Entity& e : entities())
                sql +=
                    std::string(" UNION ALL SELECT server_seq FROM ") + e.server + " WHERE server_seq > $1";
            sql += ") u ORDER BY s LIMIT $2) t";
            auto r = pg->exec(sql, {std::to_string(cursor), std::to_string(opt.pullBatch)}, opt.deadline);
            if (!r) return r.error();
            if (r->isNull(0, 0)) {
                if (auto s = pg->run("COMMIT", opt.deadline); !s) return s.error();
                return b;
            }
            b.upto = r->i64(0, 0);
            b.head = r->i64(0, 1) < static_cast<int64_t>(opt.pullBatch);
        }
        const std::vector<pg::Param> range = {std::to_string(cursor), std::to_string(b.upto)};
        {
            auto r = pg->exec(
                "SELECT id, name, venue, city, starts_at, ends_at, doors_open_at, doors_close_at, "
                "default_language, indico_host, reentry, badge_rules, encode(public_key, 'hex'), branding, "
                "encode(logo, 'hex'), pretix_keys, revoked_secrets FROM event "
                "WHERE server_seq > $1 AND server_seq <= $2",
                range, opt.deadline);
            if (!r) return r.error();
            if (r->size() > 0) {
                std::vector<pg::Param> ev;
                ev.reserve(kEventFields);
                for (int i = 0; i < kEventFields; ++i) ev.push_back(r->opt(0, i));
                b.event = std::move(ev);
            }
        }
        std::set<std::string> named;  // attendees the batch's rows refer to
        for (const Entity& e : entities()) {
            std::string cols;
            for (const auto& c : e.cols)
                cols += (cols.empty() ? "" : ", ") +
                        (std::string(c.name) == "email" ? std::string("''") : c.name);
            std::string sql = "SELECT " + cols + ", device_id";
            if (std::string(e.name) == "checkin") sql += ", (extract(epoch FROM received_at) * 1000)::bigint";
            sql += std::string(" FROM ") + e.server +
                   " WHERE server_seq > $1 AND server_seq <= $2 ORDER BY server_seq";
            auto r = pg->exec(sql, range, opt.deadline * 4);
            if (!r) return r.error();
            auto& out = b.rows[e.name];
            int attendeeCol = -1;
            for (std::size_t i = 0; i < e.cols.size(); ++i)
                if (std::string(e.cols[i].name) == "attendee_id") attendeeCol = static_cast<int>(i);
            for (int i = 0; i < r->size(); ++i) {
                SyncRow row;
                for (int c = 0; c < r->columns(); ++c) row.push_back(r->opt(i, c));
                if (attendeeCol >= 0 && row[attendeeCol] && std::string(e.name) != "audit" &&
                    std::string(e.name) != "resolution")
                    named.insert(*row[attendeeCol]);
                out.push_back(std::move(row));
            }
        }
        for (const auto& a : b.rows["attendee"]) named.erase(*a[0]);
        std::vector<pg::Param> missing;
        {
            auto& m = impl();
            for (const auto& id : named) {
                KIOSK_STMT(st, m.conn, "SELECT 1 FROM attendees WHERE id = ?1");
                st.bind(1, id);
                if (!st.step()) {
                    if (st.failed()) return m.conn.error("read attendees");
                    missing.emplace_back(id);
                }
            }
        }
        if (!missing.empty()) {
            const Entity& e = *entityNamed("attendee");
            std::string cols;
            for (const auto& c : e.cols)
                cols += (cols.empty() ? "" : ", ") +
                        (std::string(c.name) == "email" ? std::string("''") : c.name);
            auto r = pg->exec("SELECT " + cols + ", device_id FROM attendee WHERE id = ANY($1::text[])",
                              {pg::textArray(missing)}, opt.deadline * 4);
            if (!r) return r.error();
            for (int i = 0; i < r->size(); ++i) {
                SyncRow row;
                for (int c = 0; c < r->columns(); ++c) row.push_back(r->opt(i, c));
                b.extraAttendees.push_back(std::move(row));
            }
        }
        if (auto s = pg->run("COMMIT", opt.deadline); !s) return s.error();
        return b;
    }

    /// The event as pulled: 11 columns, badge rules, public key hex, branding, logo hex, pretix
    /// keys, revoked secrets.
    static constexpr int kEventFields = 17;

    Status applyEvent(const std::vector<pg::Param>& ev) {
        if (auto s = applyEventRow(ev); !s) return s;
        if (auto s = applyBadgeRules(ev[11]); !s) return s;
        return applyOrganiserLists(ev);
    }

    Status applyEventRow(const std::vector<pg::Param>& ev) {
        auto& m = impl();
        auto cur = local::readEvent(*db);
        if (!cur) return cur.error();
        if (*cur && *(*cur)->cols[0] != *ev[0])
            return Error{"sync.wrong_event", "the server's event changed to '" + *ev[0] + "'"};
        if (!*cur) {
            // A kiosk holds the public key only: it verifies codes, it never signs one.
            KIOSK_STMT(
                st, m.conn,
                "INSERT INTO event(id, name, venue, city, starts_at, ends_at, doors_open_at, doors_close_at, "
                "default_language, indico_host, reentry, public_key, secret_key) VALUES (?1, ?2, ?3, ?4, ?5, "
                "?6, ?7, ?8, ?9, ?10, ?11, ?12, X'')");
            for (int i = 0; i < 11; ++i) st.bindOpt(i + 1, ev[i]);
            const std::string key = fromHex(ev[12].value_or(""));
            st.bindBlob(12, key.data(), static_cast<int>(key.size()));
            st.step();
            if (st.failed()) return m.conn.error("write event");
            return {};
        }
        KIOSK_STMT(
            st, m.conn,
            "UPDATE event SET name = ?2, venue = ?3, city = ?4, starts_at = ?5, ends_at = ?6, "
            "doors_open_at = "
            "?7, doors_close_at = ?8, default_language = ?9, indico_host = ?10, reentry = ?11 WHERE id = "
            "?1");
        for (int i = 0; i < 11; ++i) st.bindOpt(i + 1, ev[i]);
        st.step();
        if (st.failed()) return m.conn.error("write event");
        return {};
    }

    /// The organiser's branding, logo, pretix keys and revoked list (server schema step 3).
    /// Branding and logo are the organiser's, like the badge rules; keys and revoked secrets are
    /// added to what this machine holds (a rotation keeps old keys valid; a revocation is kept).
    Status applyOrganiserLists(const std::vector<pg::Param>& ev) {
        auto& m = impl();
        {
            KIOSK_STMT(
                st, m.conn,
                "UPDATE event SET short_name = coalesce(json_extract(?1, '$.short_name'), ''), tagline = "
                "coalesce(json_extract(?1, '$.tagline'), ''), colour = coalesce(json_extract(?1, "
                "'$.colour'), ''), accent_colour = coalesce(json_extract(?1, '$.accent_colour'), ''), "
                "logo = ?2");
            st.bind(1, ev[13].value_or("{}"));
            const std::string logo = fromHex(ev[14].value_or(""));
            if (logo.empty())
                st.bindNull(2);
            else
                st.bindBlob(2, logo.data(), static_cast<int>(logo.size()));
            st.step();
            if (st.failed()) return m.conn.error("write event branding");
        }
        const auto keys = nlohmann::json::parse(ev[15].value_or("[]"), nullptr, false);
        for (const auto& k : keys.is_array() ? keys : nlohmann::json::array()) {
            if (!k.is_array() || k.size() < 4 || !k[0].is_string() || k[0].get<std::string>().size() != 64)
                continue;
            const std::string key = fromHex(k[0].get<std::string>());
            KIOSK_STMT(
                st, m.conn,
                "INSERT OR IGNORE INTO pretix_keys(public_key, fingerprint, source, added_at) VALUES (?1, "
                "?2, ?3, ?4)");
            st.bindBlob(1, key.data(), static_cast<int>(key.size()));
            st.bind(2, k[1].is_string() ? k[1].get<std::string>() : std::string{});
            st.bind(3, k[2].is_string() ? k[2].get<std::string>() : std::string{});
            st.bind(4, k[3].is_number_integer() ? k[3].get<int64_t>() : int64_t{0});
            st.step();
            if (st.failed()) return m.conn.error("write pretix keys");
        }
        KIOSK_STMT(
            st, m.conn,
            "INSERT OR IGNORE INTO revoked_secrets(secret, source, added_at) SELECT json_extract(value, "
            "'$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?1) WHERE "
            "json_extract(value, '$[0]') IS NOT NULL");
        st.bind(1, ev[16].value_or("[]"));
        st.step();
        if (st.failed()) return m.conn.error("write revoked secrets");
        return {};
    }

    /// The organiser's badge rules replace this machine's whole (they travel with the event).
    Status applyBadgeRules(const pg::Param& rules) {
        auto& m = impl();
        if (auto s = m.conn.exec("DELETE FROM badge_rules"); !s) return s;
        KIOSK_STMT(st, m.conn,
                   "INSERT INTO badge_rules(match, value, template, colour, role) SELECT "
                   "json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
                   "json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each(?1)");
        const std::string json = rules.value_or("[]");
        st.bind(1, json);
        st.step();
        if (st.failed()) return m.conn.error("write badge rules");
        return {};
    }

    Status applyAttendee(const SyncRow& r, NewAttendeeCounts& counts) {
        auto& m = impl();
        auto text = [&](int i) { return r[i].value_or(""); };
        Attendee a;
        a.id = text(0);
        a.firstName = text(1);
        a.lastName = text(2);
        a.badgeName = text(3);
        a.organisation = text(4);
        a.category = text(5);
        a.ticketType = text(6);
        a.workingGroup = text(7);
        a.language = languageFromCode(text(9)).value_or(Language::Fr);
        a.status = text(10) == "cancelled" ? AttendeeStatus::Cancelled : AttendeeStatus::Registered;
        a.externalSource = text(11);
        a.externalId = text(12);
        const int64_t createdAt = std::strtoll(text(13).c_str(), nullptr, 10);
        const int64_t updatedAt = std::strtoll(text(14).c_str(), nullptr, 10);
        const std::optional<std::string>& erasedAt = r[15];
        const std::optional<std::string>& deviceId = r[16];
        std::optional<int64_t> localUpdated;
        bool localErased = false;
        {
            KIOSK_STMT(st, m.conn, "SELECT updated_at, erased_at IS NOT NULL FROM attendees WHERE id = ?1");
            st.bind(1, a.id);
            if (st.step()) {
                localUpdated = st.i64(0);
                localErased = st.i64(1) != 0;
            }
            if (st.failed()) return m.conn.error("read attendee");
        }
        if (!localUpdated) {
            if (auto s = m.insertAttendee(a, fromMs(createdAt), &counts); !s) return s;
            KIOSK_STMT(st, m.conn,
                       "UPDATE attendees SET updated_at = ?2, device_id = ?3, erased_at = ?4 WHERE id = ?1");
            st.bind(1, a.id).bind(2, updatedAt).bindOpt(3, deviceId).bindOpt(4, erasedAt);
            st.step();
            if (st.failed()) return m.conn.error("write attendee");
            return {};
        }
        if (localErased) return {};  // final: nothing brings an erased person back
        if (erasedAt) {
            // Erased on another machine: the same scrub as a local erase, in this transaction;
            // the file is rewritten after the commit (pulledErasure).
            if (auto s = m.scrubPulledErasure(a.id, fromMs(std::strtoll(erasedAt->c_str(), nullptr, 10))); !s)
                return s;
            pulledErasure = true;
            return {};
        }
        if (*localUpdated > updatedAt) return {};  // a newer local edit is on its way to the server
        {
            KIOSK_STMT(
                st, m.conn,
                "UPDATE attendees SET first_name = ?2, last_name = ?3, badge_name = ?4, organisation = ?5, "
                "category = ?6, ticket_type = ?7, working_group = ?8, language = ?9, status = ?10, "
                "external_source = ?11, external_id = ?12, sort_key = ?13, updated_at = ?14 WHERE id = ?1 "
                "AND "
                "(first_name, last_name, badge_name, organisation, category, ticket_type, working_group, "
                "language, status, external_source, external_id) IS NOT (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                "?10, "
                "?11, ?12)");
            st.bind(1, a.id)
                .bind(2, a.firstName)
                .bind(3, a.lastName)
                .bind(4, a.badgeName)
                .bind(5, a.organisation);
            st.bind(6, a.category).bind(7, a.ticketType).bind(8, a.workingGroup).bind(9, text(9));
            st.bind(10, text(10)).bind(11, a.externalSource).bind(12, a.externalId).bind(13, sortKey(a));
            st.bind(14, updatedAt);
            st.step();
            if (st.failed()) return m.conn.error("write attendee");
            if (sqlite3_changes(m.conn.get()) == 0) return {};
        }
        return m.indexAttendee(a.id, a);
    }

    const std::string& insertSql(const Entity& e) {
        static std::map<std::string, std::string> cache;
        auto it = cache.find(e.name);
        if (it != cache.end()) return it->second;
        std::string cols = columnList(e) + ", device_id", marks;
        std::size_t n = e.cols.size() + 1;
        if (std::string(e.name) == "checkin") {
            cols += ", received_at";
            ++n;
        }
        for (std::size_t i = 1; i <= n; ++i) marks += (i > 1 ? ", ?" : "?") + std::to_string(i);
        return cache
            .emplace(e.name, std::string("INSERT OR IGNORE INTO ") + e.local + " (" + cols + ") VALUES (" +
                                 marks + ")")
            .first->second;
    }

    Status applyRow(const Entity& e, const SyncRow& r, std::set<std::string>& touched) {
        auto& m = impl();
        {
            KIOSK_STMT(st, m.conn, insertSql(e).c_str());
            for (std::size_t i = 0; i < r.size(); ++i) st.bindOpt(static_cast<int>(i + 1), r[i]);
            st.step();
            if (st.failed()) return m.conn.error(std::string("write pulled ") + e.local);
        }
        const std::string name = e.name;
        if (name == "checkin") {
            touched.insert(*r[2]);
        } else if (name == "code") {
            KIOSK_STMT(st, m.conn,
                       "UPDATE codes SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1 AND "
                       "(revoked_at, revoked_reason) IS NOT (?2, ?3)");
            st.bindOpt(1, r[0]).bindOpt(2, r[5]).bindOpt(3, r[6]);
            st.step();
            if (st.failed()) return m.conn.error("write pulled code");
        } else if (name == "refused" && r[10]) {
            KIOSK_STMT(st, m.conn,
                       "UPDATE refused_scans SET resolved_at = ?2, resolved_by = ?3, resolution_note = ?4 "
                       "WHERE id = ?1 AND resolved_at IS NULL");
            st.bindOpt(1, r[0]).bindOpt(2, r[10]).bindOpt(3, r[11]).bindOpt(4, r[12]);
            st.step();
            if (st.failed()) return m.conn.error("write pulled refused scan");
        }
        return {};
    }

    Status apply(const Batch& b) {
        auto& m = impl();
        pulledErasure = false;
        store::Transaction tx(m.conn);
        if (auto s = tx.begin(); !s) return s;
        int64_t outboxBefore = 0;
        {
            KIOSK_STMT(st, m.conn,
                       "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'), 0)");
            if (st.step()) outboxBefore = st.i64(0);
            if (st.failed()) return m.conn.error("read outbox");
        }
        if (b.event)
            if (auto s = applyEvent(*b.event); !s) return s;
        NewAttendeeCounts counts;
        std::set<std::string> touched;
        for (const auto& r : b.extraAttendees)
            if (auto s = applyAttendee(r, counts); !s) return s;
        std::size_t applied = 0;
        for (const Entity& e : entities()) {
            auto it = b.rows.find(e.name);
            if (it == b.rows.end()) continue;
            for (const auto& r : it->second) {
                if (std::string(e.name) == "attendee") {
                    if (auto s = applyAttendee(r, counts); !s) return s;
                } else if (auto s = applyRow(e, r, touched); !s) {
                    return s;
                }
                if (++applied == 1 && faultAt("pull.mid_apply")) ::_exit(75);
            }
        }
        if (auto s = counts.applyTo(m.conn); !s) return s;
        for (const auto& id : touched)
            if (auto s = m.refreshInForce(id); !s) return s;
        {
            // Pulled rows are someone else's: what the outbox triggers queued for them goes.
            KIOSK_STMT(st, m.conn, "DELETE FROM sync_outbox WHERE seq > ?1");
            st.bind(1, outboxBefore);
            st.step();
            if (st.failed()) return m.conn.error("clear outbox");
        }
        if (auto s = setState(
                {{"pulled_upto", std::to_string(b.upto)}, {"last_sync_at", std::to_string(nowMs())}});
            !s)
            return s;
        if (auto s = tx.commit(); !s) return s;
        if (pulledErasure) {
            // As after a local erase: no old copy of the person's rows left in the file.
            pulledErasure = false;
            m.cleanAfterErasure();
        }
        return {};
    }

    Result<int64_t> pullAll(int64_t& cursorOut) {
        int64_t n = 0;
        for (;;) {
            auto cur = local::state(*db, "pulled_upto");
            if (!cur) return cur.error();
            const int64_t cursor = std::strtoll(cur->c_str(), nullptr, 10);
            cursorOut = cursor;
            auto b = fetch(cursor);
            if (!b) return b.error();
            if (b->upto == 0) break;
            if (auto s = apply(*b); !s) return s.error();
            for (const auto& [k, v] : b->rows) n += static_cast<int64_t>(v.size());
            cursorOut = b->upto;
            // The snapshot held nothing past this batch: no second transaction to learn it (with
            // ten kiosks, every push wakes a pull on each of the nine others).
            if (b->head) break;
        }
        pullPending = false;
        lastPull = Clock::now();
        if (auto s = installOutbox(); !s) return s.error();
        return n;
    }
};

Agent::Agent(AgentOptions options, AgentLog log) : m(std::make_unique<State>()) {
    m->opt = std::move(options);
    m->log = std::move(log);
    m->device = m->opt.device;
    for (auto& ch : m->device) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
}

Agent::~Agent() = default;

Result<CycleReport> Agent::once() {
    if (auto s = m->holdLock(); !s) return s.error();
    if (!m->pg || m->pg->broken())
        if (auto s = m->connect(); !s) {
            if (m->db && transient(s.error())) (void)m->markOnline(false, s.error().message);
            return s.error();
        }
    CycleReport rep;
    auto pushed = m->pushAll();
    if (!pushed) return pushed.error();
    rep.pushed = *pushed;
    auto pulled = m->pullAll(rep.cursor);
    if (!pulled) return pulled.error();
    rep.pulled = *pulled;
    // Rows queued by installOutbox on the first sync go out now, not at the next run.
    auto more = m->pushAll();
    if (!more) return more.error();
    rep.pushed += *more;
    if (auto s = m->hello(); !s) return s.error();
    if (auto s = m->markOnline(true, ""); !s) return s.error();
    return rep;
}

Status Agent::run(const std::function<bool()>& stop) {
    auto& s = *m;
    if (auto l = s.holdLock(); !l) return l;
    while (!stop()) {
        if (!s.pg || s.pg->broken()) {
            if (Clock::now() < s.nextConnect) {
                std::this_thread::sleep_for(s.opt.localPoll);
                continue;
            }
            if (auto c = s.connect(); !c) {
                if (!transient(c.error())) return c.error();
                s.say("offline: " + c.error().message);
                s.pg.reset();
                if (!s.db) s.openOwnFile();  // a file left saying "online" by a killed agent
                if (s.db) (void)s.markOnline(false, c.error().message);
                s.nextConnect = Clock::now() + std::chrono::seconds(1);
                continue;
            }
            s.say("online");
            s.pushPending = s.pullPending = true;
            s.lastDataVersion = -1;
        }
        auto step = [&]() -> Status {
            auto dv = s.db->dataVersion();
            if (!dv) return dv.error();
            if (*dv != s.lastDataVersion) {
                s.lastDataVersion = *dv;
                s.pushPending = true;
            }
            if (s.pushPending) {
                auto n = s.pushAll();
                if (!n) return n.error();
                if (*n > 0) s.say("pushed " + std::to_string(*n));
            }
            auto notes = s.pg->notifications(s.opt.localPoll);
            if (!notes) return notes.error();
            for (const auto& who : *notes)
                if (who != s.device) s.pullPending = true;
            if (Clock::now() - s.lastPull >= s.opt.pullEvery) s.pullPending = true;
            // Notifications pile up at a busy venue (each of ten kiosks pushing twice a second
            // wakes the nine others): one pull per pullGap takes them all, and the local file
            // sees fewer write transactions beside its scans.
            if (s.pullPending && Clock::now() - s.lastPull >= s.opt.pullGap) {
                int64_t cursor = 0;
                auto n = s.pullAll(cursor);
                if (!n) return n.error();
                if (*n > 0) s.say("pulled " + std::to_string(*n) + " (feed " + std::to_string(cursor) + ")");
            }
            if (Clock::now() - s.lastHello >= s.opt.heartbeat)
                if (auto h = s.hello(); !h) return h;
            return s.markOnline(true, "");
        };
        if (auto r = step(); !r) {
            if (!transient(r.error())) return r.error();
            s.say("offline: " + r.error().message);
            s.pg.reset();
            (void)s.markOnline(false, r.error().message);
            s.nextConnect = Clock::now() + std::chrono::seconds(1);
        }
    }
    // Stopped: the window's status line must not keep saying "online" (issue 11).
    if (s.db)
        if (auto r = s.markOnline(false, "the sync agent stopped"); !r) return r;
    return {};
}

}  // namespace kiosk::core::sync
