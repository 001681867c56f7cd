// Every import format and alias table: pretix (check-in list, order positions, EN/DE, commas,
// Excel-style, semicolons, duplicated Company), Eventbrite (US, UK, newer, Italian, BOM) and the
// generic CSV; detection and the explicit override.
#include <kiosk/core.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace kiosk::core;

namespace {
std::string dataFile(const char* name) {
    return std::string(KIOSK_IMPORT_DATA) + "/" + name;
}

ImportBatch parseOk(std::string_view bytes, ImportFormat f = ImportFormat::Auto) {
    auto r = parseExport(bytes, f);
    if (!r) FAIL("parseExport failed: " << r.error().code << ": " << r.error().message);
    return std::move(r).value();
}

ImportBatch parseFileOk(const char* name, ImportFormat f = ImportFormat::Auto) {
    auto r = parseExportFile(dataFile(name), f);
    if (!r) FAIL("parseExportFile failed: " << r.error().code << ": " << r.error().message);
    return std::move(r).value();
}

const ImportRow& rowAt(const ImportBatch& b, int line) {
    for (const auto& r : b.rows)
        if (r.line == line) return r;
    FAIL("no imported row at line " << line);
    return b.rows.front();
}

std::string rejectionAt(const ImportBatch& b, int line) {
    for (const auto& r : b.rejected)
        if (r.line == line) return r.reason;
    return "";
}
}  // namespace

TEST_CASE("pretix check-in list, CSV with commas (all quoted), English headers") {
    const auto b = parseFileOk("pretix_checkin_en.csv");
    CHECK(b.detected == ImportFormat::Pretix);
    CHECK(b.source == "pretix");
    CHECK(b.rejected.empty());
    REQUIRE(b.rows.size() == 3);
    const auto& zoe = rowAt(b, 2);
    CHECK(zoe.attendee.firstName == "Zoë");  // name parts beat the composed "Dr. Zoë Dvořák"
    CHECK(zoe.attendee.lastName == "Dvořák");
    CHECK(zoe.attendee.organisation == "Université libre de Bruxelles");
    CHECK(zoe.attendee.ticketType == "Speaker ticket");
    CHECK(zoe.attendee.category == "speaker");
    CHECK(zoe.attendee.email == "zoe.dvorak@example.org");
    CHECK(zoe.attendee.workingGroup == "Migration & asylum");
    CHECK(zoe.attendee.externalSource == "pretix");
    CHECK(zoe.attendee.externalId == "RX7KQ:k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj");
    CHECK(zoe.codes == std::vector<std::string>{"k3n8s2qx9vrp4hd7tyw5mzca6bfge2uj"});
    CHECK_FALSE(zoe.cancelled);
    CHECK(zoe.attendee.language == Language::Fr);  // no locale column: the documented default
    CHECK(rowAt(b, 3).attendee.lastName == "Van den Bossche");
    // The third row's comment holds a quoted line break: the next record would start on line 6.
    CHECK(rowAt(b, 4).attendee.category == "staff");
}

TEST_CASE("pretix order positions, German, semicolons: duplicated Firma by name and position") {
    const auto b = parseFileOk("pretix_positions_de.csv");
    CHECK(b.detected == ImportFormat::Pretix);
    CHECK(b.rejected.empty());
    REQUIRE(b.rows.size() == 3);
    const auto& maelle = rowAt(b, 2);
    CHECK(maelle.attendee.firstName == "Maëlle");
    CHECK(maelle.attendee.lastName == "Peeters");
    CHECK(maelle.attendee.externalId == "AB12C-1");       // order code + position id
    CHECK(maelle.attendee.email == "maelle@example.be");  // attendee e-mail beats the order's
    // The attendee's own Firma is empty: the invoice address's Firma (the second column) fills in.
    CHECK(maelle.attendee.organisation == "Vlaamse Vredesbeweging");
    CHECK(maelle.attendee.ticketType == "Participant – Tarif solidaire");
    CHECK(maelle.attendee.language == Language::Nl);  // Bestellsprache
    CHECK_FALSE(maelle.cancelled);
    const auto& youssef = rowAt(b, 3);
    CHECK(youssef.cancelled);  // storniert
    CHECK(youssef.attendee.status == AttendeeStatus::Cancelled);
    CHECK(youssef.attendee.organisation == "Ligue des droits humains");  // first Firma, not the invoice's
    CHECK(youssef.attendee.email == "order@example.be");
    const auto& kim = rowAt(b, 4);
    CHECK_FALSE(kim.cancelled);  // ausstehend (pending) imports as registered
    CHECK(kim.attendee.category == "press");
    CHECK(kim.attendee.language == Language::En);
}

TEST_CASE("pretix order positions, English, two Company columns - Status canceled - locale") {
    const std::string data =
        "Event slug,Order code,Position ID,Status,Email,Product,Variation,Price,Attendee name,"
        "Attendee name: Given name,Attendee name: Family name,Attendee email,Company,Address,Ticket secret,"
        "Order comment,Follow-up date,Company,Invoice address name,Sales channel,Order locale\n"
        "rrbsi,QQ11A,1,paid,o@example.org,Keynote speaker,,0.00,Amina Tahiri,Amina,Tahiri,,CNCD-11.11.11,,"
        "s3cr3tabcdefghjkmnpq,,,Invoice Corp,Amina Tahiri,web,fr-BE\n"
        "rrbsi,QQ11A,2,canceled,o@example.org,Regular,,0.00,Bram Willems,Bram,Willems,,,,"
        "s4cr4tabcdefghjkmnpq,,,Invoice Corp,Amina Tahiri,web,de\n";
    const auto b = parseOk(data);
    CHECK(b.detected == ImportFormat::Pretix);
    REQUIRE(b.rows.size() == 2);
    CHECK(rowAt(b, 2).attendee.organisation == "CNCD-11.11.11");
    CHECK(rowAt(b, 2).attendee.language == Language::Fr);
    CHECK(rowAt(b, 2).attendee.category == "speaker");
    CHECK(rowAt(b, 2).attendee.externalId == "QQ11A-1");
    CHECK(rowAt(b, 2).codes == std::vector<std::string>{"s3cr3tabcdefghjkmnpq"});
    CHECK(rowAt(b, 3).cancelled);
    CHECK(rowAt(b, 3).attendee.organisation == "Invoice Corp");
    CHECK(rowAt(b, 3).attendee.language == Language::En);  // a locale that is not fr/nl/en
}

TEST_CASE("pretix Excel-style (minimal quoting), no secret column, only the composed name") {
    const std::string data =
        "Order code,Attendee name,Product,Price,Checked in,Checked out,Automatically checked "
        "in,E-mail,Company\r\n"
        "ZZ9PL,Anne-Sophie de la Croix,Ticket orateur,0.00,,,No,asdlc@example.be,\"Ville de Bruxelles, "
        "Service "
        "Égalité\"\r\n"
        "ZZ9PL,Mohammed Al Amrani,Bénévole,0.00,,,No,ma@example.be,\r\n"
        "ZZ9PL,Wim Vandenberghe,Standard,0.00,,,No,wim@example.be,\r\n";
    const auto b = parseOk(data);
    CHECK(b.detected == ImportFormat::Pretix);
    REQUIRE(b.rows.size() == 3);
    CHECK(rowAt(b, 2).attendee.firstName == "Anne-Sophie");
    CHECK(rowAt(b, 2).attendee.lastName == "de la Croix");
    CHECK(rowAt(b, 2).attendee.organisation == "Ville de Bruxelles, Service Égalité");
    CHECK(rowAt(b, 2).attendee.category == "speaker");
    CHECK(rowAt(b, 2).codes.empty());
    // Without position id or secret: the n-th row of the order.
    CHECK(rowAt(b, 2).attendee.externalId == "ZZ9PL#1");
    CHECK(rowAt(b, 3).attendee.externalId == "ZZ9PL#2");
    CHECK(rowAt(b, 3).attendee.lastName == "Al Amrani");
    CHECK(rowAt(b, 3).attendee.category == "staff");
    CHECK(rowAt(b, 4).attendee.lastName == "Vandenberghe");
}

TEST_CASE("pretix: bad status, missing order code and missing name are rejected with lines") {
    const std::string data =
        "Event slug,Order code,Position ID,Status,Product,Attendee name\n"
        "e,A1,1,paid,T,Ana Lopez\n"
        "e,A1,2,on hold,T,Ben Oz\n"
        "e,,3,paid,T,Cy Ray\n"
        "e,A1,4,paid,T,\n";
    const auto b = parseOk(data);
    CHECK(b.rows.size() == 1);
    CHECK(rejectionAt(b, 3).find("bad status 'on hold'") != std::string::npos);
    CHECK(rejectionAt(b, 4) == "missing order code");
    CHECK(rejectionAt(b, 5).find("missing name") != std::string::npos);
}

TEST_CASE("Eventbrite US with BOM and Barcode # - only Attending/Checked In may enter") {
    const auto b = parseFileOk("eventbrite_us.csv");
    CHECK(b.detected == ImportFormat::Eventbrite);
    CHECK(b.source == "eventbrite");
    REQUIRE(b.rows.size() == 3);
    const auto& aicha = rowAt(b, 2);
    CHECK(aicha.attendee.firstName == "Aïcha");
    CHECK(aicha.attendee.lastName == "Diallo");
    CHECK(aicha.attendee.externalId == "98765432");  // Attendee #
    CHECK(aicha.codes == std::vector<std::string>{"123456789098765432001"});
    CHECK(aicha.codePrefixes.empty());
    CHECK(aicha.attendee.organisation == "Oxfam-Solidarité");
    CHECK(aicha.attendee.language == Language::Fr);
    CHECK_FALSE(aicha.cancelled);
    CHECK_FALSE(rowAt(b, 3).cancelled);  // Checked In
    CHECK(rowAt(b, 3).attendee.category == "speaker");
    CHECK(rowAt(b, 3).attendee.language == Language::Nl);
    CHECK(rowAt(b, 4).cancelled);  // Refunded: imported, codes to be revoked
    CHECK(rowAt(b, 4).attendee.language == Language::En);
    CHECK(rejectionAt(b, 5).find("bad attendee status 'Waitlisted'") != std::string::npos);
}

TEST_CASE("Eventbrite statuses: Not Attending, Refunded, Deleted, Transferred are cancelled") {
    std::string data = "Order #,First Name,Last Name,Attendee #,Attendee Status\n";
    const char* statuses[] = {
        "Attending", "Checked In", "Not Attending", "Refunded", "Deleted", "Transferred", ""};
    int n = 0;
    for (const char* s : statuses) {
        data += "100,P" + std::to_string(n) + ",Q,5" + std::to_string(n) + "," + s + "\n";
        ++n;
    }
    const auto b = parseOk(data);
    REQUIRE(b.rows.size() == 6);
    CHECK_FALSE(rowAt(b, 2).cancelled);
    CHECK_FALSE(rowAt(b, 3).cancelled);
    for (int line = 4; line <= 7; ++line) CHECK(rowAt(b, line).cancelled);
    CHECK(rejectionAt(b, 8) == "missing attendee status");
}

TEST_CASE("Eventbrite UK English without barcode: order no. + attendee no. become a code prefix") {
    const auto b = parseFileOk("eventbrite_uk.csv");
    CHECK(b.detected == ImportFormat::Eventbrite);
    REQUIRE(b.rows.size() == 2);
    const auto& s = rowAt(b, 2);
    CHECK(s.attendee.firstName == "Siobhán");
    CHECK(s.attendee.lastName == "O'Brien");   // Surname
    CHECK(s.attendee.externalId == "778899");  // Attendee no.
    CHECK(s.codes.empty());
    CHECK(s.codePrefixes == std::vector<std::string>{"2233445566778899"});
    CHECK(rowAt(b, 3).cancelled);
}

TEST_CASE("Eventbrite newer report: Order ID, Name, Buyer Name") {
    const auto b = parseFileOk("eventbrite_new.csv");
    CHECK(b.detected == ImportFormat::Eventbrite);
    REQUIRE(b.rows.size() == 2);
    CHECK(rowAt(b, 2).attendee.firstName == "Marie-Claire");
    CHECK(rowAt(b, 2).attendee.lastName == "d'Ursel");
    CHECK(rowAt(b, 2).attendee.category == "staff");
    CHECK(rowAt(b, 2).attendee.externalId == "334455");
    CHECK(rowAt(b, 3).attendee.firstName == "Ahmed");
    CHECK(rowAt(b, 3).attendee.lastName == "Ben Salah");
    CHECK(rowAt(b, 3).cancelled);  // Transferred
}

TEST_CASE("Eventbrite Italian: Nome, Cognome, N. codice a barre, semicolons, BOM") {
    const auto b = parseFileOk("eventbrite_it.csv");
    CHECK(b.detected == ImportFormat::Eventbrite);
    REQUIRE(b.rows.size() == 2);
    CHECK(rowAt(b, 2).attendee.firstName == "Giulia");
    CHECK(rowAt(b, 2).attendee.lastName == "Rossi");
    CHECK(rowAt(b, 2).attendee.organisation == "ARCI");
    CHECK(rowAt(b, 2).codes == std::vector<std::string>{"445566778800112233001"});
    // No attendee number in this export: the barcode identifies the ticket.
    CHECK(rowAt(b, 2).attendee.externalId == "445566778800112233001");
    CHECK_FALSE(rowAt(b, 2).cancelled);  // no status column: everyone listed is attending
}

TEST_CASE("generic CSV: every column, several codes, cancelled, identity without external_id") {
    const auto b = parseFileOk("generic.csv");
    CHECK(b.detected == ImportFormat::Generic);
    CHECK(b.source == "generic");
    REQUIRE(b.rows.size() == 3);
    const auto& z = rowAt(b, 2);
    CHECK(z.attendee.organisation == "ULB");
    CHECK(z.attendee.category == "speaker");
    CHECK(z.attendee.ticketType == "Keynote");
    CHECK(z.codes == std::vector<std::string>{"RRBSI-ZOE-1", "k3n8s2qx9vrp4hd7"});
    CHECK(z.attendee.externalId == "p-0001");
    const auto& p = rowAt(b, 3);
    CHECK(p.attendee.language == Language::Nl);
    CHECK(p.attendee.workingGroup == "Migratie");
    CHECK(p.attendee.category == "participant");
    const auto& n = rowAt(b, 4);
    CHECK(n.cancelled);
    CHECK(n.attendee.language == Language::En);
    CHECK(n.attendee.externalId == "name:nadia|haddad|");
}

TEST_CASE("generic CSV: bad status and bad language are rejected - hand-made headers work") {
    const std::string data =
        "Prénom;Nom;Organisation;Langue;Status\n"
        "Élodie;Martin;Médecins du Monde;Français;\n"
        "Ana;Silva;;pt-BR;\n"
        "Jo;Kim;;klingon;\n"
        "Li;Wei;;en;maybe\n";
    const auto b = parseOk(data);
    CHECK(b.detected == ImportFormat::Generic);
    REQUIRE(b.rows.size() == 2);
    CHECK(rowAt(b, 2).attendee.firstName == "Élodie");
    CHECK(rowAt(b, 2).attendee.lastName == "Martin");
    CHECK(rowAt(b, 2).attendee.language == Language::Fr);
    CHECK(rowAt(b, 3).attendee.language == Language::En);
    CHECK(rejectionAt(b, 4).find("bad language 'klingon'") != std::string::npos);
    CHECK(rejectionAt(b, 5).find("bad status 'maybe'") != std::string::npos);
}

TEST_CASE("format override and errors: wrong format, unknown header, empty, UTF-16") {
    const std::string pretix = "Order code,Attendee name,Product\nAB,Zoë D,T\n";
    CHECK(parseOk(pretix).detected == ImportFormat::Pretix);
    auto asEventbrite = parseExport(pretix, ImportFormat::Eventbrite);
    REQUIRE_FALSE(asEventbrite.ok());
    CHECK(asEventbrite.error().code == "import.missing_columns");
    auto asGeneric = parseExport(pretix, ImportFormat::Generic);
    REQUIRE_FALSE(asGeneric.ok());
    CHECK(asGeneric.error().code == "import.missing_columns");

    // An Eventbrite-like header forced to generic reads the names.
    const auto forced = parseOk("Order #,First Name,Last Name,Attendee #\n1,A,B,2\n", ImportFormat::Generic);
    CHECK(forced.detected == ImportFormat::Generic);
    CHECK(forced.rows.at(0).attendee.externalSource == "generic");

    auto unknown = parseExport("foo,bar\n1,2\n");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == "import.unknown_format");
    CHECK(unknown.error().message.find("'foo'") != std::string::npos);

    auto empty = parseExport("\r\n\r\n");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().code == "import.empty");

    auto utf16 = parseExport(std::string("\xFF\xFEO\0r\0", 6));
    REQUIRE_FALSE(utf16.ok());
    CHECK(utf16.error().code == "import.utf16");

    auto missing = parseExportFile("/nonexistent/kiosk/attendees.csv");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == "io.open");
}

TEST_CASE("duplicate external ids in one file: the second row is rejected") {
    const auto b = parseOk("first_name,last_name,external_id\nA,B,x1\nC,D,x1\n");
    REQUIRE(b.rows.size() == 1);
    CHECK(rejectionAt(b, 3).find("duplicate of line 2") != std::string::npos);
}

TEST_CASE("name splitting, categories and languages") {
    // One-column names are split as the generic CSV (and Eventbrite, Indico, pretix without
    // name parts) import them.
    const auto names =
        parseOk("name\nJean-Pierre Van den Bossche\nAna Maria da Silva\nZoë Dvořák\nMadonna\nJan De\n",
                ImportFormat::Generic);
    CHECK(names.rejected.empty());
    CHECK(rowAt(names, 2).attendee.firstName == "Jean-Pierre");
    CHECK(rowAt(names, 2).attendee.lastName == "Van den Bossche");
    CHECK(rowAt(names, 3).attendee.firstName == "Ana Maria");
    CHECK(rowAt(names, 3).attendee.lastName == "da Silva");
    CHECK(rowAt(names, 4).attendee.firstName == "Zoë");
    CHECK(rowAt(names, 4).attendee.lastName == "Dvořák");
    CHECK(rowAt(names, 5).attendee.firstName == "Madonna");
    CHECK(rowAt(names, 5).attendee.lastName.empty());
    CHECK(rowAt(names, 6).attendee.lastName == "De");  // a particle as last word is a surname ("De")

    // The category comes from pretix's product name (keywords in FR, NL, EN, DE).
    const auto products = parseOk(
        "Order code,Attendee name,Product,Secret\n"
        "A1,Ann One,Ticket orateur·rice,s1\n"
        "A2,Bob Two,Spreker,s2\n"
        "A3,Cis Three,Bénévole,s3\n"
        "A4,Dirk Four,Vrijwilliger,s4\n"
        "A5,Eva Five,Presse / Pers,s5\n"
        "A6,Fien Six,Personal ticket,s6\n"
        "A7,Gert Seven,,s7\n",
        ImportFormat::Pretix);
    CHECK(products.rejected.empty());
    CHECK(rowAt(products, 2).attendee.category == "speaker");
    CHECK(rowAt(products, 3).attendee.category == "speaker");
    CHECK(rowAt(products, 4).attendee.category == "staff");
    CHECK(rowAt(products, 5).attendee.category == "staff");
    CHECK(rowAt(products, 6).attendee.category == "press");
    CHECK(rowAt(products, 7).attendee.category == "participant");  // "pers" is a word, not a prefix
    CHECK(rowAt(products, 8).attendee.category == "participant");

    // Languages from a locale or a language name; an unknown one is refused by the generic CSV.
    const auto langs = parseOk(
        "name,language\nA One,nl-BE\nB Two,Nederlands\nC Three,anglais\nD Four,de\nE Five,\nF Six,whatever\n",
        ImportFormat::Generic);
    CHECK(rowAt(langs, 2).attendee.language == Language::Nl);
    CHECK(rowAt(langs, 3).attendee.language == Language::Nl);
    CHECK(rowAt(langs, 4).attendee.language == Language::En);
    CHECK(rowAt(langs, 5).attendee.language == Language::En);
    CHECK(rowAt(langs, 5).languageGiven);
    CHECK_FALSE(rowAt(langs, 6).languageGiven);
    CHECK(rejectionAt(langs, 7).find("bad language 'whatever'") == 0);
}

TEST_CASE("blank and padding rows are skipped silently, line numbers stay physical") {
    const auto b = parseOk("first_name,last_name\n,\n\nA,B\n  ,  \nC,D\n");
    REQUIRE(b.rows.size() == 2);
    CHECK(b.rejected.empty());
    CHECK(b.rows[0].line == 4);
    CHECK(b.rows[1].line == 6);
}
