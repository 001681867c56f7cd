#pragma once
// A real PostgreSQL 15 for the sync tests: its own cluster in a temporary folder, reachable
// only through a unix socket in that folder (listen_addresses = ''), started once per test
// program and stopped at exit. CI runs as root and initdb refuses root, so the cluster runs as
// the `postgres` user (runuser) in a folder it owns. Never skips: scripts/setup installs
// postgresql, and a missing server fails the test with what to install.
#include <libpq-fe.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kiosk::test {

inline constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin";

/// Fails the test (doctest reports the exception) or the benchmark, with what went wrong.
inline void ensure(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error(what);
}

/// Runs argv (as `postgres` when we are root) and returns its exit status.
inline int runAsPostgres(std::vector<std::string> argv, const std::string& logFile = "") {
    if (::geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (!logFile.empty()) {
            std::FILE* f = std::fopen(logFile.c_str(), "a");
            if (f) {
                ::dup2(::fileno(f), 1);
                ::dup2(::fileno(f), 2);
            }
        }
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

class PgCluster {
public:
    PgCluster() {
        char tmpl[] = "/tmp/kiosk-pg-XXXXXX";
        ensure(::mkdtemp(tmpl) != nullptr, "mkdtemp");
        m_dir = tmpl;
        if (::geteuid() == 0) {
            std::string chown = "chown postgres:postgres " + m_dir;
            ensure(std::system(chown.c_str()) == 0, chown);
        }
        ensure(std::filesystem::exists(std::string(kPgBin) + "/initdb"),
               "PostgreSQL 15 is not installed: run scripts/setup (Debian package postgresql)");
        const auto t0 = std::chrono::steady_clock::now();
        ensure(runAsPostgres({std::string(kPgBin) + "/initdb", "-D", m_dir + "/data", "-A", "trust", "-U",
                              "kiosk", "--no-sync", "-E", "UTF8", "--locale=C"},
                             m_dir + "/initdb.log") == 0,
               "initdb failed: see " + m_dir + "/initdb.log");
        start();
        startupMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
                .count();
    }
    ~PgCluster() {
        resume();
        runAsPostgres(
            {std::string(kPgBin) + "/pg_ctl", "-D", m_dir + "/data", "-m", "immediate", "-w", "stop"},
            m_dir + "/pg_ctl.log");
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    long long startupMs = 0;  ///< initdb + start

    void start() {
        ensure(runAsPostgres({std::string(kPgBin) + "/pg_ctl", "-D", m_dir + "/data", "-w", "-l",
                              m_dir + "/server.log", "-o",
                              "-c listen_addresses='' -c unix_socket_directories=" + m_dir +
                                  " -c fsync=off -c max_connections=60 -c shared_buffers=16MB",
                              "start"},
                             m_dir + "/pg_ctl.log") == 0,
               "pg_ctl start failed: see " + m_dir + "/server.log");
    }
    void stop() {
        ensure(runAsPostgres(
                   {std::string(kPgBin) + "/pg_ctl", "-D", m_dir + "/data", "-m", "immediate", "-w", "stop"},
                   m_dir + "/pg_ctl.log") == 0,
               "pg_ctl stop failed");
    }
    /// SIGSTOP / SIGCONT to the postmaster and every backend: a server that hangs silently.
    void freeze() { signalAll(SIGSTOP); }
    void resume() { signalAll(SIGCONT); }

    const std::string& dir() const { return m_dir; }
    std::string conninfo(const std::string& db) const {
        return "host=" + m_dir + " dbname=" + db + " user=kiosk";
    }
    /// A fresh database for one test case.
    std::string createDatabase(const std::string& name) {
        exec("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        exec("postgres", "CREATE DATABASE " + name);
        return conninfo(name);
    }
    void dropDatabase(const std::string& name) {
        exec("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /// Runs SQL as the cluster's superuser; returns the first value of the first row ("" if none).
    std::string exec(const std::string& db, const std::string& sql) const {
        return query(conninfo(db), sql, true);
    }

    /// Runs SQL with any connection string; on error returns "ERROR:" + SQLSTATE (or fails the test
    /// when `mustSucceed`).
    static std::string query(const std::string& conninfo, const std::string& sql, bool mustSucceed = false) {
        std::unique_ptr<PGconn, void (*)(PGconn*)> c(PQconnectdb(conninfo.c_str()), PQfinish);
        ensure(PQstatus(c.get()) == CONNECTION_OK, PQerrorMessage(c.get()));
        std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(c.get(), sql.c_str()), PQclear);
        const auto st = PQresultStatus(r.get());
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            if (mustSucceed) ensure(false, sql + ": " + PQresultErrorMessage(r.get()));
            const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
            return std::string("ERROR:") + (state ? state : "");
        }
        if (st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0) return PQgetvalue(r.get(), 0, 0);
        return "";
    }

    struct Process {
        pid_t pid = 0;
        bool postmaster = false;
        std::string stat;  ///< /proc/<pid>/stat after "(comm) ": proc(5) fields 3 on (state, ppid, …)
    };
    /// The cluster's processes: the postmaster and its children (backends, writer, …), found
    /// through /proc by the postmaster's pid, so ours alone. Empty when it is not running.
    std::vector<Process> processes() const {
        std::ifstream pidFile(m_dir + "/data/postmaster.pid");
        pid_t master = 0;
        if (!(pidFile >> master) || master <= 0) return {};
        std::vector<Process> out;
        for (const auto& e : std::filesystem::directory_iterator("/proc")) {
            const std::string name = e.path().filename().string();
            if (name.find_first_not_of("0123456789") != std::string::npos) continue;
            std::ifstream stat(e.path() / "stat");
            std::string line;
            if (!std::getline(stat, line)) continue;
            const auto close = line.rfind(')');
            if (close == std::string::npos) continue;
            std::istringstream rest(line.substr(close + 2));
            char state = 0;
            pid_t ppid = 0;
            rest >> state >> ppid;
            const auto pid = static_cast<pid_t>(std::stol(name));
            if (pid == master || ppid == master) out.push_back({pid, pid == master, line.substr(close + 2)});
        }
        return out;
    }

private:
    void signalAll(int sig) {
        for (const auto& p : processes()) ::kill(p.pid, sig);
    }
    std::string m_dir;
};

/// One cluster for the whole test program.
inline PgCluster& cluster() {
    static PgCluster c;
    return c;
}

}  // namespace kiosk::test
