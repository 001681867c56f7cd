#include "stress_support.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

extern char** environ;

namespace kiosk::stress {

TempDir::TempDir() {
    std::string tmpl = "/tmp/kiosk-stress-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    m_path = tmpl;
}

TempDir::~TempDir() {
    if (m_keep) return;
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

SeededEvent seedEvent(const std::string& dir, int n) {
    using namespace std::chrono;
    SeededEvent s;
    s.dbPath = dir + "/stress.kiosk";
    s.codesPath = dir + "/codes.txt";
    auto opened = core::Database::open(s.dbPath, core::Database::Mode::CreateIfMissing);
    if (!opened) throw std::runtime_error("open: " + opened.error().message);
    core::Database db = std::move(opened).value();

    const core::TimePoint now = core::nowUtc();
    core::Event e;
    e.id = "stress-test";
    e.name = "Stress test";
    e.venue = "Salle polyvalente";
    e.city = "Bruxelles";
    e.startsAt = now;
    e.endsAt = now + hours{8};
    e.doorsOpenAt = now - hours{24};
    e.doorsCloseAt = now + hours{24};
    if (auto st = db.setEvent(e); !st) throw std::runtime_error("setEvent: " + st.error().message);

    // One import transaction for the people, then one write per code: seeding stays a few
    // seconds even on a busy machine.
    static const char* const kFirst[] = {"Zoë",    "Şükrü",  "Łucja", "Amélie",
                                         "Pieter", "Fatima", "João",  "Ioana"};
    static const char* const kLast[] = {"Dvořák",          "Yılmaz",     "Lefèvre",
                                        "Van den Bossche", "El Idrissi", "Kowalczyk"};
    core::ImportBatch batch;
    batch.source = "generic";
    for (int i = 0; i < n; ++i) {
        core::ImportRow row;
        row.line = i + 2;
        row.attendee.firstName = kFirst[i % 8];
        row.attendee.lastName = std::string(kLast[(i / 8) % 6]) + " " + std::to_string(i);
        row.attendee.category = "participant";
        row.attendee.externalSource = "generic";
        row.attendee.externalId = "stress-" + std::to_string(i);
        batch.rows.push_back(std::move(row));
    }
    auto imported = db.applyImport(batch, "stress", now);
    if (!imported) throw std::runtime_error("applyImport: " + imported.error().message);
    if (imported->imported != n)
        throw std::runtime_error("applyImport imported " + std::to_string(imported->imported));
    auto people = db.attendees();
    if (!people) throw std::runtime_error("attendees: " + people.error().message);
    std::ofstream codes(s.codesPath);
    for (const auto& a : *people) {
        auto code = db.primaryCode(a.id);
        if (!code) throw std::runtime_error("primaryCode: " + code.error().message);
        if (code->find('\n') != std::string::npos) throw std::runtime_error("payload with a newline");
        s.attendeeIds.push_back(a.id);
        s.payloads.push_back(*code);
        codes << *code << '\n';
    }
    return s;
}

Child spawnWorker(const std::vector<std::string>& args) {
    int outPipe[2], inPipe[2];
    if (pipe(outPipe) != 0 || pipe(inPipe) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, outPipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, inPipe[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&fa, outPipe[0]);
    posix_spawn_file_actions_addclose(&fa, outPipe[1]);
    posix_spawn_file_actions_addclose(&fa, inPipe[0]);
    posix_spawn_file_actions_addclose(&fa, inPipe[1]);
    std::vector<std::string> all{KIOSK_CHECKIN_WORKER};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    Child c;
    const int rc = posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(outPipe[1]);
    close(inPipe[0]);
    if (rc != 0) {
        close(outPipe[0]);
        close(inPipe[1]);
        throw std::runtime_error(std::string("posix_spawn ") + KIOSK_CHECKIN_WORKER + " failed");
    }
    c.out = outPipe[0];
    c.in = inPipe[1];
    return c;
}

bool readLine(int fd, std::string& buffer, std::string& line, int timeoutMs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        if (const auto nl = buffer.find('\n'); nl != std::string::npos) {
            line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            return true;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
                .count();
        if (left <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
        char chunk[4096];
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer.append(chunk, static_cast<size_t>(n));
    }
}

std::vector<std::string> drainLines(int fd, std::string& buffer) {
    char chunk[8192];
    for (;;) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n > 0)
            buffer.append(chunk, static_cast<size_t>(n));
        else if (n == 0 || errno != EINTR)
            break;
    }
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back(buffer.substr(start, nl - start));
    buffer.erase(0, start);
    return lines;
}

int reap(Child& c) {
    if (c.in >= 0) close(c.in);
    if (c.out >= 0) close(c.out);
    c.in = c.out = -1;
    int status = 0;
    while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

std::vector<std::string> split(const std::string& line, size_t maxParts) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (parts.size() + 1 < maxParts) {
        const size_t sp = line.find(' ', start);
        if (sp == std::string::npos) break;
        parts.push_back(line.substr(start, sp - start));
        start = sp + 1;
    }
    parts.push_back(line.substr(start));
    return parts;
}

std::string integrityCheck(const std::string& dbPath) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(dbPath.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    if (rc != SQLITE_OK) return std::string("open failed: ") + sqlite3_errstr(rc);
    sqlite3_busy_timeout(db.get(), 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db.get(), "PRAGMA integrity_check", -1, &st, nullptr) != SQLITE_OK)
        return std::string("prepare failed: ") + sqlite3_errmsg(db.get());
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(st, &sqlite3_finalize);
    std::string result;
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
        if (!result.empty()) result += "; ";
        result += reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
    }
    return result;
}

}  // namespace kiosk::stress
