#include <kiosk/core/csv.hpp>

#include <kiosk/core/utf8.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace kiosk::core::csv {

// ---------------------------------------------------------------------------------------------
// Writer

namespace {
bool isFormulaStart(char c) {
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}
/// Where a spreadsheet may start a cell inside ours: Belgian and French Excel open a .csv with
/// ';' as the separator, others with ','; a cell split there is a cell of its own.
bool isSplitPoint(std::string_view cell, std::size_t i) {
    return i == 0 || cell[i - 1] == ',' || cell[i - 1] == ';';
}
}  // namespace

bool needsNeutralizing(std::string_view cell) {
    for (std::size_t i = 0; i < cell.size(); ++i)
        if (isFormulaStart(cell[i]) && isSplitPoint(cell, i)) return true;
    return false;
}

std::string neutralizeFormula(std::string_view cell) {
    if (!needsNeutralizing(cell)) return std::string(cell);
    std::string out;
    out.reserve(cell.size() + 2);
    for (std::size_t i = 0; i < cell.size(); ++i) {
        if (isFormulaStart(cell[i]) && isSplitPoint(cell, i)) out += '\'';
        out += cell[i];
    }
    return out;
}

namespace {
bool needsQuotes(std::string_view cell, char delimiter) {
    if (cell.empty()) return false;
    if (cell.front() == ' ' || cell.back() == ' ') return true;  // some readers trim them
    for (char c : cell)
        if (c == delimiter || c == '"' || c == '\r' || c == '\n') return true;
    return false;
}

void appendCell(std::string& out, std::string_view cell, char delimiter) {
    if (!needsQuotes(cell, delimiter)) {
        out += cell;
        return;
    }
    out += '"';
    for (char c : cell) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}
}  // namespace

std::string csvCell(std::string_view cell, char delimiter) {
    std::string out;
    appendCell(out, cell, delimiter);
    return out;
}

std::string safeCsvCell(std::string_view cell, char delimiter) {
    return csvCell(neutralizeFormula(cell), delimiter);
}

void CsvWriter::cell(std::string_view value) {
    if (m_rowOpen) m_buffer += m_options.delimiter;
    m_rowOpen = true;
    if (m_options.neutralize && needsNeutralizing(value)) {
        appendCell(m_buffer, neutralizeFormula(value), m_options.delimiter);
    } else {
        appendCell(m_buffer, value, m_options.delimiter);
    }
}

void CsvWriter::endRow() {
    m_buffer += m_options.lineEnding == LineEnding::Crlf ? "\r\n" : "\n";
    m_rowOpen = false;
    ++m_rows;
}

void CsvWriter::row(std::initializer_list<std::string_view> cells) {
    for (auto c : cells) cell(c);
    endRow();
}

void CsvWriter::row(const std::vector<std::string>& cells) {
    for (const auto& c : cells) cell(c);
    endRow();
}

std::string CsvWriter::take() {
    std::string out;
    out.swap(m_buffer);
    return out;
}

Status CsvWriter::flushTo(std::FILE* file) {
    if (!file) return Error{"io.write", "CSV output file is not open"};
    if (!m_buffer.empty() && std::fwrite(m_buffer.data(), 1, m_buffer.size(), file) != m_buffer.size())
        return Error{"io.write", std::string("could not write the CSV file: ") + std::strerror(errno) +
                                     "; check free disk space and permissions"};
    m_buffer.clear();
    return {};
}

// ---------------------------------------------------------------------------------------------
// Reader

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view stripBom(std::string_view d) {
    if (d.substr(0, 3) == kBom) d.remove_prefix(3);
    return d;
}

/// Excel writes "sep=;" as a first line when asked to; it names the delimiter.
bool sepLine(std::string_view d, char& delim, std::size_t& lineEnd) {
    if (d.size() < 5 || d.substr(0, 4) != "sep=") return false;
    const char c = d[4];
    std::size_t i = 5;
    if (i < d.size() && d[i] != '\r' && d[i] != '\n') return false;
    delim = c;
    lineEnd = i;
    return true;
}
}  // namespace

char detectDelimiter(std::string_view data) {
    data = stripBom(data);
    char sep;
    std::size_t ignored;
    if (sepLine(data, sep, ignored)) return sep;
    std::size_t commas = 0, semis = 0, tabs = 0;
    bool quoted = false;
    for (char c : data) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted && c == ',')
            ++commas;
        else if (!quoted && c == ';')
            ++semis;
        else if (!quoted && c == '\t')
            ++tabs;
    }
    if (semis > commas && semis >= tabs) return ';';
    if (tabs > commas && tabs > semis) return '\t';
    return ',';
}

CsvReader::CsvReader(std::string_view data, ReaderOptions options)
    : m_data(stripBom(data)), m_options(options) {
    char sep;
    std::size_t lineEnd;
    if (sepLine(m_data, sep, lineEnd)) {
        m_delimiter = sep;
        m_pos = lineEnd;  // the line break is consumed as a blank line by next()
    } else {
        m_delimiter = m_options.delimiter ? m_options.delimiter : detectDelimiter(m_data);
    }
    if (m_options.delimiter) m_delimiter = m_options.delimiter;
    const void* last = nullptr;
    for (std::size_t i = m_data.size(); i > 0; --i)
        if (m_data[i - 1] == '"') {
            last = m_data.data() + i;
            break;
        }
    m_lastQuote = last ? static_cast<std::size_t>(static_cast<const char*>(last) - m_data.data()) : 0;
}

bool CsvReader::next(CsvRecord& record) {
    const char* d = m_data.data();
    const std::size_t size = m_data.size();
    // Blank lines separate nothing in CSV; skip them but count them.
    while (m_pos < size && (d[m_pos] == '\r' || d[m_pos] == '\n')) {
        if (d[m_pos] == '\r' && m_pos + 1 < size && d[m_pos + 1] == '\n') ++m_pos;
        ++m_pos;
        ++m_line;
    }
    if (m_pos >= size) return false;

    const std::size_t startPos = m_pos;
    const int startLine = m_line;
    record.line = startLine;
    record.lastLine = startLine;
    record.error.clear();
    bool recordSpanned = false;  // a quoted value of this record holds a line break
    std::size_t nFields = 0;
    const char delim = m_delimiter;
    const std::size_t maxField = m_options.maxFieldBytes;
    auto setError = [&](std::string msg) {
        if (record.error.empty()) record.error = std::move(msg);
    };
    // Reuse the strings of the previous record: most fields fit their old capacity.
    auto nextField = [&]() -> std::string* {
        if (nFields >= m_options.maxFields) {
            setError("too many fields (more than " + std::to_string(m_options.maxFields) + ")");
            ++nFields;
            return nullptr;
        }
        if (nFields == record.fields.size()) record.fields.emplace_back();
        std::string* f = &record.fields[nFields++];
        f->clear();
        return f;
    };
    auto append = [&](std::string* f, const char* from, std::size_t n) {
        if (!f || n == 0) return;
        if (f->size() + n > maxField) {
            setError("field too large (over " + std::to_string(maxField) + " bytes)");
            return;
        }
        f->append(from, n);
    };
    // Gives up on a record whose quote never closes: its first physical line is rejected and
    // reading resumes on the next line, so one stray quote costs one row, not the rest of the file.
    auto rewindUnbalanced = [&]() {
        std::size_t p = startPos;
        while (p < size && d[p] != '\r' && d[p] != '\n') ++p;
        if (p < size) {
            if (d[p] == '\r' && p + 1 < size && d[p + 1] == '\n') ++p;
            ++p;
        }
        m_pos = p;
        m_line = startLine + 1;
        record.lastLine = startLine;
        record.error = "unbalanced quote";
        record.fields.clear();
        ++m_records;
        return true;
    };

    // Unquoted text up to the next delimiter, line break or end; NUL bytes are dropped and flagged.
    auto scanUnquoted = [&](std::string* f, std::size_t from) {
        std::size_t run = from;
        for (;;) {
            while (run < size && d[run] != delim && d[run] != '\r' && d[run] != '\n' && d[run] != '\0') ++run;
            append(f, d + from, run - from);
            if (run < size && d[run] == '\0') {
                setError("NUL byte");
                from = ++run;
                continue;
            }
            return run;
        }
    };

    std::size_t pos = m_pos;
    for (;;) {
        std::string* field = nextField();
        if (pos < size && d[pos] == '"') {
            ++pos;
            bool closed = false;
            bool spannedLines = false;
            while (!closed) {
                if (pos >= m_lastQuote) return rewindUnbalanced();  // no closing quote anywhere
                std::size_t run = pos;
                while (run < size && d[run] != '"' && d[run] != '\r' && d[run] != '\n' && d[run] != '\0')
                    ++run;
                append(field, d + pos, run - pos);
                pos = run;
                if (pos >= size) return rewindUnbalanced();
                const char c = d[pos];
                if (c == '"') {
                    if (pos + 1 < size && d[pos + 1] == '"') {
                        append(field, "\"", 1);
                        pos += 2;
                    } else {
                        ++pos;
                        closed = true;
                    }
                } else if (c == '\0') {
                    setError("NUL byte");
                    ++pos;
                } else {  // a line break inside quotes belongs to the value
                    spannedLines = true;
                    recordSpanned = true;
                    if (c == '\r' && pos + 1 < size && d[pos + 1] == '\n') {
                        append(field, "\r\n", 2);
                        pos += 2;
                    } else {
                        append(field, &c, 1);
                        ++pos;
                    }
                    ++m_line;
                }
            }
            // After the closing quote: delimiter, end of line or end of input. Anything else on a
            // single-line value is kept (`"abc"def` as Excel reads it); on a value that swallowed
            // line breaks it means the quote was never closed and we paired it with a later row's.
            if (pos < size && d[pos] != delim && d[pos] != '\r' && d[pos] != '\n') {
                if (spannedLines) return rewindUnbalanced();
                pos = scanUnquoted(field, pos);
            }
        } else {
            pos = scanUnquoted(field, pos);
        }
        // Past a field: delimiter → another field; line break or end → record done.
        if (pos < size && d[pos] == delim) {
            ++pos;
            continue;
        }
        record.lastLine = m_line;
        if (pos < size) {  // line break
            if (d[pos] == '\r' && pos + 1 < size && d[pos + 1] == '\n') ++pos;
            ++pos;
            ++m_line;
        }
        break;
    }
    // A quote that "closed" on a later line and left the record with another number of fields
    // than the header, or made a value too large to be real, is a stray quote paired with a
    // later one: the lines in between are rows of their own. Reject the first line only and read
    // the others, so that no line vanishes into one field.
    const bool tooLarge = record.error.compare(0, 15, "field too large") == 0;
    if (recordSpanned && ((m_expectFields > 0 && nFields != m_expectFields) || tooLarge))
        return rewindUnbalanced();
    m_pos = pos;
    record.fields.resize(std::min(nFields, m_options.maxFields));
    ++m_records;
    if (recordSpanned && m_spanned.size() < 10000) m_spanned.emplace_back(record.line, record.lastLine);
    if (record.error.empty()) {
        for (std::size_t i = 0; i < record.fields.size(); ++i)
            if (!utf8::isValid(record.fields[i])) {
                record.error =
                    "invalid UTF-8 in column " + std::to_string(i + 1) + " (save the file as \"CSV UTF-8\")";
                break;
            }
    }
    if (recordSpanned && !record.error.empty())
        record.error += " (the row spans lines " + std::to_string(record.line) + "–" +
                        std::to_string(record.lastLine) + ")";
    if (m_expectFields == 0 && record.error.empty()) m_expectFields = record.fields.size();
    return true;
}

}  // namespace kiosk::core::csv
