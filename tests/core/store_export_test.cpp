// The arrivals export as a spreadsheet opens it (issue 9): a UTF-8 byte-order mark so Excel
// shows "Şükrü", and no cell that becomes a formula after a ';' or ',' split.
#include "core_test_util.hpp"

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

using namespace kiosk::core;
using namespace kiosk::core::test;

TEST_CASE("export: a UTF-8 BOM first, names intact, formulas after a semicolon neutralised") {
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    Attendee a = person("Şükrü", "Öztürk", "Acme;=HYPERLINK(\"http://evil.example\")");
    auto added = db.addAttendee(a, "t");
    REQUIRE(added.ok());
    REQUIRE(db.checkInAttendee(added->id, "desk", kDuringDoors, "desk", "test").ok());
    const std::string out = file.path() + ".csv";
    REQUIRE(db.exportArrivalsCsv(out).value() == 1);
    std::ifstream in(out, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::filesystem::remove(out);
    REQUIRE(text.size() > 3);
    CHECK(text.substr(0, 3) == "\xEF\xBB\xBF");
    CHECK(text.find("Şükrü") != std::string::npos);
    CHECK(text.find(";=HYPERLINK") == std::string::npos);
    CHECK(text.find("Acme;'=HYPERLINK") != std::string::npos);
    // Our own importer reads it back (the BOM is skipped): the header is the first field.
    CHECK(text.substr(3, 11) == "attendee_id");
}

namespace {
/// TZ set for the scope of a test (the export writes times in the machine's = the event's zone).
struct ScopedTz {
    std::string old;
    bool had = false;
    explicit ScopedTz(const char* tz) {
        if (const char* o = std::getenv("TZ")) {
            old = o;
            had = true;
        }
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~ScopedTz() {
        if (had)
            ::setenv("TZ", old.c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
};
}  // namespace

TEST_CASE("export: arrival times in the event's time zone with the offset, summer and winter") {
    if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Brussels")) {
        MESSAGE("tzdata missing: skipped");
        return;
    }
    ScopedTz tz("Europe/Brussels");
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const auto winter = db.addAttendee(person("Ana", "Winter"), "t").value();
    const auto summer = db.addAttendee(person("Bo", "Summer"), "t").value();
    REQUIRE(db.checkInAttendee(winter.id, "desk", at("2018-03-16T08:05:00Z"), "desk", "t").ok());
    REQUIRE(db.checkInAttendee(summer.id, "desk", at("2018-07-02T13:30:09Z"), "desk", "t").ok());
    const std::string out = file.path() + ".csv";
    REQUIRE(db.exportArrivalsCsv(out).value() == 2);
    std::ifstream in(out, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::filesystem::remove(out);
    const std::string text = ss.str();
    CHECK(text.find("2018-03-16T09:05:00+01:00") != std::string::npos);  // CET
    CHECK(text.find("2018-07-02T15:30:09+02:00") != std::string::npos);  // CEST
    CHECK(text.find("08:05:00Z") == std::string::npos);
    // The offset makes the instant exact: it reads back to the stored time.
    CHECK(parseIso8601("2018-07-02T15:30:09+02:00") == at("2018-07-02T13:30:09Z"));
    CHECK(formatIso8601Local(at("2018-03-16T08:05:00Z")) == "2018-03-16T09:05:00+01:00");
}
