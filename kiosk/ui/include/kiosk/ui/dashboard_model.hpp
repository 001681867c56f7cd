#pragma once
// The organiser dashboard's model: numbers only. It is shown on a second screen in a public room,
// so nothing in it identifies a person: no names, no attendee ids, no payloads (enforced by the
// types below and by tests/ui/model_dashboard_test.cpp).
#include <kiosk/ui/desk_model.hpp>  // ScreenEnv, formatLocalTime
#include <kiosk/ui/shell_context.hpp>

#include <kiosk/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::ui {

struct DashboardGroup {
    std::string name;  ///< category or working group ("" shown as "none")
    int64_t registered = 0;
    int64_t arrived = 0;
};

struct DashboardBucket {
    std::string label;  ///< local "HH:MM" of the bucket's start
    int64_t arrivals = 0;
};

/// One line of recent activity: when, where, what. Deliberately no person.
struct DashboardActivity {
    std::string timeLocal;  ///< "09:12:04"
    std::string kiosk;
    std::string outcome;  ///< "checked_in", "annulled", or a refused scan's reason code
    bool desk = false;    ///< done by a volunteer, not a self scan
};

/// One machine of the event (several machines share it through the sync server). A machine's
/// name, never a person.
struct DashboardMachine {
    std::string name;
    bool online = false;
    std::string offlineSinceLocal;  ///< "10:42" (offline); empty when online or never seen
};

struct DashboardModel {
    ScreenEnv env;
    bool standalone = false;  ///< `kiosk run --mode dashboard`: no way back to the desk

    std::string eventName;
    int64_t registered = 0;
    int64_t arrived = 0;
    int64_t expected = 0;                          ///< registered − arrived
    std::vector<DashboardBucket> arrivalsPer5Min;  ///< oldest first, gaps filled with 0
    int64_t peakPer5Min = 0;
    std::vector<DashboardGroup> byCategory;
    std::vector<DashboardGroup> byWorkingGroup;
    std::vector<DashboardActivity> recent;  ///< newest first

    ServiceHealth printer;
    ServiceHealth camera;
    int64_t printsWaiting = 0;  ///< pending + submitted
    int64_t printsHeld = 0;     ///< held or failed, not yet handled at the desk
    int64_t deskCases = 0;      ///< refused scans not yet resolved

    /// Several machines (docs/sync.md): shown only when this file belongs to an enrolled machine.
    bool synced = false;
    std::vector<DashboardMachine> machines;  ///< by name; this machine as its own agent says
    int64_t openDuplicates = 0;              ///< people let in twice, not yet seen at a desk

    std::string updatedLocal;
    std::string error;  ///< the last refresh failed: shown, the previous numbers stay
    double lastRefreshMs = 0;
};

/// Number of 5-minute buckets the chart shows (the latest ones): 3 hours.
inline constexpr std::size_t kDashboardBuckets = 36;

/// Reads everything the dashboard shows from the database (a read-only connection is enough).
core::Result<DashboardModel> buildDashboard(const core::Database& db, core::TimePoint now,
                                            int recentLimit = 12);

}  // namespace kiosk::ui
