#include <kiosk/core/types.hpp>

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace kiosk::core {

namespace {
constexpr std::array<std::pair<Outcome, std::string_view>, 12> kReasons{{
    {Outcome::CheckedIn, "checked_in"},
    {Outcome::AlreadyCheckedIn, "already_checked_in"},
    {Outcome::UnknownCode, "unknown_code"},
    {Outcome::Revoked, "revoked"},
    {Outcome::Cancelled, "cancelled"},
    {Outcome::WrongEvent, "wrong_event"},
    {Outcome::NotOpenYet, "not_open_yet"},
    {Outcome::Closed, "closed"},
    {Outcome::InvalidPayload, "invalid_payload"},
    {Outcome::TicketNotYetValid, "ticket_not_yet_valid"},
    {Outcome::TicketExpired, "ticket_expired"},
    {Outcome::Reentry, "reentry"},
}};
}  // namespace

TimePoint nowUtc() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string formatIso8601(TimePoint t) {
    const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
    const std::time_t tt = secs.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string formatIso8601Local(TimePoint t) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(t);
    const std::time_t tt = secs.time_since_epoch().count();
    std::tm tm{};
    localtime_r(&tt, &tm);
    const long off = tm.tm_gmtoff;  // seconds east of UTC, daylight saving included
    const long a = off < 0 ? -off : off;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', a / 3600,
                  (a % 3600) / 60);
    return buf;
}

std::optional<TimePoint> parseIso8601(std::string_view s) {
    // YYYY-MM-DD[(T|t| )hh:mm[:ss[.fff…]]][Z|±hh[:mm]] and nothing else: a time with garbage
    // after it, or an offset that cannot be read, is refused rather than half-read.
    std::size_t i = 0;
    auto digits = [&](int n, int& out) {
        if (i + static_cast<std::size_t>(n) > s.size()) return false;
        out = 0;
        for (int k = 0; k < n; ++k) {
            const char c = s[i + static_cast<std::size_t>(k)];
            if (c < '0' || c > '9') return false;
            out = out * 10 + (c - '0');
        }
        i += static_cast<std::size_t>(n);
        return true;
    };
    auto literal = [&](char c) {
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(4, y) || !literal('-') || !digits(2, mo) || !literal('-') || !digits(2, d))
        return std::nullopt;
    if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        ++i;
        if (!digits(2, h) || !literal(':') || !digits(2, mi)) return std::nullopt;
        if (literal(':')) {
            if (!digits(2, sec)) return std::nullopt;
            if (literal('.')) {  // fractional seconds are ignored
                const std::size_t start = i;
                while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
                if (i == start) return std::nullopt;
            }
        }
    }
    int offsetMinutes = 0;
    if (literal('Z') || literal('z')) {
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        const int sign = s[i] == '+' ? 1 : -1;
        ++i;
        int oh = 0, om = 0;
        if (!digits(2, oh)) return std::nullopt;
        // +01:00 and +0100 carry minutes; a bare +01 does not.
        const bool colon = literal(':');
        if ((colon || i < s.size()) && !digits(2, om)) return std::nullopt;
        if (oh > 23 || om > 59) return std::nullopt;
        offsetMinutes = sign * (oh * 60 + om);
    }
    if (i != s.size()) return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    using namespace std::chrono;
    const auto ymd = year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)};
    if (!ymd.ok()) return std::nullopt;
    const auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - minutes{offsetMinutes};
    return time_point_cast<milliseconds>(tp);
}

std::string_view reasonCode(Outcome o) {
    for (const auto& [k, v] : kReasons)
        if (k == o) return v;
    return "invalid_payload";
}

std::optional<Outcome> outcomeFromReasonCode(std::string_view code) {
    for (const auto& [k, v] : kReasons)
        if (v == code) return k;
    return std::nullopt;
}

bool admits(Outcome o) {
    return o == Outcome::CheckedIn || o == Outcome::Reentry;
}

std::string_view languageCode(Language l) {
    switch (l) {
        case Language::Fr:
            return "fr";
        case Language::Nl:
            return "nl";
        case Language::En:
            return "en";
    }
    return "fr";
}

std::optional<Language> languageFromCode(std::string_view code) {
    if (code.size() < 2) return std::nullopt;
    const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(code[0])));
    const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(code[1])));
    if (code.size() > 2 && code[2] != '-' && code[2] != '_') return std::nullopt;
    if (a == 'f' && b == 'r') return Language::Fr;
    if (a == 'n' && b == 'l') return Language::Nl;
    if (a == 'e' && b == 'n') return Language::En;
    return std::nullopt;
}

std::string Attendee::displayName() const {
    if (!badgeName.empty()) return badgeName;
    if (firstName.empty()) return lastName;
    if (lastName.empty()) return firstName;
    return firstName + " " + lastName;
}

}  // namespace kiosk::core
