#include "commands.hpp"

namespace kiosk::app {

void registerImportCommands(CLI::App&, CommandContext&) {}

}  // namespace kiosk::app
