// Reading replicated rows out of the local file (publish, push).
#include "sync/local.hpp"

#include <map>
#include <mutex>

namespace kiosk::core::sync::local {

namespace {

/// SQL text per entity, kept alive for the statement cache (keyed by the text's address).
const std::string& sqlFor(const Entity& e, const char* kind) {
    static std::map<std::string, std::string> cache;  // built once per entity and kind
    static std::mutex mu;
    std::lock_guard lock(mu);
    const std::string key = std::string(e.name) + "/" + kind;
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    std::string sql = "SELECT " + columnList(e) + " FROM " + e.local;
    if (std::string(kind) == "all") sql += " ORDER BY rowid";
    if (std::string(kind) == "one") sql += " WHERE id = ?1";
    return cache.emplace(key, std::move(sql)).first->second;
}

SyncRow readRow(const store::Stmt& st, std::size_t n) {
    SyncRow row;
    row.reserve(n);
    for (std::size_t i = 0; i < n; ++i) row.push_back(st.optText(static_cast<int>(i)));
    return row;
}

}  // namespace

Result<std::vector<SyncRow>> readAll(const Database& db, const Entity& e) {
    const auto& m = SyncAccess::impl(db);
    KIOSK_STMT(st, m.conn, sqlFor(e, "all").c_str());
    std::vector<SyncRow> out;
    while (st.step()) out.push_back(readRow(st, e.cols.size()));
    if (st.failed()) return m.conn.error(std::string("read ") + e.local);
    return out;
}

Result<std::vector<SyncRow>> readByIds(const Database& db, const Entity& e,
                                       const std::vector<std::string>& ids) {
    const auto& m = SyncAccess::impl(db);
    std::vector<SyncRow> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        KIOSK_STMT(st, m.conn, sqlFor(e, "one").c_str());
        st.bind(1, id);
        if (st.step()) out.push_back(readRow(st, e.cols.size()));
        if (st.failed()) return m.conn.error(std::string("read ") + e.local);
    }
    return out;
}

Result<std::optional<EventPayload>> readEvent(const Database& db) {
    const auto& m = SyncAccess::impl(db);
    KIOSK_STMT(
        st, m.conn,
        "SELECT id, name, venue, city, starts_at, ends_at, doors_open_at, doors_close_at, default_language, "
        "indico_host, reentry, (SELECT json_group_array(json_array(match, value, template, colour, role)) "
        "FROM (SELECT * FROM badge_rules ORDER BY match, value)), hex(public_key), hex(secret_key), "
        "json_object('short_name', short_name, 'tagline', tagline, 'colour', colour, 'accent_colour', "
        "accent_colour), hex(logo), "
        "(SELECT json_group_array(json_array(hex(public_key), fingerprint, source, added_at)) FROM "
        "(SELECT * FROM pretix_keys ORDER BY added_at, public_key)), "
        "(SELECT json_group_array(json_array(secret, source, added_at)) FROM "
        "(SELECT * FROM revoked_secrets ORDER BY secret)) FROM event LIMIT 1");
    if (!st.step()) {
        if (st.failed()) return m.conn.error("read event");
        return std::optional<EventPayload>{};
    }
    EventPayload p;
    for (int i = 0; i < 12; ++i) p.cols.push_back(st.optText(i));
    p.publicKeyHex = st.text(12);
    p.secretKeyHex = st.text(13);
    p.branding = st.text(14);
    p.logoHex = st.text(15);
    p.pretixKeys = st.text(16);
    p.revokedSecrets = st.text(17);
    return std::optional<EventPayload>(std::move(p));
}

Result<std::string> state(const Database& db, const std::string& key) {
    const auto& m = SyncAccess::impl(db);
    KIOSK_STMT(st, m.conn, "SELECT value FROM sync_state WHERE key = ?1");
    st.bind(1, key);
    if (st.step()) return st.text(0);
    if (st.failed()) return m.conn.error("read sync state");
    return std::string();
}

}  // namespace kiosk::core::sync::local
