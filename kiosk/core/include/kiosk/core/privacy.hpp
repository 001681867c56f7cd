#pragma once
/// Personal data as the law requires (docs/privacy.md): what an erasure or a purge did, when the
/// retention period ends, and which tables hold personal data at all.
#include <kiosk/core/types.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::core {

/// What Database::erase (one person) or Database::purge (everyone) changed.
struct ErasureReport {
    int64_t attendees = 0;          ///< people anonymised now (0: already erased before)
    int64_t codesRevoked = 0;       ///< codes that were valid and now say `revoked`
    int64_t codesErased = 0;        ///< code values replaced by their erased token
    int64_t checkinsScrubbed = 0;   ///< free-text reasons blanked in the check-in log
    int64_t refusedScrubbed = 0;    ///< refused scans whose payload or note quoted the person
    int64_t auditScrubbed = 0;      ///< audit entries whose detail quoted the person
    int64_t printJobsScrubbed = 0;  ///< print jobs whose error text was blanked
    /// The file was rewritten (VACUUM) and its write-ahead log truncated: no old copy of the data
    /// is left in the database file or its -wal. False: another process kept a read open; the
    /// data is erased, and `cleanupProblem` says what to do about the old pages.
    bool fileCleaned = false;
    std::string cleanupProblem;
};

/// The retention rule of the event (kiosk event --retention-days).
struct RetentionStatus {
    int retentionDays = 30;
    std::optional<TimePoint> until;  ///< the event's end (else start) + retentionDays; none without dates
    bool passed = false;             ///< `until` is at or before now
    int64_t peopleHeld = 0;          ///< attendees not yet erased
    /// True when `kiosk purge` should be run: the date has passed and people are still held.
    bool purgeDue() const { return passed && peopleHeld > 0; }
};
/// The end of the retention period of an event (nullopt when it has neither end nor start).
std::optional<TimePoint> retentionUntil(const Event& e);

/// Tables that can hold a person's data; `kiosk person` reads each of them, erase scrubs them.
std::vector<std::string> personalDataTables();
/// Tables that hold no personal data (counts, keys, the event itself, the schema's history).
/// Every table of the schema is in exactly one of the two lists (tests/core/privacy_test.cpp).
std::vector<std::string> tablesWithoutPersonalData();

}  // namespace kiosk::core
