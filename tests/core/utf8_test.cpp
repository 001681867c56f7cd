// kiosk/core/utf8.hpp: the one UTF-8 codec the core, scanner, printing and UI share.
#include <kiosk/core/utf8.hpp>

#include <doctest/doctest.h>

using namespace kiosk::core;

TEST_CASE("utf8: validation refuses overlongs, surrogates, > U+10FFFF and truncation") {
    CHECK(utf8::isValid(""));
    CHECK(utf8::isValid("plain ASCII, long enough for the eight-byte fast path"));
    CHECK(utf8::isValid("Zoë Dvořák, Şükrü, Łucja 🎫"));
    CHECK_FALSE(utf8::isValid("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(utf8::isValid("\xE0\x80\xAF"));      // overlong, three bytes
    CHECK_FALSE(utf8::isValid("\xED\xA0\x80"));      // surrogate
    CHECK_FALSE(utf8::isValid("\xF4\x90\x80\x80"));  // > U+10FFFF
    CHECK_FALSE(utf8::isValid("abc\xE2\x82"));       // truncated
    CHECK_FALSE(utf8::isValid("\x80"));
    CHECK_FALSE(utf8::isValid("12345678\xFF"));  // after an ASCII run
}

TEST_CASE("utf8: decodeAt gives the length of each code point, 0 when invalid") {
    char32_t cp = 0;
    CHECK(utf8::decodeAt("a", 0, cp) == 1);
    CHECK(cp == U'a');
    CHECK(utf8::decodeAt("ë", 0, cp) == 2);
    CHECK(cp == U'ë');
    CHECK(utf8::decodeAt("€", 0, cp) == 3);
    CHECK(cp == U'€');
    CHECK(utf8::decodeAt("🎫", 0, cp) == 4);
    CHECK(cp == U'🎫');
    CHECK(utf8::decodeAt("\xC3", 0, cp) == 0);
}

TEST_CASE("utf8: decode replaces each bad byte with U+FFFD and encode round-trips") {
    CHECK(utf8::decode("Dvořák") == U"Dvořák");
    CHECK(utf8::decode("a\xFF"
                       "b") ==
          U"a\uFFFD"
          "b");
    CHECK(utf8::decode("\xE2\x82") == U"\uFFFD\uFFFD");
    const std::u32string names = U"Zoë Dvořák · Şükrü · Łucja · Αθηνά · Ольга · 🎫";
    CHECK(utf8::decode(utf8::encode(names)) == names);
    std::string out;
    utf8::append(out, U'é');
    CHECK(out == "é");
}
