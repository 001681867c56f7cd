// The rules that make copies of one event on several machines agree: which check-in is in
// force, which check-ins are duplicates, and the sync agent's state as the window shows it.
// Both rules are pure functions of the set of rows (no arrival order), written once here and
// once in the server schema (sync/server_schema.cpp) with the same SQL.
#include "store/database_impl.hpp"
#include "sync/agent_lock.hpp"
#include "util_ids.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace kiosk::core {

Status Database::Impl::refreshInForce(const std::string& attendeeId) const {
    KIOSK_STMT(
        st, conn,
        "UPDATE attendees SET (current_checkin_id, checked_in_at) = ("
        " SELECT c.id, c.at FROM checkins c WHERE c.attendee_id = attendees.id AND c.action = 'checkin'"
        " AND NOT EXISTS (SELECT 1 FROM checkins n WHERE n.annuls = c.id"
        "                 AND n.action = 'annul')"
        " ORDER BY c.at, c.id LIMIT 1) WHERE id = ?1");
    st.bind(1, attendeeId);
    st.step();
    if (st.failed()) return conn.error("write check-in state");
    return {};
}

namespace {

// y is a duplicate of x: same person, both check-ins, x first by (at, id), and no annul of x
// at or before y's time; of several such x, the earliest (the one y's kiosk should have seen).
constexpr const char* kDuplicatesSql = R"sql(
WITH multi AS (
  SELECT attendee_id FROM checkins_multi  -- people with two arrivals or more (schema step 16)
), pairs AS (
  SELECT y.id AS cid, y.attendee_id AS aid,
    (SELECT x.id FROM checkins x WHERE x.attendee_id = y.attendee_id AND x.action = 'checkin'
        AND (x.at, x.id) < (y.at, y.id)
        AND NOT EXISTS (SELECT 1 FROM checkins n WHERE n.action = 'annul' AND n.annuls = x.id
                        AND n.at <= y.at)
      ORDER BY x.at, x.id LIMIT 1) AS fid
  FROM checkins y WHERE y.action = 'checkin' AND y.attendee_id IN (SELECT attendee_id FROM multi)
)
SELECT p.aid, a.first_name, a.last_name, a.badge_name,
       f.id, f.at, f.kiosk, coalesce(f.device_id, ''), f.received_at,
       s.id, s.at, s.kiosk, coalesce(s.device_id, ''), s.received_at,
       EXISTS (SELECT 1 FROM duplicate_resolutions r WHERE r.checkin_id = s.id AND r.first_checkin_id = f.id)
       OR EXISTS (SELECT 1 FROM checkins n WHERE n.action = 'annul' AND n.annuls IN (f.id, s.id))
FROM pairs p JOIN checkins f ON f.id = p.fid JOIN checkins s ON s.id = p.cid
JOIN attendees a ON a.id = p.aid
WHERE p.fid IS NOT NULL
ORDER BY s.at, s.id
)sql";

DuplicateSide readSide(const store::Stmt& st, int c) {
    DuplicateSide d;
    d.checkinId = st.text(c);
    d.at = fromMs(st.i64(c + 1));
    d.kiosk = st.text(c + 2);
    d.device = st.text(c + 3);
    if (!st.isNull(c + 4)) d.receivedAt = fromMs(st.i64(c + 4));
    return d;
}

/// The agent's "machines" state: [[name, kind, online, last seen ms (0 = online or never)], …].
std::vector<MachineStatus> parseMachines(const std::string& text) {
    std::vector<MachineStatus> out;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& row : j) {
        if (!row.is_array() || row.size() < 4 || !row[0].is_string() || !row[1].is_string()) continue;
        MachineStatus m;
        m.name = row[0].get<std::string>();
        m.kind = row[1].get<std::string>();
        m.online = row[2].is_boolean() && row[2].get<bool>();
        if (row[3].is_number_integer() && row[3].get<int64_t>() > 0)
            m.lastSeenAt = fromMs(row[3].get<int64_t>());
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace

Result<std::vector<DuplicateCheckin>> Database::duplicates(bool openOnly) const {
    KIOSK_STMT(st, m_impl->conn, kDuplicatesSql);
    std::vector<DuplicateCheckin> out;
    while (st.step()) {
        DuplicateCheckin d;
        d.attendeeId = st.text(0);
        Attendee a;
        a.firstName = st.text(1);
        a.lastName = st.text(2);
        a.badgeName = st.text(3);
        d.name = a.displayName();
        d.first = readSide(st, 4);
        d.second = readSide(st, 9);
        d.resolved = st.i64(14) != 0;
        if (openOnly && d.resolved) continue;
        out.push_back(std::move(d));
    }
    if (st.failed()) return m_impl->conn.error("read duplicates");
    return out;
}

Status Database::resolveDuplicate(const std::string& checkinId, const std::string& firstCheckinId,
                                  const std::string& actor, const std::string& note, TimePoint at) {
    if (auto s = m_impl->requireWritable("resolve duplicate"); !s) return s;
    if (actor.empty()) return Error{"duplicate.no_actor", "say who resolves the duplicate"};
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s;
    auto dups = duplicates(false);
    if (!dups) return dups.error();
    const DuplicateCheckin* found = nullptr;
    for (const auto& d : *dups)
        if (d.second.checkinId == checkinId && d.first.checkinId == firstCheckinId) found = &d;
    if (!found)
        return Error{"duplicate.not_found",
                     "these two check-ins are not a duplicate pair (see kiosk duplicates)"};
    if (found->resolved)
        return Error{"duplicate.already_resolved",
                     "this duplicate was resolved already (at a desk, or one of the two was annulled)"};
    {
        KIOSK_STMT(
            st, m_impl->conn,
            "INSERT INTO duplicate_resolutions(id, checkin_id, first_checkin_id, attendee_id, at, actor, "
            "note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        st.bind(1, ids::newId()).bind(2, checkinId).bind(3, firstCheckinId).bind(4, found->attendeeId);
        st.bind(5, toMs(at)).bind(6, actor).bind(7, note);
        st.step();
        if (st.failed()) return m_impl->conn.error("resolve duplicate");
    }
    if (auto s = m_impl->insertAudit(
            at, actor, "duplicate.resolve", found->attendeeId,
            jsonDetail({{"checkin", checkinId}, {"first_checkin", firstCheckinId}, {"note", note}}));
        !s)
        return s;
    return tx.commit();
}

Result<SyncStatus> Database::syncStatus() const {
    SyncStatus out;
    {
        KIOSK_STMT(st, m_impl->conn, "SELECT key, value FROM sync_state");
        while (st.step()) {
            const std::string k = st.text(0), v = st.text(1);
            if (k == "device") {
                out.device = v;
                out.attached = !v.empty();
            } else if (k == "online") {
                out.online = v == "1";
            } else if (k == "offline_since") {
                out.offlineSince = fromMs(std::strtoll(v.c_str(), nullptr, 10));
            } else if (k == "last_sync_at") {
                out.lastSyncAt = fromMs(std::strtoll(v.c_str(), nullptr, 10));
            } else if (k == "last_error") {
                out.lastError = v;
            } else if (k == "machines") {
                out.machines = parseMachines(v);
            }
        }
        if (st.failed()) return m_impl->conn.error("read sync state");
    }
    out.agentRunning = out.attached && !m_impl->path.empty() && sync::agentHoldsLock(m_impl->path);
    if (out.attached && !out.agentRunning) {
        // Killed while online: offline since the last moment it was known in touch.
        if (out.online && out.lastSyncAt != TimePoint{}) out.offlineSince = out.lastSyncAt;
        out.online = false;
        out.lastError = "the sync agent is not running (kiosk sync)";
    }
    KIOSK_STMT(n, m_impl->conn, "SELECT count(*) FROM sync_outbox");
    if (n.step()) out.toSend = n.i64(0);
    if (n.failed()) return m_impl->conn.error("read sync state");
    return out;
}

Result<int64_t> Database::dataVersion() const {
    KIOSK_STMT(st, m_impl->conn, "PRAGMA data_version");
    if (st.step()) return st.i64(0);
    return m_impl->conn.error("read data_version");
}

}  // namespace kiosk::core
