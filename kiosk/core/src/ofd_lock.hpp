#pragma once
// Open-file-description locks (fcntl F_OFD_*) on a file's first byte: owned by one open
// descriptor, seen by every process, and dropped by the kernel when that descriptor closes,
// however its process ends (SIGKILL included). Used by a connection's "waiting for the write
// lock" mark (store/sqlite.cpp) and by the sync agent's lock on its file (sync/agent_lock.cpp).
#include <fcntl.h>

namespace kiosk::core::ofd {

inline struct flock firstByte(short type) {
    struct flock l {};
    l.l_type = type;
    l.l_whence = SEEK_SET;
    l.l_start = 0;
    l.l_len = 1;
    return l;
}

/// Takes (F_RDLCK, F_WRLCK) or drops (F_UNLCK) the lock without waiting; false with errno set
/// (EAGAIN / EACCES: another descriptor holds a conflicting lock).
inline bool tryLock(int fd, short type) {
    struct flock l = firstByte(type);
    return ::fcntl(fd, F_OFD_SETLK, &l) == 0;
}

/// True when another descriptor holds a lock that would conflict with taking `type`.
inline bool heldByOther(int fd, short type) {
    struct flock l = firstByte(type);
    return ::fcntl(fd, F_OFD_GETLK, &l) == 0 && l.l_type != F_UNLCK;
}

}  // namespace kiosk::core::ofd
