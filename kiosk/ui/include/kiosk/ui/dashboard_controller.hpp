#pragma once
// Keeps the dashboard model fresh: one rebuild per kRefreshEvery (a handful of short SQLite reads,
// timed and shown), health copied from the shell every frame.
#include <kiosk/ui/dashboard_model.hpp>
#include <kiosk/ui/intents.hpp>
#include <kiosk/ui/shell_context.hpp>

#include <chrono>

namespace kiosk::ui {

class DashboardController {
public:
    static constexpr std::chrono::milliseconds kRefreshEvery{1000};

    /// `standalone`: the `--mode dashboard` process (no desk to go back to).
    explicit DashboardController(ShellContext& ctx, bool standalone = false);

    void refresh(ShellContext& ctx);
    const DashboardModel& model() const { return m_model; }
    /// The dashboard only reads; it has no intents of its own (navigation is the shell's).
    bool handle(const Intent& intent, ShellContext& ctx);
    /// Rebuild at the next refresh (e.g. when the view is shown again).
    void invalidate() { m_due = true; }

private:
    DashboardModel m_model;
    bool m_due = true;
    std::chrono::steady_clock::time_point m_last{};
};

}  // namespace kiosk::ui
