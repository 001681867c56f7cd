// `kiosk pin`: set or inspect the volunteer PINs that guard the help desk. A PIN is read from
// stdin (never from the command line, where `ps` and shell history would show it) and stored only
// as an argon2id hash in `<db>.pin` (0600) beside the event database: see kiosk/core/access.hpp.
// Works in a build without the window too.
#include "commands.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/access.hpp>

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
        std::string volunteer;
        std::string remove;
    };
    auto opt = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "pin", "Set or show the volunteer PINs of the help desk (kept as hashes in <db>.pin)");
    cmd->add_option("--db", opt->db, "Event database (the PIN file sits beside it)")->required();
    cmd->add_flag("--set", opt->set, "Read a new PIN (4-12 digits) from stdin; asked twice on a terminal");
    cmd->add_option("--volunteer", opt->volunteer,
                    "With --set: this volunteer's own PIN (the desk records their actions as desk:NAME); "
                    "without: the shared desk PIN");
    cmd->add_option("--remove", opt->remove, "Remove the named volunteer's PIN");
    cmd->callback([opt, &ctx] {
        auto failWith = [&](const core::Error& e) {
            std::fprintf(stderr, "kiosk pin: %s [%s]\n", e.message.c_str(), e.code.c_str());
            ctx.exitCode = 2;
        };
        if (!std::filesystem::exists(opt->db)) {
            std::fprintf(stderr,
                         "kiosk pin: %s does not exist: create the event first (kiosk demo / kiosk import)\n",
                         opt->db.c_str());
            ctx.exitCode = 2;
            return;
        }
        const std::string file = core::pinFileFor(opt->db);
        if (!opt->remove.empty()) {
            if (auto st = core::removeVolunteer(file, opt->remove); !st) return failWith(st.error());
            std::printf("pin: %s removed (%s)\n", opt->remove.c_str(), file.c_str());
            return;
        }
        if (!opt->set) {
            auto stored = core::loadPinFile(file);
            if (!stored) return failWith(stored.error());
            if (stored->has_value() && (*stored)->hasPin()) {
                std::printf("pin: set (%s)\n", file.c_str());
                for (const auto& v : (*stored)->volunteers)
                    std::printf("  %s\n", v.name.empty() ? "(shared desk PIN)" : v.name.c_str());
            } else {
                bool demo = false;
                if (auto db = core::Database::open(opt->db, core::Database::Mode::ReadOnly); db)
                    if (auto ev = db->event(); ev && ev->has_value()) demo = (*ev)->demo;
                if (demo)
                    std::printf(
                        "pin: not set; this is the demo database (made by kiosk demo): it opens with %s. ",
                        std::string(core::kDemoPin).c_str());
                else
                    std::printf("pin: not set; the desk stays closed. ");
                std::printf("Set one with: kiosk pin --db %s --set [--volunteer NAME]\n", opt->db.c_str());
            }
            if (stored->has_value() && (*stored)->failures > 0)
                std::printf("lockout: %d wrong PIN(s) in a row\n", (*stored)->failures);
            return;
        }
        if (!opt->volunteer.empty() && !core::checkVolunteerName(opt->volunteer).empty()) {
            std::fprintf(stderr,
                         "kiosk pin: a volunteer's name is 1 to 40 characters of text; nothing changed\n");
            ctx.exitCode = 2;
            return;
        }
        const std::string pin = readSecretLine("New volunteer PIN (4-12 digits): ");
        if (::isatty(STDIN_FILENO) == 1 && readSecretLine("Repeat the PIN: ") != pin) {
            std::fprintf(stderr, "kiosk pin: the two PINs differ; nothing changed\n");
            ctx.exitCode = 2;
            return;
        }
        if (auto rule = core::checkPinRules(pin); !rule.empty()) {
            std::fprintf(stderr, "kiosk pin: %s: a PIN is 4 to 12 digits; nothing changed\n",
                         std::string(rule).c_str());
            ctx.exitCode = 2;
            return;
        }
        if (auto st = core::setPin(file, pin, opt->volunteer); !st) return failWith(st.error());
        std::printf("pin: set%s%s (%s, mode 0600); a running kiosk picks it up at its next start\n",
                    opt->volunteer.empty() ? "" : " for ", opt->volunteer.c_str(), file.c_str());
    });
}

}  // namespace kiosk::app
