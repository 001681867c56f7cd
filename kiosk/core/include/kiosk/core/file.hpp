#pragma once
/// Files the kiosk writes: one owner for a POSIX file descriptor, and one way to replace a file
/// (a private temporary beside it, then a rename), used by every writer in the project: the
/// arrivals export, backups, badges and confirmations written by the CLI, the PIN file, the
/// window's status files.
#include <kiosk/core/result.hpp>

#include <sys/types.h>
#include <string>
#include <string_view>

namespace kiosk::core {

/// Owns one file descriptor; closes it exactly once. Move-only. -1 = none.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : m_fd(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : m_fd(o.release()) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) reset(o.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const noexcept { return m_fd; }
    explicit operator bool() const noexcept { return m_fd >= 0; }
    int release() noexcept {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    /// Closes the current descriptor (if any) and owns `fd` instead.
    void reset(int fd = -1) noexcept;
    /// close() with its result: a write error on NFS or a full disk can surface only here.
    Status close();

private:
    int m_fd = -1;
};

/// Writes all of `bytes` to `fd` (retrying short writes and EINTR). `what` names the file in
/// the error. A file-size limit (EFBIG) and a full disk (ENOSPC) are said in words.
Status writeAll(int fd, std::string_view bytes, const std::string& what);

/// A new version of `target`, written to a temporary file created in the same folder with
/// O_EXCL (mkostemp: a fresh random name, never a planted symlink, never another writer's
/// file), mode `mode` (0600 by default: exports and backups hold personal data), then fsynced
/// and renamed over `target` by commit(). Without commit() the temporary file is removed, so
/// a failed or interrupted writer leaves `target` as it was. Two writers of the same target
/// never share a temporary; the last commit wins.
class AtomicFile {
public:
    /// Durable: fsync the file and its folder at commit (exports, backups, the PIN). Fast: only
    /// the rename is atomic (files made again on demand: badge PDFs, the window's status files;
    /// an fsync per badge made `kiosk badges` for 10,000 people wait on the disk 20,000 times).
    enum class Sync { Durable, Fast };
    static Result<AtomicFile> create(const std::string& target, mode_t mode = 0600,
                                     Sync sync = Sync::Durable);
    AtomicFile(AtomicFile&&) noexcept;
    AtomicFile& operator=(AtomicFile&&) noexcept;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    int fd() const { return m_fd.get(); }
    const std::string& tempPath() const { return m_temp; }
    const std::string& target() const { return m_target; }
    Sync sync() const { return m_sync; }
    Status write(std::string_view bytes);
    /// Closes the descriptor but keeps the temporary file (for a library that writes by path,
    /// such as SQLite's backup or libharu); commit() then renames it.
    Status closeFd();
    /// fsync, close, rename over the target, fsync the folder.
    Status commit();

private:
    AtomicFile() = default;
    UniqueFd m_fd;
    std::string m_target;
    std::string m_temp;
    Sync m_sync = Sync::Durable;
    bool m_done = false;
};

/// `bytes` as the new content of `path`, through an AtomicFile.
Status writeFileAtomically(const std::string& path, std::string_view bytes, mode_t mode = 0600,
                           AtomicFile::Sync sync = AtomicFile::Sync::Durable);

}  // namespace kiosk::core
