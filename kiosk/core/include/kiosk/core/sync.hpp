#pragma once
/// Several machines, one event (docs/sync.md): the event's PostgreSQL server is the meeting
/// point where every machine's log is merged. Each machine keeps deciding on its own SQLite
/// file; the sync agent pushes the rows written here and pulls everyone else's. The server
/// never re-decides: it stores facts, and the same rules (check-in in force, duplicates) run on
/// every copy. libpq underneath; no exception leaves these calls.
#include <kiosk/core.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::core::sync {

/// The server schema version this binary writes (named steps, like the local user_version).
int serverSchemaVersion();

struct InitReport {
    int fromVersion = 0;  ///< 0: a new server
    int toVersion = 0;
};
/// `kiosk server init`: creates or upgrades the server schema in one transaction; a server
/// written by a newer kiosk is refused ("sync.newer_server").
Result<InitReport> initServer(const std::string& conninfo);

struct PublishReport {
    std::string eventId;
    int64_t attendees = 0;    ///< people in the organiser's file
    int64_t codes = 0;        ///< codes in the organiser's file
    int64_t codesIssued = 0;  ///< own codes issued now for people without any (kiosks cannot sign)
    int64_t changedRows = 0;  ///< rows the server stored or updated (0 when nothing changed)
};
/// `kiosk server publish`: the event, people and codes of the organiser's file, again after a
/// re-import (updates and revocations reach every kiosk; check-ins on the server are kept). The
/// event's secret key stays on the server, readable by the organiser's role only.
Result<PublishReport> publish(Database& organiser, const std::string& conninfo);

enum class DeviceKind { Kiosk, Desk, Dashboard };
std::optional<DeviceKind> deviceKindFromName(std::string_view name);
struct Enrollment {
    std::string device;
    std::string role;      ///< the device's own PostgreSQL role
    std::string conninfo;  ///< what the device's agent connects with (its role and password)
};
/// `kiosk server enroll`: the device and its own role, which may write rows only in its own
/// name and cannot read attendees' e-mail addresses nor the event's secret key. Enrolling a
/// known device again gives it a new password.
Result<Enrollment> enroll(const std::string& conninfo, const std::string& device, DeviceKind kind);

struct DeviceStatus {
    std::string name;
    std::string kind;
    std::optional<TimePoint> lastSeenAt;
    bool online = false;                   ///< seen within the last 15 s
    std::optional<int64_t> clockOffsetMs;  ///< device clock minus server clock
    int64_t waiting = 0;                   ///< rows the device has not sent yet (its last report)
    int64_t rows = 0;                      ///< rows the server holds from it
};
struct ServerStatus {
    int schemaVersion = 0;
    std::string eventId;
    std::string serverId;
    std::vector<DeviceStatus> devices;
    int64_t attendees = 0;
    int64_t checkedIn = 0;  ///< people with a check-in in force, each counted once
    int64_t checkins = 0;
    int64_t duplicates = 0;
    int64_t openDuplicates = 0;
    int64_t feedPosition = 0;
};
Result<ServerStatus> serverStatus(const std::string& conninfo);

/// What every copy must agree on: who is in (attendee → check-in in force), the duplicate
/// pairs (check-in → first check-in) and the resolved ones. Used by the tests' convergence check.
struct Snapshot {
    std::vector<std::pair<std::string, std::string>> inForce;     ///< sorted
    std::vector<std::pair<std::string, std::string>> duplicates;  ///< sorted
    int64_t checkins = 0;                                         ///< rows in the log
    int64_t reentries = 0;                                        ///< rows in the re-entry log
    bool operator==(const Snapshot&) const = default;
};
Result<Snapshot> snapshotOf(const Database& db);
Result<Snapshot> snapshotOfServer(const std::string& conninfo);

struct AgentOptions {
    std::string dbPath;
    std::string conninfo;
    std::string device;
    std::chrono::milliseconds localPoll{50};    ///< how often the local file is looked at
    std::chrono::milliseconds pullEvery{5000};  ///< pull even without a notification
    std::chrono::milliseconds pullGap{100};     ///< at least this long between two pulls
    std::chrono::milliseconds heartbeat{2000};  ///< tell the server we are alive
    std::chrono::milliseconds deadline{4000};   ///< a command unanswered this long: offline
    std::size_t pushBatch = 2000;               ///< rows per push transaction
    std::size_t pullBatch = 5000;               ///< feed rows per pull transaction
    /// This machine's clock, as reported to the server (offset shown by `kiosk server status`).
    std::function<TimePoint()> clock = nowUtc;
};
struct CycleReport {
    int64_t pushed = 0;
    int64_t pulled = 0;
    int64_t cursor = 0;
};
/// Diagnostics of a running agent (one line each: "online", "offline: …", "pulled 12").
using AgentLog = std::function<void(const std::string&)>;

/// The sync agent (`kiosk sync`). Connects before it opens the local file, so a server that
/// cannot be reached leaves the file untouched. Single-threaded.
class Agent {
public:
    explicit Agent(AgentOptions options, AgentLog log = {});
    ~Agent();
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    /// One push and one pull: 0 rows left to send and the cursor at the server's feed position.
    /// "sync.unreachable" when the server cannot be reached; "sync.wrong_event",
    /// "sync.not_enrolled", "sync.other_device" when this file or device does not belong.
    Result<CycleReport> once();
    /// Until `stop()` returns true: push when the local file changes, pull after a notification
    /// and on a timer, reconnect after a lost link (the file keeps working meanwhile). Returns
    /// an error only for what retrying cannot fix (wrong event, not enrolled, other device).
    Status run(const std::function<bool()>& stop);

private:
    struct State;
    std::unique_ptr<State> m;
};

}  // namespace kiosk::core::sync
