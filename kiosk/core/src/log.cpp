// The kiosk's log (kiosk/core/log.hpp) on spdlog.
#include <kiosk/core/file.hpp>
#include <kiosk/core/log.hpp>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

namespace kiosk::core {

namespace {

// Local time with its offset: the organiser reads "10:42" as the clock on the wall said.
constexpr const char* kPattern = "%Y-%m-%d %H:%M:%S.%e %z [%l] [%n] %v";

std::mutex g_mutex;
std::shared_ptr<spdlog::logger> g_logger;

std::shared_ptr<spdlog::logger> makeLogger(std::string name, std::vector<spdlog::sink_ptr> sinks) {
    auto logger = std::make_shared<spdlog::logger>(std::move(name), sinks.begin(), sinks.end());
    logger->set_pattern(kPattern);
    logger->set_level(spdlog::level::info);
    logger->flush_on(spdlog::level::info);
    return logger;
}

std::shared_ptr<spdlog::logger> current() {
    std::lock_guard lock(g_mutex);
    if (!g_logger) g_logger = makeLogger("kiosk", {std::make_shared<spdlog::sinks::stderr_sink_mt>()});
    return g_logger;
}

spdlog::level::level_enum levelOf(LogLevel l) {
    switch (l) {
        case LogLevel::Info:
            return spdlog::level::info;
        case LogLevel::Warn:
            return spdlog::level::warn;
        case LogLevel::Error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

}  // namespace

std::string logFileFor(const std::string& dbPath) {
    return dbPath + ".log";
}

Status openLog(const std::string& dbPath, std::string_view process) {
    const std::string file = logFileFor(dbPath);
    // Created 0600 before spdlog opens it (spdlog would create it with the umask's 0644), and
    // never through a planted symlink.
    UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) return Error{"log.open", "cannot open the log " + file + ": " + std::strerror(errno)};
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return Error{"log.open", file + " is not a regular file"};
    if ((st.st_mode & 0777) != 0600 && ::fchmod(fd.get(), 0600) != 0)
        return Error{"log.open",
                     "cannot make the log " + file + " private (chmod 600): " + std::strerror(errno)};
    try {
        auto logger =
            makeLogger(std::string(process), {std::make_shared<spdlog::sinks::stderr_sink_mt>(),
                                              std::make_shared<spdlog::sinks::basic_file_sink_mt>(file)});
        std::lock_guard lock(g_mutex);
        g_logger = std::move(logger);
    } catch (const std::exception& e) {
        return Error{"log.open", "cannot open the log " + file + ": " + e.what()};
    }
    return {};
}

void writeLog(LogLevel level, std::string_view message) {
    // spdlog reports its own I/O errors on stderr and carries on: logging never stops the kiosk.
    current()->log(levelOf(level), "{}", message);
}

void closeLog() {
    std::lock_guard lock(g_mutex);
    if (g_logger) g_logger->flush();
    g_logger.reset();
}

}  // namespace kiosk::core
