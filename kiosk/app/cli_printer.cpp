#include "commands.hpp"

namespace kiosk::app {

void registerPrinterCommands(CLI::App&, CommandContext&) {}

}  // namespace kiosk::app
