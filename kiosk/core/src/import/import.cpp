// parseExport / parseExportFile: read the header, pick the format (or take the override), and
// hand the remaining records to that format's mapper. Pure: no database here.
#include "import/import_detail.hpp"

#include <algorithm>
#include <cerrno>
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

Result<ImportBatch> parseInto(std::string_view bytes, ImportFormat format, const ImportRowSink* sink,
                              std::size_t chunkRows) {
    if (bytes.size() >= 2 &&
        ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
        return Error{"import.utf16",
                     "the file is UTF-16 text; save or export it as \"CSV UTF-8\" and import again"};

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
        if (pretix >= 5 && pretix >= eventbrite)
            format = ImportFormat::Pretix;
        else if (eventbrite >= 6)
            format = ImportFormat::Eventbrite;
        else if (generic >= 1)
            format = ImportFormat::Generic;
        else
            return Error{
                "import.unknown_format",
                "could not recognise the export from its header (" + headerPreview(h) +
                    "); expected a pretix, Eventbrite or generic CSV (docs/import.md) — pass --format "
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
        case ImportFormat::Generic:
        case ImportFormat::Auto:
            st = import::parseGeneric(reader, h, target);
            break;
    }
    if (!st) return st.error();
    target.flush();
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
    // Sized once from the file: growing by doubling copied and page-faulted a 35 MB export twice.
    struct stat info {};
    if (::fstat(::fileno(file.get()), &info) == 0 && S_ISREG(info.st_mode) &&
        static_cast<std::size_t>(info.st_size) <= kMaxFileBytes)
        bytes.reserve(static_cast<std::size_t>(info.st_size) + 1);
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
