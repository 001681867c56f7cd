// One invisible-character predicate (kiosk/core/text.hpp) and what uses it: scanned payloads
// and the event's own name, venue and id (issue 9, issue 10).
#include "core_test_util.hpp"

#include <kiosk/core/text.hpp>

using namespace kiosk::core;
using namespace kiosk::core::test;

TEST_CASE("text: the invisible predicate covers controls, bidi controls and every zero-width character") {
    for (char32_t cp :
         {U'\0',     U'\x1b',   U'\x7f',   U'\x85',   U'\u200b', U'\u200c', U'\u200d', U'\u200e',
          U'\u200f', U'\u202a', U'\u202e', U'\u2066', U'\u2069', U'\u2060', U'\u2061', U'\u2064',
          U'\ufeff', U'\u061c', U'\u180e', U'\u2028', U'\u2029', U'\u00ad', U'\ufe0f', U'\U000e0041'}) {
        INFO("U+" << std::hex << static_cast<unsigned>(cp));
        CHECK(text::isInvisible(cp));
    }
    for (char32_t cp : {U'a', U' ', U'é', U'ř', U'Ж', U'\u00a0', U'\u3000', U'\U0001F600'})
        CHECK_FALSE(text::isInvisible(cp));
    CHECK(text::isBidiControl(U'\u202e'));
    CHECK_FALSE(text::isBidiControl(U'\u200b'));
    CHECK(text::isZeroWidth(U'\u2060'));
    CHECK(text::stripZeroWidth("Zo\u2060\u00eb\u200b Dvo\ufeff\u0159\u00e1k") == "Zo\u00eb Dvo\u0159\u00e1k");
    CHECK(text::findFirst("ab\u202ec", &text::isBidiControl) == 2);
    CHECK(text::findFirst("abc", &text::isBidiControl) == std::string_view::npos);
}

TEST_CASE("text: a scanned payload loses U+2060 and the other zero-width characters the QR format strips") {
    CHECK(sanitizePayload("ABC\u2060DEF").value() == "ABCDEF");
    CHECK(sanitizePayload("\ufeffABC\u200bDEF\u2063").value() == "ABCDEF");
    CHECK(sanitizePayload("AB\u202eCD").value() == "ABCD");
}

TEST_CASE("event: control and bidi characters in the name, venue or city are refused, zero-width stripped") {
    TempDb file;
    Database db = file.open();
    Event e = testEvent();
    e.name = "Civic Tech\u202e Summit";
    CHECK(db.setEvent(e).error().code == "event.bad_text");
    e.name = "Civic Tech Summit";
    e.venue = "Hall\x1b[2J";
    CHECK(db.setEvent(e).error().code == "event.bad_text");
    e.venue = "Hall";
    e.city = "Bru\xffxelles";
    CHECK(db.setEvent(e).error().code == "event.bad_text");
    e.city = "Bruxelles";
    e.name = "Civic\u2060 Tech\u200b Summit\ufeff 2026";
    REQUIRE(db.setEvent(e).ok());
    CHECK(db.event().value()->name == "Civic Tech Summit 2026");
    CHECK(db.event().value()->venue == "Hall");
}

TEST_CASE("event: an id with invalid UTF-8 or invisible characters is refused") {
    TempDb file;
    Database db = file.open();
    Event e = testEvent("civic-\xc3\x28");
    CHECK(db.setEvent(e).error().code == "event.bad_id");
    e.id = "civic\u200b-2026";
    CHECK(db.setEvent(e).error().code == "event.bad_id");
    e.id = "civic-2026";
    CHECK(db.setEvent(e).ok());
}
