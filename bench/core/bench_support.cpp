#include "bench_support.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace kiosk::bench {

namespace {
const char* const kFirst[] = {
    "Zoë",     "Şükrü",         "Łucja",     "Amélie",    "Pieter",    "Fatima",   "João",      "Ioana",
    "Mihaela", "Jean-Baptiste", "Véronique", "Noé",       "Maëlle",    "Ayşe",     "Gülşen",    "Paweł",
    "Tomáš",   "Núria",         "Álvaro",    "Inês",      "Griet",     "Wouter",   "Lotte",     "Bram",
    "Sofie",   "Youssef",       "Khadija",   "Rachid",    "Samira",    "Mamadou",  "Dieudonné", "Béatrice",
    "Grâce",   "Aminata",       "Oumar",     "Giulia",    "Francesca", "Dimitris", "Eleni",     "Мария",
    "Алексей", "Georgi",        "Bogdan",    "Andrei",    "Kasia",     "Marta",    "François",  "Hélène",
    "Chloé",   "Benoît",        "Sébastien", "Geneviève", "Élodie",    "Jérôme",   "Raphaëlle", "Léa",
    "Zoé",     "Luc",           "An",        "Emre",
};
const char* const kLast[] = {
    "Dvořák",
    "Yılmaz",
    "Lefèvre",
    "Lefebvre",
    "Wiśniewska",
    "Van den Bossche",
    "El Idrissi",
    "Öztürk",
    "Kowalczyk",
    "Novák",
    "Šimková",
    "Stănescu",
    "Popescu",
    "Gonçalves",
    "da Costa",
    "Martins",
    "Mukendi Tshibangu",
    "Kabasele",
    "Lukusa",
    "Ngalula",
    "Mbuyi",
    "Aït Taleb",
    "El Khattabi",
    "Bennani",
    "Çelik",
    "Güneş",
    "Demir",
    "Kaya",
    "Rodríguez Martín",
    "Jiménez",
    "Puig i Soler",
    "Fernández",
    "Papadopoulos",
    "Georgiou",
    "Петрова",
    "Смирнов",
    "Dimitrov",
    "Ionescu",
    "Russo",
    "Bianchi",
    "Peeters",
    "Janssens",
    "Maes",
    "Claes",
    "Wouters",
    "Goossens",
    "Vermeulen",
    "D'Hondt",
    "Dewulf",
    "Verstraete",
    "Lemaître",
    "Gérard",
    "Dubois",
    "Lambert",
    "Mertens",
    "Delvaux",
    "Collard",
    "Thiry",
    "Nzeza",
    "Mukamana",
    "Zielińska",
    "Lejeune",
    "Baldé",
    "Ben Saïd",
    "Vandeputte",
    "O'Connor",
    "Van Acker",
    "Lefort",
    "Lefranc",
    "Dvorak",
};
const char* const kOrgs[] = {
    "CNCD-11.11.11",
    "11.11.11",
    "Oxfam-Solidarité / Oxfam-Solidariteit",
    "Broederlijk Delen",
    "Entraide et Fraternité",
    "Quinoa",
    "Le Monde selon les femmes",
    "Commune de Schaerbeek",
    "Gemeente Molenbeek",
    "Commune d'Ixelles",
    "Ville de Bruxelles / Stad Brussel",
    "Brussels International",
    "hub.brussels",
    "Anadolu Dayanışma vzw",
    "Polonia Bruksela asbl",
    "Kinshasa–Bruxelles Solidarité asbl",
    "Médecins du Monde",
    "Iles de Paix",
    "Rikolto",
    "Enabel",
    "",
    "",
    "",
};
const char* const kCategories[] = {"participant", "participant", "participant", "participant", "participant",
                                   "participant", "speaker",     "staff",       "press"};
const char* const kGroups[] = {"A · Climat / Klimaat / Climate", "B · Migration / Migratie",
                               "C · Commerce équitable / Eerlijke handel", "D · Genre / Gender",
                               "E · Citoyenneté mondiale / Wereldburgerschap"};
template <class T, size_t N>
constexpr size_t countOf(const T (&)[N]) {
    return N;
}
}  // namespace

core::ImportBatch makePeople(int n) {
    core::ImportBatch batch;
    batch.detected = core::ImportFormat::Generic;
    batch.source = "generic";
    batch.rows.reserve(static_cast<size_t>(n));
    uint64_t x = 0x9E3779B97F4A7C15ull;  // fixed seed: the same people on every run
    auto next = [&x]() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    for (int i = 0; i < n; ++i) {
        core::ImportRow row;
        row.line = i + 2;
        auto& a = row.attendee;
        a.firstName = kFirst[next() % countOf(kFirst)];
        a.lastName = kLast[next() % countOf(kLast)];
        a.organisation = kOrgs[next() % countOf(kOrgs)];
        a.category = kCategories[next() % countOf(kCategories)];
        a.ticketType = "Standard";
        a.workingGroup = kGroups[next() % countOf(kGroups)];
        a.language = static_cast<core::Language>(next() % 3);
        char ext[32];
        std::snprintf(ext, sizeof ext, "bench-%06d", i + 1);
        a.externalSource = "generic";
        a.externalId = ext;
        a.email = std::string(ext) + "@bench.example";
        batch.rows.push_back(std::move(row));
    }
    return batch;
}

double percentile(std::vector<double> samples, double p) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
    return samples[std::min(samples.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::string describeDisk(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return "unknown";
    std::string device = "?", fstype = "?";
    std::ifstream mounts("/proc/self/mountinfo");
    for (std::string line; std::getline(mounts, line);) {
        std::istringstream in(line);
        std::string id, parent, majmin, root, mountPoint;
        in >> id >> parent >> majmin >> root >> mountPoint;
        if (majmin != std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev))) continue;
        std::string field;
        while (in >> field && field != "-") {
        }
        in >> fstype >> device;
    }
    std::string kind;
    const std::string name = device.rfind("/dev/", 0) == 0 ? device.substr(5) : "";
    if (!name.empty()) {
        std::ifstream rot("/sys/class/block/" + name + "/queue/rotational");
        int r = -1;
        if (rot >> r)
            kind = r ? " (kernel says rotational; virtio disks often do)" : " (kernel says non-rotational)";
    }
    return device + " " + fstype + kind;
}

std::string makeTempDir(const std::string& base) {
    std::string tmpl = base + "/kiosk-bench-XXXXXX";
    if (!mkdtemp(tmpl.data())) return "";
    return tmpl;
}

core::Event benchEvent() {
    using namespace std::chrono;
    const core::TimePoint now = core::nowUtc();
    core::Event e;
    e.id = "bench";
    e.name = "Benchmark event";
    e.venue = "BIP";
    e.city = "Bruxelles";
    e.startsAt = now;
    e.endsAt = now + hours{8};
    e.doorsOpenAt = now - hours{24};
    e.doorsCloseAt = now + hours{24};
    return e;
}

}  // namespace kiosk::bench
