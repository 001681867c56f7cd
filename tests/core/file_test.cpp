// Files the kiosk writes (kiosk/core/file.hpp): a private temporary beside the target, never a
// planted symlink, never shared by two writers; the arrivals export goes through it.
#include "core_test_util.hpp"

#include <kiosk/core/file.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <fstream>
#include <sstream>
#include <thread>

using namespace kiosk::core;
using namespace kiosk::core::test;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path dir;
    TempDir() {
        char tmpl[] = "/tmp/kiosk-file-test-XXXXXX";
        dir = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int filesIn(const fs::path& dir) {
    int n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

}  // namespace

TEST_CASE("file: UniqueFd closes once, moves, releases") {
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    {
        UniqueFd a(fd);
        UniqueFd b(std::move(a));
        CHECK_FALSE(a);
        CHECK(b.get() == fd);
        CHECK(::fcntl(fd, F_GETFD) != -1);
    }
    CHECK(::fcntl(fd, F_GETFD) == -1);  // closed by b
    UniqueFd c(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int raw = c.release();
    CHECK_FALSE(c);
    CHECK(::fcntl(raw, F_GETFD) != -1);
    ::close(raw);
}

TEST_CASE("file: AtomicFile writes 0600 beside the target and leaves nothing behind without commit") {
    TempDir d;
    const std::string target = d / "out.csv";
    {
        auto f = AtomicFile::create(target);
        REQUIRE(f.ok());
        CHECK(fs::path(f->tempPath()).parent_path() == d.dir);
        REQUIRE(f->write("half").ok());
    }  // no commit: as if the writer failed
    CHECK_FALSE(fs::exists(target));
    CHECK(filesIn(d.dir) == 0);

    REQUIRE(writeFileAtomically(target, "a,b\r\n").ok());
    CHECK(slurp(target) == "a,b\r\n");
    struct stat st {};
    REQUIRE(::stat(target.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(filesIn(d.dir) == 1);
}

TEST_CASE("file: an AtomicFile keeps its sync mode through create() and moves (Fast stays Fast)") {
    TempDir d;
    auto fast = AtomicFile::create(d / "status.json", 0600, AtomicFile::Sync::Fast);
    REQUIRE(fast.ok());
    CHECK(fast->sync() == AtomicFile::Sync::Fast);  // was Durable: the move dropped it
    AtomicFile moved = std::move(fast).value();
    CHECK(moved.sync() == AtomicFile::Sync::Fast);
    auto durable = AtomicFile::create(d / "export.csv");
    REQUIRE(durable.ok());
    CHECK(durable->sync() == AtomicFile::Sync::Durable);
}

TEST_CASE("file: a planted OUT.tmp symlink or a symlink at OUT never redirects the export") {
    TempDir d;
    TempDb file;
    Database db = file.open();
    REQUIRE(db.setEvent(testEvent()).ok());
    auto a = db.addAttendee(person("Şükrü", "Öztürk"), "t");
    REQUIRE(a.ok());
    REQUIRE(db.checkInAttendee(a->id, "desk", kDuringDoors, "desk", "test").ok());

    const std::string victim = d / "victim.txt";
    { std::ofstream(victim) << "precious"; }
    const std::string out = d / "arrivals.csv";
    fs::create_symlink(victim, out + ".tmp");  // the old fixed temporary name
    REQUIRE(db.exportArrivalsCsv(out).ok());
    CHECK(slurp(victim) == "precious");
    CHECK(slurp(out).find("Öztürk") != std::string::npos);

    // A symlink at the target itself is replaced, not followed.
    const std::string linked = d / "linked.csv";
    fs::create_symlink(victim, linked);
    REQUIRE(db.exportArrivalsCsv(linked).ok());
    CHECK(slurp(victim) == "precious");
    CHECK_FALSE(fs::is_symlink(linked));
}

TEST_CASE("file: concurrent exports to the same path all succeed and leave one whole file") {
    TempDir d;
    TempDb file;
    {
        Database db = file.open();
        REQUIRE(db.setEvent(testEvent()).ok());
        for (int i = 0; i < 300; ++i) {
            auto a = db.addAttendee(person("P" + std::to_string(i), "Q"), "t");
            REQUIRE(a.ok());
            REQUIRE(db.checkInAttendee(a->id, "desk", kDuringDoors, "desk", "test").ok());
        }
    }
    const std::string out = d / "arrivals.csv";
    constexpr int kWriters = 4;
    std::vector<std::thread> writers;
    std::vector<int> rows(kWriters, -1);
    std::vector<std::string> errors(kWriters);
    for (int i = 0; i < kWriters; ++i)
        writers.emplace_back([&, i] {
            auto db = Database::open(file.path(), Database::Mode::OpenExisting);
            if (!db) {
                errors[i] = db.error().message;
                return;
            }
            for (int k = 0; k < 5; ++k) {
                auto r = db->exportArrivalsCsv(out);
                if (!r) {
                    errors[i] = r.error().message;
                    return;
                }
                rows[i] = *r;
            }
        });
    for (auto& t : writers) t.join();
    for (int i = 0; i < kWriters; ++i) {
        CHECK_MESSAGE(errors[i].empty(), errors[i]);
        CHECK(rows[i] == 300);
    }
    const std::string csv = slurp(out);
    int lines = 0;
    for (char c : csv) lines += c == '\n';
    CHECK(lines == 301);
    CHECK(filesIn(d.dir) == 1);
}
