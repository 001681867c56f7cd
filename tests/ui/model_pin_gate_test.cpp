// The PIN gate facing the public: a refused PIN file is named in the language on screen.
#include <kiosk/ui/pin_gate.hpp>
#include <kiosk/ui/strings.hpp>

#include <kiosk/core/access.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

using namespace kiosk::ui;
namespace core = kiosk::core;

namespace {

std::string tempPath(const char* stem) {
    return (std::filesystem::temp_directory_path() /
            (std::string("kiosk-gate-") + stem + "-" + std::to_string(::getpid()) + ".kiosk"))
        .string();
}

}  // namespace

TEST_CASE("pin gate: the pad names a PIN file problem in the language on screen, never its path (issue 9)") {
    auto loaded = Strings::load(KIOSK_ASSETS_DIR);
    REQUIRE(loaded.ok());
    const Strings& strings = *loaded;
    using core::Language;
    const std::string db = tempPath("gate");
    const std::string file = core::pinFileFor(db);
    REQUIRE(core::setPin(file, "7355").ok());
    ::chmod(file.c_str(), 0644);
    const core::PinConfig cfg = core::loadPinConfig(db, false);
    REQUIRE(cfg.problemCode == "pin.permissions");
    CHECK(cfg.problem.find(file) != std::string::npos);  // the organiser's message (stderr) names it
    PinGate gate;
    gate.configure(cfg);
    gate.open(strings, Language::Fr);
    CHECK(gate.message() == strings.get(Language::Fr, "lock.problem.pin.permissions"));
    CHECK(gate.message().find('/') == std::string::npos);
    CHECK(gate.message().find("readable") == std::string::npos);  // no English inside French

    // No PIN at all: the translated sentence, not the path of the database.
    std::filesystem::remove(file);
    const core::PinConfig none = core::loadPinConfig(db, false);
    CHECK(none.problemCode == "pin.none");
    PinGate g2;
    g2.configure(none);
    g2.open(strings, Language::Nl);
    CHECK(g2.message() == strings.get(Language::Nl, "lock.no_pin"));
    CHECK(g2.message().find(db) == std::string::npos);
    // Every problem code has its words in every language.
    for (const char* code : {"pin.permissions", "pin.read", "pin.format", "pin.hash"})
        for (Language l : {Language::Fr, Language::Nl, Language::En})
            CHECK_MESSAGE(strings.has(l, std::string("lock.problem.") + code), code);
}
