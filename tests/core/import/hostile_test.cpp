// Hostile CSV corpus: SQL text, NUL bytes, control characters, bidi overrides, invalid UTF-8,
// 1 MB fields, unbalanced quotes, CR-only lines. Every damaged row gets a clear reason with its
// line; good rows around it still import; nothing crashes, in any format.

#include <kiosk/core.hpp>

#include <doctest/doctest.h>

#include <random>
#include <string>

using namespace kiosk::core;
using namespace std::string_literals;

namespace {
std::string rejectionAt(const ImportBatch& b, int line) {
    for (const auto& r : b.rejected)
        if (r.line == line) return r.reason;
    return "";
}

bool importedAt(const ImportBatch& b, int line) {
    for (const auto& r : b.rows)
        if (r.line == line) return true;
    return false;
}
}  // namespace

TEST_CASE("hostile generic CSV: each bad row is rejected with line and reason, good rows import") {
    const std::string data =
        "first_name,last_name,organisation,external_id\n"                    // 1
        "Robert'); DROP TABLE attendees;--,Tables,\"x\"\" OR 1=1 --\",h1\n"  // 2 SQL text: data, imported
        "Nul\0Byte,Person,,h2\n"s                                            // 3 NUL
        "Esc\x1b[2J,Person,,h3\n"                                            // 4 ANSI escape
        "Bell\x07,Person,,h4\n"                                              // 5 control char
        "C1\xC2\x9B,Person,,h5\n"                                            // 6 C1 control (CSI)
        "Evil\xE2\x80\xAEgnp.exe,Person,,h6\n"                               // 7 bidi override
        "Ren\xE9,Latin1,,h7\n"                                               // 8 invalid UTF-8
        "\"Never,closed,,h8\n"                                               // 9 unbalanced quote
        "=HYPERLINK(\"\"x\"\"),Formula,,h9\n"                                // 10 formula text: data
        "Tab\tIn,Name,,h10\n"                                                // 11 TAB becomes a space
        + std::string(kiosk::core::kMaxImportValueBytes + 5, 'L') +
        ",Long,,h11\n"         // 12 over-long name
        "Good,Person,,h12\n";  // 13
    auto r = parseExport(data);
    REQUIRE(r.ok());
    const auto& b = *r;
    CHECK(b.detected == ImportFormat::Generic);
    CHECK(importedAt(b, 2));
    for (const auto& row : b.rows)
        if (row.line == 2) {
            CHECK(row.attendee.firstName == "Robert'); DROP TABLE attendees;--");
            CHECK(row.attendee.organisation == "x\" OR 1=1 --");
        }
    CHECK(rejectionAt(b, 3) == "NUL byte");
    CHECK(rejectionAt(b, 4).find("control character in column 'first_name'") == 0);
    CHECK(rejectionAt(b, 5).find("control character") == 0);
    CHECK(rejectionAt(b, 6).find("control character") == 0);
    CHECK(rejectionAt(b, 7).find("bidirectional control character") == 0);
    CHECK(rejectionAt(b, 8).find("invalid UTF-8") == 0);
    CHECK(rejectionAt(b, 9) == "unbalanced quote");
    CHECK(importedAt(b, 10));
    CHECK(importedAt(b, 11));
    for (const auto& row : b.rows)
        if (row.line == 11) CHECK(row.attendee.firstName == "Tab In");
    CHECK(rejectionAt(b, 12).find("value too long") == 0);
    CHECK(importedAt(b, 13));
    CHECK(b.rows.size() + b.rejected.size() == 12);
}

TEST_CASE("hostile: a 1 MB field rejects its row and the file goes on") {
    std::string data = "Order #,First Name,Last Name,Attendee #,Attendee Status,Company\n";
    data += "1,Ann,Lee,11,Attending,ok\n";
    data += "1,Big,Field,12,Attending,\"" + std::string(1024 * 1024, 'A') + "\"\n";
    data += "1,Cat,Poe,13,Attending," + std::string(1024 * 1024, 'B') + "\n";
    data += "1,Dan,Wu,14,Attending,ok\n";
    auto r = parseExport(data);
    REQUIRE(r.ok());
    CHECK(r->detected == ImportFormat::Eventbrite);
    CHECK(r->rows.size() == 2);
    CHECK(rejectionAt(*r, 3).find("field too large") == 0);
    CHECK(rejectionAt(*r, 4).find("field too large") == 0);
    CHECK(importedAt(*r, 5));
}

TEST_CASE("hostile: CR-only file (classic Mac Excel) with a quoted CR inside a value") {
    const std::string data =
        "Order code;Attendee name;Product;Company\r"
        "AA1;Zoë Dvořák;Speaker;\"ULB\rVUB\"\r"
        "AA2;Jan Peeters;Regular;\r"
        "AA3;\"Broken;Regular;\r"
        "AA4;Eva Janssens;Regular;\r";
    auto r = parseExport(data);
    REQUIRE(r.ok());
    CHECK(r->detected == ImportFormat::Pretix);
    CHECK(importedAt(*r, 2));
    CHECK(importedAt(*r, 4));  // the quoted CR took line 3
    CHECK(rejectionAt(*r, 5) == "unbalanced quote");
    CHECK(importedAt(*r, 6));
    for (const auto& row : r->rows)
        if (row.line == 2) CHECK(row.attendee.organisation == "ULB VUB");
}

TEST_CASE("hostile: a header with control characters or invalid UTF-8 is a clear file error") {
    // (A file whose only bad byte is in the header, and with no UTF-8 at all, is read as
    // Windows-1252; with UTF-8 names below it, the header's bad byte is damage.)
    auto bad = parseExport("first_name,last\xFF_name\nZoë,Dvořák\n");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == "import.bad_header");
    CHECK(bad.error().message.find("line 1") != std::string::npos);
}

TEST_CASE("hostile: random bytes and mutated exports never crash any format") {
    std::mt19937 rng(20180316);
    const std::string seed =
        "\xEF\xBB\xBFOrder code;Attendee name;Attendee name: Given name;Secret;Company;Status;Company\r\n"
        "AB12C;\"Zoë \"\"Z\"\" Dvořák\";Zoë;k3n8s2qx9vrp4hd7;ULB;paid;X\r\n";
    for (int i = 0; i < 3000; ++i) {
        std::string data = seed;
        const int edits = 1 + static_cast<int>(rng() % 8);
        for (int e = 0; e < edits; ++e) {
            const std::size_t pos = rng() % (data.size() + 1);
            switch (rng() % 4) {
                case 0:
                    data.insert(pos, 1, static_cast<char>(rng() & 0xFF));
                    break;
                case 1:
                    if (pos < data.size()) data.erase(pos, 1);
                    break;
                case 2:
                    data.insert(pos, "\"\r\n;,\0"s.substr(rng() % 6, 1));
                    break;
                default:
                    if (pos < data.size()) data[pos] = static_cast<char>(rng() & 0xFF);
                    break;
            }
        }
        for (auto f :
             {ImportFormat::Auto, ImportFormat::Pretix, ImportFormat::Eventbrite, ImportFormat::Generic}) {
            auto r = parseExport(data, f);
            if (!r) {
                CHECK_FALSE(r.error().code.empty());
                continue;
            }
            for (const auto& row : r->rows) {
                CHECK(row.line >= 2);
                CHECK_FALSE(row.attendee.externalId.empty());
                CHECK((!row.attendee.firstName.empty() || !row.attendee.lastName.empty()));
            }
            for (const auto& rej : r->rejected) {
                CHECK(rej.line >= 1);
                CHECK_FALSE(rej.reason.empty());
            }
        }
    }
}
