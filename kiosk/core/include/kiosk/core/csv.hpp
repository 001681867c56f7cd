#pragma once
// kiosk::core's CSV layer, public: the one RFC 4180 reader and formula-safe writer of the kiosk.
// The importers read every CSV export with CsvReader, the arrivals export writes with CsvWriter,
// and anything else that writes or reads a .csv (a new export, a script's test, the tests reading
// an export back) uses them too rather than quoting by hand. Its contract (quoting, delimiters,
// line numbers, damaged records, CSV-injection neutralisation) is tested cell by cell in
// tests/core/import/csv_test.cpp.
//
// Writer API (used by the arrivals export):
//   std::string neutralizeFormula(std::string_view cell)
//       Cells starting with = + - @ TAB CR (after nothing: the very first byte) get a leading
//       apostrophe so no spreadsheet evaluates them; so does each such character right after a
//       ',' or ';' inside the cell (a spreadsheet that splits on the other separator starts a
//       cell there). Everything else is returned unchanged.
//   std::string csvCell(std::string_view cell, char delimiter = ',')
//       RFC 4180 quoting only: quoted (inner quotes doubled) when the cell holds the delimiter,
//       a quote, CR, LF, or leading/trailing spaces; otherwise unchanged. No neutralisation.
//   std::string safeCsvCell(std::string_view cell, char delimiter = ',')
//       csvCell(neutralizeFormula(cell)): what exports should write for every data cell.
//   CsvWriter w({.delimiter = ',', .lineEnding = LineEnding::Crlf, .neutralize = true});
//   w.row({"id", "name"}); w.cell("x"); w.cell("y"); w.endRow();
//   w.data() / w.take() / w.flushTo(FILE*) / w.rowsWritten()
//
// Reader API (used by the importers):
//   CsvReader r(bytes, {.delimiter = 0 /* auto */, .maxFieldBytes = 64 KiB});
//   CsvRecord rec; while (r.next(rec)) { rec.line, rec.fields, rec.error }
//   A record with a non-empty `error` is damaged (unbalanced quote, NUL byte, invalid UTF-8,
//   field too large, too many fields): report it by line and keep reading; `fields` is then
//   unspecified. Line numbers are physical lines (CRLF, LF and lone CR each end one line), the
//   line where the record starts. A UTF-8 byte-order mark at the start is skipped.
//   Every physical line ends up in exactly one record [line, lastLine] or is blank: a quoted
//   value that runs over line breaks and leaves its record with another number of fields than
//   the header had is a stray quote, and only its first line is rejected ("unbalanced quote");
//   the lines after it are read as records of their own.
#include <kiosk/core/result.hpp>

#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiosk::core::csv {

// ---------------------------------------------------------------------------------------------
// Writer

enum class LineEnding { Crlf, Lf };

/// Makes a cell inert for spreadsheets (OWASP "CSV injection"): a leading = + - @ TAB or CR gets
/// an apostrophe in front, and so does one right after a ',' or ';' in the cell: Excel in
/// Belgium and France splits a .csv on ';', elsewhere on ',', and either split starts a cell. The apostrophe
/// is visible text for CSV readers, which is the point: the value read back is the neutralised text, never a
/// formula.
std::string neutralizeFormula(std::string_view cell);
/// True when neutralizeFormula would change the cell.
bool needsNeutralizing(std::string_view cell);
/// RFC 4180 quoting (see header comment). The delimiter decides which cells need quotes.
std::string csvCell(std::string_view cell, char delimiter = ',');
/// csvCell(neutralizeFormula(cell)).
std::string safeCsvCell(std::string_view cell, char delimiter = ',');

struct WriterOptions {
    char delimiter = ',';
    LineEnding lineEnding = LineEnding::Crlf;  ///< RFC 4180 and Excel both expect CRLF
    bool neutralize = true;                    ///< apply neutralizeFormula to every cell
};

/// Appends rows to an in-memory buffer; flushTo() moves the buffer to a FILE* (so a large export
/// never holds more than the rows since the last flush).
class CsvWriter {
public:
    CsvWriter() = default;
    explicit CsvWriter(WriterOptions options) : m_options(options) {}

    void cell(std::string_view value);
    void endRow();
    void row(std::initializer_list<std::string_view> cells);
    void row(const std::vector<std::string>& cells);

    const std::string& data() const { return m_buffer; }
    std::string take();
    /// Writes and clears the buffer. Error "io.write" when the FILE* refuses bytes.
    Status flushTo(std::FILE* file);
    int rowsWritten() const { return m_rows; }

private:
    WriterOptions m_options;
    std::string m_buffer;
    bool m_rowOpen = false;
    int m_rows = 0;
};

// ---------------------------------------------------------------------------------------------
// Reader

struct ReaderOptions {
    char delimiter = 0;                     ///< 0: auto-detect among , ; TAB from the first line
    std::size_t maxFieldBytes = 64 * 1024;  ///< larger fields reject their record
    std::size_t maxFields = 4096;           ///< more fields reject their record
};

struct CsvRecord {
    int line = 0;      ///< physical line (1-based) where the record starts
    int lastLine = 0;  ///< physical line where it ends (> line when a quoted value holds line breaks)
    std::vector<std::string> fields;
    std::string error;  ///< empty = good record
};

/// Streaming RFC 4180 reader over a byte buffer (the buffer must outlive the reader).
/// Lenient where real exports are sloppy (text after a closing quote is kept, a quote inside an
/// unquoted field is literal), strict where data would be wrong (see CsvRecord::error).
class CsvReader {
public:
    explicit CsvReader(std::string_view data, ReaderOptions options = {});
    /// Next record (blank lines are skipped). False at end of input.
    bool next(CsvRecord& record);
    char delimiter() const { return m_delimiter; }
    /// Records accepted although a quoted value in them spans lines: (first line, last line).
    /// A file that otherwise keeps one record per line gets them reported (see parseExport).
    const std::vector<std::pair<int, int>>& spannedRecords() const { return m_spanned; }
    int recordsRead() const { return m_records; }

private:
    std::string_view m_data;
    ReaderOptions m_options;
    char m_delimiter = ',';
    std::size_t m_pos = 0;
    int m_line = 1;
    std::size_t m_lastQuote = 0;     ///< one past the last '"' in the data (0: none)
    std::size_t m_expectFields = 0;  ///< fields of the first good record (the header); 0 = none yet
    std::vector<std::pair<int, int>> m_spanned;
    int m_records = 0;
};

/// Picks , ; or TAB: the one occurring most often outside quotes on the first line.
char detectDelimiter(std::string_view data);

}  // namespace kiosk::core::csv
