#pragma once
// A distinct sound per result where the machine has audio. Short tones are generated as WAV files
// at start-up and played by `paplay` or `aplay` (whichever exists) in a child process: starting
// it never blocks the frame, and a machine without audio or without those tools stays silent.
#include "attendee_model.hpp"

#include <sys/types.h>
#include <string>
#include <vector>

namespace kiosk::ui {

class SoundPlayer {
public:
    SoundPlayer();   ///< finds a player, writes the WAV files into a private temp directory
    ~SoundPlayer();  ///< removes the files; children are left to finish (they are short)
    SoundPlayer(const SoundPlayer&) = delete;
    SoundPlayer& operator=(const SoundPlayer&) = delete;

    bool available() const { return !m_player.empty(); }
    const std::string& player() const { return m_player; }
    void play(Tone tone);
    /// Reap finished children (called once per frame, never blocks).
    void reap();

private:
    std::string m_player;
    std::string m_dir;
    std::string m_files[3];
    std::vector<pid_t> m_children;
};

/// A 16-bit mono PCM WAV of the given notes (Hz, ms), with short fades (no clicks).
std::string makeWav(const std::vector<std::pair<double, int>>& notes, int sampleRate = 22050);

}  // namespace kiosk::ui
