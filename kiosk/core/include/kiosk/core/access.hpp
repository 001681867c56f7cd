#pragma once
/// Access control: the volunteer PINs that guard the help desk, in kiosk::core so the CLI
/// (`kiosk pin`, also in a build without the window) and the window use the same rules.
///
/// Storage: `<db>.pin` beside the event database, mode 0600, never inside it (a copied or
/// exported database carries no PIN). Each PIN is kept only as a libsodium crypto_pwhash_str
/// string (argon2id, random salt, interactive limits). The file holds
///   - named volunteers, each with their own PIN (`kiosk pin --set --volunteer NAME`): the desk
///     knows who unlocked it and every desk action is recorded as `desk:NAME`;
///   - optionally one shared desk PIN (`kiosk pin --set`; files written before volunteers held
///     only this), recorded as `desk`;
///   - the lockout: failed tries in a row and when the next try is accepted, so a restart does
///     not reset the growing delays.
/// The demo PIN is accepted only on a database `kiosk demo` created and marked as the demo
/// (Event::demo), and only while the file names no volunteer and no shared PIN.
///
/// PinLock is the pure state machine (time passed in): growing delays after wrong tries, never
/// open on a wrong PIN, locks itself after two idle minutes.
#include <kiosk/core/result.hpp>
#include <kiosk/core/types.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::core {

/// The PIN of the demo event (a database `kiosk demo` made) while no PIN is set.
inline constexpr std::string_view kDemoPin = "2018";

/// Shortest and longest PIN accepted when setting one (digits only, typed on a keypad).
inline constexpr std::size_t kPinMinLength = 4;
inline constexpr std::size_t kPinMaxLength = 12;

/// "" if acceptable, else a stable code: "pin.too_short", "pin.too_long", "pin.not_digits".
std::string_view checkPinRules(std::string_view pin);
/// "" if acceptable as a volunteer's name (1–40 bytes of valid UTF-8, no control or invisible
/// characters, no surrounding blanks), else "pin.bad_name".
std::string_view checkVolunteerName(std::string_view name);

/// argon2id hash with a fresh random salt (crypto_pwhash_str, interactive limits, ~0.1 s).
/// Errors: "pin.invalid" (rules above), "pin.hash" (out of memory).
Result<std::string> hashPin(std::string_view pin);
/// Constant-time check of a PIN against a stored hash. False for any malformed hash.
bool verifyPin(const std::string& hash, std::string_view pin);

/// `<db>.pin` for a database path.
std::string pinFileFor(const std::string& dbPath);

struct Volunteer {
    std::string name;  ///< "" = the shared desk PIN
    std::string hash;
};

/// Everything `<db>.pin` holds.
struct PinFile {
    std::vector<Volunteer> volunteers;  ///< in the file's order; at most one unnamed
    int failures = 0;                   ///< wrong tries in a row
    TimePoint retryAt{};                ///< no try is checked before this (UTC)

    bool hasPin() const { return !volunteers.empty(); }
    /// The volunteer whose PIN this is (argon2id against each: ~0.1 s per volunteer).
    std::optional<std::string> match(std::string_view pin) const;
};

/// The file, nullopt if it does not exist. Errors: "pin.read", "pin.format", "pin.permissions"
/// (readable by group/others: fix with chmod 600).
Result<std::optional<PinFile>> loadPinFile(const std::string& pinFile);
/// Write atomically (temp file 0600, fsync, rename). Errors: "pin.write".
Status savePinFile(const std::string& pinFile, const PinFile& content);

/// The shared PIN's hash (else the first volunteer's), nullopt if the file does not exist or
/// holds no PIN. Errors: those of loadPinFile.
Result<std::optional<std::string>> loadPinHash(const std::string& pinFile);
/// Stores a hash as the shared desk PIN (`volunteer` empty) or a named volunteer's, keeping
/// the others and the lockout. Errors: "pin.write".
Status savePinHash(const std::string& pinFile, const std::string& hash, const std::string& volunteer = {});
/// Hash and store a PIN: the shared one (`volunteer` empty) or a named volunteer's, added or
/// replaced; returns the hash. Errors: "pin.invalid", "pin.bad_name", "pin.taken" (another
/// volunteer has this PIN: the desk could not tell them apart), and those of savePinFile.
Result<std::string> setPin(const std::string& pinFile, std::string_view pin, std::string_view volunteer = {});
/// Removes a named volunteer. Errors: "pin.no_volunteer", and those of savePinFile.
Status removeVolunteer(const std::string& pinFile, std::string_view volunteer);

/// What a desk uses to check PINs.
struct PinConfig {
    std::vector<Volunteer> volunteers;  ///< empty: no PIN set, the desk cannot be opened
    std::string hash;                   ///< the first volunteer's hash ("" when none)
    bool demoDefault = false;           ///< the demo PIN: show a warning to change it
    std::string problem;  ///< why there is no usable PIN, for the organiser (stderr): may name paths
    /// The same as a stable code ("pin.none", "pin.permissions", "pin.read", "pin.format",
    /// "pin.hash"): the public PIN pad shows its translation (lock.problem.*), never `problem`.
    std::string problemCode;
    int failures = 0;  ///< the lockout kept in the file
    TimePoint retryAt{};
};
/// Load `<db>.pin`; without a PIN in it, a database marked as the demo (`demoDatabase`, from
/// Event::demo) gets kDemoPin. The lockout comes from the file either way.
PinConfig loadPinConfig(const std::string& dbPath, bool demoDatabase);

/// The lock's rules, in one place so the tests and the screen agree.
struct PinPolicy {
    std::chrono::milliseconds idleLock{std::chrono::minutes(2)};
    std::chrono::milliseconds maxDelay{std::chrono::seconds(60)};
};

/// Delay imposed after `failures` consecutive wrong PINs: 0, 0, 1, 2, 4, 8 … s, capped.
/// The first mistake is free (a typo), then it doubles.
std::chrono::milliseconds delayAfterFailures(int failures, const PinPolicy& policy = {});

/// One PIN check with the lockout kept in `pinFile` (nothing kept when `pinFile` is empty).
/// The try is written as failed *before* the hash is checked, so ending the process during the
/// check does not skip the delay; a right PIN clears it. Runs argon2id: call it off the UI
/// thread. Returns the volunteer's name ("" for the shared PIN) or nullopt for a wrong PIN.
/// Errors: those of loadPinFile / savePinFile (the PIN is then not checked).
Result<std::optional<std::string>> checkPinRecorded(const std::string& pinFile,
                                                    const std::vector<Volunteer>& volunteers,
                                                    std::string_view pin, int failuresBefore, TimePoint now,
                                                    const PinPolicy& policy = {});

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
    PinLock(std::string hash, PinPolicy policy = {});  ///< one shared PIN
    PinLock(std::vector<Volunteer> volunteers, PinPolicy policy = {});

    /// Checks the PIN (an argon2id verification per volunteer: ~0.1 s each). Never opens on a
    /// wrong PIN, nor on any PIN while a delay runs.
    PinAttempt tryPin(std::string_view pin, Clock::time_point now);
    /// Split form for a worker thread: gate first (no hashing), then report the verdict.
    /// `beginAttempt` returns Throttled / NoPin, or nullopt when the hash may be checked.
    std::optional<PinAttempt> beginAttempt(Clock::time_point now) const;
    PinAttempt finishAttempt(bool pinMatched, Clock::time_point now);
    /// As above with who matched (nullopt: wrong PIN): unlockedBy() names them afterwards.
    PinAttempt finishAttempt(const std::optional<std::string>& volunteer, Clock::time_point now);
    /// The lockout read back from the PIN file at start: `failures` so far and the time left
    /// before the next try (clamped to the policy's longest delay: a clock set back cannot
    /// lock the desk for longer).
    void restore(int failures, std::chrono::milliseconds wait, Clock::time_point now);

    bool unlocked() const { return m_unlocked; }
    bool hasPin() const { return !m_volunteers.empty(); }
    /// The first volunteer's hash ("" without one).
    const std::string& hash() const;
    const std::vector<Volunteer>& volunteers() const { return m_volunteers; }
    /// Replaces the PIN of `volunteer` ("" = the shared PIN), added if unknown.
    void setHash(std::string hash, const std::string& volunteer = {});
    int failures() const { return m_failures; }
    /// Who opened the lock last ("" for the shared PIN).
    const std::string& unlockedBy() const { return m_unlockedBy; }
    /// Time left before another PIN is accepted for checking (0 when none).
    std::chrono::milliseconds waitRemaining(Clock::time_point now) const;

    /// A volunteer did something: restarts the idle timer.
    void touch(Clock::time_point now) { m_lastActivity = now; }
    /// Locks when idle for policy.idleLock. True if this call locked it.
    bool tick(Clock::time_point now);
    void lock() { m_unlocked = false; }

private:
    std::vector<Volunteer> m_volunteers;
    PinPolicy m_policy;
    bool m_unlocked = false;
    std::string m_unlockedBy;
    int m_failures = 0;
    Clock::time_point m_retryAt{};
    Clock::time_point m_lastActivity{};
};

/// The audit log's name for a desk volunteer: "desk:NAME", or "desk" for the shared PIN.
std::string deskActor(const std::string& volunteer);

}  // namespace kiosk::core
