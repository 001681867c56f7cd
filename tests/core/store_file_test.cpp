// The event database file itself (issue 9): a file deleted, replaced or emptied while the kiosk
// has it open is noticed at the next write and nothing is reported as saved; an empty or damaged
// file is refused at open; the file and its -wal/-shm are private to the kiosk's user.
#include "core_test_util.hpp"

#include <sqlite3.h>

#include <sys/stat.h>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

using namespace kiosk::core;
using namespace kiosk::core::test;
namespace fs = std::filesystem;

namespace {

/// A generic export of `n` people ("First<i> Last<i>", external id ext-<i>), each with a code
/// of their own when `withCodes`.
ImportBatch genericBatch(int n, bool withCodes) {
    ImportBatch batch;
    batch.source = "generic";
    for (int i = 0; i < n; ++i) {
        ImportRow row;
        row.line = i + 2;
        row.attendee = person("First" + std::to_string(i), "Last" + std::to_string(i));
        row.attendee.externalSource = "generic";
        row.attendee.externalId = "ext-" + std::to_string(i);
        if (withCodes) row.codes.push_back("code-" + std::to_string(i) + "-abcdefghijkmnpqrstuvwxyz");
        batch.rows.push_back(std::move(row));
    }
    return batch;
}

/// A database with the test event and one attendee; returns the attendee's code.
std::string seed(Database& db, std::string* id = nullptr) {
    REQUIRE(db.setEvent(testEvent()).ok());
    auto a = db.addAttendee(person("Zoë", "Dvořák"), "test");
    REQUIRE(a.ok());
    if (id) *id = a->id;
    auto code = db.primaryCode(a->id);
    REQUIRE(code.ok());
    return *code;
}

mode_t modeOf(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

int64_t checkedIn(const std::string& path) {
    auto db = Database::open(path, Database::Mode::OpenExisting);
    REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.error().message));
    return db->stats().value().checkedIn;
}

}  // namespace

TEST_CASE("db file: deleted while open, the next check-in fails with db.replaced and is not reported saved") {
    TempDb file;
    Database db = file.open();
    const std::string code = seed(db);
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.path() + suffix);

    auto r = db.checkIn(scan(code));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "db.replaced");
    CHECK(r.error().message.find("deleted") != std::string::npos);
    // Every write stops, not only check-ins: desk actions and imports go through the same commit.
    auto walkIn = db.addAttendee(person("Walk", "In"), "desk");
    REQUIRE_FALSE(walkIn.ok());
    CHECK(walkIn.error().code == "db.replaced");
}

TEST_CASE("db file: replaced by another file while open, nothing is written into either file") {
    TempDb file, other;
    Database db = file.open();
    const std::string code = seed(db);
    REQUIRE(db.checkIn(scan(code, kDuringDoors, "k1", "n1")).ok());
    {
        Database copy = other.open();
        seed(copy);
    }
    // What `cp backup.db event.db` through a temporary name, or a restore with mv, does.
    fs::rename(other.path(), file.path());
    fs::remove(file.path() + "-wal");
    fs::remove(file.path() + "-shm");

    Attendee a = person("Late", "Comer");
    auto r = db.addAttendee(a, "desk");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "db.replaced");
    CHECK(r.error().message.find("replaced") != std::string::npos);
    // Once seen, it stays refused: the kiosk must be restarted on the right file.
    auto again = db.checkIn(scan(code, kDuringDoors, "k1", "n2"));
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == "db.replaced");
    CHECK(checkedIn(file.path()) == 0);
}

TEST_CASE("db file: emptied to 0 bytes while open, the check-in fails with db.replaced") {
    TempDb file;
    Database db = file.open();
    const std::string code = seed(db);
    // Checkpoint so that the check-in would otherwise have gone to a WAL over an empty file.
    fs::resize_file(file.path(), 0);
    auto r = db.checkIn(scan(code));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "db.replaced");
    CHECK(r.error().message.find("0 bytes") != std::string::npos);
}

TEST_CASE("db file: replaced during an import, the import fails and nothing lands in the new file") {
    TempDb file, other;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    {
        Database copy = other.open();
        REQUIRE(copy.setEvent(testEvent()).ok());
    }
    const ImportBatch batch = genericBatch(60000, /*withCodes=*/true);
    std::atomic<bool> done{false};
    Result<ImportSummary> result = Error{"test", "not run"};
    std::thread importer([&] {
        result = db.applyImport(batch, "test", kDuringDoors);
        done = true;
    });
    // Wait until the import holds the write lock, then swap the file under it.
    sqlite3* probe = nullptr;
    REQUIRE(sqlite3_open_v2(file.path().c_str(), &probe, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    bool locked = false;
    while (!done && !locked) {
        const int rc = sqlite3_exec(probe, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        if (rc == SQLITE_BUSY) {
            locked = true;
        } else {
            sqlite3_exec(probe, "ROLLBACK", nullptr, nullptr, nullptr);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }
    if (locked) fs::rename(other.path(), file.path());
    importer.join();
    sqlite3_close(probe);
    // If this fires, say how the import ended: a quick error here is a finding, not a slow probe.
    REQUIRE_MESSAGE(locked, "the import finished before the test saw it running: "
                                << (result.ok() ? std::string("it succeeded")
                                                : result.error().code + ": " + result.error().message));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == "db.replaced");
    auto fresh = Database::open(file.path(), Database::Mode::OpenExisting);
    REQUIRE(fresh.ok());
    CHECK(fresh->attendees().value().empty());
}

TEST_CASE("db file: an import started while another process holds the write lock waits for it") {
    // The import's first BEGIN IMMEDIATE came while a SELECT of its own was still open: SQLite
    // then answers SQLITE_BUSY at once instead of calling the busy handler, and the import failed
    // with db.busy whenever a kiosk happened to be writing.
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    const ImportBatch batch = genericBatch(10, /*withCodes=*/false);
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open_v2(file.path().c_str(), &other, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
    });
    const auto r = db.applyImport(batch, "test", kDuringDoors);
    release.join();
    sqlite3_close(other);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().code + ": " + r.error().message));
    CHECK(r->imported == 10);
}

TEST_CASE("db file: a 0-byte file is refused at open like any other non-kiosk file and left as it was") {
    TempDb file;
    { std::ofstream(file.path()).flush(); }
    for (auto mode :
         {Database::Mode::CreateIfMissing, Database::Mode::OpenExisting, Database::Mode::ReadOnly}) {
        auto db = Database::open(file.path(), mode);
        REQUIRE_FALSE(db.ok());
        CHECK(db.error().code == "db.not_kiosk");
        CHECK(db.error().message.find("empty") != std::string::npos);
    }
    CHECK(fs::file_size(file.path()) == 0);
}

TEST_CASE("db file: a damaged page is found at open (quick_check), not at the next backup") {
    TempDb file;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        for (int i = 0; i < 400; ++i) REQUIRE(db.addAttendee(person("P" + std::to_string(i), "Q"), "t").ok());
    }  // last connection closed: the WAL is checkpointed into the file
    const auto size = fs::file_size(file.path());
    REQUIRE(size > 16 * 4096);
    {
        // Garbage over one page of attendee rows or their indexes (not the header or the schema).
        std::fstream f(file.path(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>((size / 4096 * 3 / 4) * 4096));
        const std::string junk(4096, '\x5a');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    auto db = Database::open(file.path(), Database::Mode::OpenExisting);
    REQUIRE_FALSE(db.ok());
    CHECK(db.error().code == "db.corrupt");
    CHECK_MESSAGE(db.error().message.find("damaged") != std::string::npos, db.error().message);
}

TEST_CASE("db file: a new database and its -wal/-shm are created 0600, and so are backups and exports") {
    TempDb file;
    Database db = file.open();
    const std::string code = seed(db);
    REQUIRE(db.checkIn(scan(code)).ok());
    CHECK(modeOf(file.path()) == 0600);
    CHECK(modeOf(file.path() + "-wal") == 0600);
    CHECK(modeOf(file.path() + "-shm") == 0600);

    const std::string backup = file.path() + ".backup";
    const std::string csv = file.path() + ".csv";
    REQUIRE(db.backupTo(backup).ok());
    REQUIRE(db.exportArrivalsCsv(csv).ok());
    CHECK(modeOf(backup) == 0600);
    CHECK(modeOf(csv) == 0600);
    fs::remove(backup);
    fs::remove(csv);
}

TEST_CASE("db file: the -wal file deleted while the kiosk runs is named as the cause") {
    TempDb file;
    Database db = file.open();
    const std::string code = seed(db);
    REQUIRE(fs::exists(file.path() + "-wal"));
    fs::remove(file.path() + "-wal");
    auto r = db.checkIn(scan(code));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "db.replaced");
    CHECK(r.error().message.find("write-ahead log") != std::string::npos);
}
