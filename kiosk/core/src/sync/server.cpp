// The event server: schema steps, publish, enroll, status (docs/sync.md). The server stores
// facts pushed by the machines; every replicated table carries a feed position (server_seq)
// assigned under one advisory lock, so a reader's cursor never skips a row committed late.
#include "sync/entities.hpp"
#include "sync/local.hpp"
#include "sync/pg.hpp"

#include <kiosk/core/sync.hpp>

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace kiosk::core::sync {

namespace {

struct ServerStep {
    int version;
    const char* name;
    const char* sql;
};

// Step 1 creates everything; later steps append. A shipped step is never edited.
constexpr ServerStep kServerSteps[] = {
    {1, "event, devices, replicated tables, feed, rules, roles", R"sql(
CREATE TABLE kiosk_meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO kiosk_meta VALUES ('server_id', md5(random()::text || clock_timestamp()::text));
CREATE SEQUENCE feed_seq;
CREATE TABLE device (
  name text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('kiosk', 'desk', 'dashboard')),
  role name UNIQUE NOT NULL,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz,
  clock_offset_ms bigint,
  waiting bigint NOT NULL DEFAULT 0,
  schema_version int
);
CREATE TABLE event (
  id text PRIMARY KEY, name text NOT NULL, venue text NOT NULL DEFAULT '', city text NOT NULL DEFAULT '',
  starts_at bigint NOT NULL DEFAULT 0, ends_at bigint NOT NULL DEFAULT 0,
  doors_open_at bigint NOT NULL DEFAULT 0, doors_close_at bigint NOT NULL DEFAULT 0,
  default_language text NOT NULL DEFAULT 'fr', indico_host text NOT NULL DEFAULT '',
  reentry text NOT NULL DEFAULT 'refused' CHECK (reentry IN ('refused', 'allowed')),
  -- The organiser's badge per kind of attendee, whole: [[match, value, template, colour, role], …]
  badge_rules text NOT NULL DEFAULT '[]',
  public_key bytea NOT NULL, server_seq bigint NOT NULL
);
-- The organiser's signing key: never readable by a device role.
CREATE TABLE event_secret (event_id text PRIMARY KEY, secret_key bytea NOT NULL);
CREATE TABLE attendee (
  id text COLLATE "C" PRIMARY KEY,
  first_name text NOT NULL DEFAULT '', last_name text NOT NULL DEFAULT '', badge_name text NOT NULL DEFAULT '',
  organisation text NOT NULL DEFAULT '', category text NOT NULL DEFAULT '', ticket_type text NOT NULL DEFAULT '',
  working_group text NOT NULL DEFAULT '', email text NOT NULL DEFAULT '', language text NOT NULL DEFAULT 'fr',
  status text NOT NULL DEFAULT 'registered', external_source text NOT NULL DEFAULT '',
  external_id text NOT NULL DEFAULT '', created_at bigint NOT NULL, updated_at bigint NOT NULL,
  device_id text NOT NULL, server_seq bigint NOT NULL UNIQUE
);
CREATE TABLE code (
  id text COLLATE "C" PRIMARY KEY, attendee_id text COLLATE "C" NOT NULL, kind text NOT NULL, value text NOT NULL,
  created_at bigint NOT NULL, revoked_at bigint, revoked_reason text,
  device_id text NOT NULL, server_seq bigint NOT NULL UNIQUE
);
CREATE INDEX code_attendee ON code(attendee_id);
CREATE TABLE checkin (
  id text COLLATE "C" PRIMARY KEY, nonce text NOT NULL UNIQUE, attendee_id text COLLATE "C" NOT NULL,
  at bigint NOT NULL, kiosk text NOT NULL, action text NOT NULL CHECK (action IN ('checkin', 'annul')),
  actor text NOT NULL, reason text NOT NULL DEFAULT '', code_id text, annuls text COLLATE "C",
  device_id text NOT NULL, received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  server_seq bigint NOT NULL UNIQUE
);
CREATE INDEX checkin_attendee ON checkin(attendee_id, at, id);
CREATE INDEX checkin_annuls ON checkin(annuls) WHERE annuls IS NOT NULL;
CREATE INDEX checkin_device ON checkin(device_id);
CREATE TABLE reentry (
  id text COLLATE "C" PRIMARY KEY, nonce text NOT NULL UNIQUE, attendee_id text COLLATE "C" NOT NULL,
  checkin_id text COLLATE "C" NOT NULL, at bigint NOT NULL, kiosk text NOT NULL, code_id text,
  device_id text NOT NULL, server_seq bigint NOT NULL UNIQUE
);
CREATE TABLE refused_scan (
  id text COLLATE "C" PRIMARY KEY, nonce text NOT NULL UNIQUE, case_ref text NOT NULL, at bigint NOT NULL,
  kiosk text NOT NULL, outcome text NOT NULL, code_kind text NOT NULL, payload_escaped text NOT NULL,
  attendee_id text COLLATE "C", first_checkin_id text COLLATE "C", resolved_at bigint, resolved_by text,
  resolution_note text, device_id text NOT NULL, server_seq bigint NOT NULL UNIQUE,
  UNIQUE (device_id, case_ref)
);
CREATE TABLE audit (
  id text COLLATE "C" PRIMARY KEY, at bigint NOT NULL, actor text NOT NULL, action text NOT NULL,
  attendee_id text COLLATE "C", detail text NOT NULL DEFAULT '{}', device_id text NOT NULL,
  server_seq bigint NOT NULL UNIQUE
);
CREATE TABLE duplicate_resolution (
  id text COLLATE "C" PRIMARY KEY, checkin_id text COLLATE "C" NOT NULL, first_checkin_id text COLLATE "C" NOT NULL,
  attendee_id text COLLATE "C" NOT NULL, at bigint NOT NULL, actor text NOT NULL, note text NOT NULL DEFAULT '',
  device_id text NOT NULL, server_seq bigint NOT NULL UNIQUE
);
-- Every insert or update takes the next feed position, and a device role may write rows only
-- in its own name (an update never changes whose row it is).
CREATE FUNCTION kiosk_feed_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE me text;
BEGIN
  SELECT d.name INTO me FROM device d WHERE d.role = session_user;
  IF me IS NOT NULL THEN
    IF TG_OP = 'INSERT' AND NEW.device_id IS DISTINCT FROM me THEN
      RAISE EXCEPTION 'device % cannot write rows in the name of %', me, NEW.device_id USING ERRCODE = '42501';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.device_id IS DISTINCT FROM OLD.device_id THEN
      RAISE EXCEPTION 'device % cannot change whose row this is', me USING ERRCODE = '42501';
    END IF;
  END IF;
  NEW.server_seq := nextval('feed_seq');
  RETURN NEW;
END $$;
CREATE TRIGGER attendee_feed BEFORE INSERT OR UPDATE ON attendee FOR EACH ROW EXECUTE FUNCTION kiosk_feed_row();
CREATE TRIGGER code_feed BEFORE INSERT OR UPDATE ON code FOR EACH ROW EXECUTE FUNCTION kiosk_feed_row();
CREATE TRIGGER checkin_feed BEFORE INSERT ON checkin FOR EACH ROW EXECUTE FUNCTION kiosk_feed_row();
CREATE TRIGGER reentry_feed BEFORE INSERT ON reentry FOR EACH ROW EXECUTE FUNCTION kiosk_feed_row();
CREATE TRIGGER refused_feed BEFORE INSERT OR UPDATE ON refused_scan FOR EACH ROW EXECUTE FUNCTION kiosk_feed_row();
CREATE TRIGGER audit_feed BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION kiosk_feed_row();
CREATE TRIGGER resolution_feed BEFORE INSERT ON duplicate_resolution FOR EACH ROW EXECUTE FUNCTION kiosk_feed_row();
CREATE FUNCTION kiosk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the check-in log is append-only: annul instead'; END $$;
CREATE TRIGGER checkin_append_only BEFORE UPDATE OR DELETE ON checkin FOR EACH ROW EXECUTE FUNCTION kiosk_append_only();
CREATE TRIGGER reentry_append_only BEFORE UPDATE OR DELETE ON reentry FOR EACH ROW EXECUTE FUNCTION kiosk_append_only();
-- The same two rules as every local file (kiosk/core/src/store/replication.cpp).
CREATE VIEW in_force AS
SELECT a.id AS attendee_id,
  (SELECT c.id FROM checkin c WHERE c.attendee_id = a.id AND c.action = 'checkin'
      AND NOT EXISTS (SELECT 1 FROM checkin n WHERE n.annuls = c.id AND n.action = 'annul')
    ORDER BY c.at, c.id LIMIT 1) AS checkin_id
FROM attendee a;
CREATE VIEW duplicate_pair AS
SELECT p.attendee_id, p.first_id, p.checkin_id,
  EXISTS (SELECT 1 FROM duplicate_resolution r WHERE r.checkin_id = p.checkin_id AND r.first_checkin_id = p.first_id)
  OR EXISTS (SELECT 1 FROM checkin n WHERE n.action = 'annul' AND n.annuls IN (p.first_id, p.checkin_id))
    AS resolved
FROM (SELECT y.id AS checkin_id, y.attendee_id,
        (SELECT x.id FROM checkin x WHERE x.attendee_id = y.attendee_id AND x.action = 'checkin'
            AND (x.at, x.id) < (y.at, y.id)
            AND NOT EXISTS (SELECT 1 FROM checkin n WHERE n.action = 'annul' AND n.annuls = x.id
                            AND n.at <= y.at)
          ORDER BY x.at, x.id LIMIT 1) AS first_id
      FROM checkin y WHERE y.action = 'checkin') p
WHERE p.first_id IS NOT NULL;
-- A device's agent says hello (on connect and every few seconds): last seen, clock offset and
-- rows still to send. SECURITY DEFINER: devices cannot update the device table themselves.
CREATE FUNCTION kiosk_hello(p_waiting bigint, p_client_ms bigint, p_schema int)
RETURNS TABLE (device text, server_id text, event_id text) LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  UPDATE device SET last_seen_at = clock_timestamp(), waiting = p_waiting, schema_version = p_schema,
    clock_offset_ms = p_client_ms - (extract(epoch FROM clock_timestamp()) * 1000)::bigint
  WHERE role = session_user
  RETURNING name, (SELECT value FROM kiosk_meta WHERE key = 'server_id'), (SELECT min(id) FROM event);
$$;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kiosk_device') THEN
    CREATE ROLE kiosk_device NOLOGIN;
  END IF;
END $$;
REVOKE ALL ON event_secret FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO kiosk_device;
GRANT SELECT ON kiosk_schema, kiosk_meta, device, event, code, checkin, reentry, refused_scan, audit, duplicate_resolution,
  in_force, duplicate_pair TO kiosk_device;
-- No e-mail addresses on the kiosks.
GRANT SELECT (id, first_name, last_name, badge_name, organisation, category, ticket_type, working_group,
  language, status, external_source, external_id, created_at, updated_at, device_id, server_seq)
  ON attendee TO kiosk_device;
GRANT INSERT ON attendee, code, checkin, reentry, refused_scan, audit, duplicate_resolution TO kiosk_device;
GRANT UPDATE (first_name, last_name, badge_name, organisation, category, ticket_type, working_group, language,
  status, updated_at) ON attendee TO kiosk_device;
GRANT UPDATE (revoked_at, revoked_reason) ON code TO kiosk_device;
GRANT UPDATE (resolved_at, resolved_by, resolution_note) ON refused_scan TO kiosk_device;
GRANT USAGE ON SEQUENCE feed_seq TO kiosk_device;
REVOKE ALL ON FUNCTION kiosk_hello(bigint, bigint, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kiosk_hello(bigint, bigint, int) TO kiosk_device;
)sql"},
    {2, "erasures travel: erased_at, the server scrubs its copy", R"sql(
-- A person erased on any machine (or in the organiser's file) is erased on the server and, from
-- there, on every machine (docs/privacy.md, docs/sync.md). Final: nothing brings them back.
ALTER TABLE attendee ADD COLUMN erased_at bigint;
GRANT SELECT (erased_at) ON attendee TO kiosk_device;
GRANT UPDATE (external_id, erased_at) ON attendee TO kiosk_device;
-- An erased code's value becomes the erasing machine's one-way token (see the code entity).
GRANT UPDATE (value) ON code TO kiosk_device;
-- The row itself: every personal field blanked, the e-mail too (devices cannot write it).
CREATE FUNCTION kiosk_erase_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.first_name := ''; NEW.last_name := ''; NEW.badge_name := ''; NEW.organisation := ''; NEW.email := '';
  RETURN NEW;
END $$;
CREATE TRIGGER attendee_erase_row BEFORE UPDATE OF erased_at ON attendee FOR EACH ROW
  WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL) EXECUTE FUNCTION kiosk_erase_row();
-- The rows that quote the person, as they are on the server. SECURITY DEFINER: a device may not
-- update them itself.
CREATE FUNCTION kiosk_erased() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE refused_scan r SET payload_escaped = '[erased]',
      resolution_note = CASE WHEN coalesce(r.resolution_note, '') = '' THEN r.resolution_note ELSE '[erased]' END
    WHERE (r.attendee_id = NEW.id OR EXISTS (SELECT 1 FROM code c WHERE c.attendee_id = NEW.id
                                               AND position(c.value IN r.payload_escaped) > 0))
      AND r.payload_escaped <> '[erased]';
  UPDATE checkin SET reason = '[erased]' WHERE attendee_id = NEW.id AND reason NOT IN ('', '[erased]');
  UPDATE audit SET detail = '{}' WHERE attendee_id = NEW.id AND action <> 'attendee.erase' AND detail <> '{}';
  UPDATE duplicate_resolution SET note = '' WHERE attendee_id = NEW.id AND note <> '';
  RETURN NULL;
END $$;
CREATE TRIGGER attendee_erased AFTER UPDATE OF erased_at ON attendee FOR EACH ROW
  WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL) EXECUTE FUNCTION kiosk_erased();
-- A row about an erased person pushed late (a kiosk that was offline): scrubbed as it arrives.
CREATE FUNCTION kiosk_scrub_late() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.attendee_id IS NULL OR NOT EXISTS (SELECT 1 FROM attendee a WHERE a.id = NEW.attendee_id
                                                AND a.erased_at IS NOT NULL) THEN
    RETURN NEW;
  END IF;
  IF TG_TABLE_NAME = 'checkin' THEN
    IF NEW.reason NOT IN ('', '[erased]') THEN NEW.reason := '[erased]'; END IF;
  ELSIF TG_TABLE_NAME = 'refused_scan' THEN
    NEW.payload_escaped := '[erased]';
    IF coalesce(NEW.resolution_note, '') <> '' THEN NEW.resolution_note := '[erased]'; END IF;
  ELSIF TG_TABLE_NAME = 'audit' THEN
    IF NEW.action <> 'attendee.erase' THEN NEW.detail := '{}'; END IF;
  ELSIF TG_TABLE_NAME = 'duplicate_resolution' THEN
    NEW.note := '';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER checkin_scrub_late BEFORE INSERT ON checkin FOR EACH ROW EXECUTE FUNCTION kiosk_scrub_late();
CREATE TRIGGER refused_scrub_late BEFORE INSERT ON refused_scan FOR EACH ROW EXECUTE FUNCTION kiosk_scrub_late();
CREATE TRIGGER audit_scrub_late BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION kiosk_scrub_late();
CREATE TRIGGER resolution_scrub_late BEFORE INSERT ON duplicate_resolution FOR EACH ROW
  EXECUTE FUNCTION kiosk_scrub_late();
-- The check-in log stays append-only; the one change allowed is an erasure's blanked reason.
CREATE OR REPLACE FUNCTION kiosk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'checkin' THEN
    IF NEW.reason = '[erased]' AND (NEW.id, NEW.nonce, NEW.attendee_id, NEW.at, NEW.kiosk, NEW.action, NEW.actor,
        NEW.code_id, NEW.annuls, NEW.device_id, NEW.received_at, NEW.server_seq) IS NOT DISTINCT FROM
        (OLD.id, OLD.nonce, OLD.attendee_id, OLD.at, OLD.kiosk, OLD.action, OLD.actor, OLD.code_id, OLD.annuls,
         OLD.device_id, OLD.received_at, OLD.server_seq)
       AND EXISTS (SELECT 1 FROM attendee a WHERE a.id = NEW.attendee_id AND a.erased_at IS NOT NULL) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'the check-in log is append-only: annul instead';
END $$;
)sql"},
    {3, "the event's branding, logo, pretix keys and revoked list travel", R"sql(
-- From the organiser only, like the badge rules: what a kiosk needs to print the organiser's
-- badge (short name, tagline, colours, logo) and to verify pretix's signed tickets offline.
ALTER TABLE event ADD COLUMN branding text NOT NULL DEFAULT '{}';
ALTER TABLE event ADD COLUMN logo bytea;
ALTER TABLE event ADD COLUMN pretix_keys text NOT NULL DEFAULT '[]';
ALTER TABLE event ADD COLUMN revoked_secrets text NOT NULL DEFAULT '[]';
)sql"},
};

constexpr int64_t kFeedLock = 19267;  // pg_advisory_xact_lock key of every feed writer

Result<pg::Connection> connectServer(const std::string& conninfo) {
    return pg::Connection::connect(conninfo, std::chrono::seconds(5));
}

Result<int> currentVersion(pg::Connection& c) {
    auto r = c.exec("SELECT to_regclass('kiosk_schema') IS NOT NULL");
    if (!r) return r.error();
    if (r->text(0, 0) != "t") return 0;
    auto v = c.exec("SELECT coalesce(max(version), 0) FROM kiosk_schema");
    if (!v) return v.error();
    return static_cast<int>(v->i64(0, 0));
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

}  // namespace

int serverSchemaVersion() {
    return kServerSteps[std::size(kServerSteps) - 1].version;
}

Result<InitReport> initServer(const std::string& conninfo) {
    auto c = connectServer(conninfo);
    if (!c) return c.error();
    if (auto s = c->run("BEGIN"); !s) return s.error();
    // Two organisers running init at once: the second waits, then finds the schema current.
    if (auto s = c->exec("SELECT pg_advisory_xact_lock($1)", {std::to_string(kFeedLock)}); !s)
        return s.error();
    if (auto s =
            c->run("CREATE TABLE IF NOT EXISTS kiosk_schema (version int PRIMARY KEY, name text NOT NULL, "
                   "applied_at timestamptz NOT NULL DEFAULT now())");
        !s)
        return s.error();
    auto v = currentVersion(*c);
    if (!v) return v.error();
    InitReport rep{*v, serverSchemaVersion()};
    if (*v > serverSchemaVersion())
        return Error{"sync.newer_server", "the event server was set up by a newer kiosk (schema " +
                                              std::to_string(*v) + ", this program knows " +
                                              std::to_string(serverSchemaVersion()) +
                                              "): update the kiosk program"};
    for (const auto& step : kServerSteps) {
        if (step.version <= *v) continue;
        if (auto s = c->run(step.sql, std::chrono::seconds(30)); !s) return s.error();
        if (auto s = c->exec("INSERT INTO kiosk_schema(version, name) VALUES ($1, $2)",
                             {std::to_string(step.version), std::string(step.name)});
            !s)
            return s.error();
    }
    if (auto s = c->run("COMMIT"); !s) return s.error();
    return rep;
}

/// Checks the server schema is the one this binary speaks.
Status requireCurrentSchema(pg::Connection& c) {
    auto v = currentVersion(c);
    if (!v) return v.error();
    if (*v == 0)
        return Error{"sync.no_schema", "the event server is not set up: run kiosk server init --server …"};
    if (*v > serverSchemaVersion())
        return Error{"sync.newer_server", "the event server was set up by a newer kiosk (schema " +
                                              std::to_string(*v) + "): update the kiosk program"};
    if (*v < serverSchemaVersion())
        return Error{"sync.old_server",
                     "the event server's schema is older than this kiosk's: run kiosk server "
                     "init --server … to upgrade it"};
    return {};
}

Result<PublishReport> publish(Database& organiser, const std::string& conninfo) {
    // Kiosks cannot sign: everyone gets a code before the people leave the organiser's file.
    PublishReport rep;
    const Database::Impl& m = SyncAccess::impl(organiser);
    {
        std::vector<std::string> without;
        {
            KIOSK_STMT(st, m.conn,
                       "SELECT a.id FROM attendees a WHERE NOT EXISTS (SELECT 1 FROM codes c WHERE "
                       "c.attendee_id = a.id "
                       "AND c.kind <> 'eventbrite_prefix')");
            while (st.step()) without.push_back(st.text(0));
            if (st.failed()) return m.conn.error("read attendees without a code");
        }
        for (const auto& id : without) {
            auto code = organiser.issueCode(id);
            if (!code) return code.error();
            ++rep.codesIssued;
        }
    }
    auto ev = local::readEvent(organiser);
    if (!ev) return ev.error();
    if (!*ev)
        return Error{"event.missing",
                     "the organiser's file has no event yet: kiosk event --db FILE --name \"…\""};
    if ((*ev)->secretKeyHex.empty())
        return Error{
            "sync.not_organiser",
            "this file has no signing key: publish from the organiser's event file, not a kiosk's copy"};
    rep.eventId = *(*ev)->cols[0];

    auto c = connectServer(conninfo);
    if (!c) return c.error();
    if (auto s = requireCurrentSchema(*c); !s) return s.error();
    if (auto s = c->run("BEGIN"); !s) return s.error();
    if (auto s = c->exec("SELECT pg_advisory_xact_lock($1)", {std::to_string(kFeedLock)}); !s)
        return s.error();
    {
        auto other = c->exec("SELECT id FROM event WHERE id <> $1", {rep.eventId});
        if (!other) return other.error();
        if (other->size() > 0)
            return Error{"sync.wrong_event", "the event server holds event '" + other->text(0, 0) +
                                                 "', not '" + rep.eventId +
                                                 "': use a new server database for another event"};
    }
    std::vector<pg::Param> evParams = (*ev)->cols;
    evParams.emplace_back("\\x" + (*ev)->publicKeyHex);
    evParams.emplace_back((*ev)->branding);
    evParams.emplace_back((*ev)->logoHex.empty() ? pg::Param{} : pg::Param("\\x" + (*ev)->logoHex));
    evParams.emplace_back((*ev)->pretixKeys);
    evParams.emplace_back((*ev)->revokedSecrets);
    auto evr = c->exec(
        "INSERT INTO event(id, name, venue, city, starts_at, ends_at, doors_open_at, doors_close_at, "
        "default_language, indico_host, reentry, badge_rules, public_key, branding, logo, pretix_keys, "
        "revoked_secrets, server_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::bytea, "
        "$14, $15::bytea, $16, $17, nextval('feed_seq')) ON CONFLICT (id) DO UPDATE SET "
        "name = EXCLUDED.name, venue = EXCLUDED.venue, city = EXCLUDED.city, starts_at = EXCLUDED.starts_at, "
        "ends_at = EXCLUDED.ends_at, doors_open_at = EXCLUDED.doors_open_at, doors_close_at = "
        "EXCLUDED.doors_close_at, default_language = EXCLUDED.default_language, indico_host = "
        "EXCLUDED.indico_host, reentry = EXCLUDED.reentry, badge_rules = EXCLUDED.badge_rules, public_key = "
        "EXCLUDED.public_key, branding = EXCLUDED.branding, logo = EXCLUDED.logo, pretix_keys = "
        "EXCLUDED.pretix_keys, revoked_secrets = EXCLUDED.revoked_secrets, server_seq = EXCLUDED.server_seq "
        "WHERE (event.name, event.venue, event.city, "
        "event.starts_at, event.ends_at, event.doors_open_at, event.doors_close_at, event.default_language, "
        "event.indico_host, event.reentry, event.badge_rules, event.public_key, event.branding, event.logo, "
        "event.pretix_keys, event.revoked_secrets) IS DISTINCT FROM "
        "(EXCLUDED.name, EXCLUDED.venue, EXCLUDED.city, EXCLUDED.starts_at, EXCLUDED.ends_at, "
        "EXCLUDED.doors_open_at, EXCLUDED.doors_close_at, EXCLUDED.default_language, EXCLUDED.indico_host, "
        "EXCLUDED.reentry, EXCLUDED.badge_rules, EXCLUDED.public_key, EXCLUDED.branding, EXCLUDED.logo, "
        "EXCLUDED.pretix_keys, EXCLUDED.revoked_secrets)",
        evParams);
    if (!evr) return evr.error();
    if (auto s =
            c->exec("INSERT INTO event_secret VALUES ($1, $2::bytea) ON CONFLICT (event_id) DO UPDATE SET "
                    "secret_key = EXCLUDED.secret_key",
                    {rep.eventId, "\\x" + (*ev)->secretKeyHex});
        !s)
        return s.error();
    // The organiser's re-import: names, status and e-mail follow the file (when it is newer than
    // the server's copy); the badge name is the desk's and is kept, as a local re-import does.
    const std::string attendeeConflict =
        "ON CONFLICT (id) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, "
        "organisation = EXCLUDED.organisation, category = EXCLUDED.category, ticket_type = "
        "EXCLUDED.ticket_type, "
        "working_group = EXCLUDED.working_group, email = EXCLUDED.email, language = EXCLUDED.language, "
        "status = EXCLUDED.status, external_source = EXCLUDED.external_source, external_id = "
        "EXCLUDED.external_id, "
        "updated_at = EXCLUDED.updated_at, erased_at = EXCLUDED.erased_at WHERE attendee.erased_at IS NULL "
        "AND (EXCLUDED.erased_at IS NOT NULL OR attendee.updated_at <= EXCLUDED.updated_at) AND "
        "(attendee.first_name, attendee.last_name, attendee.organisation, attendee.category, "
        "attendee.ticket_type, "
        "attendee.working_group, attendee.email, attendee.language, attendee.status, "
        "attendee.external_source, "
        "attendee.external_id) IS DISTINCT FROM (EXCLUDED.first_name, EXCLUDED.last_name, "
        "EXCLUDED.organisation, "
        "EXCLUDED.category, EXCLUDED.ticket_type, EXCLUDED.working_group, EXCLUDED.email, EXCLUDED.language, "
        "EXCLUDED.status, EXCLUDED.external_source, EXCLUDED.external_id)";
    const std::string codeConflict =
        "ON CONFLICT (id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at, revoked_reason = "
        "EXCLUDED.revoked_reason, value = CASE WHEN EXCLUDED.revoked_reason = 'erased' THEN EXCLUDED.value "
        "ELSE code.value END "
        "WHERE code.revoked_reason IS DISTINCT FROM 'erased' AND (code.revoked_at, code.revoked_reason) IS "
        "DISTINCT FROM (EXCLUDED.revoked_at, EXCLUDED.revoked_reason)";
    for (const char* name : {"attendee", "code"}) {
        const Entity& e = *entityNamed(name);
        auto rows = local::readAll(organiser, e);
        if (!rows) return rows.error();
        (name == std::string("attendee") ? rep.attendees : rep.codes) = static_cast<int64_t>(rows->size());
        const std::string sql =
            pushSql(e, (name == std::string("attendee") ? attendeeConflict : codeConflict).c_str());
        constexpr std::size_t kBatch = 5000;
        for (std::size_t from = 0; from < rows->size(); from += kBatch) {
            const std::size_t to = std::min(rows->size(), from + kBatch);
            std::vector<pg::Param> params;
            for (std::size_t col = 0; col < e.cols.size(); ++col) {
                std::vector<pg::Param> values;
                values.reserve(to - from);
                for (std::size_t i = from; i < to; ++i) values.push_back((*rows)[i][col]);
                params.emplace_back(pg::textArray(values));
            }
            params.emplace_back("organiser");
            auto r = c->exec(sql, params, std::chrono::seconds(120));
            if (!r) return r.error();
            rep.changedRows += std::strtoll(r->affected().c_str(), nullptr, 10);
        }
    }
    if (auto s = c->run("NOTIFY kiosk_feed, 'organiser'"); !s) return s.error();
    if (auto s = c->run("COMMIT", std::chrono::seconds(60)); !s) return s.error();
    return rep;
}

std::optional<DeviceKind> deviceKindFromName(std::string_view name) {
    if (name == "kiosk") return DeviceKind::Kiosk;
    if (name == "desk") return DeviceKind::Desk;
    if (name == "dashboard") return DeviceKind::Dashboard;
    return std::nullopt;
}

Result<Enrollment> enroll(const std::string& conninfo, const std::string& device, DeviceKind kind) {
    const std::string name = lower(device);
    const bool valid = !name.empty() && name.size() <= 40 && name != "organiser" &&
                       std::all_of(name.begin(), name.end(), [](char ch) {
                           return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
                       });
    if (!valid)
        return Error{"sync.bad_device",
                     "a device name is 1–40 letters, digits, '-' or '_' (e.g. entrance-1), "
                     "not 'organiser'"};
    auto c = connectServer(conninfo);
    if (!c) return c.error();
    if (auto s = requireCurrentSchema(*c); !s) return s.error();
    Enrollment out;
    out.device = name;
    out.role = "kiosk_dev_" + name;
    unsigned char raw[18];
    randombytes_buf(raw, sizeof raw);
    static const char* hex = "0123456789abcdef";
    std::string password;
    for (unsigned char b : raw) {
        password += hex[b >> 4];
        password += hex[b & 15];
    }
    const char* kindName = kind == DeviceKind::Kiosk  ? "kiosk"
                           : kind == DeviceKind::Desk ? "desk"
                                                      : "dashboard";
    if (auto s = c->run("BEGIN"); !s) return s.error();
    auto exists = c->exec("SELECT 1 FROM pg_roles WHERE rolname = $1", {out.role});
    if (!exists) return exists.error();
    const std::string role = c->quoteIdent(out.role);
    const std::string pw = c->quoteLiteral(password);
    const std::string ddl = exists->size() > 0 ? "ALTER ROLE " + role + " LOGIN PASSWORD " + pw
                                               : "CREATE ROLE " + role + " LOGIN PASSWORD " + pw;
    if (auto s = c->run(ddl); !s) return s.error();
    if (auto s = c->run("GRANT kiosk_device TO " + role); !s) return s.error();
    if (auto s =
            c->exec("INSERT INTO device(name, kind, role) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE "
                    "SET kind = EXCLUDED.kind, role = EXCLUDED.role",
                    {out.device, std::string(kindName), out.role});
        !s)
        return s.error();
    if (auto s = c->run("COMMIT"); !s) return s.error();
    auto info = pg::withUser(conninfo, out.role, password);
    if (!info) return info.error();
    out.conninfo = *info;
    return out;
}

Result<ServerStatus> serverStatus(const std::string& conninfo) {
    auto c = connectServer(conninfo);
    if (!c) return c.error();
    ServerStatus out;
    auto v = currentVersion(*c);
    if (!v) return v.error();
    out.schemaVersion = *v;
    if (auto s = requireCurrentSchema(*c); !s) return s.error();
    if (auto s = c->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !s) return s.error();
    auto head = c->exec(
        "SELECT (SELECT value FROM kiosk_meta WHERE key = 'server_id'), coalesce((SELECT min(id) FROM "
        "event), ''), "
        "(SELECT count(*) FROM attendee), (SELECT count(*) FROM in_force WHERE checkin_id IS NOT NULL), "
        "(SELECT count(*) FROM checkin), (SELECT count(*) FROM duplicate_pair), "
        "(SELECT count(*) FROM duplicate_pair WHERE NOT resolved), "
        "(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM feed_seq)");
    if (!head) return head.error();
    out.serverId = head->text(0, 0);
    out.eventId = head->text(0, 1);
    out.attendees = head->i64(0, 2);
    out.checkedIn = head->i64(0, 3);
    out.checkins = head->i64(0, 4);
    out.duplicates = head->i64(0, 5);
    out.openDuplicates = head->i64(0, 6);
    out.feedPosition = head->i64(0, 7);
    auto devs = c->exec(
        "SELECT d.name, d.kind, (extract(epoch FROM d.last_seen_at) * 1000)::bigint, "
        "d.last_seen_at > clock_timestamp() - interval '15 seconds', d.clock_offset_ms, d.waiting, "
        "(SELECT count(*) FROM checkin c WHERE c.device_id = d.name) FROM device d ORDER BY d.name");
    if (!devs) return devs.error();
    for (int i = 0; i < devs->size(); ++i) {
        DeviceStatus d;
        d.name = devs->text(i, 0);
        d.kind = devs->text(i, 1);
        if (!devs->isNull(i, 2)) d.lastSeenAt = TimePoint{std::chrono::milliseconds{devs->i64(i, 2)}};
        d.online = devs->text(i, 3) == "t";
        if (!devs->isNull(i, 4)) d.clockOffsetMs = devs->i64(i, 4);
        d.waiting = devs->i64(i, 5);
        d.rows = devs->i64(i, 6);
        out.devices.push_back(std::move(d));
    }
    if (auto s = c->run("COMMIT"); !s) return s.error();
    return out;
}

Result<Snapshot> snapshotOfServer(const std::string& conninfo) {
    auto c = connectServer(conninfo);
    if (!c) return c.error();
    Snapshot s;
    auto f = c->exec("SELECT attendee_id, checkin_id FROM in_force WHERE checkin_id IS NOT NULL ORDER BY 1");
    if (!f) return f.error();
    for (int i = 0; i < f->size(); ++i) s.inForce.emplace_back(f->text(i, 0), f->text(i, 1));
    auto d = c->exec("SELECT checkin_id, first_id FROM duplicate_pair ORDER BY 1, 2");
    if (!d) return d.error();
    for (int i = 0; i < d->size(); ++i) s.duplicates.emplace_back(d->text(i, 0), d->text(i, 1));
    auto n = c->exec("SELECT count(*) FROM checkin");
    if (!n) return n.error();
    s.checkins = n->i64(0, 0);
    auto r = c->exec("SELECT count(*) FROM reentry");
    if (!r) return r.error();
    s.reentries = r->i64(0, 0);
    return s;
}

Result<Snapshot> snapshotOf(const Database& db) {
    const Database::Impl& m = SyncAccess::impl(db);
    Snapshot s;
    {
        KIOSK_STMT(
            st, m.conn,
            "SELECT id, current_checkin_id FROM attendees WHERE current_checkin_id IS NOT NULL ORDER BY id");
        while (st.step()) s.inForce.emplace_back(st.text(0), st.text(1));
        if (st.failed()) return m.conn.error("snapshot");
    }
    auto dups = db.duplicates(false);
    if (!dups) return dups.error();
    for (const auto& d : *dups) s.duplicates.emplace_back(d.second.checkinId, d.first.checkinId);
    std::sort(s.duplicates.begin(), s.duplicates.end());
    KIOSK_STMT(n, m.conn, "SELECT count(*) FROM checkins");
    if (n.step()) s.checkins = n.i64(0);
    if (n.failed()) return m.conn.error("snapshot");
    KIOSK_STMT(r, m.conn, "SELECT count(*) FROM reentries");
    if (r.step()) s.reentries = r.i64(0);
    if (r.failed()) return m.conn.error("snapshot");
    return s;
}

}  // namespace kiosk::core::sync
