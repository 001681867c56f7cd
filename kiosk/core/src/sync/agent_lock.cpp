#include "sync/agent_lock.hpp"

#include "ofd_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kiosk::core::sync {

std::string agentLockFileFor(const std::string& dbPath) {
    return dbPath + ".sync";
}

Result<UniqueFd> holdAgentLock(const std::string& dbPath) {
    const std::string path = agentLockFileFor(dbPath);
    // Private like the database (0600); it holds nothing but the lock.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) return Error{"sync.lock", "cannot open " + path + ": " + std::strerror(errno)};
    // An open-file-description lock: owned by this descriptor, released when it closes.
    if (!ofd::tryLock(fd.get(), F_WRLCK)) {
        if (errno == EAGAIN || errno == EACCES)
            return Error{"sync.agent_running",
                         "another kiosk sync is already running on " + dbPath + " (one agent per file)"};
        return Error{"sync.lock", "cannot lock " + path + ": " + std::strerror(errno)};
    }
    return fd;
}

bool agentHoldsLock(const std::string& dbPath) {
    const UniqueFd fd(::open(agentLockFileFor(dbPath).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) return false;  // no agent ever ran here
    return ofd::heldByOther(fd.get(), F_WRLCK);
}

}  // namespace kiosk::core::sync
