// Issue 9: no line of an export vanishes. A stray quote or an over-long value used to swallow the
// following lines into one field (and exit 0); every physical line must now be imported, rejected
// with its line number and reason, or blank. Also: files over the size limit are refused from
// their size, Windows-1252 files are read, and pretix rows without an attendee name take the
// invoice name.
#include <kiosk/core/csv.hpp>

#include <kiosk/core.hpp>

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "import_test_util.hpp"

using namespace kiosk::core;

namespace {
std::string rejectionAt(const ImportBatch& b, int line) {
    for (const auto& r : b.rejected)
        if (r.line == line) return r.reason;
    return "";
}
const ImportRow* rowAt(const ImportBatch& b, int line) {
    for (const auto& r : b.rows)
        if (r.line == line) return &r;
    return nullptr;
}

/// Every physical line of `data` after the header is a row's first line, a rejected line, a
/// continuation of a row's quoted value (listed in `warnings` or spanned by a multi-line row) or
/// blank: nothing is unaccounted for.
void checkEveryLineAccountedFor(const std::string& data, const ImportBatch& b) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= data.size(); ++i) {
        if (i == data.size() || data[i] == '\n') {
            lines.push_back(data.substr(start, i - start));
            start = i + 1;
        }
    }
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    std::map<int, int> seen;
    for (const auto& r : b.rows) ++seen[r.line];
    for (const auto& r : b.rejected) ++seen[r.line];
    for (const auto& w : b.warnings) {
        // "lines A–B": the continuation lines of an accepted multi-line row.
        const auto dash = w.reason.find("–");
        REQUIRE(dash != std::string::npos);
        const int last = std::stoi(w.reason.substr(dash + std::string("–").size()));
        for (int l = w.line + 1; l <= last; ++l) ++seen[l];
    }
    for (int line = 2; line <= static_cast<int>(lines.size()); ++line) {
        const bool blank =
            lines[static_cast<std::size_t>(line - 1)].find_first_not_of(" ,\r") == std::string::npos;
        INFO("line " << line << ": " << lines[static_cast<std::size_t>(line - 1)].substr(0, 60));
        CHECK(seen[line] + (blank ? 1 : 0) == 1);
    }
}
}  // namespace

TEST_CASE("a stray quote that closes at the end of a later line rejects one line, not the rows after it") {
    // The quote opened on line 3 "closes" at the end of line 4: read as one field, line 4's
    // person vanished without a word (exit 0).
    const std::string data =
        "first_name,last_name,organisation\n"  // 1
        "Ann,Lee,ULB\n"                        // 2
        "Bob,\"Martin,VUB\n"                   // 3 stray quote
        "Cleo,Dubois,KUL\"\n"                  // 4
        "Dan,Wu,UCL\n";                        // 5
    auto b = parseExport(data);
    REQUIRE(b.ok());
    CHECK(rejectionAt(*b, 3) == "unbalanced quote");
    REQUIRE(rowAt(*b, 4));
    CHECK(rowAt(*b, 4)->attendee.firstName == "Cleo");
    CHECK(rowAt(*b, 2));
    CHECK(rowAt(*b, 5));
    checkEveryLineAccountedFor(data, *b);

    // The same in a semicolon file whose stray quote pairs with a quoted cell further down.
    const std::string semi =
        "Order code;Attendee name;Product\n"  // 1
        "AA1;\"Zoë Dvořák;Speaker\n"          // 2 stray
        "AA2;Jan Peeters;Regular\n"           // 3
        "AA3;Eva Janssens;\"Regular\"\n"      // 4: the quote "closes" here, before the line end
        "AA4;Wim Claes;Regular\n";            // 5
    auto p = parseExport(semi);
    REQUIRE(p.ok());
    CHECK(rejectionAt(*p, 2) == "unbalanced quote");
    CHECK(rowAt(*p, 3));
    CHECK(rowAt(*p, 4));
    CHECK(rowAt(*p, 5));
    checkEveryLineAccountedFor(semi, *p);
}

TEST_CASE("one over-long quoted value costs its own line, not the hundred rows after it") {
    std::string data = "first_name,last_name,external_id\n";  // 1
    data += "Big,\"" + std::string(70 * 1024, 'x') + "\n";    // 2: never closed here
    for (int i = 3; i <= 102; ++i) data += "P" + std::to_string(i) + ",Person,id" + std::to_string(i) + "\n";
    data += "Last,Person\",idlast\n";  // 103: the quote that "closes" line 2's value
    data += "After,Person,idafter\n";  // 104
    auto b = parseExport(data);
    REQUIRE(b.ok());
    CHECK(rejectionAt(*b, 2) == "unbalanced quote");
    for (int line = 3; line <= 102; ++line) CHECK(rowAt(*b, line));
    CHECK(rowAt(*b, 103));
    CHECK(rowAt(*b, 104));
    CHECK(b->rows.size() == 102);
    checkEveryLineAccountedFor(data, *b);
}

TEST_CASE(
    "a genuine multi-line value is imported, and listed when the file otherwise keeps one row per line") {
    const std::string data =
        "first_name,last_name,organisation\n"
        "Ann,Lee,\"ULB\n"
        "VUB\"\n"
        "Bob,Martin,KUL\n";
    auto b = parseExport(data);
    REQUIRE(b.ok());
    REQUIRE(rowAt(*b, 2));
    CHECK(rowAt(*b, 2)->attendee.organisation == "ULB VUB");
    CHECK(rowAt(*b, 4));
    REQUIRE(b->warnings.size() == 1);
    CHECK(b->warnings[0].line == 2);
    CHECK(b->warnings[0].reason.find("lines 2–3") != std::string::npos);
    checkEveryLineAccountedFor(data, *b);

    // A file full of multi-line comments is a normal file: no warning for each.
    std::string many = "first_name,last_name,organisation\n";
    for (int i = 0; i < 20; ++i) many += "P" + std::to_string(i) + ",X,\"line one\nline two\"\n";
    auto m = parseExport(many);
    REQUIRE(m.ok());
    CHECK(m->rows.size() == 20);
    CHECK(m->warnings.empty());
}

TEST_CASE("csv reader: every physical line is in exactly one record or blank, whatever the quotes") {
    std::mt19937 rng(9);
    const char* pieces[] = {"a", "b c", "\"q\"", "\"", "\"x\ny\"", ",", "\n", "\r\n", "\"\"", "zz\"z"};
    for (int round = 0; round < 2000; ++round) {
        std::string data = "h1,h2,h3\n";
        const int n = 5 + static_cast<int>(rng() % 40);
        for (int i = 0; i < n; ++i) data += pieces[rng() % std::size(pieces)];
        csv::CsvReader reader(data);
        csv::CsvRecord rec;
        std::map<int, int> covered;
        int lastEnd = 0;
        while (reader.next(rec)) {
            REQUIRE(rec.line > lastEnd);  // records come in order and never overlap
            REQUIRE(rec.lastLine >= rec.line);
            for (int l = rec.line; l <= rec.lastLine; ++l) ++covered[l];
            lastEnd = rec.lastLine;
        }
        for (auto [line, count] : covered) REQUIRE(count == 1);
    }
}

TEST_CASE("a file over the size limit is refused from its size, before it is read") {
    test::TempDir dir;
    const std::string path = dir.file("huge.csv");
    {
        const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(::ftruncate(fd, off_t{600} * 1024 * 1024) == 0);  // sparse: no disk used
        ::close(fd);
    }
    // In a child, so that its peak memory is its own: reading the file first took 512 MB.
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        auto r = readExportFile(path);
        struct rusage use {};
        ::getrusage(RUSAGE_SELF, &use);
        const bool refused = !r && r.error().code == "import.too_large";
        ::_exit(!refused ? 1 : use.ru_maxrss > 200 * 1024 ? 2 : 0);  // ru_maxrss in KiB
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK_MESSAGE(WEXITSTATUS(status) != 1, "not refused as too large");
    CHECK_MESSAGE(WEXITSTATUS(status) != 2, "refused only after reading it into memory");
    CHECK(WEXITSTATUS(status) == 0);

    auto r = readExportFile(path);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("600 MB") != std::string::npos);
    auto folder = readExportFile(dir.path.string());
    CHECK_FALSE(folder.ok());
}

TEST_CASE("Windows-1252 CSV (Excel's \"CSV\" in Belgium and France) is read, with a note") {
    // "Prénom;Nom;Organisation" / "René;Müller;Société Générale" / "Zoë;Œuvre – 5 €;x" in cp1252.
    const std::string data =
        "Pr\xE9nom;Nom;Organisation\r\n"
        "Ren\xE9;M\xFCller;Soci\xE9t\xE9 G\xE9n\xE9rale\r\n"
        "Zo\xEB;\x8Cuvre \x96 5 \x80;x\r\n";
    auto b = parseExport(data);
    REQUIRE(b.ok());
    CHECK(b->encoding == "Windows-1252");
    REQUIRE(b->rows.size() == 2);
    CHECK(b->rows[0].attendee.firstName == "René");
    CHECK(b->rows[0].attendee.lastName == "Müller");
    CHECK(b->rows[0].attendee.organisation == "Société Générale");
    CHECK(b->rows[1].attendee.firstName == "Zoë");
    CHECK(b->rows[1].attendee.lastName == "Œuvre – 5 €");
    REQUIRE(b->notes.size() == 1);
    CHECK(b->notes[0].find("Windows-1252") != std::string::npos);

    // A UTF-8 file with one damaged row stays UTF-8: that row is rejected, the others are not
    // read as Windows-1252 mojibake.
    const std::string mixed =
        "first_name,last_name\n"
        "Zoë,Dvořák\n"
        "Ren\xE9,Latin1\n"
        "Şükrü,Öztürk\n";
    auto m = parseExport(mixed);
    REQUIRE(m.ok());
    CHECK(m->encoding == "UTF-8");
    CHECK(m->notes.empty());
    CHECK(rejectionAt(*m, 3).find("invalid UTF-8") == 0);
    CHECK(m->rows.size() == 2);
}

TEST_CASE("pretix: a position without attendee name takes the invoice name, as pretix's check-in does") {
    const std::string data =
        "Event slug,Order code,Position ID,Status,Email,Product,Attendee name,Attendee name: Given name,"
        "Attendee name: Family name,Attendee email,Company,Ticket secret,Company,Invoice address name\n"
        "ev,AB12C,1,paid,o@example.org,Regular,,,,,,k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj,ACME,Jean Dupont\n"
        "ev,AB12C,2,paid,o@example.org,Regular,Zoë Dvořák,Zoë,Dvořák,,,p8vz3mwq7ts2nk4jdhx9rey6cfab5gu3,ACME,"
        "Jean Dupont\n"
        "ev,CD34E,1,paid,x@example.org,Regular,,,,,,a2b3c4d5e6f7g8h9j2k3m4n5p6q7r8s9,,\n";
    auto b = parseExport(data);
    REQUIRE(b.ok());
    REQUIRE(rowAt(*b, 2));
    CHECK(rowAt(*b, 2)->attendee.firstName == "Jean");
    CHECK(rowAt(*b, 2)->attendee.lastName == "Dupont");
    REQUIRE(rowAt(*b, 3));
    CHECK(rowAt(*b, 3)->attendee.firstName == "Zoë");  // the attendee's own name wins
    CHECK(rejectionAt(*b, 4).find("missing name") == 0);

    // Invoice name parts too (pretix with name parts configured for the invoice address).
    const std::string parts =
        "Order code,Position ID,Attendee name,Invoice address name: Given name,Invoice address name: Family "
        "name,Event slug\n"
        "EF56G,1,,Ana,da Silva,ev\n";
    auto q = parseExport(parts);
    REQUIRE(q.ok());
    REQUIRE(q->rows.size() == 1);
    CHECK(q->rows[0].attendee.firstName == "Ana");
    CHECK(q->rows[0].attendee.lastName == "da Silva");
}
