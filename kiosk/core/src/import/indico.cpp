// Indico registrations: the check-in API's registration list saved as JSON, and the
// registrations CSV export (see docs/import.md and ../shared/FORMATS.md).
#include "import/import_detail.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>

namespace kiosk::core::import {

namespace {
constexpr std::string_view kId[] = {"id", "registration id", "friendly id"};
constexpr std::string_view kName[] = {"name", "full name"};
constexpr std::string_view kFirst[] = {"first name", "given name", "prénom", "vorname", "voornaam"};
constexpr std::string_view kLast[] = {"last name", "family name", "surname", "nom", "nachname", "achternaam"};
constexpr std::string_view kEmail[] = {"email address", "email", "e-mail"};
constexpr std::string_view kState[] = {"registration state", "state"};
constexpr std::string_view kCheckedIn[] = {"checked in", "checked-in"};
constexpr std::string_view kCheckinDate[] = {"check-in date", "checkin date", "checked in at"};
constexpr std::string_view kTags[] = {"tags"};
constexpr std::string_view kAffiliation[] = {"affiliation", "institution", "organisation", "organization",
                                             "company"};

enum class IndicoState { Admitted, Refused, Unknown };

/// Indico's registration states (model names and the CSV's titles): complete, pending, unpaid
/// may enter (as pretix's pending orders: the organiser filters before exporting); withdrawn and
/// rejected may not.
IndicoState indicoState(std::string_view v) {
    const std::string s = foldForMatch(v);
    if (s == "complete" || s == "completed" || s == "pending" || s == "unpaid" || s == "awaiting payment" ||
        s == "awaiting approval")
        return IndicoState::Admitted;
    if (s == "withdrawn" || s == "rejected" || s == "cancelled" || s == "canceled")
        return IndicoState::Refused;
    return IndicoState::Unknown;
}

std::optional<bool> yesNo(std::string_view v) {
    const std::string s = foldForMatch(v);
    if (s == "yes" || s == "true" || s == "1" || s == "y" || s == "oui" || s == "ja") return true;
    if (s.empty() || s == "no" || s == "false" || s == "0" || s == "n" || s == "non" || s == "nee" ||
        s == "nein")
        return false;
    return std::nullopt;
}

/// Category from Indico's tags ("Speaker", "Press" …): the same keywords as products.
std::string categoryFromTags(const std::vector<std::string>& tags) {
    for (const auto& t : tags)
        if (auto c = categoryFromProduct(t); c != "participant") return c;
    return "participant";
}

/// The same person in both exports: the check-in API's `id` is the registration's database id
/// and the CSV's `ID` its friendly id (another number), but a registration form holds one
/// registration per e-mail address. So the e-mail (lower case) identifies an Indico registration
/// across re-imports and across the two exports; without one, the export's own id.
std::string indicoIdentity(const std::string& email, const std::string& fallback) {
    if (email.empty()) return fallback;
    std::string id = "email:";
    for (char ch : email) id += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    return id;
}

std::string lowerAscii(std::string s) {
    for (char& ch : s)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return s;
}

bool isUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char ch = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (ch != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(ch))) {
            return false;
        }
    }
    return true;
}
}  // namespace

std::optional<TimePoint> parseExportTime(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    if (auto iso = parseIso8601(text)) return iso;
    const std::string s(text);
    std::tm tm{};
    int sec = 0, consumed = 0;
    bool ok = false;
    // Wall-clock times without a zone are the event's, which is where the kiosk runs.
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &sec, &consumed) == 6 &&
        static_cast<std::size_t>(consumed) == s.size())
        ok = true;  // NOLINT(bugprone-branch-clone): one branch per accepted format
    else if (consumed = 0, sec = 0;
             std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[ T]%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                         &tm.tm_hour, &tm.tm_min, &consumed) == 5 &&
             static_cast<std::size_t>(consumed) == s.size())
        ok = true;
    else if (consumed = 0, sec = 0; std::sscanf(s.c_str(), "%2d/%2d/%4d %2d:%2d%n", &tm.tm_mday, &tm.tm_mon,
                                                &tm.tm_year, &tm.tm_hour, &tm.tm_min, &consumed) == 5 &&
                                    (static_cast<std::size_t>(consumed) == s.size() ||
                                     std::sscanf(s.c_str() + consumed, ":%2d", &sec) == 1))
        ok = true;  // Indico's day-first format (European locales)
    if (!ok || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || sec > 60 || tm.tm_year < 1970)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    const std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return TimePoint{std::chrono::milliseconds{static_cast<int64_t>(t) * 1000}};
}

int scoreIndico(const Header& h) {
    if (h.find(kState) < 0) return 0;
    int score = 3;
    if (h.find(kCheckedIn) >= 0) score += 1;
    if (h.find(kCheckinDate) >= 0) score += 2;
    if (h.find({"email address"}) >= 0) score += 1;
    if (h.find(kId) >= 0) score += 1;
    if (h.find(kTags) >= 0) score += 1;
    return score;
}

Status parseIndicoCsv(csv::CsvReader& reader, const Header& h, RowTarget& out) {
    const int cId = h.find(kId), cName = h.find(kName), cFirst = h.find(kFirst), cLast = h.find(kLast);
    const int cEmail = h.find(kEmail), cState = h.find(kState), cChecked = h.find(kCheckedIn);
    const int cDate = h.find(kCheckinDate), cTags = h.find(kTags), cOrg = h.find(kAffiliation);
    const int cLanguage = findLanguageColumn(h), cGroup = findWorkingGroupColumn(h);
    if (cId < 0 || (cName < 0 && cFirst < 0 && cLast < 0))
        return Error{"import.missing_columns",
                     "this does not look like Indico's registrations export: it needs the columns 'ID' and "
                     "'Name' (or 'First Name'/'Last Name'); export the registrations as CSV from Indico's "
                     "registration management, or choose another --format"};
    BatchBuilder builder(out);
    csv::CsvRecord rec;
    std::string id, full, state, checked, date, tags, language, why;
    while (reader.next(rec)) {
        if (isBlankRecord(rec)) continue;
        if (!rec.error.empty()) {
            builder.reject(rec.line, rec.error);
            continue;
        }
        why.clear();
        for (auto* s : {&id, &full, &state, &checked, &date, &tags, &language}) s->clear();
        ImportRow& row = builder.start(rec.line);
        Attendee& a = row.attendee;
        a.externalSource = "indico";
        const bool ok =
            takeValue(rec, h, cId, id, why) && takeValue(rec, h, cName, full, why) &&
            takeValue(rec, h, cFirst, a.firstName, why) && takeValue(rec, h, cLast, a.lastName, why) &&
            takeValue(rec, h, cEmail, a.email, why) && takeValue(rec, h, cState, state, why) &&
            takeValue(rec, h, cChecked, checked, why) && takeValue(rec, h, cDate, date, why) &&
            takeValue(rec, h, cTags, tags, why) && takeValue(rec, h, cOrg, a.organisation, why) &&
            takeValue(rec, h, cLanguage, language, why) && takeValue(rec, h, cGroup, a.workingGroup, why);
        if (!ok) {
            builder.reject(rec.line, why);
            continue;
        }
        if (a.firstName.empty() && a.lastName.empty()) splitFullName(full, a.firstName, a.lastName);
        if (a.firstName.empty() && a.lastName.empty()) {
            builder.reject(rec.line, "missing name");
            continue;
        }
        if (id.empty()) {
            builder.reject(rec.line, "missing registration ID");
            continue;
        }
        if (cState >= 0) {
            switch (indicoState(state)) {
                case IndicoState::Admitted:
                    break;
                case IndicoState::Refused:
                    row.cancelled = true;
                    break;
                case IndicoState::Unknown:
                    builder.reject(rec.line, state.empty() ? "missing registration state"
                                                           : "bad registration state '" + state +
                                                                 "' (expected Completed, Pending, Unpaid, "
                                                                 "Withdrawn or Rejected)");
                    continue;
            }
        }
        const auto in = yesNo(checked);
        if (!in) {
            builder.reject(rec.line, "bad 'Checked in' value '" + checked + "' (expected Yes or No)");
            continue;
        }
        // A check-in date alone also says the person came in.
        row.checkedIn = *in || !date.empty();
        if (row.checkedIn) row.checkedInAt = parseExportTime(date);
        std::vector<std::string> tagList;
        std::size_t start = 0;
        while (start < tags.size()) {
            std::size_t comma = tags.find(',', start);
            if (comma == std::string::npos) comma = tags.size();
            std::string t = tags.substr(start, comma - start);
            while (!t.empty() && t.front() == ' ') t.erase(0, 1);
            while (!t.empty() && t.back() == ' ') t.pop_back();
            if (!t.empty()) tagList.push_back(std::move(t));
            start = comma + 1;
        }
        a.category = categoryFromTags(tagList);
        a.ticketType = tags;
        if (auto l = languageFromText(language)) {
            a.language = *l;
            row.languageGiven = true;
        }
        a.externalId = indicoIdentity(a.email, "id:" + id);
        a.status = row.cancelled ? AttendeeStatus::Cancelled : AttendeeStatus::Registered;
        builder.commit();
    }
    return {};
}

Result<bool> parseIndicoJson(std::string_view text, RowTarget& out) {
    const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return Error{"import.bad_json",
                     "the file starts like JSON but is not valid JSON; save the registration "
                     "list from Indico's check-in API again"};
    const nlohmann::json* list = &j;
    if (j.is_object())
        for (const char* key : {"registrations", "results", "items"})
            if (auto it = j.find(key); it != j.end() && it->is_array()) {
                list = &*it;
                break;
            }
    if (!list->is_array() ||
        (!list->empty() && (!(*list)[0].is_object() || !(*list)[0].contains("checkin_secret"))))
        return false;  // not Indico's registration list
    BatchBuilder builder(out);
    int index = 0;
    for (const auto& r : *list) {
        ++index;
        std::string why;
        if (!r.is_object()) {
            builder.reject(index, "registration #" + std::to_string(index) + " is not an object");
            continue;
        }
        auto str = [&](const char* key) -> std::string {
            const auto it = r.find(key);
            if (it == r.end() || it->is_null()) return {};
            if (it->is_string()) return it->get<std::string>();
            if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
            return {};
        };
        ImportRow& row = builder.start(index);
        Attendee& a = row.attendee;
        a.externalSource = "indico";
        auto clean = [&](const std::string& v, std::string& dst, const char* field) {
            if (!why.empty()) return;
            std::string reason;
            auto c = cleanValue(v, reason);
            if (!c)
                why = reason + " in '" + field + "'";
            else
                dst = std::move(*c);
        };
        std::string full, secret, state, regId;
        clean(str("full_name"), full, "full_name");
        clean(str("first_name"), a.firstName, "first_name");
        clean(str("last_name"), a.lastName, "last_name");
        clean(str("email"), a.email, "email");
        clean(str("checkin_secret"), secret, "checkin_secret");
        clean(str("state"), state, "state");
        clean(str("id").empty() ? str("registrant_id") : str("id"), regId, "id");
        std::string affiliation;
        // Indico's older registrants API (merged into the list by some tools) keeps the name
        // parts and the affiliation under personal_data.
        if (const auto pd = r.find("personal_data"); pd != r.end() && pd->is_object()) {
            auto pstr = [&](const char* key) {
                const auto it = pd->find(key);
                return it != pd->end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            if (a.firstName.empty()) clean(pstr("firstName"), a.firstName, "personal_data.firstName");
            if (a.lastName.empty()) clean(pstr("surname"), a.lastName, "personal_data.surname");
            if (a.email.empty()) clean(pstr("email"), a.email, "personal_data.email");
            clean(pstr("affiliation"), affiliation, "personal_data.affiliation");
        }
        a.organisation = affiliation;
        std::vector<std::string> tags;
        if (const auto t = r.find("tags"); t != r.end() && t->is_array())
            for (const auto& tag : *t) {
                std::string v;
                if (tag.is_string())
                    clean(tag.get<std::string>(), v, "tags");
                else if (tag.is_object() && tag.contains("title") && tag["title"].is_string())
                    clean(tag["title"].get<std::string>(), v, "tags");
                if (!v.empty()) tags.push_back(std::move(v));
            }
        const std::string where = "registration #" + std::to_string(index);
        if (!why.empty()) {
            builder.reject(index, why + " (" + where + ")");
            continue;
        }
        if (a.firstName.empty() && a.lastName.empty()) splitFullName(full, a.firstName, a.lastName);
        if (a.firstName.empty() && a.lastName.empty()) {
            builder.reject(index, "missing name (" + where + ")");
            continue;
        }
        secret = lowerAscii(secret);
        if (!isUuid(secret)) {
            builder.reject(index, "missing or malformed checkin_secret (" + where + ")");
            continue;
        }
        switch (indicoState(state)) {
            case IndicoState::Admitted:
                break;
            case IndicoState::Refused:
                row.cancelled = true;
                break;
            case IndicoState::Unknown:
                builder.reject(index, "bad state '" + state + "' (" + where +
                                          "; expected complete, pending, unpaid, withdrawn or rejected)");
                continue;
        }
        if (const auto ci = r.find("checked_in"); ci != r.end() && ci->is_boolean() && ci->get<bool>()) {
            row.checkedIn = true;
            for (const char* key : {"checked_in_dt", "checkin_dt", "checked_in_date"})
                if (auto when = parseExportTime(str(key))) {
                    row.checkedInAt = when;
                    break;
                }
        }
        for (std::size_t i = 0; i < tags.size(); ++i) a.ticketType += (i ? ", " : "") + tags[i];
        a.category = categoryFromTags(tags);
        a.externalId = indicoIdentity(a.email, regId.empty() ? "ticket:" + secret : "reg:" + regId);
        row.codes.push_back(secret);
        a.status = row.cancelled ? AttendeeStatus::Cancelled : AttendeeStatus::Registered;
        builder.commit();
    }
    return true;
}

}  // namespace kiosk::core::import
