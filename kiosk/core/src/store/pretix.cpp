// pretix signed tickets in the store: the event's pretix_sig1 public keys (docs/qr-format.md).
#include "store/database_impl.hpp"

#include <kiosk/core/payload.hpp>

#include <algorithm>

namespace kiosk::core {

Result<std::vector<PretixKeyInfo>> Database::Impl::loadPretixKeys() const {
    KIOSK_STMT(
        st, conn,
        "SELECT public_key, fingerprint, source, added_at FROM pretix_keys ORDER BY added_at, fingerprint");
    std::vector<PretixKeyInfo> out;
    while (st.step()) {
        const std::string blob = st.blob(0);
        if (blob.size() != 32) continue;  // not written by us; never trusted
        PretixKeyInfo k;
        std::copy(blob.begin(), blob.end(), k.key.begin());
        k.fingerprint = st.text(1);
        k.source = st.text(2);
        k.addedAt = fromMs(st.i64(3));
        out.push_back(std::move(k));
    }
    if (st.failed()) return conn.error("read pretix keys");
    return out;
}

Result<std::vector<PretixKeyInfo>> Database::pretixKeys() const {
    return m_impl->loadPretixKeys();
}

Result<int> Database::addPretixKeys(std::span<const Ed25519PublicKey> keys, const std::string& source,
                                    const std::string& actor, TimePoint at) {
    if (auto s = m_impl->requireWritable("add pretix keys"); !s) return s.error();
    const auto& c = m_impl->conn;
    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s.error();
    int added = 0;
    std::string fingerprints;
    for (const auto& k : keys) {
        const std::string fp = keyFingerprint(k);
        KIOSK_STMT(
            st, c,
            "INSERT INTO pretix_keys(public_key, fingerprint, source, added_at) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (public_key) DO NOTHING");
        st.bindBlob(1, k.data(), static_cast<int>(k.size())).bind(2, fp).bind(3, source).bind(4, toMs(at));
        st.step();
        if (st.failed()) return c.error("store pretix key");
        if (sqlite3_changes(c.get()) > 0) {
            ++added;
            fingerprints += (fingerprints.empty() ? "" : ",") + fp;
        }
    }
    if (added > 0)
        if (auto s = m_impl->insertAudit(at, actor, "event.pretix_keys", "",
                                         jsonDetail({{"added", fingerprints}, {"source", source}}));
            !s)
            return s.error();
    if (auto s = tx.commit(); !s) return s.error();
    return added;
}

Status Database::clearPretixKeys(const std::string& actor, TimePoint at) {
    if (auto s = m_impl->requireWritable("clear pretix keys"); !s) return s;
    const auto& c = m_impl->conn;
    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s;
    if (auto s = c.exec("DELETE FROM pretix_keys"); !s) return s;
    if (sqlite3_changes(c.get()) > 0)
        if (auto s =
                m_impl->insertAudit(at, actor, "event.pretix_keys", "", jsonDetail({{"cleared", "all"}}));
            !s)
            return s;
    return tx.commit();
}

Result<RevocationSummary> Database::addRevokedSecrets(const std::vector<std::string>& secrets,
                                                      const std::string& source, const std::string& actor,
                                                      TimePoint at) {
    if (auto s = m_impl->requireWritable("add revoked secrets"); !s) return s.error();
    const auto& c = m_impl->conn;
    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s.error();
    RevocationSummary sum;
    for (const auto& raw : secrets) {
        // Stored as a scan would look it up.
        const auto clean = sanitizePayload(raw);
        if (!clean) continue;
        const std::string value = classifyPayload(*clean).lookup;
        ++sum.listed;
        {
            KIOSK_STMT(st, c,
                       "INSERT INTO revoked_secrets(secret, source, added_at) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT (secret) DO NOTHING");
            st.bind(1, value).bind(2, source).bind(3, toMs(at));
            st.step();
            if (st.failed()) return c.error("store revoked secret");
            sum.added += sqlite3_changes(c.get()) > 0 ? 1 : 0;
        }
        KIOSK_STMT(up, c,
                   "UPDATE codes SET revoked_at = ?2, revoked_reason = 'pretix.revoked' "
                   "WHERE value = ?1 AND revoked_at IS NULL");
        up.bind(1, value).bind(2, toMs(at));
        up.step();
        if (up.failed()) return c.error("revoke code");
        sum.codesRevoked += sqlite3_changes(c.get());
    }
    if (auto s = m_impl->insertAudit(at, actor, "import.revoked", "",
                                     jsonDetail({{"source", source},
                                                 {"listed", std::to_string(sum.listed)},
                                                 {"added", std::to_string(sum.added)},
                                                 {"codes_revoked", std::to_string(sum.codesRevoked)}}));
        !s)
        return s.error();
    if (auto s = tx.commit(); !s) return s.error();
    return sum;
}

}  // namespace kiosk::core
