#include "sound.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

extern char** environ;

namespace kiosk::ui {
namespace {

std::string findInPath(const char* name) {
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= p.size()) {
        const std::size_t end = p.find(':', start);
        const std::string dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!dir.empty()) {
            std::string candidate = dir + "/" + name;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return {};
}

void put16(std::string& s, uint16_t v) {
    s.push_back(static_cast<char>(v & 0xFF));
    s.push_back(static_cast<char>(v >> 8));
}
void put32(std::string& s, uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

std::string makeWav(const std::vector<std::pair<double, int>>& notes, int rate) {
    std::vector<int16_t> pcm;
    for (const auto& [hz, ms] : notes) {
        const int n = rate * ms / 1000;
        const int fade = std::min(n / 4, rate / 200);
        for (int i = 0; i < n; ++i) {
            double env = 1.0;
            if (i < fade) env = double(i) / fade;
            if (n - i < fade) env = double(n - i) / fade;
            const double v = hz > 0 ? std::sin(2 * M_PI * hz * i / rate) * 0.45 * env : 0.0;
            pcm.push_back(static_cast<int16_t>(v * 32767));
        }
    }
    std::string s = "RIFF";
    put32(s, static_cast<uint32_t>(36 + pcm.size() * 2));
    s += "WAVEfmt ";
    put32(s, 16);
    put16(s, 1);  // PCM
    put16(s, 1);  // mono
    put32(s, static_cast<uint32_t>(rate));
    put32(s, static_cast<uint32_t>(rate * 2));
    put16(s, 2);
    put16(s, 16);
    s += "data";
    put32(s, static_cast<uint32_t>(pcm.size() * 2));
    for (int16_t v : pcm) put16(s, static_cast<uint16_t>(v));
    return s;
}

SoundPlayer::SoundPlayer() {
    for (const char* name : {"paplay", "aplay"}) {
        m_player = findInPath(name);
        if (!m_player.empty()) break;
    }
    if (m_player.empty()) return;
    std::error_code ec;
    const auto base = std::filesystem::temp_directory_path(ec);
    char tmpl[4096];
    std::snprintf(tmpl, sizeof tmpl, "%s/kiosk-sounds-XXXXXX",
                  (ec ? std::string("/tmp") : base.string()).c_str());
    if (!::mkdtemp(tmpl)) {
        m_player.clear();
        return;
    }
    m_dir = tmpl;
    // Rising two notes = welcome; falling = refused; a repeated middle note = attention.
    const std::vector<std::pair<double, int>> tunes[3] = {
        {{660, 110}, {990, 180}},
        {{440, 160}, {0, 40}, {330, 240}},
        {{587, 120}, {0, 60}, {587, 120}},
    };
    for (int i = 0; i < 3; ++i) {
        m_files[i] = m_dir + "/tone" + std::to_string(i) + ".wav";
        std::ofstream(m_files[i], std::ios::binary) << makeWav(tunes[i]);
    }
}

SoundPlayer::~SoundPlayer() {
    reap();
    if (!m_dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
}

void SoundPlayer::play(Tone tone) {
    if (m_player.empty()) return;
    reap();
    if (m_children.size() > 4) return;  // something is wrong with audio: do not pile up children
    const std::string& file = m_files[static_cast<int>(tone)];
    char* argv[] = {const_cast<char*>(m_player.c_str()), const_cast<char*>("-q"),
                    const_cast<char*>(file.c_str()), nullptr};
    // paplay has no -q; give it only the file.
    if (m_player.find("paplay") != std::string::npos) {
        argv[1] = const_cast<char*>(file.c_str());
        argv[2] = nullptr;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    if (posix_spawn(&pid, m_player.c_str(), &fa, nullptr, argv, environ) == 0) m_children.push_back(pid);
    posix_spawn_file_actions_destroy(&fa);
}

void SoundPlayer::reap() {
    for (auto it = m_children.begin(); it != m_children.end();) {
        int status = 0;
        if (::waitpid(*it, &status, WNOHANG) != 0)
            it = m_children.erase(it);
        else
            ++it;
    }
}

}  // namespace kiosk::ui
