#pragma once
// The help desk's state and the one place that acts on its intents (database writes, print
// jobs). KioskApp owns one, calls refresh() once per frame and offers it every intent it does not
// handle itself. Reads are short SQLite queries on the UI thread, run only when something changed
// or every kRefreshEvery; their duration is measured and shown in the desk's footer.
#include "desk_model.hpp"
#include "intents.hpp"
#include "shell_context.hpp"

#include <chrono>

namespace kiosk::ui {

class DeskController {
public:
    static constexpr std::chrono::milliseconds kRefreshEvery{1500};
    static constexpr int kSearchLimit = 40;
    static constexpr int kWalkInMatches = 5;  ///< registered look-alikes shown under the walk-in form
    static constexpr int kQueueLimit = 100;

    explicit DeskController(ShellContext& ctx);

    /// Copies the frame's environment and reloads from the database when due.
    void refresh(ShellContext& ctx);
    const DeskModel& model() const { return m_model; }
    /// Acts on a desk intent; false when the intent is not the desk's.
    bool handle(const Intent& intent, ShellContext& ctx);
    /// Forget what the last volunteer looked at (the desk was locked or left).
    void clear();

private:
    void reload(ShellContext& ctx);
    void runSearch(ShellContext& ctx);
    void loadSelected(ShellContext& ctx);
    void loadCases(ShellContext& ctx);
    void loadChoices(ShellContext& ctx);
    void select(const std::string& attendeeId, ShellContext& ctx);
    void notify(std::string key, std::string arg = {}, bool error = false);
    void fail(const core::Error& e);
    void closeOwnCase(const std::string& caseRef, ShellContext& ctx);
    /// Writes the outbox row and wakes the printer (if any). False (with a notice) on error.
    bool enqueueBadge(const std::string& attendeeId, const std::string& checkinId, core::PrintJobKind kind,
                      ShellContext& ctx);

    void onCheckIn(const CheckInAttendee& a, ShellContext& ctx);
    void onAnnul(const Annul& a, ShellContext& ctx);
    void onReprint(const Reprint& a, ShellContext& ctx);
    void onRename(const RenameForBadge& a, ShellContext& ctx);
    void onWalkIn(const RegisterWalkIn& a, ShellContext& ctx);
    void onResolve(const ResolveCase& a, ShellContext& ctx);
    void onChangePin(const ChangePin& a, ShellContext& ctx);
    void onRetry(const RetryPrintJob& a, ShellContext& ctx);
    void onDismiss(const DismissPrintJob& a, ShellContext& ctx);
    void onEdit(const EditDeskField& a);
    void onExport(ShellContext& ctx);
    void findWalkInMatches(ShellContext& ctx);

    DeskModel m_model;
    bool m_dirty = true;
    bool m_choicesLoaded = false;
    std::chrono::steady_clock::time_point m_lastRefresh{};
};

}  // namespace kiosk::ui
