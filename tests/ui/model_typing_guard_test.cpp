// The PIN pad's typing guard: a person's keys come through in order, a scanner's burst (and its
// Enter) does not (issue 9: a scan arriving while the PIN pad is open is not typed into the PIN).
#include <kiosk/ui/typing_guard.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace kiosk::ui;
using namespace std::chrono_literals;
using Clock = TypingGuard::Clock;

namespace {

const Clock::time_point t0 = Clock::time_point{} + 1000s;

/// Feeds `keys` `gap` apart from `start`, collecting what comes out; then waits 1 s.
std::string feed(TypingGuard& g, const std::string& keys, std::chrono::milliseconds gap,
                 Clock::time_point& t) {
    std::string out;
    for (char k : keys) {
        g.key(k, t);
        t += gap;
        for (char c : g.take(t)) out += c;
    }
    t += 1s;
    for (char c : g.take(t)) out += c;
    return out;
}

}  // namespace

TEST_CASE("typing guard: a person's keys come out in order, after the hold") {
    TypingGuard g;
    auto t = t0;
    g.key('4', t);
    CHECK(g.take(t + 10ms).empty());  // still held: it could be a scanner's first key
    CHECK(g.take(t + 40ms) == std::vector<char>{'4'});
    t += 40ms;
    CHECK(feed(g, "321\n", 90ms, t) == "321\n");
    CHECK(g.burstsDropped() == 0);
}

TEST_CASE("typing guard: a scanner's burst and its Enter are dropped whole") {
    TypingGuard g;
    auto t = t0;
    CHECK(feed(g, "43", 120ms, t) == "43");
    CHECK(feed(g, "12345678901234\n", 4ms, t).empty());
    CHECK(g.burstsDropped() == 1);
    // Slower scanners (15 ms a key) too; the person goes on afterwards.
    CHECK(feed(g, "KQ1:abc\n", 15ms, t).empty());
    CHECK(g.burstsDropped() == 2);
    CHECK(feed(g, "21\n", 100ms, t) == "21\n");
}

TEST_CASE("typing guard: an Enter sent by the scanner after a pause is still the scanner's") {
    TypingGuard g;
    auto t = t0;
    CHECK(feed(g, "98765", 3ms, t).empty());  // the burst ends, then 1 s passes in feed()
    g.key('\n', t - 1s + 100ms);              // …but this Enter came 100 ms after the burst
    CHECK(g.take(t).empty());
    // A person's Enter well after it counts.
    g.key('\n', t);
    CHECK(g.take(t + 50ms) == std::vector<char>{'\n'});
}

TEST_CASE("typing guard: reset forgets a held key and a burst in progress") {
    TypingGuard g;
    g.key('1', t0);
    g.reset();
    CHECK(g.take(t0 + 1s).empty());
    g.key('1', t0 + 2s);
    g.key('2', t0 + 2s + 2ms);
    g.reset();
    g.key('3', t0 + 2s + 4ms);  // not part of the old burst any more
    CHECK(g.take(t0 + 3s) == std::vector<char>{'3'});
}
