// UniqueFd and AtomicFile (kiosk/core/file.hpp).
#include <kiosk/core/file.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

namespace kiosk::core {

namespace {

std::string errnoText(int e) {
    if (e == EFBIG) return "file-size limit reached (ulimit -f): the file cannot grow";
    if (e == ENOSPC) return "no space left on the disk";
    if (e == EDQUOT) return "disk quota exceeded";
    return std::strerror(e);
}

Error ioError(const std::string& code, const std::string& what, int e) {
    return {code, what + ": " + errnoText(e)};
}

std::string folderOf(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

void UniqueFd::reset(int fd) noexcept {
    if (m_fd >= 0 && m_fd != fd) ::close(m_fd);
    m_fd = fd;
}

Status UniqueFd::close() {
    if (m_fd < 0) return {};
    const int fd = release();
    // Linux closes the descriptor even when close() fails: never retry it.
    if (::close(fd) != 0 && errno != EINTR) return ioError("io.write", "close", errno);
    return {};
}

Status writeAll(int fd, std::string_view bytes, const std::string& what) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return ioError("io.write", "cannot write " + what, errno);
        if (n == 0) return Error{"io.write", "cannot write " + what + ": no progress"};
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return {};
}

Result<AtomicFile> AtomicFile::create(const std::string& target, mode_t mode, Sync sync) {
    if (target.empty()) return Error{"io.open", "no output file named"};
    AtomicFile f;
    f.m_target = target;
    f.m_sync = sync;
    // ".NAME.XXXXXX" in the target's folder: rename() stays on one file system, and the dot
    // keeps half-written files out of a casual `ls`.
    const std::filesystem::path p(target);
    std::string tmpl = (p.parent_path() / ("." + p.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0)
        return ioError(
            "io.open",
            "cannot create a file in " + folderOf(target) + " (check the folder exists and is writable)",
            errno);
    f.m_fd.reset(fd);
    f.m_temp = tmpl;
    if (::fchmod(fd, mode) != 0) return ioError("io.open", "cannot set the permissions of " + tmpl, errno);
    return f;
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : m_fd(std::move(o.m_fd)),
      m_target(std::move(o.m_target)),
      m_temp(std::move(o.m_temp)),
      m_sync(o.m_sync),
      m_done(o.m_done) {
    o.m_done = true;
}

AtomicFile& AtomicFile::operator=(AtomicFile&& o) noexcept {
    if (this != &o) {
        if (!m_done && !m_temp.empty()) ::unlink(m_temp.c_str());
        m_fd = std::move(o.m_fd);
        m_target = std::move(o.m_target);
        m_temp = std::move(o.m_temp);
        m_sync = o.m_sync;
        m_done = o.m_done;
        o.m_done = true;
    }
    return *this;
}

AtomicFile::~AtomicFile() {
    m_fd.reset();
    if (!m_done && !m_temp.empty()) ::unlink(m_temp.c_str());
}

Status AtomicFile::write(std::string_view bytes) {
    if (!m_fd) return Error{"io.write", m_temp + " is already closed"};
    return writeAll(m_fd.get(), bytes, m_target);
}

Status AtomicFile::closeFd() {
    if (!m_fd) return {};
    if (m_sync == Sync::Durable && ::fsync(m_fd.get()) != 0)
        return ioError("io.write", "cannot save " + m_target, errno);
    return m_fd.close();
}

Status AtomicFile::commit() {
    if (m_done) return Error{"io.write", "file already committed: " + m_target};
    if (m_fd) {
        if (auto s = closeFd(); !s) return s;
    } else if (m_sync == Sync::Durable) {
        // Written by path (closeFd() earlier): flush what the library wrote.
        UniqueFd again(::open(m_temp.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!again || ::fsync(again.get()) != 0) return ioError("io.write", "cannot save " + m_target, errno);
    }
    if (::rename(m_temp.c_str(), m_target.c_str()) != 0)
        return ioError("io.write", "cannot replace " + m_target, errno);
    m_done = true;
    if (m_sync == Sync::Fast) return {};
    // The rename itself must reach the disk, or a power cut brings back the old file.
    UniqueFd dir(::open(folderOf(m_target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir) ::fsync(dir.get());
    return {};
}

Status writeFileAtomically(const std::string& path, std::string_view bytes, mode_t mode,
                           AtomicFile::Sync sync) {
    auto f = AtomicFile::create(path, mode, sync);
    if (!f) return f.error();
    if (auto s = f->write(bytes); !s) return s;
    return f->commit();
}

}  // namespace kiosk::core
