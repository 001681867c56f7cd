// The kiosk's log (kiosk/core/log.hpp): timestamped, levelled lines in `<db>.log`, 0600.
#include "core_test_util.hpp"

#include <kiosk/core/log.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

using namespace kiosk::core;

namespace {

std::string readAll(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("log: lines with local time, offset, level and process land in <db>.log, private") {
    test::TempDb db;
    const std::string file = logFileFor(db.path());
    CHECK(file == db.path() + ".log");
    std::filesystem::remove(file);
    REQUIRE(openLog(db.path(), "run").ok());
    logInfo("help desk unlocked by Amina");
    logWarn("wrong PIN at the help desk (2 in a row)");
    logError("check-in failed at entrance-1 (wedge): db.io: disk full");
    closeLog();
    const std::string text = readAll(file);
    // "2026-12-06 10:42:07.123 +01:00 [info] [run] help desk unlocked by Amina"
    const std::regex line(
        R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[info\] \[run\] help desk unlocked by Amina)");
    CHECK(std::regex_search(text, line));
    CHECK(text.find("[warning] [run] wrong PIN at the help desk (2 in a row)") != std::string::npos);
    CHECK(text.find("[error] [run] check-in failed at entrance-1 (wedge): db.io: disk full") !=
          std::string::npos);
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    // A second run appends: the day's record is kept.
    REQUIRE(openLog(db.path(), "run").ok());
    logInfo("second start");
    closeLog();
    const std::string again = readAll(file);
    CHECK(again.find("help desk unlocked by Amina") != std::string::npos);
    CHECK(again.find("second start") != std::string::npos);
    // An existing log readable by others is made private.
    ::chmod(file.c_str(), 0644);
    REQUIRE(openLog(db.path(), "run").ok());
    closeLog();
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::filesystem::remove(file);
}

TEST_CASE("log: a planted symlink at <db>.log is refused, its target untouched") {
    test::TempDb db;
    const std::string file = logFileFor(db.path());
    const std::string target = db.path() + ".victim";
    { std::ofstream(target) << "precious\n"; }
    std::filesystem::remove(file);
    std::filesystem::create_symlink(target, file);
    const auto st = openLog(db.path(), "run");
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == "log.open");
    logError("goes to stderr only");
    CHECK(readAll(target) == "precious\n");
    std::filesystem::remove(file);
    std::filesystem::remove(target);
}
