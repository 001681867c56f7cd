#pragma once
/// The kiosk's log: what an organiser reads after the event to know what happened at 10:42 —
/// check-ins that could not be saved, printer errors, database errors, who unlocked the desk.
/// Lines carry the local time with its offset, a level and the process ("run", "print" …), and
/// go to stderr and, once openLog() is called, to `<db>.log` beside the event database (0600:
/// it names volunteers). Written with spdlog (Debian's libspdlog): thread-safe sinks, each line
/// flushed at once (a kiosk may lose power), no formatting code of our own.
#include <kiosk/core/result.hpp>

#include <string>
#include <string_view>

namespace kiosk::core {

enum class LogLevel { Info, Warn, Error };

/// `<db>.log` for a database path.
std::string logFileFor(const std::string& dbPath);
/// Adds `<db>.log` (created 0600 if missing, appended to, never through a symlink) to the log,
/// naming `process` in every line. Errors: "log.open" (the log then stays on stderr).
Status openLog(const std::string& dbPath, std::string_view process);
/// One line; from any thread. Before openLog(): stderr only.
void writeLog(LogLevel level, std::string_view message);
inline void logInfo(std::string_view message) {
    writeLog(LogLevel::Info, message);
}
inline void logWarn(std::string_view message) {
    writeLog(LogLevel::Warn, message);
}
inline void logError(std::string_view message) {
    writeLog(LogLevel::Error, message);
}
/// Back to stderr only (the file is flushed and closed).
void closeLog();

}  // namespace kiosk::core
