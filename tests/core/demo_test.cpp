// The demo event (kiosk/core/src/demo.cpp, docs/demo-event.md): content, doors around `now`,
// re-runs, and that a scan of a demo code checks the person in.
#include "core_test_util.hpp"

#include <map>
#include <set>

using namespace kiosk::core;
using kiosk::core::test::at;
using kiosk::core::test::TempDb;

TEST_CASE("demo: 100 registered people with their own codes, speakers, groups and languages") {
    TempDb tmp;
    Database db = tmp.open();
    const TimePoint now = at("2026-11-27T14:07:31Z");
    REQUIRE(createDemoEvent(db, now).ok());

    auto ev = db.event();
    REQUIRE(ev.ok());
    REQUIRE(ev->has_value());
    const Event& e = **ev;
    CHECK(e.id == "rrbsi-2018");
    CHECK(e.name.find("RRBSI") != std::string::npos);
    CHECK(formatIso8601(e.startsAt) == "2018-03-16T08:00:00Z");  // 09:00 CET
    CHECK(formatIso8601(e.doorsOpenAt) == "2026-11-27T13:07:00Z");
    CHECK(formatIso8601(e.doorsCloseAt) == "2026-11-28T02:07:00Z");

    auto people = db.attendees();
    REQUIRE(people.ok());
    REQUIRE(people->size() == 100);
    std::set<std::string> codes, emails, names, groups, keynote, guest;
    std::map<std::string, int> categories;
    std::map<Language, int> languages;
    for (const Attendee& a : *people) {
        CHECK(a.status == AttendeeStatus::Registered);
        CHECK(a.externalSource == "demo");
        auto code = db.primaryCode(a.id);
        REQUIRE(code.ok());
        codes.insert(*code);
        emails.insert(a.email);
        CHECK(a.email.size() > 9);
        CHECK(a.email.substr(a.email.size() - 8) == ".example");
        names.insert(a.displayName());
        ++categories[a.category];
        ++languages[a.language];
        if (!a.workingGroup.empty()) groups.insert(a.workingGroup);
        if (a.ticketType == "Keynote") keynote.insert(a.displayName());
        if (a.category == "speaker" && a.ticketType != "Keynote") guest.insert(a.displayName());
    }
    CHECK(codes.size() == 100);
    CHECK(emails.size() == 100);
    CHECK(categories["speaker"] == 2);
    CHECK(keynote.size() == 1);
    CHECK(guest.size() == 1);
    CHECK(categories["staff"] > 0);
    CHECK(categories["press"] > 0);
    CHECK(categories["participant"] > 80);
    CHECK(groups.size() == 5);
    CHECK(languages[Language::Fr] > languages[Language::Nl]);
    CHECK(languages[Language::Nl] > languages[Language::En]);
    CHECK(languages[Language::En] > 0);
    for (const char* n :
         {"Zoë Dvořák", "Şükrü Yılmaz", "Łucja Wiśniewska", "Marie-Claire Lefèvre", "Мария Петрова"})
        CHECK_MESSAGE(names.count(n) == 1, n);
}

TEST_CASE("demo: a scan now checks in - before and after the doors window it does not") {
    TempDb tmp;
    Database db = tmp.open();
    const TimePoint now = at("2026-11-27T14:07:31Z");
    REQUIRE(createDemoEvent(db, now).ok());
    auto people = db.attendees();
    REQUIRE(people.ok());
    auto scan = [&](const Attendee& a, TimePoint when) {
        auto code = db.primaryCode(a.id);
        REQUIRE(code.ok());
        auto r = db.checkIn(ScanRequest{*code, "entrance-1", when, "", "self"});
        REQUIRE(r.ok());
        return r->outcome;
    };
    CHECK(scan((*people)[0], now) == Outcome::CheckedIn);
    CHECK(scan((*people)[0], now + std::chrono::minutes{1}) == Outcome::AlreadyCheckedIn);
    CHECK(scan((*people)[1], now - std::chrono::hours{2}) == Outcome::NotOpenYet);
    CHECK(scan((*people)[2], now + std::chrono::hours{13}) == Outcome::Closed);
}

TEST_CASE("demo: re-running moves the doors and keeps people and check-ins") {
    TempDb tmp;
    Database db = tmp.open();
    const TimePoint day1 = at("2026-11-27T09:00:00Z");
    REQUIRE(createDemoEvent(db, day1).ok());
    auto people = db.attendees();
    REQUIRE(people.ok());
    const Attendee first = (*people)[0];
    REQUIRE(db.checkInAttendee(first.id, "desk", day1, "volunteer", "test").ok());

    const TimePoint day2 = at("2026-11-28T09:00:00Z");
    REQUIRE(createDemoEvent(db, day2).ok());
    auto again = db.attendees();
    REQUIRE(again.ok());
    CHECK(again->size() == 100);
    auto ev = db.event();
    REQUIRE(ev.ok());
    CHECK(formatIso8601((*ev)->doorsOpenAt) == "2026-11-28T08:00:00Z");
    auto h = db.history(first.id);
    REQUIRE(h.ok());
    CHECK(h->size() == 1);
    auto stats = db.stats();
    REQUIRE(stats.ok());
    CHECK(stats->checkedIn == 1);
}

TEST_CASE("demo: a database holding another event is refused") {
    TempDb tmp;
    Database db = tmp.open();
    REQUIRE(db.setEvent(kiosk::core::test::testEvent()).ok());
    const Status s = createDemoEvent(db, at("2026-11-27T09:00:00Z"));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == "demo.other_event");
    auto people = db.attendees();
    REQUIRE(people.ok());
    CHECK(people->empty());
}

TEST_CASE("demo: people are found by accent-free prefixes") {
    TempDb tmp;
    Database db = tmp.open();
    REQUIRE(createDemoEvent(db, at("2026-11-27T09:00:00Z")).ok());
    auto found = db.search("zoe dvor");
    REQUIRE(found.ok());
    REQUIRE(found->size() == 1);
    CHECK(found->front().displayName() == "Zoë Dvořák");
    auto sukru = db.search("sukru");
    REQUIRE(sukru.ok());
    REQUIRE(sukru->size() == 1);
    CHECK(sukru->front().lastName == "Yılmaz");
}
