// The assets folder, found from the executable's own path (see assets.hpp).
#include <kiosk/core/assets.hpp>

#include <cstdlib>
#include <filesystem>

namespace kiosk::core {

namespace fs = std::filesystem;

namespace {
bool holdsAssets(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "templates" / "default.json", ec);
}
}  // namespace

AssetsLookup findAssets() {
    AssetsLookup out;
    auto tryDir = [&](const fs::path& dir) {
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(dir, ec);
        out.tried.push_back(ec ? dir.string() : canonical.string());
        if (holdsAssets(dir)) out.dir = out.tried.back();
        return !out.dir.empty();
    };
    // An explicit choice is the only one: a typo must not silently fall back to another copy.
    if (const char* env = std::getenv("KIOSK_ASSETS_DIR"); env && *env) {
        tryDir(env);
        return out;
    }
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec && tryDir(exe.parent_path() / ".." / "share" / "kiosk")) return out;
    tryDir(fs::path(KIOSK_INSTALL_DATADIR) / "kiosk");
    return out;
}

Result<std::string> assetsDir() {
    static const AssetsLookup found = findAssets();
    if (!found.dir.empty()) return found.dir;
    std::string where;
    for (const auto& t : found.tried) where += (where.empty() ? "" : ", ") + t;
    return Error{"assets.missing",
                 "the kiosk's data files (templates/, lang/) are not where they belong (looked in " + where +
                     "): reinstall (cmake --install), keep bin/kiosk and share/kiosk together when moving "
                     "them, or set KIOSK_ASSETS_DIR"};
}

}  // namespace kiosk::core
