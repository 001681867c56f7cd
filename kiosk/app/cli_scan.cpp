#include "commands.hpp"

namespace kiosk::app {

void registerScanCommands(CLI::App&, CommandContext&) {}

}  // namespace kiosk::app
