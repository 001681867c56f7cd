// kiosk/core/src/types.cpp: ISO 8601 times as the CLI and the export read and write them.
#include <kiosk/core.hpp>

#include <doctest/doctest.h>

using namespace kiosk::core;

namespace {
int64_t ms(std::string_view s) {
    const auto t = parseIso8601(s);
    REQUIRE_MESSAGE(t.has_value(), s);
    return t->time_since_epoch().count();
}
}  // namespace

TEST_CASE("iso8601: UTC, offsets with and without seconds or colon, fractions, date only") {
    const int64_t t0830 = 1521189000000;  // 2018-03-16T08:30:00Z
    CHECK(ms("2018-03-16T08:30:00Z") == t0830);
    CHECK(ms("2018-03-16T08:30Z") == t0830);
    CHECK(ms("2018-03-16T09:30:00+01:00") == t0830);
    CHECK(ms("2018-03-16T09:30+01:00") == t0830);  // no seconds: the offset still counts
    CHECK(ms("2018-03-16T09:30+0100") == t0830);
    CHECK(ms("2018-03-16T07:30-01") == t0830);
    CHECK(ms("2018-03-16 08:30:00.250Z") == t0830);
    CHECK(ms("2018-03-16t08:30:00z") == t0830);
    CHECK(ms("2018-03-16T08:30") == t0830);  // no zone: UTC
    CHECK(ms("2018-03-16") == 1521158400000);
    CHECK(formatIso8601(*parseIso8601("2018-03-16T09:30+01:00")) == "2018-03-16T08:30:00Z");
}

TEST_CASE("iso8601: anything half-readable is refused") {
    for (const char* bad :
         {"", "2018", "2018-03", "2018-3-16", "2018-03-16 09", "2018-03-16T9:30", "2018-03-16T08:30:00Q",
          "2018-03-16T08:30:00+1", "2018-03-16T08:30:00+01:", "2018-03-16 garbage", "2018-13-01",
          "2018-02-30", "2018-03-16T24:00", "2018-03-16T08:60", "2018-03-16T08:30:00Z ", " 2018-03-16",
          "2018-03-16T08:30:00.Z"}) {
        CAPTURE(bad);
        CHECK_FALSE(parseIso8601(bad).has_value());
    }
}
