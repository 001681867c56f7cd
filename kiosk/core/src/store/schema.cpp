// Schema versions as named steps under PRAGMA user_version. All pending steps run in one
// transaction; a database newer than this binary is refused, never dropped (attendee data is
// not a cache). Add a step at the end; never edit a step that has shipped.
#include "store/schema.hpp"

namespace kiosk::core::store {

namespace {
constexpr MigrationStep kSteps[] = {
    {1, "event, attendees and codes", R"sql(
CREATE TABLE event (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  venue TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  starts_at INTEGER NOT NULL DEFAULT 0,
  ends_at INTEGER NOT NULL DEFAULT 0,
  doors_open_at INTEGER NOT NULL DEFAULT 0,
  doors_close_at INTEGER NOT NULL DEFAULT 0,
  default_language TEXT NOT NULL DEFAULT 'fr',
  public_key BLOB NOT NULL,
  secret_key BLOB NOT NULL
);
CREATE TABLE attendees (
  seq INTEGER PRIMARY KEY,      -- local row number, used only by the search index
  id TEXT NOT NULL UNIQUE,      -- random 128-bit hex: unique across machines
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  badge_name TEXT NOT NULL DEFAULT '',
  organisation TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  ticket_type TEXT NOT NULL DEFAULT '',
  working_group TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT 'fr',
  status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'cancelled')),
  external_source TEXT NOT NULL DEFAULT '',
  external_id TEXT NOT NULL DEFAULT '',
  sort_key TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX attendees_external ON attendees(external_source, external_id) WHERE external_id <> '';
CREATE INDEX attendees_sort ON attendees(sort_key);
CREATE TABLE codes (
  id TEXT PRIMARY KEY,
  attendee_id TEXT NOT NULL REFERENCES attendees(id),
  kind TEXT NOT NULL,           -- kiosk, pretix, eventbrite, eventbrite_prefix, indico, hievents, unknown
  value TEXT NOT NULL UNIQUE,   -- what a scan yields (canonical form for our own codes)
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_reason TEXT
);
CREATE INDEX codes_attendee ON codes(attendee_id);
)sql"},
    {2, "append-only check-in log and refused scans", R"sql(
CREATE TABLE checkins (
  id TEXT PRIMARY KEY,
  nonce TEXT NOT NULL UNIQUE,
  attendee_id TEXT NOT NULL REFERENCES attendees(id),
  at INTEGER NOT NULL,          -- UTC, ms since the epoch
  kiosk TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('checkin', 'annul')),
  actor TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  code_id TEXT
);
CREATE INDEX checkins_attendee ON checkins(attendee_id, at);
CREATE INDEX checkins_at ON checkins(at);
CREATE TRIGGER checkins_no_update BEFORE UPDATE ON checkins
  BEGIN SELECT RAISE(ABORT, 'the check-in log is append-only: annul instead'); END;
CREATE TRIGGER checkins_no_delete BEFORE DELETE ON checkins
  BEGIN SELECT RAISE(ABORT, 'the check-in log is append-only: annul instead'); END;
-- Derived from the log in the same transaction as every append, so the engine and the
-- statistics need not scan it: the attendee's effective check-in (latest action = checkin).
ALTER TABLE attendees ADD COLUMN current_checkin_id TEXT;
ALTER TABLE attendees ADD COLUMN checked_in_at INTEGER;
CREATE INDEX attendees_by_category ON attendees(category, status, checked_in_at);
CREATE INDEX attendees_by_group ON attendees(working_group, status, checked_in_at);
CREATE INDEX attendees_arrival ON attendees(checked_in_at) WHERE checked_in_at IS NOT NULL;
CREATE TABLE refused_scans (
  id TEXT PRIMARY KEY,
  nonce TEXT NOT NULL UNIQUE,
  case_ref TEXT NOT NULL UNIQUE,
  at INTEGER NOT NULL,
  kiosk TEXT NOT NULL,
  outcome TEXT NOT NULL,        -- stable reason code
  code_kind TEXT NOT NULL,
  payload_escaped TEXT NOT NULL,
  attendee_id TEXT REFERENCES attendees(id),
  first_checkin_id TEXT,        -- for already_checked_in
  resolved_at INTEGER,
  resolved_by TEXT,
  resolution_note TEXT
);
CREATE INDEX refused_at ON refused_scans(at);
)sql"},
    {3, "audit log and print outbox", R"sql(
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  attendee_id TEXT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_at ON audit_log(at);
CREATE TABLE print_jobs (
  id TEXT PRIMARY KEY,
  attendee_id TEXT NOT NULL REFERENCES attendees(id),
  checkin_id TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  cups_job_id INTEGER NOT NULL DEFAULT 0,
  printer TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX print_jobs_once ON print_jobs(checkin_id, kind) WHERE checkin_id <> '';
CREATE INDEX print_jobs_state ON print_jobs(state, created_at);
CREATE INDEX print_jobs_attendee ON print_jobs(attendee_id, kind);
)sql"},
    {4, "accent-folded search index", R"sql(
-- words: first, last name and organisation folded by foldForSearch; rowid = attendees.seq.
CREATE VIRTUAL TABLE attendee_search USING fts5(words, tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3');
)sql"},
    {5, "running counters for the dashboard", R"sql(
-- stats() read five aggregates over the attendees (50 ms at 100,000 people, every refresh of
-- every dashboard). These counters change in the same transaction as each write (triggers for
-- updates and deletes, see below for inserts); the dashboard reads a few dozen rows.
-- dim: '' (key '') for the totals, 'category', 'working_group'.
CREATE TABLE stat_groups (
  dim TEXT NOT NULL,
  key TEXT NOT NULL,
  attendees INTEGER NOT NULL DEFAULT 0,
  registered INTEGER NOT NULL DEFAULT 0,
  checked_in INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, key)
) WITHOUT ROWID;
-- Effective arrivals per 5 minutes (bucket = checked_in_at / 300000).
CREATE TABLE stat_arrivals (
  bucket INTEGER PRIMARY KEY,
  n INTEGER NOT NULL DEFAULT 0
);
INSERT INTO stat_groups(dim, key, attendees, registered, checked_in)
  SELECT '', '', count(*), coalesce(sum(status = 'registered'), 0), count(checked_in_at) FROM attendees;
INSERT INTO stat_groups(dim, key, attendees, registered, checked_in)
  SELECT 'category', category, count(*), sum(status = 'registered'), count(checked_in_at) FROM attendees
  GROUP BY category;
INSERT INTO stat_groups(dim, key, attendees, registered, checked_in)
  SELECT 'working_group', working_group, count(*), sum(status = 'registered'), count(checked_in_at)
  FROM attendees GROUP BY working_group;
INSERT INTO stat_arrivals(bucket, n)
  SELECT checked_in_at / 300000, count(*) FROM attendees WHERE checked_in_at IS NOT NULL GROUP BY 1;
-- Inserts are counted by the code that inserts (Database::Impl::insertAttendee, the only
-- insert): an AFTER INSERT trigger made each insert carry a statement journal, 2.3 s of a
-- 100,000-row import. Updates and deletes are counted here.
CREATE TRIGGER attendees_count_delete AFTER DELETE ON attendees BEGIN
  INSERT INTO stat_groups(dim, key, attendees, registered, checked_in) VALUES
    ('', '', -1, -(old.status = 'registered'), -(old.checked_in_at IS NOT NULL)),
    ('category', old.category, -1, -(old.status = 'registered'), -(old.checked_in_at IS NOT NULL)),
    ('working_group', old.working_group, -1, -(old.status = 'registered'), -(old.checked_in_at IS NOT NULL))
  ON CONFLICT (dim, key) DO UPDATE SET attendees = attendees + excluded.attendees,
    registered = registered + excluded.registered, checked_in = checked_in + excluded.checked_in;
  UPDATE stat_arrivals SET n = n - 1 WHERE old.checked_in_at IS NOT NULL AND bucket = old.checked_in_at / 300000;
END;
CREATE TRIGGER attendees_count_update AFTER UPDATE OF status, checked_in_at, category, working_group ON attendees
WHEN old.status IS NOT new.status OR old.checked_in_at IS NOT new.checked_in_at
  OR old.category IS NOT new.category OR old.working_group IS NOT new.working_group
BEGIN
  INSERT INTO stat_groups(dim, key, attendees, registered, checked_in) VALUES
    ('', '', 0, (new.status = 'registered') - (old.status = 'registered'),
      (new.checked_in_at IS NOT NULL) - (old.checked_in_at IS NOT NULL)),
    ('category', old.category, -1, -(old.status = 'registered'), -(old.checked_in_at IS NOT NULL)),
    ('category', new.category, 1, new.status = 'registered', new.checked_in_at IS NOT NULL),
    ('working_group', old.working_group, -1, -(old.status = 'registered'), -(old.checked_in_at IS NOT NULL)),
    ('working_group', new.working_group, 1, new.status = 'registered', new.checked_in_at IS NOT NULL)
  ON CONFLICT (dim, key) DO UPDATE SET attendees = attendees + excluded.attendees,
    registered = registered + excluded.registered, checked_in = checked_in + excluded.checked_in;
  UPDATE stat_arrivals SET n = n - 1 WHERE old.checked_in_at IS NOT NULL AND bucket = old.checked_in_at / 300000;
  INSERT INTO stat_arrivals(bucket, n) SELECT new.checked_in_at / 300000, 1 WHERE new.checked_in_at IS NOT NULL
  ON CONFLICT (bucket) DO UPDATE SET n = n + 1;
END;
-- The two indexes served only the aggregates above.
DROP INDEX attendees_by_category;
DROP INDEX attendees_by_group;
)sql"},
    {6, "pretix signature keys, revoked secrets, Indico server", R"sql(
-- pretix_sig1: the event's Ed25519 public keys (several during a key rotation); a signed code
-- verified by one of them is genuine even if the imported list does not carry it.
CREATE TABLE pretix_keys (
  public_key BLOB PRIMARY KEY,  -- 32 bytes
  fingerprint TEXT NOT NULL,    -- keyFingerprint(): first 8 bytes of SHA-256 over the DER
  source TEXT NOT NULL DEFAULT '',
  added_at INTEGER NOT NULL
) WITHOUT ROWID;
-- pretix's revoked-secrets list: signed codes that must not enter although their signature is
-- valid (the code was replaced or the order cancelled after the export).
CREATE TABLE revoked_secrets (
  secret TEXT PRIMARY KEY,
  source TEXT NOT NULL DEFAULT '',
  added_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Host of the Indico server whose tickets belong to this event ("indico.example.org"); a
-- compact Indico code naming another host is wrong_event. '' = not known (host not checked).
ALTER TABLE event ADD COLUMN indico_host TEXT NOT NULL DEFAULT '';
)sql"},
    {7, "print outbox: machine, error code and text, dismissed state", R"sql(
-- A job belongs to the machine where the person stands (only its printer prints it). Jobs
-- written before this step take the kiosk of their check-in; reprints keep '' (no machine:
-- a desk retry gives them one).
ALTER TABLE print_jobs ADD COLUMN machine TEXT NOT NULL DEFAULT '';
UPDATE print_jobs SET machine = coalesce((SELECT c.kiosk FROM checkins c WHERE c.id = print_jobs.checkin_id), '');
-- last_error held "code: text" in one column, and a dismissal at the desk was a failed job
-- whose text began with "desk.dismissed:". Now: error_code, error_text, state 'dismissed'.
ALTER TABLE print_jobs ADD COLUMN error_code TEXT NOT NULL DEFAULT '';
ALTER TABLE print_jobs ADD COLUMN error_text TEXT NOT NULL DEFAULT '';
UPDATE print_jobs SET
  error_code = CASE WHEN instr(last_error, ':') > 0 THEN substr(last_error, 1, instr(last_error, ':') - 1)
                    ELSE last_error END,
  error_text = CASE WHEN instr(last_error, ':') > 0 THEN ltrim(substr(last_error, instr(last_error, ':') + 1), ' ')
                    ELSE '' END
  WHERE last_error <> '';
UPDATE print_jobs SET state = 'dismissed' WHERE error_code = 'desk.dismissed';
ALTER TABLE print_jobs DROP COLUMN last_error;
CREATE INDEX print_jobs_machine ON print_jobs(machine, state, created_at);
)sql"},
    {8, "an annul names the check-in it cancels", R"sql(
-- An annul row said only "this person is no longer in"; with several machines replicating one
-- log, the row must say which arrival it cancels, so every copy reaches the same state.
ALTER TABLE checkins ADD COLUMN annuls TEXT;
-- Annuls written before this step cancel the newest arrival before them. The log is
-- append-only: the guard is lifted for this one backfill and put back as it was.
DROP TRIGGER checkins_no_update;
UPDATE checkins SET annuls = (
  SELECT c2.id FROM checkins c2
  WHERE c2.attendee_id = checkins.attendee_id AND c2.action = 'checkin'
    AND (c2.at < checkins.at OR (c2.at = checkins.at AND c2.rowid < checkins.rowid))
  ORDER BY c2.at DESC, c2.rowid DESC LIMIT 1)
WHERE action = 'annul';
CREATE TRIGGER checkins_no_update BEFORE UPDATE ON checkins
  BEGIN SELECT RAISE(ABORT, 'the check-in log is append-only: annul instead'); END;
)sql"},
    {9, "event branding for badges: short name, tagline, colours, logo", R"sql(
-- Badges took the demo's name and logo from the templates; now they take the event's.
ALTER TABLE event ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
ALTER TABLE event ADD COLUMN tagline TEXT NOT NULL DEFAULT '';
ALTER TABLE event ADD COLUMN colour TEXT NOT NULL DEFAULT '';         -- '#rrggbb', '' = the template's
ALTER TABLE event ADD COLUMN accent_colour TEXT NOT NULL DEFAULT '';
ALTER TABLE event ADD COLUMN logo BLOB;                               -- PNG or JPEG bytes; NULL = none
)sql"},
    {10, "personal data can be erased: erased_at, retention, append-only rules that allow it", R"sql(
-- Erasure (GDPR Art. 17, docs/privacy.md) blanks a person's personal fields on the rows that
-- exist and records the fact in the audit log; the row stays, anonymous, so the counts and the
-- arrivals chart stay right. erased_at: when; the names, e-mail and external id are gone.
ALTER TABLE attendees ADD COLUMN erased_at INTEGER;
-- How long after the event's end the list may be kept (kiosk event --retention-days).
ALTER TABLE event ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 30;
-- The check-in log stays append-only. The one exception: the free-text reason of an erased
-- person's entries may be blanked ('' or '[erased]'); nothing else of a row may change.
DROP TRIGGER checkins_no_update;
CREATE TRIGGER checkins_no_update BEFORE UPDATE ON checkins
WHEN old.id IS NOT new.id OR old.nonce IS NOT new.nonce OR old.attendee_id IS NOT new.attendee_id
  OR old.at IS NOT new.at OR old.kiosk IS NOT new.kiosk OR old.action IS NOT new.action
  OR old.actor IS NOT new.actor OR old.code_id IS NOT new.code_id OR old.annuls IS NOT new.annuls
  OR new.reason NOT IN ('', '[erased]')
  OR NOT EXISTS (SELECT 1 FROM attendees a WHERE a.id = old.attendee_id AND a.erased_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'the check-in log is append-only: annul instead'); END;
-- The audit log was append-only by convention only. Now by rule: no row is deleted, and only
-- the detail may change (an erasure scrubs what it quotes of a person).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN old.id IS NOT new.id OR old.at IS NOT new.at OR old.actor IS NOT new.actor
  OR old.action IS NOT new.action OR old.attendee_id IS NOT new.attendee_id
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql"},
    {11, "the demo event is marked as such", R"sql(
-- The demo PIN was accepted on any event whose id began with "rrbsi-": an organiser's own file
-- could open with 2018. Only `kiosk demo` sets this flag; nothing infers it from a name, so
-- files made before this step are not the demo until `kiosk demo` runs on them again.
ALTER TABLE event ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
)sql"},
    {12, "desk search: names run together, external ids, e-mails", R"sql(
-- The desk finds people by the reference on their confirmation (the order code of pretix,
-- Eventbrite's attendee or order number), by e-mail and by names typed without their
-- apostrophe or hyphen ("dhondt" for D'Hondt): the index gets the joined words
-- (kiosk_search_words is the store's searchWords, registered on every connection).
CREATE INDEX attendees_external_id ON attendees(external_id) WHERE external_id <> '';
CREATE INDEX attendees_email ON attendees(lower(email)) WHERE email <> '';
DELETE FROM attendee_search;
INSERT INTO attendee_search(rowid, words)
  SELECT seq, kiosk_search_words(first_name, last_name, badge_name, organisation) FROM attendees;
)sql"},
    {13, "re-entry: the event's setting and the log of re-entries", R"sql(
-- A second scan by someone already in: 'refused' sends them to the desk (already_checked_in),
-- 'allowed' lets them back in (reentry) without a second arrival.
ALTER TABLE event ADD COLUMN reentry TEXT NOT NULL DEFAULT 'refused' CHECK (reentry IN ('refused', 'allowed'));
-- Append-only like the check-in log. A re-entry is not an arrival: the attendee's check-in in
-- force (attendees.current_checkin_id) and so the headcount do not change.
CREATE TABLE reentries (
  id TEXT PRIMARY KEY,
  nonce TEXT NOT NULL UNIQUE,
  attendee_id TEXT NOT NULL REFERENCES attendees(id),
  checkin_id TEXT NOT NULL,     -- the check-in in force at the re-entry
  at INTEGER NOT NULL,          -- UTC, ms since the epoch
  kiosk TEXT NOT NULL,
  code_id TEXT
);
CREATE INDEX reentries_attendee ON reentries(attendee_id, at);
CREATE TRIGGER reentries_no_update BEFORE UPDATE ON reentries
  BEGIN SELECT RAISE(ABORT, 'the re-entry log is append-only'); END;
CREATE TRIGGER reentries_no_delete BEFORE DELETE ON reentries
  BEGIN SELECT RAISE(ABORT, 'the re-entry log is append-only'); END;
)sql"},
    {14, "a badge per kind of attendee", R"sql(
-- People of a category or ticket type get another template, band colour or role word.
CREATE TABLE badge_rules (
  match TEXT NOT NULL CHECK (match IN ('category', 'ticket_type')),
  value TEXT NOT NULL COLLATE NOCASE,
  template TEXT NOT NULL DEFAULT '',  -- a template's name; '' = the kiosk's default template
  colour TEXT NOT NULL DEFAULT '',    -- band colour '#rrggbb'; '' = the template's for the category
  role TEXT NOT NULL DEFAULT '',      -- role word; '' = the category's translated label
  PRIMARY KEY (match, value)
) WITHOUT ROWID;
)sql"},
    {15, "replication: origin device, in force = earliest not annulled, sync state", R"sql(
-- Several machines merge their logs through the event's PostgreSQL server (docs/sync.md).
-- device_id names the machine a row came from; NULL means "written on this machine" (what the
-- sync agent pushes). Rows pulled from the server carry their origin.
ALTER TABLE checkins ADD COLUMN device_id TEXT;
-- When the server received a pulled row (UTC ms): a row received long after its `at` came
-- from a machine that was offline.
ALTER TABLE checkins ADD COLUMN received_at INTEGER;
ALTER TABLE attendees ADD COLUMN device_id TEXT;
ALTER TABLE codes ADD COLUMN device_id TEXT;
ALTER TABLE audit_log ADD COLUMN device_id TEXT;
-- Re-entries (step 13) travel like check-ins: a log row that names the person and the check-in
-- in force; stats count them wherever they were made.
ALTER TABLE reentries ADD COLUMN device_id TEXT;
-- The check-in in force is now the EARLIEST check-in (by at, then id) that no annul names
-- (step 8), so logs merged from several machines need no order. Locally the log was linear,
-- so the check-in in force stays the same.
CREATE INDEX checkins_annuls ON checkins(annuls) WHERE annuls IS NOT NULL;
CREATE INDEX checkins_attendee_order ON checkins(attendee_id, at, id);
-- Case references are unique per machine (two kiosks may draw the same one while apart); this
-- machine still draws references no known row uses.
CREATE TABLE refused_scans_v15 (
  id TEXT PRIMARY KEY,
  nonce TEXT NOT NULL UNIQUE,
  case_ref TEXT NOT NULL,
  at INTEGER NOT NULL,
  kiosk TEXT NOT NULL,
  outcome TEXT NOT NULL,
  code_kind TEXT NOT NULL,
  payload_escaped TEXT NOT NULL,
  attendee_id TEXT REFERENCES attendees(id),
  first_checkin_id TEXT,
  resolved_at INTEGER,
  resolved_by TEXT,
  resolution_note TEXT,
  device_id TEXT
);
INSERT INTO refused_scans_v15(id, nonce, case_ref, at, kiosk, outcome, code_kind, payload_escaped, attendee_id,
  first_checkin_id, resolved_at, resolved_by, resolution_note)
  SELECT id, nonce, case_ref, at, kiosk, outcome, code_kind, payload_escaped, attendee_id, first_checkin_id,
         resolved_at, resolved_by, resolution_note FROM refused_scans;
DROP TABLE refused_scans;
ALTER TABLE refused_scans_v15 RENAME TO refused_scans;
CREATE INDEX refused_at ON refused_scans(at);
CREATE UNIQUE INDEX refused_case_ref ON refused_scans(coalesce(device_id, ''), case_ref);
CREATE INDEX refused_case_lookup ON refused_scans(case_ref);
-- "Same person, fine" at the desk for a duplicate pair (a duplicate is a pure function of the
-- check-ins, see Database::duplicates; only the desk's verdict is stored). Append-only.
CREATE TABLE duplicate_resolutions (
  id TEXT PRIMARY KEY,
  checkin_id TEXT NOT NULL,
  first_checkin_id TEXT NOT NULL,
  attendee_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  device_id TEXT
);
CREATE INDEX duplicate_resolutions_pair ON duplicate_resolutions(checkin_id, first_checkin_id);
-- The sync agent's state: device (enrolled name), event_id, server_id, pulled_upto (feed
-- position), online, offline_since, last_error, last_sync_at.
CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- Rows written here and not yet acknowledged by the server, in write order (a walk-in before
-- its check-in). Filled by triggers that exist only in a file attached to a device (see
-- kiosk/core/src/sync/agent.cpp): the organiser's file imports without them. AUTOINCREMENT:
-- a sequence number is never reused once the outbox was emptied.
CREATE TABLE sync_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  row_id TEXT NOT NULL
);
)sql"},
    {16, "people with more than one arrival, kept by a trigger", R"sql(
-- A duplicate needs two arrivals of one person: the duplicate rule (Database::duplicates) starts
-- from these few people instead of grouping every check-in. The dashboard counts open duplicates
-- every second: 75 ms at 100,000 check-ins by grouping, a lookup with this table. Check-ins are
-- append-only (never deleted, their person never changes), so adding is all the trigger does.
CREATE TABLE checkins_multi (attendee_id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO checkins_multi
  SELECT attendee_id FROM checkins WHERE action = 'checkin' GROUP BY attendee_id HAVING count(*) > 1;
CREATE TRIGGER checkins_multi_add AFTER INSERT ON checkins WHEN new.action = 'checkin'
BEGIN
  INSERT OR IGNORE INTO checkins_multi SELECT new.attendee_id
  WHERE (SELECT count(*) FROM checkins WHERE attendee_id = new.attendee_id AND action = 'checkin') > 1;
END;
)sql"},
};
}  // namespace

std::span<const MigrationStep> migrationSteps() {
    return kSteps;
}

}  // namespace kiosk::core::store
