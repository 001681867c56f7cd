#pragma once
// The volunteer PIN that guards the help desk.
//
// Storage: the PIN is kept only as a libsodium crypto_pwhash_str string (argon2id, random salt,
// interactive limits) in a file beside the event database, `<db>.pin`, mode 0600. The core's
// schema has no settings table; a separate file also means that a copied or exported database
// never carries the PIN. Set it with `kiosk pin --db PATH --set` (PIN read from stdin) or from
// the desk ("Change PIN"). Only the demo event falls back to the documented demo PIN when no file
// exists; every other event keeps the desk closed until a PIN is set.
//
// PinLock is the pure state machine (time passed in): growing delays after wrong tries, never
// open on a wrong PIN, locks itself after two idle minutes.
#include <kiosk/core/result.hpp>
#include <kiosk/core/types.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::ui {

/// The PIN of the demo event when no `<db>.pin` exists. The desk warns while it is in use.
inline constexpr std::string_view kDemoPin = "2018";

/// Shortest and longest PIN accepted when setting one (digits only, typed on a keypad).
inline constexpr std::size_t kPinMinLength = 4;
inline constexpr std::size_t kPinMaxLength = 12;

/// "" if acceptable, else a stable code: "pin.too_short", "pin.too_long", "pin.not_digits".
std::string_view checkPinRules(std::string_view pin);

/// argon2id hash with a fresh random salt (crypto_pwhash_str, interactive limits, ~0.1 s).
/// Errors: "pin.invalid" (rules above), "pin.hash" (out of memory).
core::Result<std::string> hashPin(std::string_view pin);
/// Constant-time check of a PIN against a stored hash. False for any malformed hash.
bool verifyPin(const std::string& hash, std::string_view pin);

/// `<db>.pin` for a database path.
std::string pinFileFor(const std::string& dbPath);
/// The stored hash, nullopt if the file does not exist. Errors: "pin.read", "pin.format",
/// "pin.permissions" (readable by group/others: fix with chmod 600).
core::Result<std::optional<std::string>> loadPinHash(const std::string& pinFile);
/// Write atomically (temp file 0600, fsync, rename). Errors: "pin.write".
core::Status savePinHash(const std::string& pinFile, const std::string& hash);
/// Hash and store a new PIN (for the CLI and the desk's "Change PIN").
core::Status setPin(const std::string& pinFile, std::string_view pin);

/// What a desk uses to check PINs: the stored hash, or the demo default.
struct PinConfig {
    std::string hash;          ///< empty: no PIN set, the desk cannot be opened
    bool demoDefault = false;  ///< hash is the demo PIN: show a warning to change it
    std::string problem;       ///< why there is no usable hash (shown on the lock screen)
};
/// Load `<db>.pin`; without one, the demo event (allowDemoDefault) gets kDemoPin.
PinConfig loadPinConfig(const std::string& dbPath, bool allowDemoDefault);

/// The lock's rules, in one place so the tests and the screen agree.
struct PinPolicy {
    std::chrono::milliseconds idleLock{std::chrono::minutes(2)};
    std::chrono::milliseconds maxDelay{std::chrono::seconds(60)};
};

/// Delay imposed after `failures` consecutive wrong PINs: 0, 0, 1, 2, 4, 8 … s, capped.
/// The first mistake is free (a typo), then it doubles.
std::chrono::milliseconds delayAfterFailures(int failures, const PinPolicy& policy = {});

enum class PinAttempt {
    Opened,     ///< right PIN: unlocked
    Wrong,      ///< wrong PIN: stays locked, a delay may now apply
    Throttled,  ///< a delay is running: not even checked, stays locked
    NoPin,      ///< no PIN configured: the desk cannot be opened
};

/// Lock state of the help desk. Not thread-safe; time always passed in.
class PinLock {
public:
    using Clock = std::chrono::steady_clock;

    PinLock() = default;
    PinLock(std::string hash, PinPolicy policy = {});

    /// Checks the PIN (an argon2id verification: ~0.1 s). Never opens on a wrong PIN, nor on any
    /// PIN while a delay runs.
    PinAttempt tryPin(std::string_view pin, Clock::time_point now);
    /// Split form for a worker thread: gate first (no hashing), then report the verdict.
    /// `beginAttempt` returns Throttled / NoPin, or nullopt when the hash may be checked.
    std::optional<PinAttempt> beginAttempt(Clock::time_point now) const;
    PinAttempt finishAttempt(bool pinMatched, Clock::time_point now);

    bool unlocked() const { return m_unlocked; }
    bool hasPin() const { return !m_hash.empty(); }
    const std::string& hash() const { return m_hash; }
    void setHash(std::string hash) { m_hash = std::move(hash); }
    int failures() const { return m_failures; }
    /// Time left before another PIN is accepted for checking (0 when none).
    std::chrono::milliseconds waitRemaining(Clock::time_point now) const;

    /// A volunteer did something: restarts the idle timer.
    void touch(Clock::time_point now) { m_lastActivity = now; }
    /// Locks when idle for policy.idleLock. True if this call locked it.
    bool tick(Clock::time_point now);
    void lock() { m_unlocked = false; }

private:
    std::string m_hash;
    PinPolicy m_policy;
    bool m_unlocked = false;
    int m_failures = 0;
    Clock::time_point m_retryAt{};
    Clock::time_point m_lastActivity{};
};

}  // namespace kiosk::ui
