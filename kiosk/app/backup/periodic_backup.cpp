#include "periodic_backup.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/log.hpp>

#include <cstdio>

namespace kiosk::app {

PeriodicBackup::PeriodicBackup(std::string dbPath, std::string outPath, std::chrono::seconds every)
    : m_dbPath(std::move(dbPath)), m_outPath(std::move(outPath)), m_every(every) {
    m_thread = std::thread([this] { run(); });
}

PeriodicBackup::~PeriodicBackup() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void PeriodicBackup::run() {
    bool failing = false;
    for (;;) {
        auto db = core::Database::open(m_dbPath, core::Database::Mode::ReadOnly);
        auto bytes = db ? db->backupTo(m_outPath) : core::Result<int64_t>(db.error());
        if (!bytes) {
            core::logError("backup to " + m_outPath + " failed: " + bytes.error().message + " [" +
                           bytes.error().code + "]");
            failing = true;
        } else if (failing) {
            core::logInfo("backup to " + m_outPath + " works again");
            failing = false;
        }
        std::unique_lock lock(m_mutex);
        if (m_wake.wait_for(lock, m_every, [this] { return m_stop; })) return;
    }
}

}  // namespace kiosk::app
