#pragma once
// The sync agent's side of the local SQLite file: reading the rows to send, applying pulled
// rows, the outbox and the sync state. Friend of Database (SyncAccess), so the store's
// connection, transactions and insert functions are reused, not copied.
#include "store/database_impl.hpp"
#include "sync/entities.hpp"
#include "sync/pg.hpp"

#include <kiosk/core/sync.hpp>

namespace kiosk::core {

using SyncRow = std::vector<pg::Param>;

struct SyncAccess {
    static Database::Impl& impl(Database& db) { return *db.m_impl; }
    static const Database::Impl& impl(const Database& db) { return *db.m_impl; }
};

namespace sync::local {

/// Every row of an entity's table (publish), in rowid order.
Result<std::vector<SyncRow>> readAll(const Database& db, const Entity& e);
/// The rows with these ids (missing ids are skipped: a row can only be added, so none is).
Result<std::vector<SyncRow>> readByIds(const Database& db, const Entity& e,
                                       const std::vector<std::string>& ids);

struct EventPayload {
    std::vector<pg::Param> cols;  ///< id, name, venue, city, starts_at, ends_at, doors_open_at,
                                  ///< doors_close_at, default_language, indico_host, reentry,
                                  ///< badge_rules (a JSON array of [match, value, template, colour, role])
    std::string publicKeyHex;
    std::string secretKeyHex;  ///< "" on a device
    // What badges and offline verification need on every machine (server schema step 3):
    std::string branding;        ///< {"short_name", "tagline", "colour", "accent_colour"}
    std::string logoHex;         ///< PNG or JPEG bytes in hex; "" = none
    std::string pretixKeys;      ///< [[public key hex, fingerprint, source, added_at ms], …]
    std::string revokedSecrets;  ///< pretix's revoked list: [[secret, source, added_at ms], …]
};
Result<std::optional<EventPayload>> readEvent(const Database& db);

Result<std::string> state(const Database& db, const std::string& key);  ///< "" if unset

}  // namespace sync::local
}  // namespace kiosk::core

namespace kiosk::core::sync {
/// The server schema is the one this binary speaks (server.cpp).
Status requireCurrentSchema(pg::Connection& c);
}  // namespace kiosk::core::sync
