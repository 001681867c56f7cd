#pragma once
// Shared by the crash and concurrency tests: a seeded event database on disk, and child
// processes (checkin_worker) whose stdout is read through a pipe.
#include <kiosk/core.hpp>

#include <sys/types.h>

#include <string>
#include <vector>

namespace kiosk::stress {

/// A temporary folder under /tmp (a real disk, so fsync and WAL behave as in production),
/// removed by the destructor unless keep() was called (to inspect a failed run).
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    void keep() { m_keep = true; }

private:
    std::string m_path;
    bool m_keep = false;
};

struct SeededEvent {
    std::string dbPath;
    std::string codesPath;  ///< one payload per line, as checkin_worker reads them
    std::vector<std::string> attendeeIds;
    std::vector<std::string> payloads;
};

/// An event whose doors are open for a day around now, `n` attendees added through the public API,
/// and each one's own signed code (primaryCode) written to codesPath.
SeededEvent seedEvent(const std::string& dir, int n);

struct Child {
    pid_t pid = -1;
    int out = -1;  ///< read end of the child's stdout
    int in = -1;   ///< write end of the child's stdin
};

/// Starts the checkin_worker built beside this test with the given arguments.
Child spawnWorker(const std::vector<std::string>& args);
/// Reads one line (blocking, up to timeoutMs); false on EOF or timeout. Bytes after the line stay
/// in `buffer` for the next call or for drainLines.
bool readLine(int fd, std::string& buffer, std::string& line, int timeoutMs);
/// Reads until EOF and returns the complete lines (a trailing partial line is not a line).
std::vector<std::string> drainLines(int fd, std::string& buffer);
/// Closes the pipes and reaps the child; returns the raw wait status.
int reap(Child& c);

std::vector<std::string> split(const std::string& line, size_t maxParts);

/// `PRAGMA integrity_check` through a separate read-only SQLite connection: "ok" when sound.
std::string integrityCheck(const std::string& dbPath);

}  // namespace kiosk::stress
