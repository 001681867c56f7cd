// Eventbrite attendee reports: US and UK English, the newer report style and Italian headers
// (see docs/import.md for the alias table).
#include "import/import_detail.hpp"

namespace kiosk::core::import {

namespace {
constexpr std::string_view kOrder[] = {"order #",      "order no.", "order no",  "order id",
                                       "order number", "ordine n.", "id ordine", "n. ordine"};
constexpr std::string_view kAttendee[] = {"attendee #", "attendee no.", "attendee no", "attendee id",
                                          "attendee number"};
constexpr std::string_view kBarcode[] = {"barcode #",      "barcode no.",       "barcode",
                                         "barcode number", "n. codice a barre", "codice a barre"};
constexpr std::string_view kStatus[] = {"attendee status", "stato partecipante"};
constexpr std::string_view kFirst[] = {"first name", "nome"};
constexpr std::string_view kLast[] = {"last name", "surname", "cognome"};
constexpr std::string_view kName[] = {"name", "attendee name", "nome e cognome"};

enum class AttendeeState { Admitted, Cancelled, Unknown };

AttendeeState attendeeState(std::string_view v) {
    const std::string s = foldForMatch(v);
    // Only these two may enter (FORMATS.md); the others still import, with their codes revoked.
    if (s == "attending" || s == "checked in" || s == "checked-in") return AttendeeState::Admitted;
    if (s == "not attending" || s == "refunded" || s == "deleted" || s == "transferred" || s == "cancelled" ||
        s == "canceled")
        return AttendeeState::Cancelled;
    return AttendeeState::Unknown;
}

bool isDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char ch : s)
        if (ch < '0' || ch > '9') return false;
    return true;
}
}  // namespace

int scoreEventbrite(const Header& h) {
    int score = 0;
    if (h.find(kOrder) >= 0) score += 3;
    if (h.find(kAttendee) >= 0) score += 3;
    if (h.find(kStatus) >= 0) score += 3;
    if (h.find(kBarcode) >= 0) score += 3;
    if (h.find({"ticket type", "tipologia biglietto"}) >= 0) score += 1;
    if (h.find({"buyer name", "total paid", "eventbrite fees", "price tier", "ticket quantity"}) >= 0)
        score += 1;
    if (h.find(kFirst) >= 0 || h.find(kName) >= 0) score += 1;
    if (h.find(kLast) >= 0) score += 1;
    return score;
}

Status parseEventbrite(csv::CsvReader& reader, const Header& h, RowTarget& out) {
    const int cOrder = h.find(kOrder), cAttendee = h.find(kAttendee), cBarcode = h.find(kBarcode);
    const int cStatus = h.find(kStatus), cFirst = h.find(kFirst), cLast = h.find(kLast);
    const int cName = h.find(kName);
    const int cEmail = h.find({"email", "e-mail", "email address", "indirizzo e-mail"});
    const int cTicket = h.find({"ticket type", "ticket", "tipologia biglietto", "tipo di biglietto"});
    const int cCompany = h.find({"company", "organization", "organisation", "company name", "azienda"});
    const int cLanguage = findLanguageColumn(h);
    const int cGroup = findWorkingGroupColumn(h);
    if ((cFirst < 0 && cLast < 0 && cName < 0) || (cOrder < 0 && cAttendee < 0 && cBarcode < 0))
        return Error{
            "import.missing_columns",
            "this does not look like an Eventbrite attendee report: it needs 'First Name'/'Last Name' "
            "(or 'Name', 'Nome'/'Cognome') and one of 'Attendee #', 'Barcode #' or 'Order #'; export "
            "the attendee summary report, or choose another --format"};

    BatchBuilder builder(out);
    std::unordered_map<std::string, int> perOrder;
    csv::CsvRecord rec;
    std::string order, attendee, barcode, status, full, language, why;
    while (reader.next(rec)) {
        if (isBlankRecord(rec)) continue;
        if (!rec.error.empty()) {
            builder.reject(rec.line, rec.error);
            continue;
        }
        why.clear();
        order.clear();
        attendee.clear();
        barcode.clear();
        status.clear();
        full.clear();
        language.clear();
        ImportRow& row = builder.start(rec.line);
        Attendee& a = row.attendee;
        a.externalSource = "eventbrite";
        const bool ok =
            takeValue(rec, h, cOrder, order, why) && takeValue(rec, h, cAttendee, attendee, why) &&
            takeValue(rec, h, cBarcode, barcode, why) && takeValue(rec, h, cStatus, status, why) &&
            takeValue(rec, h, cFirst, a.firstName, why) && takeValue(rec, h, cLast, a.lastName, why) &&
            takeValue(rec, h, cName, full, why) && takeValue(rec, h, cEmail, a.email, why) &&
            takeValue(rec, h, cTicket, a.ticketType, why) &&
            takeValue(rec, h, cCompany, a.organisation, why) && takeValue(rec, h, cLanguage, language, why) &&
            takeValue(rec, h, cGroup, a.workingGroup, why);
        if (!ok) {
            builder.reject(rec.line, why);
            continue;
        }
        if (a.firstName.empty() && a.lastName.empty()) splitFullName(full, a.firstName, a.lastName);
        if (a.firstName.empty() && a.lastName.empty()) {
            builder.reject(rec.line, "missing name");
            continue;
        }
        if (cStatus >= 0) {
            switch (attendeeState(status)) {
                case AttendeeState::Admitted:
                    // "Checked In": entered through Eventbrite's own app (the report has no time).
                    row.checkedIn = foldForMatch(status).starts_with("checked");
                    break;
                case AttendeeState::Cancelled:
                    row.cancelled = true;
                    break;
                case AttendeeState::Unknown:
                    builder.reject(rec.line, status.empty()
                                                 ? "missing attendee status"
                                                 : "bad attendee status '" + status +
                                                       "' (expected Attending, Checked In, Not Attending, "
                                                       "Refunded, Deleted or Transferred)");
                    continue;
            }
        }
        // Codes: the barcode when the report has one. Without it, Eventbrite's barcode is
        // order number + attendee number + a short sequence: order+attendee digits go to
        // codePrefixes and the engine accepts a scanned all-digit payload that starts with them.
        if (!barcode.empty())
            row.codes.push_back(barcode);
        else if (isDigits(order) && isDigits(attendee))
            row.codePrefixes.push_back(order + attendee);
        if (!attendee.empty())
            a.externalId = attendee;
        else if (!barcode.empty())
            a.externalId = barcode;
        else if (!order.empty())
            a.externalId = order + "#" + std::to_string(++perOrder[order]);
        else {
            builder.reject(rec.line, "missing attendee number, barcode and order number");
            continue;
        }
        a.status = row.cancelled ? AttendeeStatus::Cancelled : AttendeeStatus::Registered;
        a.category = categoryFromProduct(a.ticketType);
        if (auto l = languageFromText(language)) {
            a.language = *l;
            row.languageGiven = true;
        }
        builder.commit();
    }
    return {};
}

}  // namespace kiosk::core::import
