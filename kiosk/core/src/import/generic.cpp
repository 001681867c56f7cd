// The kiosk's own generic CSV (documented in docs/import.md): for lists made by hand or exported
// from a registration system we do not know.
#include "import/import_detail.hpp"

namespace kiosk::core::import {

namespace {
constexpr std::string_view kFirst[] = {"first_name", "first name", "firstname", "given_name", "given name",
                                       "prénom",     "prenom",     "voornaam",  "vorname"};
constexpr std::string_view kLast[] = {"last_name", "last name", "lastname",   "family_name", "family name",
                                      "surname",   "nom",       "achternaam", "nachname"};
constexpr std::string_view kName[] = {"name", "full_name", "full name", "nom complet", "naam"};

enum class GenericState { Registered, Cancelled, Unknown };

GenericState genericState(std::string_view v) {
    const std::string s = foldForMatch(v);
    if (s.empty() || s == "registered" || s == "confirmed" || s == "active" || s == "attending" ||
        s == "paid" || s == "inscrit" || s == "inscrite" || s == "ingeschreven")
        return GenericState::Registered;
    if (s == "cancelled" || s == "canceled" || s == "refunded" || s == "not attending" || s == "deleted" ||
        s == "annule" || s == "annulee" || s == "geannuleerd")
        return GenericState::Cancelled;
    return GenericState::Unknown;
}
}  // namespace

int scoreGeneric(const Header& h) {
    if (h.find(kFirst) < 0 && h.find(kLast) < 0 && h.find(kName) < 0) return 0;
    // Our own snake_case names count most; any list with a name column scores at least 1.
    return 1 + 2 * h.count({"first_name", "last_name", "external_id", "working_group", "ticket_type"}) +
           h.count({"organisation", "category", "code", "status", "language", "email"});
}

Status parseGeneric(csv::CsvReader& reader, const Header& h, RowTarget& out) {
    const int cFirst = h.find(kFirst), cLast = h.find(kLast), cName = h.find(kName);
    const int cOrg = h.find({"organisation", "organization", "company", "org", "organisme", "organisatie"});
    const int cCategory = h.find({"category", "catégorie", "categorie", "categorie"});
    const int cTicket = h.find({"ticket_type", "ticket type", "ticket"});
    int cGroup = h.find({"working_group", "working group"});
    if (cGroup < 0) cGroup = findWorkingGroupColumn(h);
    const int cEmail = h.find({"email", "e-mail", "mail"});
    int cLanguage = h.find({"language", "lang", "langue", "taal"});
    if (cLanguage < 0) cLanguage = findLanguageColumn(h);
    const int cCode = h.find({"code", "codes", "barcode", "qr"});
    const int cId = h.find({"external_id", "external id", "id"});
    const int cStatus = h.find({"status"});
    if (cFirst < 0 && cLast < 0 && cName < 0)
        return Error{"import.missing_columns",
                     "the generic CSV needs a name: columns first_name and last_name (or name); see "
                     "docs/import.md for the format"};

    BatchBuilder builder(out);
    csv::CsvRecord rec;
    std::string full, language, codes, status, why;
    while (reader.next(rec)) {
        if (isBlankRecord(rec)) continue;
        if (!rec.error.empty()) {
            builder.reject(rec.line, rec.error);
            continue;
        }
        why.clear();
        full.clear();
        language.clear();
        codes.clear();
        status.clear();
        ImportRow& row = builder.start(rec.line);
        Attendee& a = row.attendee;
        a.externalSource = "generic";
        const bool ok =
            takeValue(rec, h, cFirst, a.firstName, why) && takeValue(rec, h, cLast, a.lastName, why) &&
            takeValue(rec, h, cName, full, why) && takeValue(rec, h, cOrg, a.organisation, why) &&
            takeValue(rec, h, cCategory, a.category, why) && takeValue(rec, h, cTicket, a.ticketType, why) &&
            takeValue(rec, h, cGroup, a.workingGroup, why) && takeValue(rec, h, cEmail, a.email, why) &&
            takeValue(rec, h, cLanguage, language, why) && takeValue(rec, h, cCode, codes, why) &&
            takeValue(rec, h, cId, a.externalId, why) && takeValue(rec, h, cStatus, status, why);
        if (!ok) {
            builder.reject(rec.line, why);
            continue;
        }
        if (a.firstName.empty() && a.lastName.empty()) splitFullName(full, a.firstName, a.lastName);
        if (a.firstName.empty() && a.lastName.empty()) {
            builder.reject(rec.line, "missing name");
            continue;
        }
        switch (genericState(status)) {
            case GenericState::Registered:
                break;
            case GenericState::Cancelled:
                row.cancelled = true;
                break;
            case GenericState::Unknown:
                builder.reject(rec.line, "bad status '" + status + "' (expected registered or cancelled)");
                continue;
        }
        if (!language.empty()) {
            auto l = languageFromText(language);
            if (!l) {
                builder.reject(rec.line, "bad language '" + language + "' (expected fr, nl or en)");
                continue;
            }
            a.language = *l;
            row.languageGiven = true;
        }
        // Several codes per person are separated by '|' (codes themselves may hold commas).
        std::size_t start = 0;
        while (start <= codes.size()) {
            std::size_t bar = codes.find('|', start);
            if (bar == std::string::npos) bar = codes.size();
            std::string code = codes.substr(start, bar - start);
            while (!code.empty() && code.back() == ' ') code.pop_back();
            while (!code.empty() && code.front() == ' ') code.erase(0, 1);
            if (!code.empty()) row.codes.push_back(std::move(code));
            start = bar + 1;
        }
        if (a.category.empty()) a.category = "participant";
        // Identity across re-imports: external_id, else the first code, else name + e-mail.
        if (a.externalId.empty() && !row.codes.empty()) a.externalId = row.codes.front();
        if (a.externalId.empty())
            a.externalId = "name:" + foldForMatch(a.firstName) + "|" + foldForMatch(a.lastName) + "|" +
                           foldForMatch(a.email);
        a.status = row.cancelled ? AttendeeStatus::Cancelled : AttendeeStatus::Registered;
        builder.commit();
    }
    return {};
}

}  // namespace kiosk::core::import
