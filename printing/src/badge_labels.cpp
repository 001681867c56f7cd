// Fixed badge and confirmation text in the attendee's language. Names are never translated.
#include "badge_internal.hpp"

#include <ctime>

#include <unordered_map>

namespace kiosk::printing {

namespace {
struct Entry {
    const char* fr;
    const char* nl;
    const char* en;
};

const std::unordered_map<std::string, Entry>& table() {
    static const std::unordered_map<std::string, Entry> t = {
        {"category.participant", {"Participant·e", "Deelnemer", "Participant"}},
        {"category.speaker", {"Intervenant·e", "Spreker", "Speaker"}},
        {"category.staff", {"Équipe", "Team", "Staff"}},
        {"category.organiser", {"Organisation", "Organisatie", "Organiser"}},
        {"category.organizer", {"Organisation", "Organisatie", "Organiser"}},
        {"category.press", {"Presse", "Pers", "Press"}},
        {"category.volunteer", {"Bénévole", "Vrijwilliger", "Volunteer"}},
        {"category.guest", {"Invité·e", "Gast", "Guest"}},
        {"category.partner", {"Partenaire", "Partner", "Partner"}},
        {"category.exhibitor", {"Exposant", "Exposant", "Exhibitor"}},
        {"label.working_group", {"Groupe de travail", "Werkgroep", "Working group"}},
        {"confirmation.title",
         {"Confirmation d’inscription", "Inschrijvingsbevestiging", "Registration confirmation"}},
        {"confirmation.show_code",
         {"Présentez ce code à l’entrée", "Toon deze code aan de ingang", "Show this code at the entrance"}},
        {"confirmation.step1",
         {"1. À votre arrivée, présentez ce code QR (imprimé ou sur votre téléphone) au lecteur de la borne "
          "d’accueil.",
          "1. Toon bij aankomst deze QR-code (afgedrukt of op je telefoon) aan de scanner van de "
          "onthaalzuil.",
          "1. When you arrive, hold this QR code (printed or on your phone) under the scanner of the welcome "
          "kiosk."}},
        {"confirmation.step2",
         {"2. Votre badge s’imprime aussitôt : prenez-le à côté de la borne et portez-le pendant toute la "
          "rencontre.",
          "2. Je badge wordt meteen afgedrukt: neem hem naast de zuil en draag hem tijdens de hele "
          "bijeenkomst.",
          "2. Your badge prints straight away: take it from beside the kiosk and wear it throughout the "
          "event."}},
        {"confirmation.step3",
         {"3. Un souci ? L’accueil vous aide avec votre nom ou la référence ci-dessous.",
          "3. Een probleem? Het onthaal helpt je verder met je naam of de referentie hieronder.",
          "3. Any problem? The help desk finds you by your name or the reference below."}},
        {"confirmation.reference", {"Référence", "Referentie", "Reference"}},
        {"confirmation.personal",
         {"Ce code est personnel : ne le partagez pas.", "Deze code is persoonlijk: deel hem niet.",
          "This code is personal: do not share it."}},
        {"label.date_place", {"Date et lieu", "Datum en plaats", "Date and place"}},
    };
    return t;
}

const char* kMonths[3][12] = {
    {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
     "novembre", "décembre"},
    {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
     "november", "december"},
    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"},
};
}  // namespace

std::string label(const std::string& key, core::Language lang) {
    auto it = table().find(key);
    if (it == table().end()) {
        // An unknown category still reads as a word: "category.workshop_host" -> "Workshop host".
        if (key.rfind("category.", 0) == 0 && key.size() > 9) {
            std::string s = key.substr(9);
            for (char& c : s)
                if (c == '_' || c == '-') c = ' ';
            if (s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
            return s;
        }
        return key;
    }
    switch (lang) {
        case core::Language::Fr:
            return it->second.fr;
        case core::Language::Nl:
            return it->second.nl;
        case core::Language::En:
            return it->second.en;
    }
    return it->second.en;
}

namespace detail {
/// "16–17 mars 2018", "30 March – 1 April 2018", "16 maart 2018".
/// "" when the event has no dates (not "1 janvier 1970"); the days are this machine's, like the
/// times `kiosk event` reads.
std::string formatEventDates(core::TimePoint start, core::TimePoint end, core::Language lang) {
    using namespace std::chrono;
    if (start == core::TimePoint{}) start = end;
    if (start == core::TimePoint{}) return "";
    auto localDay = [](core::TimePoint t) {
        const std::time_t secs = duration_cast<seconds>(t.time_since_epoch()).count();
        std::tm tm{};
        localtime_r(&secs, &tm);
        return year_month_day{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                              day{static_cast<unsigned>(tm.tm_mday)}};
    };
    const year_month_day a = localDay(start);
    const year_month_day b = localDay(end > start ? end : start);
    const int li = lang == core::Language::Fr ? 0 : lang == core::Language::Nl ? 1 : 2;
    auto day = [](const year_month_day& d) { return std::to_string(static_cast<unsigned>(d.day())); };
    auto month = [&](const year_month_day& d) {
        return std::string(kMonths[li][static_cast<unsigned>(d.month()) - 1]);
    };
    auto yearS = [](const year_month_day& d) { return std::to_string(static_cast<int>(d.year())); };
    if (a == b) return day(a) + " " + month(a) + " " + yearS(a);
    if (a.year() == b.year() && a.month() == b.month())
        return day(a) + "–" + day(b) + " " + month(a) + " " + yearS(a);
    if (a.year() == b.year())
        return day(a) + " " + month(a) + " – " + day(b) + " " + month(b) + " " + yearS(a);
    return day(a) + " " + month(a) + " " + yearS(a) + " – " + day(b) + " " + month(b) + " " + yearS(b);
}
}  // namespace detail

}  // namespace kiosk::printing
