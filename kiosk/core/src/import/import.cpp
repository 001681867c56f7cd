// parseExport / parseExportFile: read the header, pick the format (or take the override), and
// hand the remaining records to that format's mapper. Pure: no database here.
#include "import/import_detail.hpp"

#include <kiosk/core/utf8.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include <sys/stat.h>

namespace kiosk::core {

namespace {
constexpr std::size_t kMaxFileBytes = 512u * 1024u * 1024u;

std::string_view sourceName(ImportFormat f) {
    switch (f) {
        case ImportFormat::Pretix:
            return "pretix";
        case ImportFormat::Eventbrite:
            return "eventbrite";
        case ImportFormat::Generic:
            return "generic";
        case ImportFormat::Indico:
            return "indico";
        case ImportFormat::Auto:
            break;
    }
    return "generic";
}

std::string headerPreview(const import::Header& h) {
    std::string out;
    for (int i = 0; i < h.size() && i < 8; ++i) {
        if (i) out += ", ";
        out += "'" + h.norm(i).substr(0, 40) + "'";
    }
    if (h.size() > 8) out += ", …";
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20) c = '?';
    return out;
}
}  // namespace

namespace {
using import::RowTarget;

/// Windows-1252, what Excel in Belgium and France writes for "CSV": bytes 0x80–0x9F are
/// typographic characters there (€ ‚ „ … ' ' " " – — ™ Œ œ Š š Ž ž Ÿ); the five bytes Windows
/// leaves undefined become the C1 controls of the same value (a row holding one is refused).
constexpr char16_t kCp1252High[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::string decodeCp1252(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 8);
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80)
            out += ch;
        else
            utf8::append(out,
                         c < 0xA0 ? static_cast<char32_t>(kCp1252High[c - 0x80]) : static_cast<char32_t>(c));
    }
    return out;
}

/// A file is taken as Windows-1252 when it is not valid UTF-8 and holds more invalid bytes than
/// valid multi-byte UTF-8 characters: a UTF-8 export with one damaged row stays UTF-8 (and that
/// row is rejected), a file Excel saved as "CSV" in Brussels or Paris has no valid sequences at
/// all. A UTF-8 byte-order mark settles it.
bool looksLikeCp1252(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF" || utf8::isValid(bytes)) return false;
    std::size_t valid = 0, invalid = 0;
    for (std::size_t i = 0; i < bytes.size();) {
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t n = utf8::decodeAt(bytes, i, cp);
        if (n == 0) {
            ++invalid;
            ++i;
        } else {
            ++valid;
            i += n;
        }
    }
    return invalid > valid;
}

Result<ImportBatch> parseInto(std::string_view bytes, ImportFormat format, const ImportRowSink* sink,
                              std::size_t chunkRows) {
    if (bytes.size() >= 2 &&
        ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
        return Error{"import.utf16",
                     "the file is UTF-16 text; save or export it as \"CSV UTF-8\" and import again"};

    // Indico's check-in API gives its registration list as JSON.
    if (const auto first = bytes.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
        first != std::string_view::npos && (bytes[first] == '{' || bytes[first] == '[') &&
        (format == ImportFormat::Auto || format == ImportFormat::Indico)) {
        ImportBatch batch;
        batch.detected = ImportFormat::Indico;
        batch.source = "indico";
        RowTarget target{batch, sink, std::max<std::size_t>(chunkRows, 1)};
        auto isIndico = import::parseIndicoJson(bytes.substr(first), target);
        if (!isIndico) return isIndico.error();
        if (!*isIndico)
            return Error{"import.unknown_format",
                         "this JSON is not a list of Indico registrations (each with a \"checkin_secret\"); "
                         "save the registration list from Indico's check-in API, or export a CSV"};
        target.flush();
        return batch;
    }

    std::string decoded;
    const bool cp1252 = looksLikeCp1252(bytes);
    if (cp1252) {
        decoded = decodeCp1252(bytes);
        bytes = decoded;
    }

    csv::CsvReader reader(bytes);
    csv::CsvRecord header;
    bool found = false;
    while (reader.next(header)) {
        if (!import::isBlankRecord(header)) {
            found = true;
            break;
        }
    }
    if (!found)
        return Error{"import.empty",
                     "the file is empty: export the attendee list again (with its header row)"};
    if (!header.error.empty())
        return Error{"import.bad_header", "line " + std::to_string(header.line) +
                                              ": the header row is unreadable (" + header.error +
                                              "); export the list again as CSV UTF-8"};
    const import::Header h(header.fields);

    if (format == ImportFormat::Auto) {
        const int pretix = import::scorePretix(h);
        const int eventbrite = import::scoreEventbrite(h);
        const int generic = import::scoreGeneric(h);
        const int indico = import::scoreIndico(h);
        if (pretix >= 5 && pretix >= eventbrite)
            format = ImportFormat::Pretix;
        else if (eventbrite >= 6)
            format = ImportFormat::Eventbrite;
        else if (indico >= 6)
            format = ImportFormat::Indico;
        else if (generic >= 1)
            format = ImportFormat::Generic;
        else
            return Error{"import.unknown_format", "could not recognise the export from its header (" +
                                                      headerPreview(h) +
                                                      "); expected a pretix, Eventbrite, Indico or generic "
                                                      "CSV (docs/import.md) — pass --format "
                                                      "to force one"};
    }

    ImportBatch batch;
    RowTarget target{batch, sink, std::max<std::size_t>(chunkRows, 1)};
    // One ImportRow is ~0.5 KB: growing the vector by doubling would move (and page-fault) the
    // whole batch several times over on a 100,000-row file. Line count bounds the row count.
    if (sink) {
        batch.rows.reserve(target.chunk + 1);
    } else {
        std::size_t lines = static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n'));
        if (lines == 0) lines = static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\r'));
        batch.rows.reserve(std::min<std::size_t>(lines + 1, 2'000'000));
    }
    batch.detected = format;
    batch.source = std::string(sourceName(format));
    Status st;
    switch (format) {
        case ImportFormat::Pretix:
            st = import::parsePretix(reader, h, target);
            break;
        case ImportFormat::Eventbrite:
            st = import::parseEventbrite(reader, h, target);
            break;
        case ImportFormat::Indico:
            st = import::parseIndicoCsv(reader, h, target);
            batch.notes.emplace_back(
                "Indico's CSV export has no ticket column: the people it brings are found by name at the "
                "desk, "
                "their tickets do not scan; to make them scan, import the registration list JSON from "
                "Indico's "
                "check-in API (docs/import.md)");
            break;
        case ImportFormat::Generic:
        case ImportFormat::Auto:
            st = import::parseGeneric(reader, h, target);
            break;
    }
    if (!st) return st.error();
    target.flush();
    if (cp1252) {
        batch.encoding = "Windows-1252";
        batch.notes.emplace_back(
            "the file is not UTF-8: it was read as Windows-1252 (what Excel writes for \"CSV\" in Belgium "
            "and France); check a few names with accents, and next time save as \"CSV UTF-8\"");
    }
    // A quoted value over several lines is normal in a file full of them (comments with line
    // breaks); in a file that otherwise keeps one row per line, it may be a stray quote that
    // swallowed rows which happened to line up: list each for the organiser to check.
    const auto& spans = reader.spannedRecords();
    if (!spans.empty() &&
        spans.size() <= std::max<std::size_t>(1, static_cast<std::size_t>(reader.recordsRead()) / 100))
        for (const auto& [first, last] : spans)
            batch.warnings.push_back(
                {first, "a quoted value runs over lines " + std::to_string(first) + "–" +
                            std::to_string(last) +
                            " and was read as one row: check that it does not hold other people's rows"});
    return batch;
}
}  // namespace

Result<ImportBatch> parseExport(std::string_view bytes, ImportFormat format) {
    return parseInto(bytes, format, nullptr, 0);
}

Result<ImportBatch> parseExportStreaming(std::string_view bytes, ImportFormat format,
                                         const ImportRowSink& sink, std::size_t chunkRows) {
    if (!sink) return parseExport(bytes, format);
    return parseInto(bytes, format, &sink, chunkRows);
}

Result<std::string> readExportFile(const std::string& path) {
    struct FileCloser {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file)
        return Error{"io.open", "cannot open '" + path + "': " + std::strerror(errno) +
                                    "; check the path and that the file is readable"};
    std::string bytes;
    // The size first (of the file opened, not of the path: no swap in between): a file over the
    // limit is refused before a byte of it is read. Pipes and devices have no size; for them the
    // limit is checked as they are read. A regular file is also sized once from it: growing by
    // doubling copied and page-faulted a 35 MB export twice.
    struct stat info {};
    if (::fstat(::fileno(file.get()), &info) != 0)
        return Error{"io.read", "cannot read '" + path + "': " + std::strerror(errno)};
    if (S_ISDIR(info.st_mode))
        return Error{"io.read", "'" + path + "' is a folder; give the export file inside it"};
    if (S_ISREG(info.st_mode)) {
        if (static_cast<uint64_t>(info.st_size) > kMaxFileBytes)
            return Error{"import.too_large", "'" + path + "' is " +
                                                 std::to_string(info.st_size / (1024 * 1024)) +
                                                 " MB, larger than 512 MB; this is not an attendee list"};
        bytes.reserve(static_cast<std::size_t>(info.st_size) + 1);
    }
    char buf[1 << 16];
    for (;;) {
        const std::size_t n = std::fread(buf, 1, sizeof buf, file.get());
        bytes.append(buf, n);
        if (bytes.size() > kMaxFileBytes)
            return Error{"import.too_large",
                         "'" + path + "' is larger than 512 MB; this is not an attendee list"};
        if (n < sizeof buf) {
            if (std::ferror(file.get()))
                return Error{"io.read", "cannot read '" + path + "': " + std::strerror(errno)};
            break;
        }
    }
    return bytes;
}

Result<ImportBatch> parseExportFile(const std::string& path, ImportFormat format) {
    auto bytes = readExportFile(path);
    if (!bytes) return bytes.error();
    return parseExport(*bytes, format);
}

}  // namespace kiosk::core
