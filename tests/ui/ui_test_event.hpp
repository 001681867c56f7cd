#pragma once
// The event the UI tests check people into: doors open from two hours ago for eight hours, and
// attendees with names in three scripts and private e-mails the public screen must never show.
#include <kiosk/core.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace kiosk::ui::test {

inline void setOpenEvent(core::Database& db, std::string id, std::string name) {
    const auto now = core::nowUtc();
    core::Event e;
    e.id = std::move(id);
    e.name = std::move(name);
    e.startsAt = now - std::chrono::hours(1);
    e.endsAt = now + std::chrono::hours(8);
    e.doorsOpenAt = now - std::chrono::hours(2);
    e.doorsCloseAt = now + std::chrono::hours(8);
    e.defaultLanguage = core::Language::Fr;
    REQUIRE(db.setEvent(e).ok());
}

/// Adds a participant; returns the new id.
inline std::string addPerson(core::Database& db, std::string first, std::string last, std::string group,
                             core::Language language) {
    core::Attendee a;
    a.firstName = std::move(first);
    a.lastName = std::move(last);
    a.email = "private@example.org";
    a.workingGroup = std::move(group);
    a.category = "participant";
    a.language = language;
    auto r = db.addAttendee(a, "test");
    REQUIRE(r.ok());
    return r->id;
}

}  // namespace kiosk::ui::test
