#pragma once
// The PIN gate: the pad between the public screen and the desk. Owns the lock (delays, idle
// lock), what has been typed, the message under the pad and the argon2id check, which runs on a
// thread (~0.1 s per volunteer) with the lockout kept in the PIN file (core::checkPinRecorded),
// polled once per frame. The shell asks it whether the desk may open; it never changes the mode
// itself.
#include <kiosk/ui/attendee_screen.hpp>
#include <kiosk/ui/strings.hpp>

#include <kiosk/core/access.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <string>

namespace kiosk::ui {

class PinGate {
public:
    using Clock = std::chrono::steady_clock;

    PinGate() = default;
    ~PinGate();  ///< waits for a check in flight (it holds no reference to us, only copies)
    PinGate(const PinGate&) = delete;
    PinGate& operator=(const PinGate&) = delete;

    /// The PINs and the lockout read from `pinFile` (loadPinConfig); tries are recorded there
    /// ("" = nowhere). `utcNow`/`now`: the same instant on both clocks, to restore the delay.
    void configure(core::PinConfig config, std::string pinFile = {}, core::TimePoint utcNow = {},
                   Clock::time_point now = {});
    /// The pad is showing (attendee mode only).
    bool isOpen() const { return m_open; }
    /// Show the pad (the staff button or F12).
    void open(const Strings& text, core::Language l);
    void close();
    /// '0'..'9' add a digit, '\b' erases one, 'c' clears, '\n' checks the PIN.
    void key(char k, Clock::time_point now, const Strings& text, core::Language l);
    /// A whole PIN at once (tests, EnterDesk).
    void enter(std::string pin, Clock::time_point now, const Strings& text, core::Language l);
    /// Collects the verdict of a check in flight. True exactly once, when the right PIN opened
    /// the lock: the shell then switches to the desk.
    bool poll(Clock::time_point now, const Strings& text, core::Language l);
    /// The wall clock for the lockout kept in the PIN file (the shell's, tests inject it).
    void setUtcNow(core::TimePoint t) { m_utcNow = t; }
    bool checking() const { return m_check.has_value(); }

    core::PinLock& lock() { return m_lock; }
    const core::PinLock& lock() const { return m_lock; }
    const std::string& message() const { return m_message; }
    std::size_t typed() const { return m_entry.size(); }

    /// What the pad draws.
    LockView view(const Strings& text, core::Language l) const;

private:
    void submit(Clock::time_point now, const Strings& text, core::Language l);
    std::string noPinText(const Strings& text, core::Language l) const;

    core::PinConfig m_config;
    core::PinLock m_lock;
    std::string m_pinFile;
    core::TimePoint m_utcNow{};
    bool m_open = false;
    std::string m_entry;
    std::string m_message;
    bool m_messageIsError = false;
    std::optional<std::future<std::optional<std::string>>> m_check;  ///< the volunteer, or wrong
};

}  // namespace kiosk::ui
