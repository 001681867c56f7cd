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
};
}  // namespace

std::span<const MigrationStep> migrationSteps() { return kSteps; }

}  // namespace kiosk::core::store
