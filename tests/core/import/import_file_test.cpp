// Database::importFile (the parse on a second thread, rows written as they arrive) against the
// two-step parseExportFile + applyImport it replaces in `kiosk import`: the same summary and the
// same people for every sample export, rows in order across chunk boundaries, and nothing
// written when the file cannot be parsed.
#include "import_test_util.hpp"

#include <kiosk/core.hpp>

#include <doctest/doctest.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

using namespace kiosk::core;
using kiosk::core::test::TempDir;
namespace fs = std::filesystem;

namespace {
const TimePoint kT0 = TimePoint{std::chrono::milliseconds{1521187200000}};  // 2018-03-16T08:00:00Z

std::string dataFile(const char* name) {
    return std::string(KIOSK_IMPORT_DATA) + "/" + name;
}

Database openDb(const std::string& path) {
    auto db = Database::open(path, Database::Mode::CreateIfMissing);
    if (!db) FAIL("open: " << db.error().message);
    return std::move(db).value();
}

/// Everything an import decides about people, in a comparable form.
std::string people(const Database& db) {
    std::string out;
    for (const auto& a : db.attendees().value())
        out += a.externalSource + "/" + a.externalId + " " + a.firstName + " " + a.lastName + " | " +
               a.organisation + " | " + a.category + " | " + a.workingGroup + " | " +
               std::string(languageCode(a.language)) + " | " +
               (a.status == AttendeeStatus::Cancelled ? "cancelled" : "registered") + "\n";
    return out;
}

std::string rejections(const ImportSummary& s) {
    std::string out;
    for (const auto& r : s.rejected) out += std::to_string(r.line) + ": " + r.reason + "\n";
    return out;
}
}  // namespace

TEST_CASE("importFile: the same summary and people as parseExportFile + applyImport, for every sample") {
    for (const char* name : {"pretix_checkin_en.csv", "pretix_positions_de.csv", "eventbrite_us.csv",
                             "eventbrite_uk.csv", "eventbrite_new.csv", "eventbrite_it.csv", "generic.csv"}) {
        CAPTURE(name);
        TempDir dir;
        Database twoStep = openDb(dir.file("two-step.kiosk"));
        auto batch = parseExportFile(dataFile(name));
        REQUIRE(batch.ok());
        auto expected = twoStep.applyImport(*batch, "test", kT0);
        REQUIRE(expected.ok());

        Database streamed = openDb(dir.file("streamed.kiosk"));
        auto got = streamed.importFile(dataFile(name), ImportFormat::Auto, "test", kT0);
        REQUIRE_MESSAGE(got.ok(), (got.ok() ? "" : got.error().message));
        CHECK(got->source == expected->source);
        CHECK(got->imported == expected->imported);
        CHECK(got->updated == expected->updated);
        CHECK(got->unchanged == expected->unchanged);
        CHECK(got->revoked == expected->revoked);
        CHECK(rejections(*got) == rejections(*expected));
        CHECK(people(streamed) == people(twoStep));
        CHECK(streamed.stats().value().registered == twoStep.stats().value().registered);

        // A second import of the same file changes nobody, through either path.
        auto again = streamed.importFile(dataFile(name), ImportFormat::Auto, "test", kT0);
        REQUIRE(again.ok());
        CHECK(again->imported == 0);
        CHECK(again->updated == 0);
        CHECK(again->unchanged == expected->imported);
    }
}

TEST_CASE("parseExportStreaming: rows in file order across chunks, duplicates refused across chunks") {
    std::string csv =
        "Event slug,Order code,Position ID,Status,Product,Attendee name: Given name,Attendee name: Family "
        "name,"
        "Ticket secret\n";
    for (int i = 0; i < 25; ++i)
        csv += "rrbsi,ORD" + std::to_string(i) + ",1,paid,Participant,P" + std::to_string(i) + ",Q,secret" +
               std::to_string(1000 + i) + "abcdefghjkmnpqrstuvw\n";
    csv += "rrbsi,ORD3,1,paid,Participant,Again,Three,secret9999abcdefghjkmnpqrstuvw\n";  // repeats line 5
    csv += "rrbsi,,1,paid,Participant,No,Order,secret8888abcdefghjkmnpqrstuvw\n";         // refused

    auto whole = parseExport(csv);
    REQUIRE(whole.ok());
    for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{100}}) {
        CAPTURE(chunk);
        std::vector<ImportRow> rows;
        int calls = 0;
        auto streamed = parseExportStreaming(
            csv, ImportFormat::Auto,
            [&](std::vector<ImportRow>&& part, const std::string& source) {
                CHECK(source == "pretix");
                CHECK(part.size() <= chunk);
                ++calls;
                for (auto& r : part) rows.push_back(std::move(r));
            },
            chunk);
        REQUIRE(streamed.ok());
        CHECK(streamed->rows.empty());
        REQUIRE(rows.size() == whole->rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            CHECK(rows[i].line == whole->rows[i].line);
            CHECK(rows[i].attendee.externalId == whole->rows[i].attendee.externalId);
        }
        CHECK(calls == static_cast<int>((rows.size() + chunk - 1) / chunk));
        REQUIRE(streamed->rejected.size() == whole->rejected.size());
        for (std::size_t i = 0; i < whole->rejected.size(); ++i) {
            CHECK(streamed->rejected[i].line == whole->rejected[i].line);
            CHECK(streamed->rejected[i].reason == whole->rejected[i].reason);
        }
    }
    REQUIRE(whole->rejected.size() == 2);
    CHECK(whole->rejected[0].reason.find("duplicate of line 5") != std::string::npos);
}

TEST_CASE("importFile: an unreadable or unrecognised file writes nothing") {
    TempDir dir;
    Database db = openDb(dir.file("event.kiosk"));
    auto missing = db.importFile(dir.file("nope.csv"), ImportFormat::Auto, "test", kT0);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == "io.open");

    std::ofstream(dir.file("odd.csv")) << "colour,shape\nred,round\n";
    auto odd = db.importFile(dir.file("odd.csv"), ImportFormat::Auto, "test", kT0);
    REQUIRE_FALSE(odd.ok());
    CHECK(odd.error().code == "import.unknown_format");
    CHECK(db.attendees().value().empty());
    CHECK(db.audit(10).value().empty());
}
