// `kiosk pin`: set or inspect the volunteer PIN that guards the help desk. The PIN is read from
// stdin (never from the command line, where `ps` and shell history would show it) and stored only
// as an argon2id hash in `<db>.pin` (0600) beside the event database: see kiosk/ui/src/pin.hpp.
#include "commands.hpp"

#include "../ui/src/pin.hpp"

#include <kiosk/core.hpp>

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace kiosk::app {

namespace {

/// One line from stdin; with a terminal, echo is off while typing.
std::string readSecretLine(const char* prompt) {
    const bool tty = ::isatty(STDIN_FILENO) == 1;
    termios old{};
    if (tty) {
        std::fprintf(stderr, "%s", prompt);
        std::fflush(stderr);
        if (::tcgetattr(STDIN_FILENO, &old) == 0) {
            termios quiet = old;
            quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
            ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::fprintf(stderr, "\n");
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

}  // namespace

void registerPinCommand(CLI::App& app, CommandContext& ctx) {
    struct Options {
        std::string db;
        bool set = false;
    };
    auto opt = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "pin", "Set or show the volunteer PIN of the help desk (kept as a hash in <db>.pin)");
    cmd->add_option("--db", opt->db, "Event database (the PIN file sits beside it)")->required();
    cmd->add_flag("--set", opt->set, "Read a new PIN (4-12 digits) from stdin; asked twice on a terminal");
    cmd->callback([opt, &ctx] {
        if (!std::filesystem::exists(opt->db)) {
            std::fprintf(stderr,
                         "kiosk pin: %s does not exist: create the event first (kiosk demo / kiosk import)\n",
                         opt->db.c_str());
            ctx.exitCode = 2;
            return;
        }
        const std::string file = ui::pinFileFor(opt->db);
        if (!opt->set) {
            auto stored = ui::loadPinHash(file);
            if (!stored) {
                std::fprintf(stderr, "kiosk pin: %s [%s]\n", stored.error().message.c_str(),
                             stored.error().code.c_str());
                ctx.exitCode = 2;
            } else if (stored->has_value()) {
                std::printf("pin: set (%s)\n", file.c_str());
            } else {
                std::printf(
                    "pin: not set; the demo event opens with %s, any other event keeps the desk closed. "
                    "Set one with: kiosk pin --db %s --set\n",
                    std::string(ui::kDemoPin).c_str(), opt->db.c_str());
            }
            return;
        }
        const std::string pin = readSecretLine("New volunteer PIN (4-12 digits): ");
        if (::isatty(STDIN_FILENO) == 1 && readSecretLine("Repeat the PIN: ") != pin) {
            std::fprintf(stderr, "kiosk pin: the two PINs differ; nothing changed\n");
            ctx.exitCode = 2;
            return;
        }
        if (auto rule = ui::checkPinRules(pin); !rule.empty()) {
            std::fprintf(stderr, "kiosk pin: %s: a PIN is 4 to 12 digits; nothing changed\n",
                         std::string(rule).c_str());
            ctx.exitCode = 2;
            return;
        }
        if (auto st = ui::setPin(file, pin); !st) {
            std::fprintf(stderr, "kiosk pin: %s [%s]\n", st.error().message.c_str(), st.error().code.c_str());
            ctx.exitCode = 2;
            return;
        }
        std::printf("pin: set (%s, mode 0600); a running kiosk picks it up at its next start\n",
                    file.c_str());
    });
}

}  // namespace kiosk::app
