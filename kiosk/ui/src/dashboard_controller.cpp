#include <kiosk/ui/dashboard_controller.hpp>

#include <algorithm>
#include <utility>

namespace kiosk::ui {

namespace {

using namespace std::chrono_literals;
constexpr core::TimePoint::duration kBucket = 5min;

core::TimePoint floorToBucket(core::TimePoint t) {
    const auto since = t.time_since_epoch();
    return core::TimePoint(since - since % kBucket);
}

std::vector<DashboardGroup> groups(const std::vector<core::Stats::Group>& in) {
    std::vector<DashboardGroup> out;
    out.reserve(in.size());
    for (const auto& g : in) out.push_back({g.name, g.registered, g.checkedIn});
    // Largest groups first: the ones that decide how rooms are balanced.
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.registered > b.registered; });
    return out;
}

}  // namespace

core::Result<DashboardModel> buildDashboard(const core::Database& db, core::TimePoint now, int recentLimit) {
    DashboardModel m;
    auto ev = db.event();
    if (!ev) return ev.error();
    if (ev->has_value()) m.eventName = (*ev)->name;

    // One snapshot, SQL counts: the same cost at 100 or 40,000 registered.
    auto ov = db.overview(recentLimit);
    if (!ov) return ov.error();
    const core::Stats& stats = ov->stats;
    m.registered = stats.registered;
    m.arrived = stats.checkedIn;
    m.expected = std::max<int64_t>(0, m.registered - m.arrived);
    m.byCategory = groups(stats.byCategory);
    m.byWorkingGroup = groups(stats.byWorkingGroup);

    // Chart: from the first arrival (at most kDashboardBuckets back) to now, gaps filled with 0.
    if (!stats.arrivalsPer5Min.empty()) {
        core::TimePoint first = floorToBucket(stats.arrivalsPer5Min.front().start);
        core::TimePoint last = first;
        for (const auto& b : stats.arrivalsPer5Min) {
            first = std::min(first, floorToBucket(b.start));
            last = std::max(last, floorToBucket(b.start));
        }
        last = std::max(last, floorToBucket(now));
        const core::TimePoint earliest = last - kBucket * static_cast<int>(kDashboardBuckets - 1);
        first = std::max(first, earliest);
        const auto count = static_cast<std::size_t>((last - first) / kBucket) + 1;
        std::vector<int64_t> counts(count, 0);
        for (const auto& b : stats.arrivalsPer5Min) {
            const core::TimePoint s = floorToBucket(b.start);
            if (s < first || s > last) continue;
            counts[static_cast<std::size_t>((s - first) / kBucket)] += b.arrivals;
        }
        for (std::size_t i = 0; i < count; ++i) {
            m.arrivalsPer5Min.push_back(
                {formatLocalTime(first + kBucket * static_cast<int>(i), false).substr(0, 5), counts[i]});
            m.peakPer5Min = std::max(m.peakPer5Min, counts[i]);
        }
    }

    // Recent activity: arrivals/annuls and refused scans, merged by time. Only time, kiosk and
    // outcome are copied: the dashboard may face a room.
    std::vector<std::pair<core::TimePoint, DashboardActivity>> recent;
    for (const auto& r : ov->recentCheckins)
        recent.push_back(
            {r.at,
             {formatLocalTime(r.at, false), r.kiosk,
              r.action == core::CheckinAction::Checkin ? "checked_in" : "annulled", r.actor != "self"}});
    for (const auto& r : ov->recentRefused)
        // The desk case of an arrival on a ticket the list did not carry: the arrival is listed.
        if (r.outcome != core::Outcome::CheckedIn)
            recent.push_back(
                {r.at,
                 {formatLocalTime(r.at, false), r.kiosk, std::string(core::reasonCode(r.outcome)), false}});
    std::stable_sort(recent.begin(), recent.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    if (recent.size() > static_cast<std::size_t>(recentLimit))
        recent.resize(static_cast<std::size_t>(recentLimit));
    for (auto& [at, a] : recent) m.recent.push_back(std::move(a));

    // Printer trouble is visible from the outbox too, so a second process (no PrintService of
    // its own) still shows badges waiting or stuck.
    m.printsWaiting = ov->printsWaiting;
    m.printsHeld = ov->printsHeld;
    m.deskCases = ov->openCases;
    m.openDuplicates = ov->openDuplicates;

    // Which machines are offline and since when, as the server last told this machine's agent;
    // this machine itself as its own agent says (it may be the one cut off, or not running).
    if (auto sync = db.syncStatus(); sync.ok() && sync->attached) {
        m.synced = true;
        auto offline = [](const std::optional<core::TimePoint>& t) {
            return t ? formatLocalTime(*t, false).substr(0, 5) : std::string{};
        };
        for (const auto& x : sync->machines) {
            DashboardMachine d{x.name, x.online, x.online ? std::string{} : offline(x.lastSeenAt)};
            if (x.name == sync->device) {
                d.online = sync->online;
                d.offlineSinceLocal = sync->online ? std::string{} : offline(sync->offlineSince);
            }
            m.machines.push_back(std::move(d));
        }
        if (sync->machines.empty())  // the agent has not talked to the server yet
            m.machines.push_back(
                {sync->device, sync->online, sync->online ? std::string{} : offline(sync->offlineSince)});
    }

    m.updatedLocal = formatLocalTime(now, false);
    return m;
}

DashboardController::DashboardController(ShellContext& ctx, bool standalone) {
    m_model.env.text = &ctx.text;
    m_model.env.language = ctx.language;
    m_model.standalone = standalone;
}

void DashboardController::refresh(ShellContext& ctx) {
    m_model.env.text = &ctx.text;
    m_model.env.language = ctx.language;
    m_model.env.fonts = ctx.fonts;
    m_model.env.pixelsPerMm = ctx.pixelsPerMm;
    m_model.env.largeText = ctx.largeText;
    m_model.env.kioskName = ctx.kioskName;
    m_model.printer = ctx.printer;
    m_model.camera = ctx.scanner;
    if (!m_due && ctx.steadyNow - m_last < kRefreshEvery) return;
    m_due = false;
    m_last = ctx.steadyNow;
    const auto start = std::chrono::steady_clock::now();
    auto built = buildDashboard(ctx.db, ctx.now);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!built) {
        m_model.error = built.error().code + ": " + built.error().message;  // keep the last numbers
    } else {
        DashboardModel next = std::move(*built);
        next.env = m_model.env;
        next.standalone = m_model.standalone;
        next.printer = m_model.printer;
        next.camera = m_model.camera;
        m_model = std::move(next);
    }
    m_model.lastRefreshMs = ms;
}

bool DashboardController::handle(const Intent&, ShellContext&) {
    return false;
}

}  // namespace kiosk::ui
