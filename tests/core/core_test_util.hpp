#pragma once
// Helpers for the kiosk::core tests: a temporary database file and a fixed clock.
#include <kiosk/core.hpp>
#include <kiosk/core/payload.hpp>

#include <doctest/doctest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <string>

namespace kiosk::core::test {

inline TimePoint at(const char* iso) {
    return *parseIso8601(iso);
}

/// A fresh database file in the temp folder, removed with its WAL files afterwards.
class TempDb {
public:
    TempDb() {
        static std::atomic<int> counter{0};
        m_path = (std::filesystem::temp_directory_path() /
                  ("kiosk-core-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db"))
                     .string();
        remove();
    }
    ~TempDb() { remove(); }
    const std::string& path() const { return m_path; }
    Database open() const {
        auto db = Database::open(m_path);
        REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.error().message));
        return std::move(db).value();
    }

private:
    void remove() const {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(m_path + suffix);
    }
    std::string m_path;
};

/// Event "conf-2018" with doors 08:00–18:00 on 16 March 2018.
inline Event testEvent(std::string id = "conf-2018") {
    Event e;
    e.id = std::move(id);
    e.name = "Test conference";
    e.startsAt = at("2018-03-16T08:30:00Z");
    e.endsAt = at("2018-03-16T17:00:00Z");
    e.doorsOpenAt = at("2018-03-16T08:00:00Z");
    e.doorsCloseAt = at("2018-03-16T18:00:00Z");
    return e;
}
inline const TimePoint kDuringDoors = at("2018-03-16T09:00:00Z");

inline Attendee person(std::string first, std::string last, std::string org = "",
                       std::string category = "participant") {
    Attendee a;
    a.firstName = std::move(first);
    a.lastName = std::move(last);
    a.organisation = std::move(org);
    a.category = std::move(category);
    return a;
}

inline ScanRequest scan(std::string payload, TimePoint t = kDuringDoors, std::string kiosk = "entrance-1",
                        std::string nonce = "") {
    ScanRequest r;
    r.payload = std::move(payload);
    r.kiosk = std::move(kiosk);
    r.at = t;
    r.nonce = std::move(nonce);
    return r;
}

}  // namespace kiosk::core::test
