#pragma once
// The rows that cross machines: one spec per kind, shared by publish, push and pull, so the
// local and the server column lists cannot drift apart. Values travel as text.
#include <array>
#include <string>
#include <vector>

namespace kiosk::core::sync {

struct Column {
    const char* name;
    bool integer = false;  ///< bigint on the server, INTEGER locally
};

struct Entity {
    const char* name;          ///< outbox entity name
    const char* local;         ///< SQLite table
    const char* server;        ///< PostgreSQL table
    std::vector<Column> cols;  ///< cols[0] is the id
    /// What a replayed or newer row does to the server's copy when a device pushes it.
    const char* onConflict;
};

/// In foreign-key order: attendees before the rows naming them.
inline const std::vector<Entity>& entities() {
    static const std::vector<Entity> all = {
        {"attendee",
         "attendees",
         "attendee",
         {{"id"},
          {"first_name"},
          {"last_name"},
          {"badge_name"},
          {"organisation"},
          {"category"},
          {"ticket_type"},
          {"working_group"},
          {"email"},
          {"language"},
          {"status"},
          {"external_source"},
          {"external_id"},
          {"created_at", true},
          {"updated_at", true},
          {"erased_at", true}},
         // Desk edits (badge name) and walk-ins: the later change wins; e-mail is never
         // overwritten from a device (devices cannot read it). An erasure wins whatever its
         // time and is final: nothing brings an erased person's data back (the server's
         // kiosk_erased trigger then scrubs its e-mail and the rows that quote the person).
         "ON CONFLICT (id) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, "
         "badge_name = EXCLUDED.badge_name, organisation = EXCLUDED.organisation, "
         "category = EXCLUDED.category, ticket_type = EXCLUDED.ticket_type, "
         "working_group = EXCLUDED.working_group, language = EXCLUDED.language, status = EXCLUDED.status, "
         "updated_at = greatest(attendee.updated_at, EXCLUDED.updated_at), "
         "external_id = CASE WHEN EXCLUDED.erased_at IS NULL THEN attendee.external_id ELSE "
         "EXCLUDED.external_id "
         "END, erased_at = EXCLUDED.erased_at "
         "WHERE attendee.erased_at IS NULL AND (attendee.updated_at < EXCLUDED.updated_at OR "
         "EXCLUDED.erased_at IS NOT NULL)"},
        {"code",
         "codes",
         "code",
         {{"id"},
          {"attendee_id"},
          {"kind"},
          {"value"},
          {"created_at", true},
          {"revoked_at", true},
          {"revoked_reason"}},
         // A revocation is kept; an erasure also replaces the value by the erasing machine's
         // one-way token (a scan of the old code still says `revoked` on every copy).
         "ON CONFLICT (id) DO UPDATE SET revoked_at = coalesce(code.revoked_at, EXCLUDED.revoked_at), "
         "revoked_reason = CASE WHEN EXCLUDED.revoked_reason = 'erased' OR code.revoked_at IS NULL THEN "
         "EXCLUDED.revoked_reason ELSE code.revoked_reason END, "
         "value = CASE WHEN EXCLUDED.revoked_reason = 'erased' THEN EXCLUDED.value ELSE code.value END "
         "WHERE (code.revoked_at IS NULL AND EXCLUDED.revoked_at IS NOT NULL) OR "
         "(EXCLUDED.revoked_reason = 'erased' AND code.revoked_reason IS DISTINCT FROM 'erased')"},
        {"checkin",
         "checkins",
         "checkin",
         {{"id"},
          {"nonce"},
          {"attendee_id"},
          {"at", true},
          {"kiosk"},
          {"action"},
          {"actor"},
          {"reason"},
          {"code_id"},
          {"annuls"}},
         "ON CONFLICT DO NOTHING"},
        // After the check-ins: a re-entry names the check-in in force at the time.
        {"reentry",
         "reentries",
         "reentry",
         {{"id"}, {"nonce"}, {"attendee_id"}, {"checkin_id"}, {"at", true}, {"kiosk"}, {"code_id"}},
         "ON CONFLICT DO NOTHING"},
        {"refused",
         "refused_scans",
         "refused_scan",
         {{"id"},
          {"nonce"},
          {"case_ref"},
          {"at", true},
          {"kiosk"},
          {"outcome"},
          {"code_kind"},
          {"payload_escaped"},
          {"attendee_id"},
          {"first_checkin_id"},
          {"resolved_at", true},
          {"resolved_by"},
          {"resolution_note"}},
         "ON CONFLICT (id) DO UPDATE SET resolved_at = EXCLUDED.resolved_at, "
         "resolved_by = EXCLUDED.resolved_by, resolution_note = EXCLUDED.resolution_note "
         "WHERE refused_scan.resolved_at IS NULL AND EXCLUDED.resolved_at IS NOT NULL"},
        {"audit",
         "audit_log",
         "audit",
         {{"id"}, {"at", true}, {"actor"}, {"action"}, {"attendee_id"}, {"detail"}},
         "ON CONFLICT DO NOTHING"},
        {"resolution",
         "duplicate_resolutions",
         "duplicate_resolution",
         {{"id"}, {"checkin_id"}, {"first_checkin_id"}, {"attendee_id"}, {"at", true}, {"actor"}, {"note"}},
         "ON CONFLICT DO NOTHING"},
    };
    return all;
}

inline const Entity* entityNamed(const std::string& name) {
    for (const auto& e : entities())
        if (name == e.name) return &e;
    return nullptr;
}

/// "a, b, c"
inline std::string columnList(const Entity& e, const char* prefix = "") {
    std::string out;
    for (const auto& c : e.cols) out += (out.empty() ? "" : ", ") + std::string(prefix) + c.name;
    return out;
}

/// INSERT … SELECT FROM unnest($1::text[], …) — one round trip for a whole batch; the last
/// parameter is the device the rows come from.
inline std::string pushSql(const Entity& e, const char* onConflict) {
    std::string args, sel;
    for (std::size_t i = 0; i < e.cols.size(); ++i) {
        args += (i ? ", $" : "$") + std::to_string(i + 1) + "::text[]";
        sel += (i ? ", t." : "t.") + std::string(e.cols[i].name) + (e.cols[i].integer ? "::bigint" : "");
    }
    return "INSERT INTO " + std::string(e.server) + " (" + columnList(e) + ", device_id) SELECT " + sel +
           ", $" + std::to_string(e.cols.size() + 1) + " FROM unnest(" + args + ") AS t(" + columnList(e) +
           ") " + onConflict;
}

}  // namespace kiosk::core::sync
