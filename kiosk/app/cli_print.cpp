#include "commands.hpp"

namespace kiosk::app {

void registerPrintCommands(CLI::App&, CommandContext&) {}

}  // namespace kiosk::app
