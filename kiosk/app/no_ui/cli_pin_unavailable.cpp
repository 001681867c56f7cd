// Built with -DKIOSK_BUILD_UI=OFF: the PIN guards the window's help desk, which this build lacks.
#include "../commands.hpp"

#include <cstdio>

namespace kiosk::app {

void registerPinCommand(CLI::App& app, CommandContext& ctx) {
    auto* pin = app.add_subcommand("pin", "Set the help-desk PIN (this build has no window)");
    pin->allow_extras();
    pin->callback([&ctx] {
        std::fprintf(stderr,
                     "kiosk pin: this kiosk was built without the window "
                     "(KIOSK_BUILD_UI=OFF); rebuild with -DKIOSK_BUILD_UI=ON\n");
        ctx.exitCode = 2;
    });
}

}  // namespace kiosk::app
