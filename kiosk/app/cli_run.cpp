#include "commands.hpp"

namespace kiosk::app {

void registerRunCommand(CLI::App&, CommandContext&) {}

}  // namespace kiosk::app
