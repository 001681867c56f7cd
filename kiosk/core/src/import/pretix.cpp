// pretix exports: the "Check-in list" exporter and the "Order data" positions sheet, with English
// and German headers (see docs/import.md for the alias table and ../shared/FORMATS.md).
#include "import/import_detail.hpp"

namespace kiosk::core::import {

namespace {
constexpr std::string_view kOrderCode[] = {"order code", "bestellnummer"};
constexpr std::string_view kAttendeeName[] = {"attendee name", "name teilnehmer*in", "name des teilnehmers",
                                              "teilnehmername", "name teilnehmer"};
constexpr std::string_view kCompany[] = {"company", "firma"};
constexpr std::string_view kInvoiceName[] = {"invoice address name", "rechnungsadresse: name"};
constexpr std::string_view kSecret[] = {"secret", "ticket secret", "ticket-secret", "ticket code",
                                        "ticket-code"};
constexpr std::string_view kEventSlug[] = {"event slug", "kurzname der veranstaltung"};

enum class NamePart { Given, Family, Middle, Other };

NamePart classifyPart(std::string_view label) {
    for (auto g : {"given name", "first name", "vorname", "prénom", "prenom", "voornaam"})
        if (label == g) return NamePart::Given;
    for (auto f : {"family name", "last name", "surname", "nachname", "familienname", "nom", "achternaam"})
        if (label == f) return NamePart::Family;
    for (auto m : {"middle name", "zweiter vorname", "weitere vornamen"})
        if (label == m) return NamePart::Middle;
    return NamePart::Other;  // title, salutation, calling name, transcriptions: not on badges
}

struct Columns {
    int order = -1, position = -1, status = -1, product = -1, variation = -1, name = -1;
    std::vector<std::pair<int, NamePart>> nameParts;
    int invoiceName = -1;                                    ///< the buyer's name: pretix's fallback
    std::vector<std::pair<int, NamePart>> invoiceNameParts;  ///< "Invoice address name: Given name" …
    int attendeeEmail = -1, email = -1, company = -1, invoiceCompany = -1, secret = -1;
    int language = -1, workingGroup = -1;
    int checkedIn = -1;  ///< check-in list: the time of the check-in at pretix, empty if none
};

Columns locate(const Header& h) {
    Columns c;
    c.order = h.find(kOrderCode);
    c.name = h.find(kAttendeeName);
    c.position = h.find({"position id"});
    // The German positions sheet calls "Position ID" just "Position"; only trust that bare word
    // in a file that also has the positions sheet's event slug column.
    if (c.position < 0 && h.find(kEventSlug) >= 0) c.position = h.find({"position"});
    c.status = h.find({"status"});
    c.product = h.find({"product", "produkt"});
    c.variation = h.find({"variation", "variante"});
    c.attendeeEmail =
        h.find({"attendee email", "attendee e-mail", "e-mail teilnehmer*in", "e-mail des teilnehmers"});
    c.email = h.find({"e-mail", "email"});
    c.secret = h.find(kSecret);
    c.checkedIn = h.find({"checked in", "eingecheckt"});
    c.language = findLanguageColumn(h);
    c.workingGroup = findWorkingGroupColumn(h);
    c.invoiceName = h.find(kInvoiceName);
    auto collectParts = [&](std::span<const std::string_view> prefixes, auto& parts) {
        for (int i = 0; i < h.size(); ++i) {
            const std::string& n = h.norm(i);
            for (auto prefix : prefixes) {
                if (n.size() > prefix.size() + 1 && n.compare(0, prefix.size(), prefix) == 0 &&
                    n[prefix.size()] == ':') {
                    std::string_view label(n);
                    label.remove_prefix(prefix.size() + 1);
                    while (!label.empty() && label.front() == ' ') label.remove_prefix(1);
                    parts.emplace_back(i, classifyPart(label));
                    break;
                }
            }
        }
    };
    collectParts(kAttendeeName, c.nameParts);
    collectParts(kInvoiceName, c.invoiceNameParts);
    // "Company" appears twice in the positions sheet: the attendee's, then the invoice address's
    // (right before "Invoice address name"). Name *and* position decide which is which.
    const int invoiceName = h.find(kInvoiceName);
    std::vector<int> companies;
    for (int i = 0; i < h.size(); ++i)
        for (auto a : kCompany)
            if (h.norm(i) == a) companies.push_back(i);
    for (int col : companies) {
        const bool isInvoice = invoiceName >= 0 && (col == invoiceName - 1 || col > invoiceName);
        if (isInvoice) {
            if (c.invoiceCompany < 0) c.invoiceCompany = col;
        } else if (c.company < 0) {
            c.company = col;
        } else if (c.invoiceCompany < 0) {
            c.invoiceCompany = col;
        }
    }
    return c;
}

enum class PositionState { Valid, Cancelled, Unknown };

PositionState positionState(std::string_view status) {
    const std::string s = foldForMatch(status);
    auto starts = [&](std::string_view p) { return s.compare(0, p.size(), p) == 0; };
    // pretix writes the order status label ("paid", "pending", …) or "canceled" for a cancelled
    // position, translated. Pending orders are imported as registered (see docs/import.md).
    if (starts("paid") || starts("bezahlt") || starts("pending") || starts("ausstehend") ||
        starts("confirmed"))
        return PositionState::Valid;
    if (starts("cancel") || starts("storniert") || starts("expired") || starts("abgelaufen") ||
        starts("refunded") || starts("erstattet"))
        return PositionState::Cancelled;
    return PositionState::Unknown;
}
}  // namespace

int scorePretix(const Header& h) {
    if (h.find(kOrderCode) < 0) return 0;
    int score = 3;
    if (h.find(kAttendeeName) >= 0) score += 2;
    if (h.find(kSecret) >= 0) score += 2;
    if (h.find(kEventSlug) >= 0) score += 2;
    if (h.find({"position id"}) >= 0) score += 1;
    if (h.find({"product", "produkt"}) >= 0) score += 1;
    if (h.find({"checked in", "eingecheckt"}) >= 0) score += 1;
    if (h.find({"order locale", "bestellsprache"}) >= 0) score += 1;
    return score;
}

Status parsePretix(csv::CsvReader& reader, const Header& h, RowTarget& out) {
    const Columns c = locate(h);
    bool hasParts = false;
    for (auto [col, part] : c.nameParts) hasParts |= part == NamePart::Given || part == NamePart::Family;
    for (auto [col, part] : c.invoiceNameParts)
        hasParts |= part == NamePart::Given || part == NamePart::Family;
    if (c.order < 0 || (c.name < 0 && c.invoiceName < 0 && !hasParts))
        return Error{"import.missing_columns",
                     "this does not look like a pretix export: it needs the columns 'Order code' and "
                     "'Attendee name' (or 'Bestellnummer' and 'Name Teilnehmer*in'); export the check-in "
                     "list or the order data (positions) from pretix, or choose another --format"};

    BatchBuilder builder(out);
    std::unordered_map<std::string, int> perOrder;  // occurrence counter when there is no id
    csv::CsvRecord rec;
    std::string product, variation, order, status, secret, full, part, company, locale, checkedIn, why;
    while (reader.next(rec)) {
        if (isBlankRecord(rec)) continue;
        if (!rec.error.empty()) {
            builder.reject(rec.line, rec.error);
            continue;
        }
        why.clear();
        ImportRow& row = builder.start(rec.line);
        Attendee& a = row.attendee;
        a.externalSource = "pretix";
        std::string position;
        order.clear();
        status.clear();
        secret.clear();
        full.clear();
        product.clear();
        variation.clear();
        company.clear();
        locale.clear();
        checkedIn.clear();
        bool ok =
            takeValue(rec, h, c.order, order, why) && takeValue(rec, h, c.position, position, why) &&
            takeValue(rec, h, c.status, status, why) && takeValue(rec, h, c.product, product, why) &&
            takeValue(rec, h, c.variation, variation, why) && takeValue(rec, h, c.secret, secret, why) &&
            takeValue(rec, h, c.company, a.organisation, why) &&
            takeValue(rec, h, c.attendeeEmail, a.email, why) && takeValue(rec, h, c.language, locale, why) &&
            takeValue(rec, h, c.workingGroup, a.workingGroup, why) &&
            takeValue(rec, h, c.checkedIn, checkedIn, why);
        if (ok && a.email.empty()) ok = takeValue(rec, h, c.email, a.email, why);
        if (ok && a.organisation.empty()) ok = takeValue(rec, h, c.invoiceCompany, a.organisation, why);
        // The attendee's name: its parts, else the full name; without either (a product that
        // does not ask for attendee names), the invoice address's name, as pretix's own
        // check-in shows it.
        auto takeName = [&](const std::vector<std::pair<int, NamePart>>& parts, int fullColumn) {
            std::string middle;
            for (auto [col, kind] : parts) {
                if (!ok) return;
                part.clear();
                ok = takeValue(rec, h, col, part, why);
                if (kind == NamePart::Given)
                    a.firstName = part;
                else if (kind == NamePart::Family)
                    a.lastName = part;
                else if (kind == NamePart::Middle)
                    middle = part;
            }
            if (!middle.empty()) a.firstName += a.firstName.empty() ? middle : " " + middle;
            if (ok && a.firstName.empty() && a.lastName.empty()) {
                full.clear();
                ok = takeValue(rec, h, fullColumn, full, why);
                if (ok) splitFullName(full, a.firstName, a.lastName);
            }
        };
        if (ok) takeName(c.nameParts, c.name);
        if (ok && a.firstName.empty() && a.lastName.empty()) takeName(c.invoiceNameParts, c.invoiceName);
        if (!ok) {
            builder.reject(rec.line, why);
            continue;
        }
        if (order.empty()) {
            builder.reject(rec.line, "missing order code");
            continue;
        }
        if (a.firstName.empty() && a.lastName.empty()) {
            builder.reject(rec.line, "missing name (order " + order + ")");
            continue;
        }
        if (c.status >= 0) {
            switch (positionState(status)) {
                case PositionState::Valid:
                    break;
                case PositionState::Cancelled:
                    row.cancelled = true;
                    break;
                case PositionState::Unknown:
                    builder.reject(rec.line, status.empty() ? "missing status"
                                                            : "bad status '" + status +
                                                                  "' (expected paid, pending or canceled)");
                    continue;
            }
        }
        a.status = row.cancelled ? AttendeeStatus::Cancelled : AttendeeStatus::Registered;
        a.ticketType = variation.empty() ? product : product + " – " + variation;
        a.category = categoryFromProduct(a.ticketType);
        if (auto l = languageFromText(locale)) {
            a.language = *l;
            row.languageGiven = true;
        }
        // Stable id of a position in pretix: ORDER-POSITIONID (what pretix itself shows). The
        // check-in list has no position id: the ticket secret identifies the position instead,
        // and without it the n-th row of that order.
        if (!position.empty())
            a.externalId = order + "-" + position;
        else if (!secret.empty())
            a.externalId = order + ":" + secret;
        else
            a.externalId = order + "#" + std::to_string(++perOrder[order]);
        if (!secret.empty()) row.codes.push_back(secret);
        // "Checked in" holds when the position was checked in at pretix (empty: not yet). A value
        // that is not a time still says yes ("Yes", "Ja"), with the import's time.
        if (const std::string f = foldForMatch(checkedIn);
            !f.empty() && f != "no" && f != "nein" && f != "false") {
            row.checkedIn = true;
            row.checkedInAt = parseExportTime(checkedIn);
        }
        builder.commit();
    }
    return {};
}

}  // namespace kiosk::core::import
