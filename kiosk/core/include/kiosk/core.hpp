#pragma once
/// kiosk::core facade: the event database, the check-in engine, importers and exporters.
/// UI-free: the CLI, the window, the tests and the benchmarks all drive the kiosk through this.
#include <kiosk/core/desk.hpp>
#include <kiosk/core/payload.hpp>
#include <kiosk/core/privacy.hpp>
#include <kiosk/core/result.hpp>
#include <kiosk/core/types.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiosk::core {

// ---------------------------------------------------------------------------------------------
// Payloads

/// Validation that runs before anything else sees a scanned payload: at most 4 KiB, valid UTF-8,
/// control characters stripped, surrounding white space trimmed. nullopt = invalid_payload.
std::optional<std::string> sanitizePayload(std::string_view raw);
/// Escape control characters and invalid UTF-8 for logs, screens and exports ("\x1b", "\u0000").
std::string escapeForDisplay(std::string_view raw);

// ---------------------------------------------------------------------------------------------
// Import

enum class ImportFormat { Auto, Pretix, Eventbrite, Generic, Indico };

/// Longest value an import accepts in an attendee field (name, e-mail, code…), in bytes: a row
/// with a longer one is rejected ("value too long", docs/import.md) instead of reaching badges.
inline constexpr std::size_t kMaxImportValueBytes = 1024;

struct ImportRow {                   ///< one attendee as read from an export
    int line = 0;                    ///< 1-based line number in the file (first data line is 2)
    Attendee attendee;               ///< id empty: the store matches by (externalSource, externalId)
    std::vector<std::string> codes;  ///< scannable codes (pretix secret, Eventbrite barcode…)
    /// Eventbrite without a `Barcode #` column: order number + attendee number concatenated
    /// ("1234567890" + "98765"). A scanned digits-only code that starts with one of these (and
    /// has at most 6 more digits, the ticket sequence) resolves to this attendee.
    std::vector<std::string> codePrefixes;
    bool cancelled = false;  ///< cancelled / refunded / not attending: revoke the codes
    /// The export named this person's language (attendee.language). When it did not, a new
    /// person gets the event's default language and a known one keeps theirs: never a
    /// language nobody chose (before: French on an English event's badges and welcome).
    bool languageGiven = false;
    /// Already checked in at the source system (pretix `Checked in`, Eventbrite `Checked In`,
    /// Indico `checked_in`): imported as a check-in made there (kiosk = the source's name), at
    /// `checkedInAt` when the export gives the time, else at the import's time.
    bool checkedIn = false;
    std::optional<TimePoint> checkedInAt;
};
struct RejectedRow {
    int line = 0;
    std::string reason;  ///< e.g. "missing name", "unbalanced quote", "invalid UTF-8"
};
struct ImportBatch {
    ImportFormat detected = ImportFormat::Generic;
    std::string source;  ///< "pretix" / "eventbrite" / "generic"
    std::vector<ImportRow> rows;
    std::vector<RejectedRow> rejected;
    /// Rows imported that deserve a look (a quoted value over several lines in a file that
    /// otherwise keeps one row per line).
    std::vector<RejectedRow> warnings;
    /// What the organiser should know about the file as a whole ("read as Windows-1252 …").
    std::vector<std::string> notes;
    std::string encoding = "UTF-8";  ///< "UTF-8" or "Windows-1252" (decoded to UTF-8)
};
/// Parse an export (pure: no database). Errors only for unreadable input or unknown format.
Result<ImportBatch> parseExport(std::string_view bytes, ImportFormat format = ImportFormat::Auto);
Result<ImportBatch> parseExportFile(const std::string& path, ImportFormat format = ImportFormat::Auto);
/// The bytes of an export file (at most 512 MB), with errors that say what to do.
Result<std::string> readExportFile(const std::string& path);
/// Receives parsed rows in order, `chunkRows` at a time, with the batch's source ("pretix" …).
using ImportRowSink = std::function<void(std::vector<ImportRow>&& rows, const std::string& source)>;
/// parseExport, handing the rows to `sink` as they are parsed instead of keeping them: the
/// returned batch has the format, the source and the rejections, and no rows.
Result<ImportBatch> parseExportStreaming(std::string_view bytes, ImportFormat format,
                                         const ImportRowSink& sink, std::size_t chunkRows = 2048);

/// pretix's revoked-secrets list (`kiosk import --revoked FILE`).
struct RevokedList {
    std::vector<std::string> secrets;
    bool morePages = false;  ///< the API's JSON had a "next" page: this file is not the whole list
};
/// The REST API's JSON (`{"results": [{"secret": …}]}`, or a bare array) or one secret per line
/// ('#' starts a comment line). Pure.
Result<RevokedList> parseRevokedSecrets(std::string_view text);
struct RevocationSummary {
    int listed = 0;        ///< secrets in the file
    int added = 0;         ///< not known before
    int codesRevoked = 0;  ///< imported codes revoked now
};

/// Someone imported earlier from the same source who is not in this export.
struct MissingPerson {
    std::string attendeeId;
    std::string externalId;
    std::string name;
};

/// How applyImport / importFile write.
struct ImportApplyOptions {
    /// Revoke the codes of (and cancel) the people of this source that the file no longer has:
    /// for a complete re-export only. Refused while the file has rejected rows (their people
    /// would look missing).
    bool revokeMissing = false;
    /// The import commits as soon as another connection waits for the write lock (a check-in
    /// at the door waits for the rows of a fraction of a millisecond and one commit, never for
    /// the whole import), and otherwise at least every maxTransactionMs (docs/import.md).
    int maxTransactionMs = 250;
};

struct ImportSummary {
    int imported = 0;  ///< new attendees
    int updated = 0;   ///< existing attendees changed (check-ins kept)
    int unchanged = 0;
    int revoked = 0;          ///< codes revoked because the person is now cancelled
    int reissued = 0;         ///< old codes revoked because the export brings a new one for the person
    int earlierCheckins = 0;  ///< check-ins made at the source system, imported now
    /// People of this source imported before and absent from this file (at most 200 listed;
    /// missingCount has them all). With revokeMissing their codes are revoked.
    std::vector<MissingPerson> missing;
    int missingCount = 0;
    int missingRevoked = 0;  ///< people cancelled by revokeMissing
    std::vector<RejectedRow> rejected;
    std::vector<RejectedRow> warnings;  ///< imported rows worth a look (ImportBatch::warnings)
    std::vector<std::string> notes;     ///< about the file as a whole (ImportBatch::notes)
    std::string encoding = "UTF-8";
    std::string source;  ///< "pretix" / "eventbrite" / "generic"
};

// ---------------------------------------------------------------------------------------------
// The event database

class Database;

/// Options of the one entry point that records a scan.
struct EngineOptions {
    bool enforceDoors = true;  ///< false: ignore doorsOpenAt/doorsCloseAt (desk override)
    /// Queue a badge: an arrival and its badge job (machine = the request's kiosk) are written
    /// in the same transaction; a replayed nonce returns the job written the first time.
    bool queueBadge = false;
};

/// A pretix_sig1 public key the kiosk verifies signed pretix tickets with (docs/qr-format.md).
struct PretixKeyInfo {
    Ed25519PublicKey key{};
    std::string fingerprint;  ///< keyFingerprint(key)
    std::string source;       ///< the file it came from
    TimePoint addedAt{};
};

struct AuditEntry {
    TimePoint at{};
    std::string actor;
    std::string action;  ///< "attendee.rename", "checkin.annul", "attendee.walkin", …
    std::string attendeeId;
    std::string detail;  ///< JSON text
};

/// One check-in of a duplicate pair (see Database::duplicates).
struct DuplicateSide {
    std::string checkinId;
    TimePoint at{};
    std::string kiosk;
    std::string device;                   ///< enrolled machine it came from; "" = this machine
    std::optional<TimePoint> receivedAt;  ///< when the server received it (rows pulled from it)
    /// Reached the server more than a minute after it happened: the kiosk was offline.
    bool late() const { return receivedAt && *receivedAt - at > std::chrono::minutes(1); }
};
/// Two check-ins of one person that were both accepted (two kiosks apart, or a kiosk that had
/// not yet heard of the other's arrival). Surfaced, never merged: `first` is in force.
struct DuplicateCheckin {
    std::string attendeeId;
    std::string name;
    DuplicateSide first;
    DuplicateSide second;
    bool resolved = false;  ///< "same person, fine" at a desk, or one of the two annulled since
};

/// Another enrolled machine of the event, as the server last told this machine's agent.
struct MachineStatus {
    std::string name;
    std::string kind;  ///< "kiosk", "desk", "dashboard"
    bool online = false;
    std::optional<TimePoint> lastSeenAt;  ///< offline: when the server last heard of it (none: never)
};

/// The sync agent's state as the window shows it ("online", "offline since 10:42 · 37 to send").
struct SyncStatus {
    bool attached = false;  ///< the file belongs to an enrolled device (`kiosk sync` ran)
    std::string device;
    /// A `kiosk sync` process runs on this file now. When it does not (stopped, or killed without
    /// a word), the file is offline whatever the agent last wrote: offlineSince is then the last
    /// moment it was known in touch, and lastError says the agent is not running.
    bool agentRunning = false;
    bool online = false;
    TimePoint offlineSince{};  ///< when the agent last lost the server (online = false)
    int64_t toSend = 0;        ///< rows written here and not yet acknowledged by the server
    TimePoint lastSyncAt{};    ///< last completed push and pull
    std::string lastError;
    /// Every enrolled machine (this one too), by name, as of the agent's last word with the server.
    std::vector<MachineStatus> machines;
};

/// One SQLite file per event deployment. WAL, synchronous=FULL, busy_timeout, foreign keys,
/// BEGIN IMMEDIATE for every write; safe with several processes on one machine. Move-only.
class Database {
public:
    enum class Mode { OpenExisting, CreateIfMissing, ReadOnly };
    /// Opens and migrates. A database written by a newer kiosk is refused ("db.newer_schema").
    static Result<Database> open(const std::string& path, Mode mode = Mode::CreateIfMissing);
    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    static int schemaVersion();  ///< the version this binary writes
    std::string path() const;

    // --- event and keys
    Result<std::optional<Event>> event() const;
    /// Creates the signing key on first call. Errors "event.bad_text", "event.bad_colour"
    /// (colours are "#rrggbb" or empty), "event.bad_id", "event.id_change".
    Status setEvent(const Event& e);
    /// The event's logo for badges: PNG or JPEG bytes as given, empty when there is none.
    Result<std::string> eventLogo() const;
    /// Sets ("" removes) the logo. Errors "event.bad_logo" (not a PNG or JPEG file, or larger
    /// than kMaxLogoBytes). Audited as "event.logo".
    Status setEventLogo(const std::string& bytes, const std::string& actor, TimePoint at);
    static constexpr std::size_t kMaxLogoBytes = 2 * 1024 * 1024;
    /// Our own QR payload for an attendee (signed with the event's secret key, see docs/qr-format.md).
    Result<std::string> issueCode(const std::string& attendeeId);
    /// The payload a scan of this attendee's confirmation yields: the imported code of the system
    /// they registered with if there is one (even revoked: scanning it must say so), else our
    /// own code, created on demand. Stable across calls.
    Result<std::string> primaryCode(const std::string& attendeeId);

    // --- pretix signed tickets (pretix_sig1): keys verify codes offline, also codes bought
    // after the export (docs/checkin.md)
    Result<std::vector<PretixKeyInfo>> pretixKeys() const;  ///< oldest first
    /// Adds the keys not yet known (a rotation keeps the old ones valid); returns how many were
    /// new. Audited as "event.pretix_keys".
    Result<int> addPretixKeys(std::span<const Ed25519PublicKey> keys, const std::string& source,
                              const std::string& actor, TimePoint at);
    Status clearPretixKeys(const std::string& actor, TimePoint at);  ///< signed codes then need the list
    /// Adds pretix's revoked secrets: a scan of one is `revoked` even with a valid signature, and
    /// an imported code equal to one is revoked (reason "pretix.revoked"). One transaction, audited.
    Result<RevocationSummary> addRevokedSecrets(const std::vector<std::string>& secrets,
                                                const std::string& source, const std::string& actor,
                                                TimePoint at);

    // --- a badge per kind of attendee
    Result<std::vector<BadgeRule>> badgeRules() const;  ///< ticket types first, then categories
    /// The rule for this attendee: their ticket type's, else their category's, else none.
    Result<std::optional<BadgeRule>> badgeRuleFor(const Attendee& a) const;
    /// Applies the changes in one transaction, each audited ("event.badge_rule"). Errors
    /// "badge.bad_rule" (a path for a template, a colour not #rrggbb, control characters),
    /// nothing written then.
    Status changeBadgeRules(const std::vector<BadgeRuleChange>& changes, const std::string& actor,
                            TimePoint at);

    // --- attendees
    Result<Attendee> addAttendee(Attendee a, const std::string& actor);  ///< id generated
    Result<std::optional<Attendee>> attendee(const std::string& id) const;
    Result<std::vector<Attendee>> attendees() const;  ///< sorted by last, first name
    Status renameForBadge(const std::string& id, const std::string& badgeName, const std::string& actor);
    /// Accent- and case-insensitive prefix search on first, last name and organisation.
    Result<std::vector<Attendee>> search(std::string_view text, int limit = 50) const;
    /// What the help desk's search box (and `kiosk search`) does with what is typed or scanned
    /// into it: the person a scanned code belongs to (any code we know, revoked ones too), the
    /// person of a case reference ("K7F-3Q"), of the reference on our confirmation (the attendee
    /// id, or its first 16+ characters), of an external id or order code (pretix "ABC12" finds
    /// "ABC12-1"), of an e-mail address; then the name search. Exact finds come first.
    Result<std::vector<Attendee>> findAttendees(std::string_view text, int limit = 50) const;
    /// Writes in several transactions (ImportApplyOptions) so that check-ins never wait for
    /// the whole import. Every row is applied idempotently (upsert by external id): should the
    /// import fail half-way (disk full, database replaced), the error says how far it got and
    /// importing the same file again completes it. The summary's audit entry, the missing
    /// people and their revocation come in the last transaction, after every row.
    Result<ImportSummary> applyImport(const ImportBatch& batch, const std::string& actor, TimePoint at,
                                      const ImportApplyOptions& options = {});
    /// readExportFile + parse + applyImport, parsing on a second thread while the rows already
    /// parsed are written (what `kiosk import` does). The same summary as parseExportFile
    /// followed by applyImport; nothing is written if the file cannot be read or recognised.
    Result<ImportSummary> importFile(const std::string& path, ImportFormat format, const std::string& actor,
                                     TimePoint at, const ImportApplyOptions& options = {});

    // --- check-ins
    /// The one entry point: validate → resolve code → evaluate → one BEGIN IMMEDIATE write of the
    /// arrival or the refused scan. The order of the checks is documented in docs/checkin.md.
    Result<ScanResult> checkIn(const ScanRequest& req, const EngineOptions& opt = {});
    /// Desk check-in by attendee id (no code), e.g. for a walk-in or a forgotten phone.
    Result<ScanResult> checkInAttendee(const std::string& attendeeId, const std::string& kiosk, TimePoint at,
                                       const std::string& actor, const std::string& reason);
    Status annul(const std::string& attendeeId, const std::string& actor, const std::string& reason,
                 const std::string& kiosk, TimePoint at);
    Result<std::vector<CheckinRecord>> history(const std::string& attendeeId) const;
    Result<std::vector<CheckinRecord>> recentCheckins(int limit) const;
    Result<std::vector<RefusedScan>> refusedScans(bool unresolvedOnly, int limit) const;
    Status resolveRefusedScan(const std::string& id, const std::string& actor, const std::string& note);

    // --- help desk: each operation one BEGIN IMMEDIATE transaction (kiosk/core/desk.hpp)
    /// Manual check-in, with its badge job (machine = who.kiosk) when `queueBadge`. A refused
    /// attempt (already checked in, cancelled) is recorded as a case closed at once: it happened
    /// at the desk itself. Errors: attendee.not_found.
    Result<ScanResult> deskCheckIn(const std::string& attendeeId, const std::string& reason, bool queueBadge,
                                   const DeskContext& who);
    /// Annuls the person's current check-in; the annul row names it (CheckinRecord::annuls).
    /// Errors: annul.no_reason, annul.no_actor, attendee.not_found, checkin.not_checked_in.
    Result<CheckinRecord> deskAnnul(const std::string& attendeeId, const std::string& reason,
                                    const DeskContext& who);
    /// Annuls one given arrival of a person (a duplicate pair's "annul one"): the annul row names
    /// it; the person's other check-in, if any, is then the one in force. Errors: annul.no_reason,
    /// annul.no_actor, checkin.not_found (no arrival with this id), checkin.already_annulled.
    Result<CheckinRecord> deskAnnulCheckin(const std::string& checkinId, const std::string& reason,
                                           const DeskContext& who);
    /// Look-alike check, create, check in and the badge job, all or nothing. Errors:
    /// attendee.no_name.
    Result<WalkInResult> registerWalkIn(const WalkInRequest& request, const DeskContext& who);
    /// The name as printed, normalised (normaliseBadgeName); nothing written when unchanged.
    Result<BadgeRename> renameBadge(const std::string& attendeeId, std::string_view typed,
                                    const DeskContext& who);
    /// A reprint of the person's badge at who.kiosk, counted and audited.
    Result<PrintJob> reprintBadge(const std::string& attendeeId, const DeskContext& who);
    /// Closes a refused scan (by id or case reference) with `note`, doing `action` with it.
    /// Errors: refused.not_found, case.no_attendee (CheckIn/Reprint on a case naming nobody),
    /// and those of deskCheckIn.
    Result<CaseResolution> resolveCase(const std::string& idOrRef, CaseAction action, const std::string& note,
                                       const DeskContext& who);

    // --- stats and export
    Result<Stats> stats() const;
    /// Everything a dashboard shows, read in ONE snapshot with counts done by SQLite (a few dozen
    /// rows whatever the crowd): the stats, badges waiting / held, open desk cases, and the
    /// `recentLimit` newest check-ins and refused scans.
    struct Overview {
        Stats stats;
        int64_t printsWaiting = 0;                  ///< pending or with CUPS
        int64_t printsHeld = 0;                     ///< held or failed, not dismissed at the desk
        int64_t openCases = 0;                      ///< refused scans not resolved
        int64_t openDuplicates = 0;                 ///< duplicate pairs not resolved (several machines)
        std::vector<CheckinRecord> recentCheckins;  ///< newest first
        std::vector<RefusedScan> recentRefused;     ///< newest first
    };
    Result<Overview> overview(int recentLimit) const;
    /// Arrivals as CSV (formula-injection safe). Returns the number of rows written.
    Result<int> exportArrivalsCsv(const std::string& path) const;
    /// A consistent copy of the whole database (SQLite's online backup: kiosks keep checking in
    /// meanwhile), written to `path` through a temporary file and a rename, then verified with
    /// PRAGMA integrity_check. Returns the size in bytes.
    Result<int64_t> backupTo(const std::string& path) const;

    // --- print outbox (exactly-once badge printing; states in kiosk/core/print_job.hpp)
    /// A job for `machine` (the kiosk where the person stands). A check-in's badge is written
    /// once: asking again for the same check-in returns the existing job.
    Result<PrintJob> enqueuePrint(const std::string& attendeeId, const std::string& checkinId,
                                  PrintJobKind kind, const std::string& machine, const std::string& actor,
                                  TimePoint at);
    Result<std::vector<PrintJob>> printJobs(const PrintJobQuery& query = {}) const;
    Result<std::optional<PrintJob>> printJob(const std::string& id) const;
    /// One transition of a job's state machine, in one transaction; "print.bad_transition" if
    /// the job's current state does not allow it (a second drainer, a desk action raced).
    Result<PrintJob> advancePrintJob(const std::string& id, const PrintStep& step);
    Result<int> reprintCount(const std::string& attendeeId) const;

    Result<std::vector<AuditEntry>> audit(int limit) const;  ///< newest first, in recording order

    // --- personal data (docs/privacy.md)
    /// Erases a person's personal data (GDPR Art. 17) in one BEGIN IMMEDIATE transaction: names,
    /// badge name, e-mail, organisation and external id blanked (the row stays, anonymous, so the
    /// counts and the arrivals chart stay right); codes revoked and their values replaced by a
    /// one-way token (a scan says `revoked`); free-text reasons, refused scans and audit details
    /// that quote them scrubbed; the search index rebuilt; an "attendee.erase" audit fact with
    /// actor and reason. Then the file is rewritten and the WAL truncated (no old copy left).
    /// Erasing again is harmless (`attendees` = 0); an unknown id is "attendee.not_found"; a
    /// reason that quotes the person is refused ("erase.reason_quotes_person").
    Result<ErasureReport> erase(const std::string& attendeeId, const std::string& reason,
                                const std::string& actor, TimePoint at);
    /// Anonymises every attendee at once (`kiosk purge`, the end of the retention period), by the
    /// same rules as erase; every refused scan's payload and every free text goes too. The
    /// counts and the arrivals per 5 minutes stay as they were. One transaction.
    Result<ErasureReport> purge(const std::string& actor, TimePoint at);
    /// Everything held about one person (GDPR Art. 15), as one JSON document: a key per table of
    /// personalDataTables() with the rows that belong to or mention the person.
    Result<std::string> personalData(const std::string& attendeeId) const;
    /// The retention date of the event and whether a purge is due.
    Result<RetentionStatus> retention(TimePoint now) const;
    // --- several machines (docs/sync.md)
    /// Every duplicate pair, oldest first: check-in y of a person is a duplicate of x when x
    /// is the earliest check-in before y (by at, then id) that no annul had cancelled by y's
    /// time. A pure function of the set of rows, so every machine and the server agree.
    Result<std::vector<DuplicateCheckin>> duplicates(bool openOnly = false) const;
    /// "Same person, fine": the desk's verdict on a pair (replicates to every machine). Errors:
    /// duplicate.no_actor, duplicate.not_found (not a pair), duplicate.already_resolved.
    Status resolveDuplicate(const std::string& checkinId, const std::string& firstCheckinId,
                            const std::string& actor, const std::string& note, TimePoint at);
    Result<SyncStatus> syncStatus() const;
    /// SQLite's PRAGMA data_version: changes when another connection committed.
    Result<int64_t> dataVersion() const;

    struct Impl;

private:
    friend Status createDemoEvent(Database& db, TimePoint now);  // the only one to mark the demo
    friend struct SyncAccess;  // the sync agent's local side (sync/local.cpp)
    explicit Database(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// Wake-up hint of the print outbox within one process: `callback` runs on the writing thread
/// right after a commit leaves a pending job in the database file `dbPath` (check-in with a
/// badge, reprint, retry). Writers in other processes are not seen: print services also poll.
/// The callback must be quick and must not subscribe or unsubscribe. Unsubscribes when destroyed.
class OutboxSubscription {
public:
    OutboxSubscription() = default;
    explicit OutboxSubscription(uint64_t id) : m_id(id) {}
    OutboxSubscription(OutboxSubscription&& o) noexcept : m_id(std::exchange(o.m_id, 0)) {}
    OutboxSubscription& operator=(OutboxSubscription&& o) noexcept {
        std::swap(m_id, o.m_id);
        return *this;
    }
    ~OutboxSubscription();

private:
    uint64_t m_id = 0;
};
[[nodiscard]] OutboxSubscription onOutboxChange(const std::string& dbPath, std::function<void()> callback);

/// The id of the demo event (RRBSI 2018).
inline constexpr std::string_view kDemoEventId = "rrbsi-2018";
/// Build the database of the demo event (RRBSI 2018, Brussels, 100 participants), marked as the
/// demo in the database (Event::demo: the demo PIN works there and nowhere else). On a database
/// that already holds the demo, reopens its doors around `now` and adds only who is missing.
/// Errors: demo.other_event (another event's file, or one with people not from the demo).
Status createDemoEvent(Database& db, TimePoint now);

}  // namespace kiosk::core
