// The arrivals export as a spreadsheet opens it (issue 9): a UTF-8 byte-order mark so Excel
// shows "Şükrü", and no cell that becomes a formula after a ';' or ',' split.
#include "core_test_util.hpp"

#include <fstream>
#include <sstream>

using namespace kiosk::core;
using namespace kiosk::core::test;

TEST_CASE("export: a UTF-8 BOM first, names intact, formulas after ';' neutralised") {
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
