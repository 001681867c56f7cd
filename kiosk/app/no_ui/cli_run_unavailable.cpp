// Built with -DKIOSK_BUILD_UI=OFF: `kiosk run` says how to get the window.
#include "../commands.hpp"

#include <cstdio>

namespace kiosk::app {

void registerRunCommand(CLI::App& app, CommandContext& ctx) {
    auto* run = app.add_subcommand("run", "Open the kiosk window (this build has no window)");
    run->allow_extras();
    run->callback([&ctx] {
        std::fprintf(stderr,
                     "kiosk run: this kiosk was built without the window "
                     "(KIOSK_BUILD_UI=OFF); rebuild with -DKIOSK_BUILD_UI=ON\n");
        ctx.exitCode = 2;
    });
}

}  // namespace kiosk::app
