// Keyboard-wedge scanners (timing, AZERTY repair, control characters) and the debouncer.
#include "test_payloads.hpp"

#include <doctest/doctest.h>
#include <kiosk/scanner.hpp>

using namespace kiosk::scanner;
using namespace std::chrono_literals;

namespace {

// Feeds `text` (UTF-8) as one keystroke per code point, `gap` apart, then `terminator`.
std::optional<std::string> type(WedgeDecoder& w, std::u32string text, std::chrono::milliseconds gap,
                                SteadyTime& t, WedgeKey terminator = WedgeKey::Enter) {
    for (char32_t c : text) {
        t += gap;
        auto r = w.onChar(c, t);
        REQUIRE_FALSE(r);  // nothing completes before the terminator
    }
    t += gap;
    return w.onKey(terminator, t);
}

std::u32string u32(std::string_view s) {
    std::u32string out;
    for (unsigned char c : s) out += static_cast<char32_t>(c);  // ASCII test input only
    return out;
}

}  // namespace

TEST_CASE("wedge: a fast burst ending in Enter or Tab is a scan") {
    WedgeDecoder w;
    SteadyTime t{};
    auto r = type(w, u32("k7hq3mxd9za2bncte4wuyp8vfgr5js6e"), 8ms, t);
    REQUIRE(r);
    CHECK(*r == "k7hq3mxd9za2bncte4wuyp8vfgr5js6e");
    auto tab = type(w, u32("1234567890123456789001"), 5ms, t, WedgeKey::Tab);
    REQUIRE(tab);
    CHECK(*tab == "1234567890123456789001");
}

TEST_CASE("wedge: slow typing is not a scan") {
    WedgeDecoder w;
    SteadyTime t{};
    CHECK_FALSE(type(w, u32("hello world"), 150ms, t));
    // Typing at a brisk human 90 ms per key is still typing.
    CHECK_FALSE(type(w, u32("A-7KQ2M9X"), 90ms, t));
    // A fast burst but a slow Enter (a person pressed it afterwards) is not a scan either.
    for (char32_t c : u32("A-7KQ2M9X")) {
        t += 5ms;
        (void)w.onChar(c, t);
    }
    t += 800ms;
    CHECK_FALSE(w.onKey(WedgeKey::Enter, t));
}

TEST_CASE("wedge: a stray keystroke before a scan does not spoil it") {
    WedgeDecoder w;
    SteadyTime t{};
    (void)w.onChar(U'x', t);
    t += 2s;
    auto r = type(w, u32("A-7KQ2M9X"), 6ms, t);
    REQUIRE(r);
    CHECK(*r == "A-7KQ2M9X");
}

TEST_CASE("wedge: too short bursts, Backspace and Escape reset") {
    WedgeDecoder w;
    SteadyTime t{};
    CHECK_FALSE(type(w, u32("ab"), 5ms, t));
    for (char32_t c : u32("A-7KQ")) {
        t += 5ms;
        (void)w.onChar(c, t);
    }
    t += 5ms;
    CHECK_FALSE(w.onKey(WedgeKey::Backspace, t));
    for (char32_t c : u32("2M9X")) {
        t += 5ms;
        (void)w.onChar(c, t);
    }
    t += 5ms;
    auto r = w.onKey(WedgeKey::Enter, t);
    REQUIRE(r);
    CHECK(*r == "2M9X");  // only what came after the reset
    // Shift presses between characters (Key::Other) do not break a burst.
    for (char32_t c : u32("A-7KQ2M9X")) {
        t += 3ms;
        (void)w.onKey(WedgeKey::Other, t);
        t += 3ms;
        (void)w.onChar(c, t);
    }
    t += 5ms;
    auto r2 = w.onKey(WedgeKey::Enter, t);
    REQUIRE(r2);
    CHECK(*r2 == "A-7KQ2M9X");
}

TEST_CASE("wedge: control characters are stripped (a hostile code cannot type hotkeys)") {
    WedgeDecoder w;
    SteadyTime t{};
    std::u32string evil = U"A-7K\x1b[2J\x07Q2\x7fM9\x9bX\x00";
    auto r = type(w, evil, 4ms, t);
    REQUIRE(r);
    CHECK(r->find('\x1b') == std::string::npos);
    CHECK(r->find('\x07') == std::string::npos);
    CHECK(r->find('\x7f') == std::string::npos);
    CHECK(r->find('\0') == std::string::npos);
    CHECK(*r == "A-7K[2JQ2M9X");
}

TEST_CASE("wedge: US-layout scanner on a Belgian AZERTY machine is repaired for known alphabets") {
    WedgeDecoder w;
    SteadyTime t{};
    // Eventbrite digits arrive as the unshifted AZERTY number row.
    auto eb = type(w, U"&é\"'(§è!çà&é\"'(§è!çàà&", 5ms, t);
    REQUIRE(eb);
    CHECK(*eb == "1234567890123456789001");
    // Hi.Events: shift+a types Q, '-' types ')', digits as above.
    auto hi = type(w, U"Q)èKAé?çX", 5ms, t);
    REQUIRE(hi);
    CHECK(*hi == "A-7KQ2M9X");
    // pretix: a/q, w/z swapped, m on the ';' key → ',' and digits garbled.
    // intended k7hq3mxd9za2bncte4wuyp8vfgr5js6e
    auto px = type(w, U"kèha\",xdçwqébncte'zuyp!vfgr(js§e", 5ms, t);
    REQUIRE(px);
    CHECK(*px == "k7hq3mxd9za2bncte4wuyp8vfgr5js6e");
    // Our own code: "KQ1:" arrives as "KA&M", base32 letters A/Q, Z/W swapped, digits garbled.
    auto kq = type(w, U"KA&MBJWGE\"TTNEZTE?BRHBBOYLA(NWUXEOEPXRN§?é", 5ms, t);
    REQUIRE(kq);
    CHECK(*kq == "KQ1:BJZGE3TTNEWTEMBRHBBOYLQ5NZUXEOEPXRN6M2");
}

TEST_CASE("layout repair leaves text alone unless only the repaired form fits") {
    CHECK(repairKeyboardLayout("1234567890123456789001") == "1234567890123456789001");
    CHECK(repairKeyboardLayout("A-7KQ2M9X") == "A-7KQ2M9X");
    CHECK(repairKeyboardLayout("hello world") == "hello world");  // unknown either way
    CHECK(repairKeyboardLayout("&é\"'(§è!çà&é\"'(") == "123456789012345");
    // Ambiguous pretix secret without digits or 'm': it fits as typed, so it is kept.
    CHECK(repairKeyboardLayout("abcdefghjkqrstuvwxyzabcd") == "abcdefghjkqrstuvwxyzabcd");
    // pretix signed (base64): '+' arrives as '_', '/' as '=', '=' as '-'.
    const std::string signedCode = kiosk::scanner::test::samplePayloads()[1].second;
    std::string garbled;
    for (char c : signedCode) {
        switch (c) {
            case '+':
                garbled += '_';
                break;
            case '/':
                garbled += '=';
                break;
            case '=':
                garbled += '-';
                break;
            case 'a':
                garbled += 'q';
                break;
            case 'q':
                garbled += 'a';
                break;
            case 'A':
                garbled += 'Q';
                break;
            case 'Q':
                garbled += 'A';
                break;
            case 'w':
                garbled += 'z';
                break;
            case 'z':
                garbled += 'w';
                break;
            case 'W':
                garbled += 'Z';
                break;
            case 'Z':
                garbled += 'W';
                break;
            case 'm':
                garbled += ',';
                break;
            case 'M':
                garbled += '?';
                break;
            case '0':
                garbled += "à";
                break;
            case '1':
                garbled += "&";
                break;
            case '2':
                garbled += "é";
                break;
            case '3':
                garbled += "\"";
                break;
            case '4':
                garbled += "'";
                break;
            case '5':
                garbled += "(";
                break;
            case '6':
                garbled += "§";
                break;
            case '7':
                garbled += "è";
                break;
            case '8':
                garbled += "!";
                break;
            case '9':
                garbled += "ç";
                break;
            default:
                garbled += c;
        }
    }
    CHECK(repairKeyboardLayout(garbled) == signedCode);
}

TEST_CASE("debouncer: a code held for two seconds is one scan - back after an absence it is another") {
    Debouncer d(1500ms);
    SteadyTime t{};
    int scans = 0;
    for (int frame = 0; frame < 60; ++frame) {  // 2 s at 30 fps
        if (d.accept("A-7KQ2M9X", t)) ++scans;
        t += 33ms;
    }
    CHECK(scans == 1);
    // Missed frames inside the hold (the decoder skipped a few) do not create a new scan.
    t += 900ms;
    CHECK_FALSE(d.accept("A-7KQ2M9X", t));
    // The attendee leaves for 2 s and comes back: reported again.
    t += 2s;
    CHECK(d.accept("A-7KQ2M9X", t));
    // A different code while the first is still in view is its own scan.
    CHECK(d.accept("1234567890123456789001", t + 10ms));
    CHECK_FALSE(d.accept("A-7KQ2M9X", t + 20ms));
    d.reset();
    CHECK(d.accept("A-7KQ2M9X", t + 30ms));
}

TEST_CASE("debouncer: the absence threshold is exact") {
    Debouncer d(1500ms);
    SteadyTime t{};
    CHECK(d.accept("x", t));
    CHECK_FALSE(d.accept("x", t + 1500ms));  // seen again exactly at the limit: same presence
    CHECK(d.accept("x", t + 1500ms + 1501ms));
}
