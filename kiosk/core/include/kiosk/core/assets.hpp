#pragma once
/// Where the program's read-only data lives: badge templates, images, screen text
/// (`templates/`, `images/`, `lang/`). Found at run time, never compiled in as the source tree,
/// so an installed or moved kiosk finds its own copy.
#include <kiosk/core/result.hpp>

#include <string>
#include <vector>

namespace kiosk::core {

struct AssetsLookup {
    std::string dir;                 ///< the folder found; empty when none was
    std::vector<std::string> tried;  ///< every folder looked at, in order
};

/// First folder holding `templates/default.json`, in this order: $KIOSK_ASSETS_DIR (if set, the
/// only one tried); `<folder of the executable>/../share/kiosk` (an installed tree, or one moved
/// as a whole; the build tree has a link there); the install prefix's `share/kiosk`.
AssetsLookup findAssets();

/// findAssets() once per process. Errors "assets.missing", naming every folder tried.
Result<std::string> assetsDir();

}  // namespace kiosk::core
