// The demo event: the 3rd annual meeting of the RRBSI (Brussels, 16 March 2018), 100 people.
// What it contains and why its doors are open around `now` is in docs/demo-event.md.
#include <kiosk/core.hpp>
#include <kiosk/core/payload.hpp>
#include "store/database_impl.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace kiosk::core {

namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_days;

constexpr std::string_view kEventId = kDemoEventId;

enum class Ticket { Member, Institution, Citizen, Keynote, Guest, Press, Staff };

std::string_view ticketName(Ticket t) {
    switch (t) {
        case Ticket::Member:
            return "Membre du réseau / Netwerklid";
        case Ticket::Institution:
            return "Institution / Instelling";
        case Ticket::Citizen:
            return "Citoyen·ne / Burger";
        case Ticket::Keynote:
            return "Keynote";
        case Ticket::Guest:
            return "Orateur·rice invité·e / Gastspreker";
        case Ticket::Press:
            return "Presse / Pers";
        case Ticket::Staff:
            return "Organisation / Organisatie";
    }
    return "";
}

// Afternoon working groups; the names read in FR and NL (and mostly EN) because badges are not
// translated per person.
constexpr std::array<std::string_view, 5> kGroups{
    "A · Climat / Klimaat / Climate",
    "B · Migration / Migratie",
    "C · Commerce équitable / Eerlijke handel",
    "D · Genre / Gender",
    "E · Citoyenneté mondiale / Wereldburgerschap",
};

struct Org {
    std::string_view name;
    // Mail domains are under the reserved .example TLD (RFC 2606): the people are invented and a
    // demo database must never be able to reach a real mailbox, whatever a later feature sends.
    std::string_view domain;
};

// Index into this table from the people below.
enum O : unsigned char {
    kRrbsi,
    kUlb,
    kVub,
    kSolidar,
    kBrusselsIntl,
    kHub,
    kSchaerbeek,
    kMolenbeek,
    kIxelles,
    kSaintGilles,
    kAnderlecht,
    kVilleBxl,
    kForest,
    kJette,
    kEtterbeek,
    kCncd,
    k111,
    kOxfam,
    kBroederlijk,
    kEntraide,
    kMdm,
    kSolsoc,
    kIlesPaix,
    kRikolto,
    kFos,
    kEnabel,
    kQuinoa,
    kMondeFemmes,
    kAutreTerre,
    kSosFaim,
    kKinBxl,
    kMatonge,
    kAmitie,
    kAnadolu,
    kPolonia,
    kLusa,
    kRomani,
    kCasaItalia,
    kHispano,
    kHellenic,
    kBalkan,
    kCire,
    kKuregem,
    kAnnoncer,
    kKleur,
    kJeunesClimat,
    kBruzz,
    kAlter,
    kMo,
    kCitizen,
};

constexpr Org kOrgs[] = {
    {"RRBSI — secrétariat / secretariaat", "rrbsi.example"},
    {"Université libre de Bruxelles (ULB)", "ulb.example"},
    {"Vrije Universiteit Brussel (VUB)", "vub.example"},
    {"Asociația Solidar Transilvania (Cluj-Napoca)", "solidar-transilvania.example"},
    {"Brussels International", "international.brussels.example"},
    {"hub.brussels", "hub.brussels.example"},
    {"Commune de Schaerbeek / Gemeente Schaarbeek", "schaerbeek.example"},
    {"Gemeente Molenbeek / Commune de Molenbeek-Saint-Jean", "molenbeek.example"},
    {"Commune d'Ixelles / Gemeente Elsene", "ixelles.example"},
    {"Commune de Saint-Gilles / Gemeente Sint-Gillis", "stgilles.example"},
    {"Commune d'Anderlecht / Gemeente Anderlecht", "anderlecht.example"},
    {"Ville de Bruxelles / Stad Brussel", "bruxelles.example"},
    {"Commune de Forest / Gemeente Vorst", "forest.example"},
    {"Gemeente Jette / Commune de Jette", "jette.example"},
    {"Commune d'Etterbeek / Gemeente Etterbeek", "etterbeek.example"},
    {"CNCD-11.11.11", "cncd.example"},
    {"11.11.11", "11.example"},
    {"Oxfam-Solidarité / Oxfam-Solidariteit", "oxfamsol.example"},
    {"Broederlijk Delen", "broederlijkdelen.example"},
    {"Entraide et Fraternité", "entraide.example"},
    {"Médecins du Monde Belgique", "mdm.example"},
    {"Solidarité Socialiste (Solsoc)", "solsoc.example"},
    {"Iles de Paix", "ilesdepaix.example"},
    {"Rikolto", "rikolto.example"},
    {"FOS — Fonds voor Ontwikkelingssamenwerking", "fos.example"},
    {"Enabel", "enabel.example"},
    {"Quinoa", "quinoa.example"},
    {"Le Monde selon les femmes", "mondefemmes.example"},
    {"Autre Terre", "autreterre.example"},
    {"SOS Faim", "sosfaim.example"},
    {"Kinshasa–Bruxelles Solidarité asbl", "kinbxl.example"},
    {"Matonge Vivant asbl", "matonge-vivant.example"},
    {"Amitié belgo-marocaine Molenbeek asbl", "amitie-bm.example"},
    {"Anadolu Dayanışma vzw", "anadolu.example"},
    {"Polonia Bruksela asbl", "polonia.example"},
    {"Associação Lusa de Bruxelas", "lusa-bxl.example"},
    {"Asociația Românilor din Bruxelles", "romani-bxl.example"},
    {"Casa Italia Saint-Gilles asbl", "casaitalia.example"},
    {"Asociación Hispano-Belga de Ixelles", "hispanobelga.example"},
    {"Communauté hellénique de Bruxelles", "hellenic-bxl.example"},
    {"Balkan Bridges vzw", "balkanbridges.example"},
    {"CIRÉ asbl", "cire.example"},
    {"Vrouwen van Kuregem vzw", "kuregem.example"},
    {"Annoncer la Couleur", "annoncerlacouleur.example"},
    {"Kleur Bekennen", "kleurbekennen.example"},
    {"Jeunes pour le Climat Bruxelles", "jeunesclimat.example"},
    {"BRUZZ", "bruzz.example"},
    {"Alter Échos", "alterechos.example"},
    {"MO* magazine", "mo.example"},
    {"", "mail.example"},  // citizens who registered in their own name
};
static_assert(std::size(kOrgs) == kCitizen + 1, "one entry per O");

struct Person {
    std::string_view first;
    std::string_view last;
    O org;
    std::string_view category;
    Ticket ticket;
    char group;  ///< 'A'..'E', or '-' for none (staff, speakers, press)
    Language language;
    std::string_view email = {};  ///< only where the name cannot be folded to ASCII
};

constexpr auto Fr = Language::Fr;
constexpr auto Nl = Language::Nl;
constexpr auto En = Language::En;
constexpr std::string_view P = "participant";
constexpr auto M = Ticket::Member;
constexpr auto I = Ticket::Institution;
constexpr auto C = Ticket::Citizen;

// Fixed order: externalId "demo-001"… follows it, so a re-run finds the same people.
constexpr Person kPeople[] = {
    // Organisers and volunteers of the network
    {"Marie-Claire", "Lefèvre", kRrbsi, "staff", Ticket::Staff, '-', Fr},
    {"Pieter", "Vandenbroucke", kRrbsi, "staff", Ticket::Staff, '-', Nl},
    {"Samira", "El Idrissi", kRrbsi, "staff", Ticket::Staff, '-', Fr},
    {"Jonas", "De Smedt", kRrbsi, "staff", Ticket::Staff, '-', Nl},
    {"Inês", "da Costa", kRrbsi, "staff", Ticket::Staff, '-', Fr},
    {"Kevin", "Nsimba", kRrbsi, "staff", Ticket::Staff, '-', En},
    // Speakers: the morning keynote and the guest from a partner network
    {"Véronique", "Mukendi Tshibangu", kUlb, "speaker", Ticket::Keynote, '-', Fr},
    {"Ioana", "Popescu", kSolidar, "speaker", Ticket::Guest, '-', En},
    // Press
    {"Thomas", "Janssens", kBruzz, "press", Ticket::Press, '-', Nl},
    {"Élodie", "Gérard", kAlter, "press", Ticket::Press, '-', Fr},
    {"Hind", "Amrani", kMo, "press", Ticket::Press, '-', Nl},
    // Brussels-Capital Region
    {"Nathalie", "Vanderlinden", kBrusselsIntl, P, I, 'E', Fr},
    {"Yasmina", "Boukhari", kBrusselsIntl, P, I, 'B', Fr},
    {"Bart", "Peeters", kHub, P, I, 'C', Nl},
    {"Sébastien", "Delcourt", kHub, P, I, 'C', Fr},
    // Municipalities
    {"Fatima Zahra", "Bennani", kSchaerbeek, P, I, 'B', Fr},
    {"Luc", "Verhaegen", kSchaerbeek, P, I, 'E', Fr},
    {"Ahmed", "Ouarzazi", kMolenbeek, P, I, 'B', Nl},
    {"Sarah", "Claes", kMolenbeek, P, I, 'D', Nl},
    {"Ana", "Rodríguez Martín", kIxelles, P, I, 'A', Fr},
    {"Paulo", "Gonçalves", kSaintGilles, P, I, 'E', Fr},
    {"Mustafa", "Çelik", kAnderlecht, P, I, 'B', Fr},
    {"Geneviève", "Dubois", kVilleBxl, P, I, 'A', Fr},
    {"Aurélie", "Lambert", kForest, P, I, 'D', Fr},
    {"Wouter", "Van Acker", kJette, P, I, 'A', Nl},
    {"Chloé", "Mertens", kEtterbeek, P, I, 'E', Fr},
    // Large civil-society organisations
    {"Zoë", "Dvořák", kCncd, P, M, 'C', Fr},
    {"Antoine", "Delvaux", kCncd, P, M, 'A', Fr},
    {"Nadia", "Haddouchi", kCncd, P, M, 'B', Fr},
    {"Lotte", "Wouters", k111, P, M, 'A', Nl},
    {"Bram", "Vermeulen", k111, P, M, 'C', Nl},
    {"Sofie", "Goossens", k111, P, M, 'E', Nl},
    {"Lucía", "Fernández", kOxfam, P, M, 'C', En},
    {"Koen", "Maes", kOxfam, P, M, 'A', Nl},
    {"Griet", "Van den Bossche", kBroederlijk, P, M, 'A', Nl},
    {"Ruben", "Willems", kBroederlijk, P, M, 'D', Nl},
    {"Benoît", "Collard", kEntraide, P, M, 'E', Fr},
    {"Dimitris", "Papadopoulos", kMdm, P, M, 'B', En},
    {"Giulia", "Russo", kSolsoc, P, M, 'D', Fr},
    {"Maxime", "Lemaire", kIlesPaix, P, M, 'A', Fr},
    {"An", "Vercammen", kRikolto, P, M, 'C', Nl},
    {"Hanne", "Claeys", kFos, P, M, 'D', Nl},
    {"Jean-Baptiste", "Kabasele", kEnabel, P, M, 'E', Fr},
    {"Oumar", "Sy", kSosFaim, P, M, 'C', Fr},
    {"Joaquim", "Pereira", kAutreTerre, P, M, 'C', Fr},
    // Small organisations and community associations
    {"Léa", "Fontaine", kQuinoa, P, M, 'E', Fr},
    {"Mathis", "Renard", kQuinoa, P, M, 'A', Fr},
    {"Aminata", "Diop", kMondeFemmes, P, M, 'D', Fr},
    {"Claire", "Hubert", kMondeFemmes, P, M, 'D', Fr},
    {"Jean-Pierre", "Mbuyi", kKinBxl, P, M, 'B', Fr},
    {"Grâce", "Kalonji", kKinBxl, P, M, 'D', Fr},
    {"Dieudonné", "Lukusa", kKinBxl, P, M, 'E', Fr},
    {"Béatrice", "Ngalula", kMatonge, P, M, 'D', Fr},
    {"Youssef", "El Khattabi", kAmitie, P, M, 'B', Fr},
    {"Khadija", "Aït Taleb", kAmitie, P, M, 'D', Fr},
    {"Şükrü", "Yılmaz", kAnadolu, P, M, 'B', Nl},
    {"Ayşe", "Öztürk", kAnadolu, P, M, 'D', Nl},
    {"Emre", "Kaya", kAnadolu, P, M, 'C', En},
    {"Łucja", "Wiśniewska", kPolonia, P, M, 'E', Fr},
    {"Paweł", "Kowalczyk", kPolonia, P, M, 'A', En},
    {"João", "Martins", kLusa, P, M, 'C', Fr},
    {"Ana Sofia", "Ribeiro", kLusa, P, M, 'B', Fr},
    {"Andrei", "Ionescu", kRomani, P, M, 'B', En},
    {"Mihaela", "Stănescu", kRomani, P, M, 'D', Fr},
    {"Francesca", "Bianchi", kCasaItalia, P, M, 'E', Fr},
    {"Álvaro", "Jiménez", kHispano, P, M, 'A', En},
    {"Núria", "Puig i Soler", kHispano, P, M, 'D', En},
    {"Eleni", "Georgiou", kHellenic, P, M, 'B', En},
    {"Мария", "Петрова", kBalkan, P, M, 'B', En, "maria.petrova@balkanbridges.example"},
    {"Georgi", "Dimitrov", kBalkan, P, M, 'E', Nl},
    {"Mamadou", "Baldé", kCire, P, M, 'B', Fr},
    {"Sophie", "Lejeune", kCire, P, M, 'B', Fr},
    {"Latifa", "Ben Saïd", kKuregem, P, M, 'D', Nl},
    {"Marieke", "Dewulf", kKuregem, P, M, 'D', Nl},
    {"Hélène", "Degrave", kAnnoncer, P, M, 'E', Fr},
    {"Jolien", "Segers", kKleur, P, M, 'E', Nl},
    {"Noé", "Van Hecke", kJeunesClimat, P, M, 'A', Fr},
    {"Amélie", "Brasseur", kJeunesClimat, P, M, 'A', Fr},
    // Researchers
    {"Elke", "Van Damme", kVub, P, M, 'B', Nl},
    {"François", "Lemaître", kUlb, P, M, 'C', Fr},
    // Citizens
    {"Tomáš", "Novák", kCitizen, P, C, 'A', En},
    {"Olivier", "Desmet", kCitizen, P, C, 'C', Fr},
    {"Fien", "Verstraete", kCitizen, P, C, 'A', Nl},
    {"Rachid", "Benali", kCitizen, P, C, 'B', Fr},
    {"Assia", "Lahlou", kCitizen, P, C, 'E', Fr},
    {"Gülşen", "Demir", kCitizen, P, C, 'D', Nl},
    {"Christophe", "Vandeputte", kCitizen, P, C, 'C', Fr},
    {"Aline", "Mukamana", kCitizen, P, C, 'D', Fr},
    {"Siobhan", "O'Connor", kCitizen, P, C, 'A', En},
    {"Kasia", "Zielińska", kCitizen, P, C, 'E', En},
    {"Jérôme", "Wauters", kCitizen, P, C, 'B', Fr},
    {"Ilse", "D'Hondt", kCitizen, P, C, 'C', Nl},
    {"Alexis", "Stavropoulos", kCitizen, P, C, 'A', En},
    {"Алексей", "Смирнов", kCitizen, P, C, 'C', En, "a.smirnov@mail.example"},
    {"Bogdan", "Nedelcu", kCitizen, P, C, 'B', Fr},
    {"Marta", "Šimková", kCitizen, P, C, 'E', En},
    {"Ahmet", "Güneş", kCitizen, P, C, 'A', Nl},
    {"Maëlle", "Thiry", kCitizen, P, C, 'D', Fr},
    {"Hugo", "Lefebvre", kCitizen, P, C, 'C', Fr},
    {"Raphaëlle", "Nzeza", kCitizen, P, C, 'E', Fr},
};
static_assert(std::size(kPeople) == 100, "the demo has 100 registered people");

// The local part of an e-mail address: the search folding (accents dropped, ł → l, ß → ss), then
// only what an address may hold; spaces ("Van den Bossche"), apostrophes ("O'Connor") and other
// scripts are dropped (such rows carry their address explicitly).
std::string foldForEmail(std::string_view s) {
    std::string out;
    for (const char c : foldForSearch(s))
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') out += c;
    return out;
}

std::string emailFor(const Person& p) {
    if (!p.email.empty()) return std::string(p.email);
    return foldForEmail(p.first) + "." + foldForEmail(p.last) + "@" + std::string(kOrgs[p.org].domain);
}

std::string externalIdFor(size_t index) {
    std::string n = std::to_string(index + 1);
    while (n.size() < 3) n.insert(n.begin(), '0');
    return "demo-" + n;
}

Event demoEvent(TimePoint now) {
    using namespace std::chrono;
    // 16 March 2018 in Brussels is CET (UTC+1): programme 09:00–17:30 local.
    const TimePoint day = time_point_cast<milliseconds>(sys_days{year{2018} / March / 16});
    Event e;
    e.id = std::string(kEventId);
    e.name =
        "3e rencontre annuelle du Réseau régional bruxellois de solidarité internationale (RRBSI) "
        "/ 3de jaarlijkse bijeenkomst van het Regionaal Brussels netwerk voor internationale "
        "solidariteit";
    e.venue =
        "BIP — Maison de la Région de Bruxelles-Capitale / Huis van het Brussels Hoofdstedelijk "
        "Gewest, rue Royale 2-4 Koningsstraat";
    e.city = "Bruxelles / Brussel";
    e.startsAt = day + hours{8};               // 09:00 CET
    e.endsAt = day + hours{16} + minutes{30};  // 17:30 CET
    // The real doors opened at 08:30 CET (07:30Z) on a day long past; a demo created today must
    // accept scans today, so the doors are open from an hour before `now` to twelve hours after
    // it. Passing now = 2018-03-16T08:30Z reproduces the historical morning.
    const TimePoint minute = time_point_cast<minutes>(now);
    e.doorsOpenAt = minute - hours{1};
    e.doorsCloseAt = minute + hours{12};
    e.defaultLanguage = Language::Fr;
    // The demo's branding is its event's, like any organiser's (kiosk demo adds the logo from
    // assets/images/rrbsi-2018-logo.png).
    e.shortName = "RRBSI 2018";
    e.tagline =
        "Réseau régional bruxellois de solidarité internationale / Regionaal Brussels netwerk voor "
        "internationale solidariteit";
    e.colour = "#16324f";
    e.accentColour = "#f29e1f";
    // Its people are invented and it is reopened for today: kept 30 days after `now`, as the
    // doors are, rather than warning that 2018's retention date has long passed.
    e.retentionDays = std::max(0, static_cast<int>(duration_cast<days>(now - e.endsAt).count())) + 30;
    return e;
}

}  // namespace

Status createDemoEvent(Database& db, TimePoint now) {
    auto existing = db.event();
    if (!existing) return existing.error();
    if (existing->has_value() && (*existing)->id != kEventId)
        return Error{"demo.other_event", "this database already holds the event \"" + (*existing)->id +
                                             "\"; create the demo in a new file (kiosk demo --db NEW.kiosk)"};

    std::set<std::string> present;
    if (existing->has_value()) {
        auto all = db.attendees();
        if (!all) return all.error();
        for (const Attendee& a : *all) {
            if (a.externalSource == "demo") present.insert(a.externalId);
            // A file carrying the demo's id that `kiosk demo` did not make (an import named its
            // event so) is someone's event: it must not become the demo and take the demo PIN.
            // Files of older releases are recognised by holding only the demo's people and
            // walk-ins added during a rehearsal.
            if (!(*existing)->demo && a.externalSource != "demo" && a.externalSource != "walkin")
                return Error{"demo.other_event", "this database holds the event \"" + (*existing)->id +
                                                     "\" with people not from the demo; create the demo in a "
                                                     "new file (kiosk demo --db NEW.kiosk)"};
        }
    }

    // Re-running the demo on its own database reopens the doors and adds only who is missing, so a
    // rehearsal the next day keeps yesterday's check-ins.
    if (Status s = db.m_impl->writeEvent(demoEvent(now), /*markDemo=*/true); !s) return s;
    // The demo shows a badge per kind: its speakers (the keynote and the guest from a partner
    // network) get the speaker template. Set once: an organiser's later change is kept.
    if (!existing->has_value()) {
        BadgeRuleChange speakers;
        speakers.match = BadgeMatch::Category;
        speakers.value = "speaker";
        speakers.templateName = "speaker";
        if (Status s = db.changeBadgeRules({speakers}, "demo", now); !s) return s;
    }

    for (size_t i = 0; i < std::size(kPeople); ++i) {
        const Person& p = kPeople[i];
        const std::string externalId = externalIdFor(i);
        if (present.count(externalId)) continue;
        Attendee a;
        a.firstName = std::string(p.first);
        a.lastName = std::string(p.last);
        a.organisation = std::string(kOrgs[p.org].name);
        a.category = std::string(p.category);
        a.ticketType = std::string(ticketName(p.ticket));
        if (p.group >= 'A' && p.group <= 'E') a.workingGroup = std::string(kGroups[p.group - 'A']);
        a.email = emailFor(p);
        a.language = p.language;
        a.status = AttendeeStatus::Registered;
        a.externalSource = "demo";
        a.externalId = externalId;
        auto added = db.addAttendee(std::move(a), "demo");
        if (!added) return added.error();
        // Issue the signed code now so `kiosk codes` and the badges show it without a write later.
        auto code = db.primaryCode(added->id);
        if (!code) return code.error();
    }
    return {};
}

}  // namespace kiosk::core
