// The volunteer PINs (kiosk/core/access.hpp): hashing, storage, named volunteers, growing
// delays kept in the PIN file, the idle lock (time passed in), the demo PIN on the demo only.
#include "core_test_util.hpp"

#include <kiosk/core/access.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace kiosk::core;
using namespace std::chrono_literals;
using Clock = PinLock::Clock;

namespace {

std::string tempPath(const char* stem) {
    auto dir =
        std::filesystem::temp_directory_path() / ("kiosk-pin-" + std::to_string(::getpid()) + "-" + stem);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return (dir / "event.db").string();
}

}  // namespace

TEST_CASE("pin: hash is salted and verifies only the right PIN") {
    auto a = hashPin("482913");
    auto b = hashPin("482913");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->rfind("$argon2id$", 0) == 0);
    CHECK(*a != *b);  // fresh salt each time
    CHECK(a->find("482913") == std::string::npos);
    CHECK(verifyPin(*a, "482913"));
    CHECK(verifyPin(*b, "482913"));
    CHECK_FALSE(verifyPin(*a, "482914"));
    CHECK_FALSE(verifyPin(*a, ""));
    CHECK_FALSE(verifyPin("", "482913"));
    CHECK_FALSE(verifyPin("$argon2id$garbage", "482913"));
}

TEST_CASE("pin: rules refuse short, long and non-digit PINs") {
    CHECK(checkPinRules("123") == "pin.too_short");
    CHECK(checkPinRules("1234567890123") == "pin.too_long");
    CHECK(checkPinRules("12a4") == "pin.not_digits");
    CHECK(checkPinRules("1234").empty());
    CHECK_FALSE(hashPin("12").ok());
    CHECK(hashPin("12").error().code == "pin.invalid");
}

TEST_CASE("pin: stored beside the database, 0600, loaded back") {
    const std::string db = tempPath("store");
    const std::string file = pinFileFor(db);
    CHECK(file == db + ".pin");
    auto missing = loadPinHash(file);
    REQUIRE(missing.ok());
    CHECK_FALSE(missing->has_value());

    REQUIRE(setPin(file, "7355").ok());
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto loaded = loadPinHash(file);
    REQUIRE(loaded.ok());
    REQUIRE(loaded->has_value());
    CHECK(verifyPin(**loaded, "7355"));

    auto cfg = loadPinConfig(db, /*allowDemoDefault=*/true);
    CHECK_FALSE(cfg.demoDefault);  // a stored PIN wins over the demo default
    CHECK(verifyPin(cfg.hash, "7355"));
    CHECK_FALSE(verifyPin(cfg.hash, std::string(kDemoPin)));

    ::chmod(file.c_str(), 0644);
    auto loose = loadPinHash(file);
    REQUIRE_FALSE(loose.ok());
    CHECK(loose.error().code == "pin.permissions");
    CHECK(loadPinConfig(db, true).hash.empty());  // refused, not silently the demo PIN

    ::chmod(file.c_str(), 0600);
    { std::ofstream(file) << "1234\n"; }  // a plain PIN written by hand is not a hash
    ::chmod(file.c_str(), 0600);
    auto plain = loadPinHash(file);
    REQUIRE_FALSE(plain.ok());
    CHECK(plain.error().code == "pin.format");
}

TEST_CASE("pin: demo default only where allowed") {
    const std::string db = tempPath("demo");
    auto demo = loadPinConfig(db, true);
    CHECK(demo.demoDefault);
    CHECK(verifyPin(demo.hash, std::string(kDemoPin)));
    auto real = loadPinConfig(db, false);
    CHECK(real.hash.empty());
    CHECK(real.problem.find("kiosk pin") != std::string::npos);
}

TEST_CASE("pin: delays grow 0,0,1,2,4,8 s and are capped") {
    CHECK(delayAfterFailures(0) == 0ms);
    CHECK(delayAfterFailures(1) == 0ms);
    CHECK(delayAfterFailures(2) == 1s);
    CHECK(delayAfterFailures(3) == 2s);
    CHECK(delayAfterFailures(4) == 4s);
    CHECK(delayAfterFailures(5) == 8s);
    CHECK(delayAfterFailures(8) == 60s);
    CHECK(delayAfterFailures(1000) == 60s);
}

TEST_CASE("pin: a wrong PIN never opens, the right one does only outside a delay") {
    auto hash = hashPin("2468");
    REQUIRE(hash.ok());
    PinLock lock(*hash);
    const auto t0 = Clock::time_point{} + 1h;
    CHECK(lock.tryPin("1111", t0) == PinAttempt::Wrong);
    CHECK_FALSE(lock.unlocked());
    CHECK(lock.waitRemaining(t0) == 0ms);  // first typo is free
    CHECK(lock.tryPin("2222", t0) == PinAttempt::Wrong);
    CHECK(lock.waitRemaining(t0) == 1s);
    // During the delay even the right PIN is not checked, and does not open.
    CHECK(lock.tryPin("2468", t0 + 500ms) == PinAttempt::Throttled);
    CHECK_FALSE(lock.unlocked());
    CHECK(lock.failures() == 2);  // throttled tries do not count
    CHECK(lock.tryPin("3333", t0 + 1s) == PinAttempt::Wrong);
    CHECK(lock.waitRemaining(t0 + 1s) == 2s);
    CHECK(lock.tryPin("4444", t0 + 3s) == PinAttempt::Wrong);
    CHECK(lock.waitRemaining(t0 + 3s) == 4s);
    CHECK_FALSE(lock.unlocked());
    CHECK(lock.tryPin("2468", t0 + 7s) == PinAttempt::Opened);
    CHECK(lock.unlocked());
    CHECK(lock.failures() == 0);
}

TEST_CASE("pin: split attempt re-checks the gate when the verdict arrives") {
    auto hash = hashPin("2468");
    REQUIRE(hash.ok());
    PinLock lock(*hash);
    const auto t0 = Clock::time_point{} + 1h;
    CHECK_FALSE(lock.beginAttempt(t0).has_value());
    CHECK(lock.finishAttempt(false, t0) == PinAttempt::Wrong);
    CHECK(lock.finishAttempt(false, t0) == PinAttempt::Wrong);
    CHECK(lock.beginAttempt(t0) == PinAttempt::Throttled);
    CHECK(lock.finishAttempt(true, t0 + 10ms) == PinAttempt::Throttled);
    CHECK_FALSE(lock.unlocked());
}

TEST_CASE("pin: no PIN configured never opens") {
    PinLock lock;
    const auto t0 = Clock::time_point{} + 1h;
    CHECK(lock.tryPin(std::string(kDemoPin), t0) == PinAttempt::NoPin);
    CHECK(lock.tryPin("", t0) == PinAttempt::NoPin);
    CHECK_FALSE(lock.unlocked());
}

TEST_CASE("pin: the desk locks itself after two idle minutes, activity restarts the timer") {
    auto hash = hashPin("2468");
    REQUIRE(hash.ok());
    PinLock lock(*hash);
    const auto t0 = Clock::time_point{} + 1h;
    REQUIRE(lock.tryPin("2468", t0) == PinAttempt::Opened);
    CHECK_FALSE(lock.tick(t0 + 119s));
    CHECK(lock.unlocked());
    lock.touch(t0 + 100s);
    CHECK_FALSE(lock.tick(t0 + 219s));
    CHECK(lock.unlocked());
    CHECK(lock.tick(t0 + 220s));
    CHECK_FALSE(lock.unlocked());
    CHECK_FALSE(lock.tick(t0 + 400s));  // already locked: reports nothing new
}

// --- issue 9: the demo PIN on the demo only, the lockout kept, volunteers told apart ------------

TEST_CASE("pin: only a database kiosk demo made is marked as the demo, never one named like it") {
    test::TempDb own, demo;
    {
        Database db = own.open();
        Event e = test::testEvent("rrbsi-2026");  // the organiser's id happens to start like the demo's
        e.demo = true;                            // and setEvent cannot mark it
        REQUIRE(db.setEvent(e).ok());
        CHECK_FALSE(db.event().value()->demo);
        // `kiosk demo` refuses to turn it into the demo (another event's id).
        CHECK(createDemoEvent(db, test::kDuringDoors).error().code == "demo.other_event");
        CHECK_FALSE(db.event().value()->demo);
    }
    {
        Database db = demo.open();
        REQUIRE(createDemoEvent(db, test::kDuringDoors).ok());
        CHECK(db.event().value()->demo);
        REQUIRE(db.setEvent(db.event().value().value()).ok());  // kiosk event keeps the mark
        CHECK(db.event().value()->demo);
    }
    // What the window asks: the demo PIN for the marked database only.
    CHECK(verifyPin(loadPinConfig(demo.path(), /*demoDatabase=*/true).hash, std::string(kDemoPin)));
    CHECK(loadPinConfig(own.path(), /*demoDatabase=*/false).hash.empty());
}

TEST_CASE("pin: a file carrying the demo's id with imported people does not become the demo") {
    test::TempDb file;
    Database db = file.open();
    Event e = test::testEvent(std::string(kDemoEventId));
    REQUIRE(db.setEvent(e).ok());
    Attendee a = test::person("Ana", "Silva");
    a.externalSource = "pretix";
    a.externalId = "A1";
    REQUIRE(db.addAttendee(a, "t").ok());
    CHECK(createDemoEvent(db, test::kDuringDoors).error().code == "demo.other_event");
    CHECK_FALSE(db.event().value()->demo);
}

TEST_CASE("pin: each volunteer has their own PIN - the lock names who opened it") {
    const std::string db = tempPath("volunteers");
    const std::string file = pinFileFor(db);
    REQUIRE(setPin(file, "2468").ok());  // the shared desk PIN
    REQUIRE(setPin(file, "1357", "Amina").ok());
    REQUIRE(setPin(file, "9753", "Jan Peeters").ok());
    CHECK(setPin(file, "1357", "Bob").error().code == "pin.taken");  // the desk could not tell them apart
    CHECK(setPin(file, "1111", "").ok());                            // the shared PIN replaced
    CHECK(setPin(file, "4444", "bad\tname").error().code == "pin.bad_name");
    CHECK(setPin(file, "4444", " Amina").error().code == "pin.bad_name");
    auto f = loadPinFile(file).value().value();
    REQUIRE(f.volunteers.size() == 3);
    CHECK(f.match("9753") == std::optional<std::string>("Jan Peeters"));
    CHECK(f.match("1111") == std::optional<std::string>(""));
    CHECK_FALSE(f.match("2468"));

    PinLock lock(loadPinConfig(db, false).volunteers);
    const auto t0 = Clock::time_point{} + 1h;
    CHECK(lock.tryPin("1357", t0) == PinAttempt::Opened);
    CHECK(lock.unlockedBy() == "Amina");
    CHECK(deskActor(lock.unlockedBy()) == "desk:Amina");
    lock.lock();
    CHECK(lock.tryPin("1111", t0) == PinAttempt::Opened);
    CHECK(deskActor(lock.unlockedBy()) == "desk");

    REQUIRE(removeVolunteer(file, "Amina").ok());
    CHECK(removeVolunteer(file, "Amina").error().code == "pin.no_volunteer");
    CHECK_FALSE(loadPinFile(file).value()->match("1357"));
    // A file from before volunteers (one hash line) is the shared PIN.
    { std::ofstream(file, std::ios::trunc) << *hashPin("8642") << "\n"; }
    CHECK(loadPinFile(file).value()->match("8642") == std::optional<std::string>(""));
}

TEST_CASE("pin: wrong tries are kept in the PIN file, so a restart does not reset the delay") {
    const std::string db = tempPath("lockout");
    const std::string file = pinFileFor(db);
    REQUIRE(setPin(file, "2468", "Amina").ok());
    const auto cfg = loadPinConfig(db, false);
    const TimePoint t0 = test::kDuringDoors;
    int failures = 0;
    for (const char* wrong : {"1111", "2222", "3333"}) {
        auto r = checkPinRecorded(file, cfg.volunteers, wrong, failures, t0);
        REQUIRE(r.ok());
        CHECK_FALSE(r->has_value());
        ++failures;
    }
    // The kiosk restarts: the lockout comes back from the file with the PINs.
    const auto after = loadPinConfig(db, false);
    CHECK(after.failures == 3);
    CHECK(after.retryAt == t0 + 2s);
    PinLock lock(after.volunteers);
    const auto now = Clock::time_point{} + 1h;
    lock.restore(after.failures, std::chrono::duration_cast<std::chrono::milliseconds>(after.retryAt - t0),
                 now);
    CHECK(lock.tryPin("2468", now + 1s) == PinAttempt::Throttled);
    CHECK(lock.failures() == 3);
    // A clock set back cannot stretch the delay past the longest one.
    PinLock skewed(after.volunteers);
    skewed.restore(3, std::chrono::hours(5), now);
    CHECK(skewed.waitRemaining(now) == 60s);
    // The right PIN once the delay ran out clears the file's lockout.
    auto right = checkPinRecorded(file, after.volunteers, "2468", after.failures, t0 + 3s);
    REQUIRE(right.ok());
    CHECK(*right == std::optional<std::string>("Amina"));
    CHECK(loadPinConfig(db, false).failures == 0);
    CHECK(loadPinFile(file).value()->match("2468") == std::optional<std::string>("Amina"));  // PINs kept
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("pin: the demo database keeps its lockout too, and its PIN file stays 'no PIN set'") {
    const std::string db = tempPath("demo-lockout");
    const auto cfg = loadPinConfig(db, /*demoDatabase=*/true);
    REQUIRE(cfg.demoDefault);
    REQUIRE(checkPinRecorded(pinFileFor(db), cfg.volunteers, "0000", 0, test::kDuringDoors).ok());
    REQUIRE(checkPinRecorded(pinFileFor(db), cfg.volunteers, "0001", 1, test::kDuringDoors).ok());
    const auto again = loadPinConfig(db, true);
    CHECK(again.demoDefault);  // a lockout line is not a PIN
    CHECK(again.failures == 2);
    CHECK_FALSE(loadPinHash(pinFileFor(db)).value().has_value());
}
