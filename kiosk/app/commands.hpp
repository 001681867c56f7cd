#pragma once
// Subcommand registration. Each concern registers its own subcommands in its own file; the
// commands are thin over the same library calls the window makes.
#include <CLI/CLI.hpp>

namespace kiosk::app {

/// Shared by all subcommands: the process exit status (0 ok, 2 usage or database error,
/// 3 a check-in outcome other than checked_in).
struct CommandContext {
    int exitCode = 0;
};

void registerCoreCommands(CLI::App& app, CommandContext& ctx);     // cli_core.cpp
void registerImportCommands(CLI::App& app, CommandContext& ctx);   // cli_import.cpp (import, export)
void registerScanCommands(CLI::App& app, CommandContext& ctx);     // cli_scan.cpp
void registerPrintCommands(CLI::App& app, CommandContext& ctx);    // cli_print.cpp
void registerPrinterCommands(CLI::App& app, CommandContext& ctx);  // cli_printer.cpp (print, printers)
void registerRunCommand(CLI::App& app, CommandContext& ctx);       // cli_run.cpp (window)
void registerPinCommand(CLI::App& app, CommandContext& ctx);       // cli_pin.cpp (help-desk PIN)
void registerEventCommand(CLI::App& app, CommandContext& ctx);     // cli_event.cpp (the event itself)
void registerPrivacyCommands(CLI::App& app, CommandContext& ctx);  // cli_privacy.cpp (erase, person, purge)
void registerSyncCommands(CLI::App& app, CommandContext& ctx);     // cli_sync.cpp (server, sync, duplicates)

}  // namespace kiosk::app
