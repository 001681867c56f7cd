#include "commands.hpp"

namespace kiosk::app {

void registerCoreCommands(CLI::App&, CommandContext&) {}

}  // namespace kiosk::app
