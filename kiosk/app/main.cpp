// kiosk: the event check-in kiosk. `kiosk --help` lists the subcommands.
#include "commands.hpp"

#include <csignal>
#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    // A file-size limit (ulimit -f) must fail the write with EFBIG, reported as such, instead of
    // killing the kiosk silently with SIGXFSZ in the middle of a check-in.
    std::signal(SIGXFSZ, SIG_IGN);
    CLI::App app{"kiosk: event check-in with badge printing"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "kiosk 0.1.0");
    kiosk::app::CommandContext ctx;
    kiosk::app::registerCoreCommands(app, ctx);
    kiosk::app::registerEventCommand(app, ctx);
    kiosk::app::registerImportCommands(app, ctx);
    kiosk::app::registerScanCommands(app, ctx);
    kiosk::app::registerPrintCommands(app, ctx);
    kiosk::app::registerPrinterCommands(app, ctx);
    kiosk::app::registerRunCommand(app, ctx);
    kiosk::app::registerPinCommand(app, ctx);
    kiosk::app::registerPrivacyCommands(app, ctx);
    kiosk::app::registerSyncCommands(app, ctx);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;  // usage error
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kiosk: %s\n", e.what());
        return 2;
    }
    return ctx.exitCode;
}
