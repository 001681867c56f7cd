#include "pin.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

namespace kiosk::ui {

namespace {

bool sodiumReady() {
    // sodium_init is idempotent and thread-safe; < 0 only when no entropy source exists.
    static const bool ready = sodium_init() >= 0;
    return ready;
}

struct FdCloser {
    void operator()(int* fd) const {
        if (fd && *fd >= 0) ::close(*fd);
        delete fd;
    }
};
using UniqueFd = std::unique_ptr<int, FdCloser>;

}  // namespace

std::string_view checkPinRules(std::string_view pin) {
    if (pin.size() < kPinMinLength) return "pin.too_short";
    if (pin.size() > kPinMaxLength) return "pin.too_long";
    if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return "pin.not_digits";
    return "";
}

core::Result<std::string> hashPin(std::string_view pin) {
    if (auto rule = checkPinRules(pin); !rule.empty())
        return core::Error{"pin.invalid", std::string(rule) + ": a PIN is 4 to 12 digits"};
    if (!sodiumReady()) return core::Error{"pin.hash", "libsodium could not initialise (no entropy source?)"};
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return core::Error{"pin.hash", "not enough memory to hash the PIN (argon2id needs 64 MiB)"};
    return std::string(out);
}

bool verifyPin(const std::string& hash, std::string_view pin) {
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || pin.empty() || !sodiumReady()) return false;
    char buf[crypto_pwhash_STRBYTES] = {};
    std::memcpy(buf, hash.data(), hash.size());
    return crypto_pwhash_str_verify(buf, pin.data(), pin.size()) == 0;
}

std::string pinFileFor(const std::string& dbPath) {
    return dbPath + ".pin";
}

core::Result<std::optional<std::string>> loadPinHash(const std::string& pinFile) {
    struct stat st {};
    if (::stat(pinFile.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::optional<std::string>{};
        return core::Error{"pin.read", pinFile + ": " + std::strerror(errno)};
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        return core::Error{"pin.permissions",
                           pinFile + " is readable by other users: run `chmod 600 " + pinFile + "`"};
    std::ifstream in(pinFile, std::ios::binary);
    if (!in) return core::Error{"pin.read", "cannot read " + pinFile};
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.rfind("$argon2", 0) != 0 || line.size() >= crypto_pwhash_STRBYTES)
        return core::Error{"pin.format",
                           pinFile + " does not hold a PIN hash: set the PIN again with `kiosk pin --set`"};
    return std::optional<std::string>{line};
}

core::Status savePinHash(const std::string& pinFile, const std::string& hash) {
    const std::string tmp = pinFile + ".tmp";
    ::unlink(tmp.c_str());
    UniqueFd fd(new int(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)));
    if (*fd < 0) return core::Error{"pin.write", tmp + ": " + std::strerror(errno)};
    const std::string text = hash + "\n";
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(*fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::unlink(tmp.c_str());
            return core::Error{"pin.write", tmp + ": " + std::strerror(errno)};
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(*fd) != 0) {
        ::unlink(tmp.c_str());
        return core::Error{"pin.write", tmp + ": fsync: " + std::strerror(errno)};
    }
    fd.reset();
    if (::rename(tmp.c_str(), pinFile.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return core::Error{"pin.write", pinFile + ": " + std::strerror(errno)};
    }
    return {};
}

core::Status setPin(const std::string& pinFile, std::string_view pin) {
    auto hash = hashPin(pin);
    if (!hash) return hash.error();
    return savePinHash(pinFile, *hash);
}

PinConfig loadPinConfig(const std::string& dbPath, bool allowDemoDefault) {
    PinConfig cfg;
    const std::string file = pinFileFor(dbPath);
    auto stored = loadPinHash(file);
    if (!stored) {
        cfg.problem = stored.error().message;
        return cfg;
    }
    if (stored->has_value()) {
        cfg.hash = **stored;
        return cfg;
    }
    if (!allowDemoDefault) {
        cfg.problem = "No volunteer PIN is set: run `kiosk pin --db " + dbPath + " --set`";
        return cfg;
    }
    auto demo = hashPin(kDemoPin);
    if (!demo) {
        cfg.problem = demo.error().message;
        return cfg;
    }
    cfg.hash = *demo;
    cfg.demoDefault = true;
    return cfg;
}

std::chrono::milliseconds delayAfterFailures(int failures, const PinPolicy& policy) {
    if (failures <= 1) return std::chrono::milliseconds(0);
    // 2 → 1 s, 3 → 2 s, 4 → 4 s … ; the exponent is capped before shifting to avoid overflow.
    const int exponent = std::min(failures - 2, 20);
    const std::chrono::milliseconds d = std::chrono::seconds(1) * (int64_t{1} << exponent);
    return std::min(d, policy.maxDelay);
}

PinLock::PinLock(std::string hash, PinPolicy policy) : m_hash(std::move(hash)), m_policy(policy) {}

std::optional<PinAttempt> PinLock::beginAttempt(Clock::time_point now) const {
    if (m_hash.empty()) return PinAttempt::NoPin;
    if (now < m_retryAt) return PinAttempt::Throttled;
    return std::nullopt;
}

PinAttempt PinLock::finishAttempt(bool pinMatched, Clock::time_point now) {
    // Re-check the gate: a verdict that raced with a newer failure must not open the lock.
    if (auto gate = beginAttempt(now)) return *gate;
    if (pinMatched) {
        m_unlocked = true;
        m_failures = 0;
        m_retryAt = {};
        m_lastActivity = now;
        return PinAttempt::Opened;
    }
    m_unlocked = false;
    ++m_failures;
    m_retryAt = now + delayAfterFailures(m_failures, m_policy);
    return PinAttempt::Wrong;
}

PinAttempt PinLock::tryPin(std::string_view pin, Clock::time_point now) {
    if (auto gate = beginAttempt(now)) return *gate;
    return finishAttempt(verifyPin(m_hash, pin), now);
}

std::chrono::milliseconds PinLock::waitRemaining(Clock::time_point now) const {
    if (now >= m_retryAt) return std::chrono::milliseconds(0);
    return std::chrono::ceil<std::chrono::milliseconds>(m_retryAt - now);
}

bool PinLock::tick(Clock::time_point now) {
    if (!m_unlocked) return false;
    if (now - m_lastActivity < m_policy.idleLock) return false;
    m_unlocked = false;
    return true;
}

}  // namespace kiosk::ui
