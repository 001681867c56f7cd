// Generates a realistic 100,000-row pretix "order data / positions" export (every text cell
// quoted, names with diacritics, the duplicated Company column, a few cancelled positions) in a
// temp folder, then times parseExportFile and Database::applyImport into a fresh database file,
// a second import of the same file (the "re-import a corrected export" path), and
// Database::importFile into another fresh file (what `kiosk import` runs: the parse on a second
// thread, rows written as they arrive; its CPU column counts both threads).
// Usage: bench_import [rows] (default 100000). Goal: parse + first import under 3 s.
#include <kiosk/core.hpp>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>

using namespace kiosk::core;
using Clock = std::chrono::steady_clock;

namespace {
double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}
// CPU time of this process: on a shared, loaded machine wall time mostly measures the queue.
double cpuMs() {
    return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

const char* kGiven[] = {
    "Zoë",   "Maëlle",  "Jean-Pierre", "Aïcha",  "Youssef", "Fatima-Zahra", "Siobhán", "Björn", "Agnieszka",
    "Ömer",  "Çağla",   "Mohammed",    "Élodie", "Noémie",  "Pieter",       "Griet",   "Jesús", "François",
    "Ngozi", "Mamadou", "Thị Lan",     "Łukasz", "Ana",     "Wim",          "Sára",    "Dóra"};
const char* kFamily[] = {"Dvořák",   "Peeters",  "Van den Bossche", "El Idrissi", "Benali",         "Nguyễn",
                         "Kowalska", "Janssens", "Müller",          "Öztürk",     "de la Croix",    "Diallo",
                         "Mertens",  "Çelik",    "Šimková",         "Lefèvre",    "Ó Súilleabháin", "Wójcik",
                         "Haddad",   "Dubois",   "Claes",           "Ndiaye",     "Fernández"};
const char* kOrg[] = {"Université libre de Bruxelles",
                      "Vrije Universiteit Brussel",
                      "CNCD-11.11.11",
                      "Oxfam-Solidarité",
                      "Commune d'Anderlecht",
                      "Gemeente Schaarbeek",
                      "Région de Bruxelles-Capitale",
                      "Médecins du Monde",
                      "Ligue des droits humains",
                      "",
                      "",
                      "Citoyen·ne"};
const char* kProduct[] = {"Participant",       "Participant", "Participant",
                          "Orateur / Spreker", "Bénévole",    "Presse"};
const char* kLocale[] = {"fr", "nl", "en", "fr", "nl"};

std::string secret(std::mt19937& rng) {
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    std::string s(32, 'a');
    for (char& c : s) c = alphabet[rng() % 31];
    return s;
}

/// A new database file; says why on stderr when it cannot be created.
std::optional<Database> openFresh(const std::string& path) {
    auto db = Database::open(path, Database::Mode::CreateIfMissing);
    if (!db) {
        std::fprintf(stderr, "open failed: %s\n", db.error().message.c_str());
        return std::nullopt;
    }
    return std::move(db).value();
}

void writeExport(const std::string& path, int rows) {
    std::mt19937 rng(2018);
    std::string out;
    out.reserve(static_cast<std::size_t>(rows) * 400);
    out +=
        "\"Event slug\",\"Order code\",\"Position ID\",\"Status\",\"Email\",\"Phone number\",\"Order date\","
        "\"Order time\",\"Product\",\"Variation\",\"Price\",\"Tax rate\",\"Tax rule\",\"Tax "
        "value\",\"Attendee name\","
        "\"Attendee name: Given name\",\"Attendee name: Family name\",\"Attendee "
        "email\",\"Company\",\"Address\","
        "\"ZIP code\",\"City\",\"Country\",\"State\",\"Voucher\",\"Pseudonymization ID\",\"Ticket secret\","
        "\"Order comment\",\"Follow-up date\",\"Company\",\"Invoice address name\",\"Sales channel\","
        "\"Order locale\"\r\n";
    int order = 0, pos = 0;
    for (int i = 0; i < rows; ++i) {
        if (pos == 0 || rng() % 3 == 0) {
            ++order;
            pos = 0;
        }
        ++pos;
        const std::string given = kGiven[rng() % std::size(kGiven)];
        const std::string family = kFamily[rng() % std::size(kFamily)];
        char code[16];
        std::snprintf(code, sizeof code, "%05X", order);
        const std::string org = kOrg[rng() % std::size(kOrg)];
        const bool cancelled = rng() % 50 == 0;
        auto q = [&](const std::string& s) { out += '"' + s + "\","; };
        q("rrbsi-2018");
        q(code);
        q(std::to_string(pos));
        q(cancelled ? "canceled" : "paid");
        q("order" + std::to_string(order) + "@example.org");
        q("");
        q("2018-02-01");
        q("10:12");
        q(kProduct[rng() % std::size(kProduct)]);
        q("");
        q("23.00");
        q("0.00");
        q("");
        q("0.00");
        q(given + " " + family);
        q(given);
        q(family);
        q("p" + std::to_string(i) + "@example.org");
        q(org);
        q("Rue de la Loi 16");
        q("1000");
        q("Bruxelles");
        q("BE");
        q("");
        q("");
        q("X" + std::to_string(i));
        q(secret(rng));
        q("");
        q("");
        q(org.empty() ? "Invoice SPRL" : org);
        q(given + " " + family);
        q("web");
        out += '"';
        out += kLocale[rng() % std::size(kLocale)];
        out += "\"\r\n";
    }
    std::ofstream(path, std::ios::binary) << out;
}
}  // namespace

int main(int argc, char** argv) {
    const int rows = argc > 1 ? std::atoi(argv[1]) : 100000;
    const auto dir =
        std::filesystem::temp_directory_path() / ("kiosk_bench_import_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string csvPath = (dir / "pretix_positions.csv").string();
    const std::string dbPath = (dir / "event.db").string();
    writeExport(csvPath, rows);
    const auto bytes = std::filesystem::file_size(csvPath);

    auto t = Clock::now();
    double c = cpuMs();
    auto batch = parseExportFile(csvPath);
    const double parseMs = msSince(t), parseCpu = cpuMs() - c;
    if (!batch) {
        std::fprintf(stderr, "parse failed: %s\n", batch.error().message.c_str());
        return 2;
    }

    auto db = openFresh(dbPath);
    if (!db) return 2;
    t = Clock::now();
    c = cpuMs();
    ImportApplyOptions applyOptions;
    if (const char* ms = std::getenv("KIOSK_BENCH_TRANSACTION_MS"))
        applyOptions.maxTransactionMs = std::atoi(ms);
    auto sum = db->applyImport(*batch, "bench", nowUtc(), applyOptions);
    const double applyMs = msSince(t), applyCpu = cpuMs() - c;
    if (!sum) {
        std::fprintf(stderr, "applyImport failed: %s\n", sum.error().message.c_str());
        return 2;
    }

    t = Clock::now();
    c = cpuMs();
    auto batch2 = parseExportFile(csvPath);
    auto sum2 = batch2 ? db->applyImport(*batch2, "bench", nowUtc(), applyOptions)
                       : Result<ImportSummary>(batch2.error());
    const double reimportMs = msSince(t), reimportCpu = cpuMs() - c;

    // What `kiosk import` runs: Database::importFile, parsing on a second thread while writing.
    const std::string dbPath2 = (dir / "event-streamed.db").string();
    auto db2 = openFresh(dbPath2);
    if (!db2) return 2;
    t = Clock::now();
    c = cpuMs();
    auto sum3 = db2->importFile(csvPath, ImportFormat::Auto, "bench", nowUtc(), applyOptions);
    const double fileMs = msSince(t), fileCpu = cpuMs() - c;

    std::printf("bench_import: pretix order positions, %d rows, %.1f MB\n", rows, bytes / 1e6);
    std::printf("                           wall        cpu\n");
    std::printf("  parse                 %8.1f ms %8.1f ms  (%zu rows, %zu rejected)\n", parseMs, parseCpu,
                batch->rows.size(), batch->rejected.size());
    std::printf("  applyImport (fresh)   %8.1f ms %8.1f ms  (imported %d, revoked %d)\n", applyMs, applyCpu,
                sum->imported, sum->revoked);
    std::printf("  parse + import        %8.1f ms %8.1f ms  (goal < 3000 ms)\n", parseMs + applyMs,
                parseCpu + applyCpu);
    if (sum3)
        std::printf(
            "  importFile (pipelined)%8.1f ms %8.1f ms  (imported %d; parse on a 2nd thread; goal < 3000 "
            "ms)\n",
            fileMs, fileCpu, sum3->imported);
    else
        std::printf("  importFile failed: %s\n", sum3.error().message.c_str());
    if (sum2)
        std::printf("  re-import same file   %8.1f ms %8.1f ms  (unchanged %d, updated %d)\n", reimportMs,
                    reimportCpu, sum2->unchanged, sum2->updated);
    else
        std::printf("  re-import failed: %s\n", sum2.error().message.c_str());
    std::filesystem::remove_all(dir);
    return 0;
}
