#pragma once
// A distinct sound per result where the machine has audio, played through ALSA (libasound: the
// PulseAudio or PipeWire plugin when one runs, else the card) on a thread of its own. play()
// only hands the tone over: the frame never waits on the sound device, and a machine without
// one (no card, no permission, no server) stays silent and the status line says "no audio".
// Earlier versions started `paplay`/`aplay`, which a machine built by scripts/setup did not have.
#include <kiosk/ui/attendee_model.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kiosk::ui {

class SoundPlayer {
public:
    /// `device`: an ALSA PCM name ("default"; "null" plays into nothing, for tests). The device
    /// is tried once on the player's thread at start-up; the constructor does not wait for it.
    explicit SoundPlayer(std::string device = "default");
    ~SoundPlayer();  ///< stops the thread; a tone playing is cut short
    SoundPlayer(const SoundPlayer&) = delete;
    SoundPlayer& operator=(const SoundPlayer&) = delete;

    /// False once the device was found not to open (until then the player counts as available).
    bool available() const { return m_state.load() != State::Unavailable; }
    /// The start-up check is done (tests).
    bool probed() const { return m_state.load() != State::Probing; }
    const std::string& device() const { return m_device; }
    /// Never blocks. A tone asked for while another plays waits; a newer one replaces it.
    void play(Tone tone);
    /// Tones written to the device so far (tests, the stats).
    uint64_t played() const { return m_played.load(); }

private:
    enum class State { Probing, Available, Unavailable };
    void run(std::stop_token stop);

    std::string m_device;
    std::atomic<State> m_state{State::Probing};
    std::atomic<uint64_t> m_played{0};
    std::mutex m_mutex;
    std::condition_variable_any m_wake;
    std::optional<Tone> m_pending;  // guarded by m_mutex
    std::jthread m_thread;          // last: starts after the members it uses
};

/// 16-bit mono PCM samples of the given notes (Hz, ms; 0 Hz = silence), with short fades (no clicks).
std::vector<int16_t> makePcm(const std::vector<std::pair<double, int>>& notes, int sampleRate = 22050);
/// The notes of a tone: rising two notes = welcome; a repeated middle note = attention.
std::vector<std::pair<double, int>> toneNotes(Tone tone);

}  // namespace kiosk::ui
