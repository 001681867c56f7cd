// Volunteer PINs, the PIN file and the lock (kiosk/core/access.hpp).
//
// The file, one item a line:
//   # comment
//   lockout <failures> <retry-at, UTC ms>
//   volunteer <name>\t<argon2id hash>
//   <argon2id hash>                      the shared desk PIN (files before volunteers: only this)
#include <kiosk/core/access.hpp>
#include <kiosk/core/file.hpp>
#include <kiosk/core/text.hpp>
#include <kiosk/core/utf8.hpp>

#include <sodium.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>

namespace kiosk::core {

namespace {

bool sodiumReady() {
    // sodium_init is idempotent and thread-safe; < 0 only when no entropy source exists.
    static const bool ready = sodium_init() >= 0;
    return ready;
}

bool looksLikeHash(std::string_view s) {
    return s.rfind("$argon2", 0) == 0 && s.size() < crypto_pwhash_STRBYTES;
}

Error formatError(const std::string& file) {
    return Error{"pin.format", file + " does not hold PIN hashes: set the PIN again with `kiosk pin --set`"};
}

bool parseInt(std::string_view s, int64_t& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::string_view checkPinRules(std::string_view pin) {
    if (pin.size() < kPinMinLength) return "pin.too_short";
    if (pin.size() > kPinMaxLength) return "pin.too_long";
    if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return "pin.not_digits";
    return "";
}

std::string_view checkVolunteerName(std::string_view name) {
    if (name.empty() || name.size() > 40 || !utf8::isValid(name)) return "pin.bad_name";
    if (text::trimBlanks(name) != name || name.find('\t') != std::string_view::npos) return "pin.bad_name";
    if (text::findFirst(name, &text::isInvisible) != std::string_view::npos) return "pin.bad_name";
    return "";
}

Result<std::string> hashPin(std::string_view pin) {
    if (auto rule = checkPinRules(pin); !rule.empty())
        return Error{"pin.invalid", std::string(rule) + ": a PIN is 4 to 12 digits"};
    if (!sodiumReady()) return Error{"pin.hash", "libsodium could not initialise (no entropy source?)"};
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return Error{"pin.hash", "not enough memory to hash the PIN (argon2id needs 64 MiB)"};
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

std::optional<std::string> PinFile::match(std::string_view pin) const {
    // Every hash is checked, matched or not: the time taken does not say which volunteer's
    // PIN was typed, nor how far down the list it is.
    std::optional<std::string> who;
    for (const auto& v : volunteers)
        if (verifyPin(v.hash, pin) && !who) who = v.name;
    return who;
}

Result<std::optional<PinFile>> loadPinFile(const std::string& pinFile) {
    struct stat st {};
    if (::stat(pinFile.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::optional<PinFile>{};
        return Error{"pin.read", pinFile + ": " + std::strerror(errno)};
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        return Error{"pin.permissions",
                     pinFile + " is readable by other users: run `chmod 600 " + pinFile + "`"};
    if (st.st_size > 1024 * 1024) return formatError(pinFile);
    std::ifstream in(pinFile, std::ios::binary);
    if (!in) return Error{"pin.read", "cannot read " + pinFile};
    PinFile out;
    bool shared = false;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        if (line.rfind("lockout ", 0) == 0) {
            const std::string_view rest = std::string_view(line).substr(8);
            const auto sp = rest.find(' ');
            int64_t failures = 0, retryMs = 0;
            if (sp == std::string_view::npos || !parseInt(rest.substr(0, sp), failures) ||
                !parseInt(rest.substr(sp + 1), retryMs) || failures < 0)
                return formatError(pinFile);
            out.failures = static_cast<int>(std::min<int64_t>(failures, 1000000));
            out.retryAt = TimePoint{std::chrono::milliseconds{retryMs}};
        } else if (line.rfind("volunteer ", 0) == 0) {
            const std::string_view rest = std::string_view(line).substr(10);
            const auto tab = rest.find('\t');
            if (tab == std::string_view::npos) return formatError(pinFile);
            const std::string_view name = rest.substr(0, tab), hash = rest.substr(tab + 1);
            if (!checkVolunteerName(name).empty() || !looksLikeHash(hash)) return formatError(pinFile);
            out.volunteers.push_back({std::string(name), std::string(hash)});
        } else if (looksLikeHash(line) && !shared) {
            shared = true;
            out.volunteers.push_back({"", line});
        } else {
            return formatError(pinFile);
        }
    }
    return std::optional<PinFile>(std::move(out));
}

Status savePinFile(const std::string& pinFile, const PinFile& content) {
    std::string text = "# kiosk volunteer PINs (argon2id hashes); change them with `kiosk pin`\n";
    if (content.failures > 0)
        text += "lockout " + std::to_string(content.failures) + " " +
                std::to_string(content.retryAt.time_since_epoch().count()) + "\n";
    for (const auto& v : content.volunteers)
        text += v.name.empty() ? v.hash + "\n" : "volunteer " + v.name + "\t" + v.hash + "\n";
    if (auto st = writeFileAtomically(pinFile, text, 0600); !st)
        return Error{"pin.write", st.error().message};
    return {};
}

Result<std::optional<std::string>> loadPinHash(const std::string& pinFile) {
    auto f = loadPinFile(pinFile);
    if (!f) return f.error();
    if (!*f || !(*f)->hasPin()) return std::optional<std::string>{};
    for (const auto& v : (*f)->volunteers)
        if (v.name.empty()) return std::optional<std::string>(v.hash);
    return std::optional<std::string>((*f)->volunteers.front().hash);
}

namespace {

/// Adds or replaces `name`'s hash in `file`, keeping the rest. Errors of loadPinFile too.
Status storeHash(const std::string& pinFile, const std::string& name, const std::string& hash,
                 std::string_view pinForClash = {}) {
    auto f = loadPinFile(pinFile);
    if (!f) return f.error();
    PinFile content = f->value_or(PinFile{});
    bool replaced = false;
    for (auto& v : content.volunteers) {
        if (v.name == name) {
            v.hash = hash;
            replaced = true;
        } else if (!pinForClash.empty() && verifyPin(v.hash, pinForClash)) {
            return Error{"pin.taken",
                         (v.name.empty() ? std::string("the shared desk PIN") : v.name) +
                             " already has this PIN: choose another (each volunteer needs their own)"};
        }
    }
    if (!replaced) content.volunteers.push_back({name, hash});
    return savePinFile(pinFile, content);
}

}  // namespace

Status savePinHash(const std::string& pinFile, const std::string& hash, const std::string& volunteer) {
    return storeHash(pinFile, volunteer, hash);
}

Result<std::string> setPin(const std::string& pinFile, std::string_view pin, std::string_view volunteer) {
    if (!volunteer.empty() && !checkVolunteerName(volunteer).empty())
        return Error{"pin.bad_name", "a volunteer's name is 1 to 40 characters of text, without tabs"};
    auto hash = hashPin(pin);
    if (!hash) return hash.error();
    if (auto s = storeHash(pinFile, std::string(volunteer), *hash, pin); !s) return s.error();
    return hash;
}

Status removeVolunteer(const std::string& pinFile, std::string_view volunteer) {
    auto f = loadPinFile(pinFile);
    if (!f) return f.error();
    PinFile content = f->value_or(PinFile{});
    const auto before = content.volunteers.size();
    std::erase_if(content.volunteers,
                  [&](const Volunteer& v) { return !v.name.empty() && v.name == volunteer; });
    if (content.volunteers.size() == before)
        return Error{"pin.no_volunteer",
                     "no volunteer named \"" + std::string(volunteer) + "\" in " + pinFile};
    return savePinFile(pinFile, content);
}

PinConfig loadPinConfig(const std::string& dbPath, bool demoDatabase) {
    PinConfig cfg;
    const std::string file = pinFileFor(dbPath);
    auto stored = loadPinFile(file);
    if (!stored) {
        cfg.problem = stored.error().message;
        cfg.problemCode = stored.error().code;
        return cfg;
    }
    if (stored->has_value()) {
        cfg.failures = (*stored)->failures;
        cfg.retryAt = (*stored)->retryAt;
        if ((*stored)->hasPin()) {
            cfg.volunteers = (*stored)->volunteers;
            cfg.hash = cfg.volunteers.front().hash;
            return cfg;
        }
    }
    if (!demoDatabase) {
        cfg.problem = "No volunteer PIN is set: run `kiosk pin --db " + dbPath + " --set`";
        cfg.problemCode = "pin.none";
        return cfg;
    }
    auto demo = hashPin(kDemoPin);
    if (!demo) {
        cfg.problem = demo.error().message;
        cfg.problemCode = demo.error().code;
        return cfg;
    }
    cfg.volunteers = {{"", *demo}};
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

Result<std::optional<std::string>> checkPinRecorded(const std::string& pinFile,
                                                    const std::vector<Volunteer>& volunteers,
                                                    std::string_view pin, int failuresBefore, TimePoint now,
                                                    const PinPolicy& policy) {
    PinFile content;
    if (!pinFile.empty()) {
        auto f = loadPinFile(pinFile);
        if (!f) return f.error();
        // A file written meanwhile (kiosk pin --set) keeps its PINs; the lockout is ours.
        if (*f) content = std::move(**f);
        content.failures = std::max(content.failures, failuresBefore) + 1;
        content.retryAt = now + delayAfterFailures(content.failures, policy);
        if (auto s = savePinFile(pinFile, content); !s) return s.error();
    }
    PinFile check;
    check.volunteers = volunteers;
    auto who = check.match(pin);
    if (who && !pinFile.empty()) {
        content.failures = 0;
        content.retryAt = {};
        if (auto s = savePinFile(pinFile, content); !s) return s.error();
    }
    return who;
}

PinLock::PinLock(std::string hash, PinPolicy policy) : m_policy(policy) {
    if (!hash.empty()) m_volunteers.push_back({"", std::move(hash)});
}

PinLock::PinLock(std::vector<Volunteer> volunteers, PinPolicy policy)
    : m_volunteers(std::move(volunteers)), m_policy(policy) {}

const std::string& PinLock::hash() const {
    static const std::string none;
    return m_volunteers.empty() ? none : m_volunteers.front().hash;
}

void PinLock::setHash(std::string hash, const std::string& volunteer) {
    for (auto& v : m_volunteers)
        if (v.name == volunteer) {
            v.hash = std::move(hash);
            return;
        }
    m_volunteers.push_back({volunteer, std::move(hash)});
}

void PinLock::restore(int failures, std::chrono::milliseconds wait, Clock::time_point now) {
    m_failures = std::max(0, failures);
    const auto w = std::clamp(wait, std::chrono::milliseconds(0), m_policy.maxDelay);
    m_retryAt = w.count() > 0 ? now + w : Clock::time_point{};
}

std::optional<PinAttempt> PinLock::beginAttempt(Clock::time_point now) const {
    if (m_volunteers.empty()) return PinAttempt::NoPin;
    if (now < m_retryAt) return PinAttempt::Throttled;
    return std::nullopt;
}

PinAttempt PinLock::finishAttempt(bool pinMatched, Clock::time_point now) {
    return finishAttempt(
        pinMatched ? std::optional<std::string>(hash().empty() ? std::string{} : m_volunteers.front().name)
                   : std::nullopt,
        now);
}

PinAttempt PinLock::finishAttempt(const std::optional<std::string>& volunteer, Clock::time_point now) {
    // Re-check the gate: a verdict that raced with a newer failure must not open the lock.
    if (auto gate = beginAttempt(now)) return *gate;
    if (volunteer) {
        m_unlocked = true;
        m_unlockedBy = *volunteer;
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
    PinFile check;
    check.volunteers = m_volunteers;
    return finishAttempt(check.match(pin), now);
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

std::string deskActor(const std::string& volunteer) {
    return volunteer.empty() ? std::string("desk") : "desk:" + volunteer;
}

}  // namespace kiosk::core
