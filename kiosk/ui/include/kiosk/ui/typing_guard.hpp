#pragma once
// Tells a person typing on the PIN pad from a USB wedge scanner typing a code into it. A scanner
// "types" a whole code within milliseconds and ends it with Enter; a person types a PIN a key at
// a time. Keys from the keyboard are held for `burstGap`: a key followed that quickly by another
// is a scan, and the whole burst — its Enter too — is dropped, so a code scanned while the pad is
// open never becomes digits of the PIN nor a wrong attempt (with its growing delay). A person's
// keys come out `burstGap` later, in order. The pad's on-screen buttons do not pass through here.
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace kiosk::ui {

class TypingGuard {
public:
    using Clock = std::chrono::steady_clock;
    struct Options {
        /// Keys closer together than this are a machine. Scanners type a character every 1–15 ms;
        /// people, even fast ones, rarely two keys within 50 ms.
        std::chrono::milliseconds burstGap{35};
        /// An Enter this soon after a burst is the scanner's own terminator, sent after a pause.
        std::chrono::milliseconds enterAfterBurst{300};
    };
    TypingGuard() = default;
    explicit TypingGuard(Options o) : m_opt(o) {}

    /// A key from the keyboard ('0'..'9', '\b', '\n', or any other character as itself).
    void key(char k, Clock::time_point at);
    /// The keys known to be a person's by `now`, oldest first. Call once per frame.
    std::vector<char> take(Clock::time_point now);
    /// Forget held keys and any burst (the pad closed).
    void reset();
    /// Bursts dropped so far (scans that arrived while the pad was open).
    uint64_t burstsDropped() const { return m_bursts; }

private:
    Options m_opt;
    std::optional<char> m_held;
    Clock::time_point m_last{};
    bool m_inBurst = false;
    std::optional<Clock::time_point> m_burstEnd;
    std::vector<char> m_ready;
    uint64_t m_bursts = 0;
};

}  // namespace kiosk::ui
