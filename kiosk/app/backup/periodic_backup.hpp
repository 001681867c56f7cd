#pragma once
// `kiosk run --backup FILE`: a copy of the event database every few minutes, taken on its own
// thread with its own read-only connection, so the window never waits for it. The copy is
// Database::backupTo's (consistent, checked, replaced atomically); failures go to stderr and do
// not stop the kiosk.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace kiosk::app {

class PeriodicBackup {
public:
    /// Starts the thread; the first copy is taken at once, then every `every`.
    PeriodicBackup(std::string dbPath, std::string outPath, std::chrono::seconds every);
    ~PeriodicBackup();  ///< stops the thread (a copy in progress finishes first)
    PeriodicBackup(const PeriodicBackup&) = delete;
    PeriodicBackup& operator=(const PeriodicBackup&) = delete;

private:
    void run();

    std::string m_dbPath;
    std::string m_outPath;
    std::chrono::seconds m_every;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace kiosk::app
