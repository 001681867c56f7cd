#pragma once
// Shared helpers of the badge tests: a temp folder, running the poppler tools a user would check
// a PDF with, and the demo database.
#include <kiosk/core.hpp>
#include <kiosk/printing/badge.hpp>
#include <kiosk/scanner.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace badge_test {

namespace fs = std::filesystem;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "kiosk-badge-XXXXXX").string();
        char* p = mkdtemp(tmpl.data());
        REQUIRE(p != nullptr);
        path = p;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

/// Runs a shell command, returns its stdout (stderr discarded) and exit status.
inline std::string run(const std::string& cmd, int* status = nullptr) {
    std::string out;
    FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int rc = pclose(p);
    if (status) *status = WEXITSTATUS(rc);
    return out;
}

inline void writeFile(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

/// White space collapsed to single spaces, trimmed: pdftotext breaks lines where we did.
inline std::string squash(const std::string& s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

/// Page size in points of page 1, from pdfinfo.
inline std::pair<double, double> pageSizePt(const fs::path& pdf) {
    const std::string info = run("pdfinfo " + quote(pdf.string()));
    const auto at = info.find("Page size:");
    REQUIRE(at != std::string::npos);
    double w = 0, h = 0;
    REQUIRE(std::sscanf(info.c_str() + at, "Page size: %lf x %lf", &w, &h) == 2);
    return {w, h};
}

/// Rasterises page 1 and decodes the QR code on it with the kiosk's own decoder.
inline std::optional<std::string> decodeQrFromPdf(const fs::path& pdf, int dpi = 150) {
    const fs::path png = pdf.string() + ".png";
    int status = 0;
    run("pdftoppm -png -gray -singlefile -r " + std::to_string(dpi) + " " + quote(pdf.string()) + " " +
            quote(pdf.string()),
        &status);
    if (status != 0) return std::nullopt;
    auto img = kiosk::scanner::loadImage(png.string());
    if (!img) return std::nullopt;
    kiosk::scanner::Decoder decoder;
    kiosk::scanner::DecodeBudget budget;
    budget.thorough = true;
    auto d = decoder.decode(img->view(), budget);
    if (!d) return std::nullopt;
    return d->text;
}

/// A demo event database in a temp folder (RRBSI 2018, 100 attendees).
struct DemoDb {
    TempDir dir;
    kiosk::core::Database db;
    static kiosk::core::Database open(const fs::path& path) {
        auto db = kiosk::core::Database::open(path.string(), kiosk::core::Database::Mode::CreateIfMissing);
        REQUIRE_MESSAGE(db.ok(), db.error().message);
        auto st = kiosk::core::createDemoEvent(*db, kiosk::core::nowUtc());
        REQUIRE_MESSAGE(st.ok(), st.error().message);
        return std::move(db).value();
    }
    DemoDb() : db(open(dir.path / "demo.db")) {}
    fs::path path() const { return dir.path / "demo.db"; }
};

}  // namespace badge_test
