#pragma once
// Shared helper for the tests that run the real `kiosk` binary under Xvfb (tests/ui/xvfb_*.cpp).
//
//   kiosk::test::Xvfb x(93);                   // starts `Xvfb :93 -screen 0 1280x720x24` (or the
//                                              // next free display), stopped by the destructor
//   kiosk::test::Process k = x.launch({KIOSK_EXE, "run", "--db", db, "--status-file", st});
//   x.waitForWindow();                         // a top-level window is mapped
//   x.scan("the code");                        // xdotool types it + Return, like a USB wedge scanner
//   x.screenshot("welcome");                   // → <build>/ui-screenshots/<name>.png
//   waitFor([&] { return readFile(st).find("welcome") != npos; }, 5s);
//
// Only POSIX calls and the tools the test machine has (Xvfb, xdotool, ImageMagick `import`,
// xwininfo). Every child is killed by its owner's destructor: no process outlives a test.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <X11/Xlib.h>
// Xlib's macros collide with ordinary C++ names in the tests.
#undef None
#undef Status
#undef Bool
#undef True
#undef False
#undef Success
#undef Always

extern char** environ;

namespace kiosk::test {

inline std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Polls `pred` every 20 ms until true or `timeout`. Returns the last result.
inline bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
}

/// A child process (argv[0] is searched in PATH), stdout+stderr into `logFile`. SIGTERM on
/// destruction, SIGKILL if it does not exit within 3 s.
class Process {
public:
    Process() = default;
    Process(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv,
            const std::string& logFile) {
        std::vector<std::string> env;
        for (char** e = environ; *e; ++e) env.emplace_back(*e);
        for (const auto& kv : extraEnv) {
            const auto key = kv.substr(0, kv.find('=') + 1);
            std::erase_if(env, [&](const std::string& s) { return s.rfind(key, 0) == 0; });
            env.push_back(kv);
        }
        std::vector<char*> a, e;
        for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
        a.push_back(nullptr);
        for (const auto& s : env) e.push_back(const_cast<char*>(s.c_str()));
        e.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        if (posix_spawnp(&m_pid, a[0], &fa, nullptr, a.data(), e.data()) != 0) m_pid = -1;
        posix_spawn_file_actions_destroy(&fa);
    }
    Process(Process&& o) noexcept : m_pid(std::exchange(o.m_pid, -1)), m_status(o.m_status) {}
    Process& operator=(Process&& o) noexcept {
        if (this != &o) {
            stop();
            m_pid = std::exchange(o.m_pid, -1);
            m_status = o.m_status;
        }
        return *this;
    }
    ~Process() { stop(); }

    pid_t pid() const { return m_pid; }
    bool started() const { return m_pid > 0; }
    /// Still running (reaps it if it has exited).
    bool alive() {
        if (m_pid <= 0) return false;
        int st = 0;
        const pid_t r = ::waitpid(m_pid, &st, WNOHANG);
        if (r == m_pid) {
            m_status = st;
            m_pid = -1;
            return false;
        }
        return r == 0;
    }
    /// SIGTERM, wait up to 3 s, then SIGKILL. Returns the exit status (or -1).
    int stop(int sig = SIGTERM) {
        if (m_pid <= 0) return m_status;
        ::kill(m_pid, sig);
        for (int i = 0; i < 150; ++i) {
            int st = 0;
            if (::waitpid(m_pid, &st, WNOHANG) == m_pid) {
                m_pid = -1;
                m_status = st;
                return st;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, &m_status, 0);
        m_pid = -1;
        return m_status;
    }
    int status() const { return m_status; }

private:
    pid_t m_pid = -1;
    int m_status = -1;
};

/// Runs a command to completion and returns its stdout (stderr discarded).
inline std::string capture(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

inline std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

/// Where the tests write screenshots and logs: <build>/ui-screenshots/.
inline std::filesystem::path artefactDir() {
    std::filesystem::path d = std::filesystem::path(KIOSK_BINARY_DIR) / "ui-screenshots";
    std::filesystem::create_directories(d);
    return d;
}

class Xvfb {
public:
    /// Starts Xvfb on `display` or the next free number (lock file /tmp/.X<n>-lock absent).
    explicit Xvfb(int display, const std::string& screen = "1280x720x24") {
        for (int n = display; n < display + 40; ++n) {
            if (std::filesystem::exists("/tmp/.X" + std::to_string(n) + "-lock")) continue;
            m_number = n;
            m_display = ":" + std::to_string(n);
            m_server = Process({"Xvfb", m_display, "-screen", "0", screen, "-nolisten", "tcp", "-noreset"},
                               {}, (artefactDir() / ("xvfb-" + std::to_string(n) + ".log")).string());
            const std::string socket = "/tmp/.X11-unix/X" + std::to_string(n);
            // A socket left by another server (a parallel test took the number first) would make
            // two kiosks share one keyboard: ours must still run once the socket is there.
            if (waitFor([&] { return std::filesystem::exists(socket) || !m_server.alive(); },
                        std::chrono::seconds(10)) &&
                m_server.alive()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                if (m_server.alive()) return;
            }
            m_server.stop();
        }
        m_display.clear();
    }
    ~Xvfb() { m_server.stop(); }

    bool ok() { return !m_display.empty() && m_server.alive(); }
    const std::string& display() const { return m_display; }
    std::string env() const { return "DISPLAY=" + m_display; }

    Process launch(const std::vector<std::string>& argv, const std::string& logName,
                   std::vector<std::string> extraEnv = {}) const {
        extraEnv.push_back(env());
        return Process(argv, extraEnv, (artefactDir() / (logName + ".log")).string());
    }

    std::string run(const std::string& cmd) const { return capture("DISPLAY=" + m_display + " " + cmd); }

    /// The id of the first visible top-level window of `pid` ("" if none yet).
    std::string windowOf(pid_t pid) const {
        std::string out = run("xdotool search --onlyvisible --pid " + std::to_string(pid));
        return out.substr(0, out.find('\n'));
    }
    bool waitForWindow(pid_t pid, std::chrono::milliseconds timeout = std::chrono::seconds(20)) const {
        return waitFor([&] { return !windowOf(pid).empty(); }, timeout);
    }
    /// Types text (no terminator), `delayMs` between keys.
    void type(const std::string& text, int delayMs = 5) const {
        run("xdotool type --delay " + std::to_string(delayMs) + " -- " + shellQuote(text));
    }
    /// Types like a USB wedge scanner: the code, `delayMs` between keys, then Return — in one
    /// xdotool run, because a second process start can take longer than a scanner's key gap
    /// ("\r" is typed as the Return key; "\n" would be Linefeed, which no scanner sends).
    void scan(const std::string& text, int delayMs = 5) const { type(text + "\r", delayMs); }
    void key(const std::string& keys) const { run("xdotool key " + keys); }
    /// A close request exactly as a window manager sends it (WM_PROTOCOLS / WM_DELETE_WINDOW),
    /// which is what Alt+F4 or a title-bar close button turn into.
    bool sendCloseRequest(const std::string& windowId) const {
        ::Display* d = XOpenDisplay(m_display.c_str());
        if (!d) return false;
        XEvent ev{};
        ev.xclient.type = ClientMessage;
        ev.xclient.window = std::strtoul(windowId.c_str(), nullptr, 10);
        ev.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", 0);
        ev.xclient.format = 32;
        ev.xclient.data.l[0] = static_cast<long>(XInternAtom(d, "WM_DELETE_WINDOW", 0));
        ev.xclient.data.l[1] = CurrentTime;
        const bool sent = XSendEvent(d, ev.xclient.window, 0, NoEventMask, &ev) != 0;
        XFlush(d);
        XCloseDisplay(d);
        return sent;
    }
    /// Screenshot of the whole screen into <build>/ui-screenshots/<name>.png; returns the path.
    std::filesystem::path screenshot(const std::string& name) const {
        const auto p = artefactDir() / (name + ".png");
        run("import -window root " + shellQuote(p.string()));
        return p;
    }
    /// Width and height of a window as X reports them (xwininfo), {0,0} on failure.
    std::pair<int, int> windowSize(const std::string& windowId) const {
        const std::string info = run("xwininfo -id " + windowId);
        auto field = [&](const std::string& name) {
            const auto pos = info.find(name);
            return pos == std::string::npos ? 0 : std::atoi(info.c_str() + pos + name.size());
        };
        return {field("Width: "), field("Height: ")};
    }
    std::pair<int, int> screenSize() const { return rootSize(); }

private:
    std::pair<int, int> rootSize() const {
        const std::string info = run("xwininfo -root");
        auto field = [&](const std::string& name) {
            const auto pos = info.find(name);
            return pos == std::string::npos ? 0 : std::atoi(info.c_str() + pos + name.size());
        };
        return {field("Width: "), field("Height: ")};
    }

    int m_number = 0;
    std::string m_display;
    Process m_server;
};

}  // namespace kiosk::test
