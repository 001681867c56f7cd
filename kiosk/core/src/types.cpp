#include <kiosk/core/types.hpp>

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace kiosk::core {

namespace {
constexpr std::array<std::pair<Outcome, std::string_view>, 9> kReasons{{
    {Outcome::CheckedIn, "checked_in"},
    {Outcome::AlreadyCheckedIn, "already_checked_in"},
    {Outcome::UnknownCode, "unknown_code"},
    {Outcome::Revoked, "revoked"},
    {Outcome::Cancelled, "cancelled"},
    {Outcome::WrongEvent, "wrong_event"},
    {Outcome::NotOpenYet, "not_open_yet"},
    {Outcome::Closed, "closed"},
    {Outcome::InvalidPayload, "invalid_payload"},
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

std::optional<TimePoint> parseIso8601(std::string_view s) {
    int y, mo, d, h = 0, mi = 0, sec = 0;
    char rest[16] = {};
    const std::string str(s.substr(0, 40));
    const int n = std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%15s", &y, &mo, &d, &h, &mi, &sec, rest);
    if (n < 3 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    using namespace std::chrono;
    const auto ymd = year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)};
    if (!ymd.ok()) return std::nullopt;
    auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec};
    std::string_view r(rest);
    if (!r.empty() && r.front() == '.') {  // fractional seconds are ignored
        size_t i = 1;
        while (i < r.size() && std::isdigit(static_cast<unsigned char>(r[i]))) ++i;
        r.remove_prefix(i);
    }
    if (!r.empty() && r != "Z") {
        int oh = 0, om = 0;
        const std::string off(r);
        if (std::sscanf(off.c_str() + 1, "%2d:%2d", &oh, &om) < 1 || (off[0] != '+' && off[0] != '-'))
            return std::nullopt;
        const auto delta = hours{oh} + minutes{om};
        tp = off[0] == '+' ? tp - delta : tp + delta;
    }
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

std::string_view languageCode(Language l) {
    switch (l) {
        case Language::Fr: return "fr";
        case Language::Nl: return "nl";
        case Language::En: return "en";
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
