#pragma once
// The help desk's state and the one place that acts on its intents. KioskApp owns one, calls
// refresh() once per frame and offers it every intent it does not handle itself.
// Writes are core operations (kiosk/core/desk.hpp), one transaction each, run on the desk's
// DatabaseWorker (its own connection) so the window never waits on fsync; so do the argon2id
// hash of a new PIN and the CSV export. Each returns a Reply applied on the UI thread at the
// next refresh(); meanwhile the model says `busy` and the screen shows it.
// Reads are short SQLite queries on the UI thread, run only when something changed or every
// kRefreshEvery; their duration is measured and shown in the desk's footer.
#include <kiosk/ui/desk_model.hpp>
#include <kiosk/ui/intents.hpp>
#include <kiosk/ui/shell_context.hpp>

#include <kiosk/core/database_worker.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace kiosk::ui {

class DeskController {
public:
    static constexpr std::chrono::milliseconds kRefreshEvery{1500};
    static constexpr int kSearchLimit = 40;
    static constexpr int kWalkInMatches = 5;  ///< registered look-alikes shown under the walk-in form
    static constexpr int kQueueLimit = 100;

    explicit DeskController(ShellContext& ctx);

    /// Applies the results of finished actions, copies the frame's environment and reloads from
    /// the database when due.
    void refresh(ShellContext& ctx);
    /// Waits up to `timeout` until every action submitted has finished and its result is applied
    /// (tests; the shell before it locks the desk). False on timeout.
    bool settle(ShellContext& ctx, std::chrono::milliseconds timeout);
    const DeskModel& model() const { return m_model; }
    /// Acts on a desk intent; false when the intent is not the desk's.
    bool handle(const Intent& intent, ShellContext& ctx);
    /// Forget what the last volunteer looked at (the desk was locked or left).
    void clear();

    /// What an action does on the UI thread once its work is done.
    using Reply = std::function<void(DeskController&, ShellContext&)>;

private:
    /// Runs `work` with the worker's connection (the UI thread's when no worker could start);
    /// its Reply is applied by the next refresh().
    void submit(std::function<Reply(core::Database&)> work, ShellContext& ctx);
    void applyReplies(ShellContext& ctx);
    core::DeskContext who(const ShellContext& ctx) const;
    void reload(ShellContext& ctx);
    void runSearch(ShellContext& ctx);
    void loadSelected(ShellContext& ctx);
    void loadCases(ShellContext& ctx);
    void loadChoices(ShellContext& ctx);
    void select(const std::string& attendeeId, ShellContext& ctx);
    void notify(std::string key, std::string arg = {}, bool error = false);
    void fail(const core::Error& e);
    /// fail(), or the desk's own words for the errors volunteers meet (not found, no reason …).
    void failWith(const core::Error& e);

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
    void onErase(const EraseAttendee& a, ShellContext& ctx);
    void onResolveDuplicate(const ResolveDuplicate& a, ShellContext& ctx);
    void onAnnulDuplicate(const AnnulDuplicate& a, ShellContext& ctx);
    void findWalkInMatches(ShellContext& ctx);

    DeskModel m_model;
    bool m_dirty = true;
    bool m_choicesLoaded = false;
    std::chrono::steady_clock::time_point m_lastRefresh{};
    int m_inFlight = 0;  ///< actions submitted whose Reply has not been applied yet
    /// clear() starts a new generation: results of actions from before it are written but not
    /// shown (the next volunteer does not see the last one's person).
    int m_generation = 0;
    struct Posted {
        int generation = 0;
        Reply reply;
    };
    core::Mailbox<Posted> m_replies;
    bool m_workerTried = false;
    std::unique_ptr<core::DatabaseWorker> m_worker;  // last: joined before the mailbox goes
};

}  // namespace kiosk::ui
