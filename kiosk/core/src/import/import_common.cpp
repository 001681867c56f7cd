// Text helpers, header matching and row bookkeeping shared by the three importers.
#include "import/import_detail.hpp"

#include <array>
#include <cctype>

namespace kiosk::core::import {

namespace {
bool isSpaceByte(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// Header names shown in messages: control characters would make the report itself hostile.
std::string displaySafe(std::string_view s) {
    std::string out;
    for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
    if (out.size() > 60) out = out.substr(0, 57) + "...";
    return out;
}
}  // namespace

std::string normalizeHeader(std::string_view h) {
    std::string out;
    out.reserve(h.size());
    bool pendingSpace = false;
    for (std::size_t i = 0; i < h.size(); ++i) {
        const auto c = static_cast<unsigned char>(h[i]);
        if (c == 0xEF && h.substr(i, 3) == "\xEF\xBB\xBF") {  // BOM left by concatenated files
            i += 2;
            continue;
        }
        if (c == 0xC2 && i + 1 < h.size() && static_cast<unsigned char>(h[i + 1]) == 0xA0) {  // NBSP
            pendingSpace = true;
            ++i;
            continue;
        }
        if (isSpaceByte(static_cast<char>(c))) {
            pendingSpace = true;
            continue;
        }
        if (pendingSpace && !out.empty()) out += ' ';
        pendingSpace = false;
        out += c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c);
    }
    return out;
}

Header::Header(const std::vector<std::string>& raw) : m_raw(raw) {
    m_norm.reserve(raw.size());
    for (const auto& r : raw) m_norm.push_back(normalizeHeader(r));
}

int Header::find(Aliases aliases) const {
    // Aliases are in order of preference: "attendee status" beats a plain "status".
    for (auto a : aliases)
        for (int i = 0; i < size(); ++i)
            if (m_norm[static_cast<std::size_t>(i)] == a) return i;
    return -1;
}

int Header::findAfter(int column, Aliases aliases) const {
    for (int i = column + 1; i < size(); ++i)
        for (auto a : aliases)
            if (m_norm[static_cast<std::size_t>(i)] == a) return i;
    return -1;
}

int Header::count(Aliases aliases) const {
    int n = 0;
    for (const auto& h : m_norm)
        for (auto a : aliases)
            if (h == a) {
                ++n;
                break;
            }
    return n;
}

bool isBlankRecord(const csv::CsvRecord& r) {
    if (!r.error.empty()) return false;
    for (const auto& f : r.fields)
        for (char c : f)
            if (!isSpaceByte(c)) return false;
    return true;
}

std::optional<std::string> cleanValue(std::string_view v, std::string& why) {
    std::string out;
    out.reserve(v.size());
    bool pendingSpace = false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto c = static_cast<unsigned char>(v[i]);
        bool space = false;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = true;
        } else if (c < 0x20 || c == 0x7F) {
            why = "control character";
            return std::nullopt;
        } else if (c == 0xC2 && i + 1 < v.size()) {
            const auto n = static_cast<unsigned char>(v[i + 1]);
            if (n >= 0x80 && n <= 0x9F) {  // C1 controls (U+0080–U+009F)
                why = "control character";
                return std::nullopt;
            }
            if (n == 0xA0) space = true;  // NBSP
        } else if (c == 0xE2 && i + 2 < v.size()) {
            const auto b1 = static_cast<unsigned char>(v[i + 1]);
            const auto b2 = static_cast<unsigned char>(v[i + 2]);
            // Bidi embeddings/overrides (U+202A–U+202E, U+2066–U+2069) can make a badge or a
            // screen show text in another order than it is stored.
            if ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9)) {
                why = "bidirectional control character";
                return std::nullopt;
            }
            if (b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9)) space = true;  // U+2028/2029 separators
        }
        if (space) {
            pendingSpace = true;
            if (c == 0xC2)
                i += 1;
            else if (c == 0xE2)
                i += 2;
            continue;
        }
        if (pendingSpace && !out.empty()) out += ' ';
        pendingSpace = false;
        out += static_cast<char>(c);
    }
    if (out.size() > kMaxValueBytes) {
        why = "value too long (" + std::to_string(out.size()) + " bytes, at most " +
              std::to_string(kMaxValueBytes) + ")";
        return std::nullopt;
    }
    return out;
}

bool takeValue(const csv::CsvRecord& r, const Header& h, int column, std::string& out, std::string& why) {
    if (column < 0) return true;
    std::string reason;
    auto v = cleanValue(cell(r, column), reason);
    if (!v) {
        if (why.empty()) why = reason + " in column '" + displaySafe(h.raw(column)) + "'";
        return false;
    }
    out = std::move(*v);
    return true;
}

std::string foldForMatch(std::string_view s) {
    // U+00C0–U+00FF, upper and lower case share the same folding.
    static constexpr std::array<std::string_view, 32> kLatin1{
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
        "d", "n", "o", "o", "o", "o", "o",  "x", "o", "u", "u", "u", "u", "y", "th", "ss"};
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            out += static_cast<char>(std::tolower(c));
        } else if (c == 0xC3 && i + 1 < s.size()) {
            const auto n = static_cast<unsigned char>(s[i + 1]);
            if (n >= 0x80 && n <= 0xBF) {
                const unsigned idx = (n - 0x80) & 0x1F;
                out += (n == 0xBF) ? std::string_view("y") : kLatin1[idx];
                ++i;
            } else {
                out += static_cast<char>(c);
            }
        } else if (c == 0xC2 && i + 1 < s.size()) {
            out += ' ';  // U+0080–U+00BF: NBSP, «», ·, ° … separate words
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

namespace {
std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && !std::isalnum(static_cast<unsigned char>(s[i])) &&
               static_cast<unsigned char>(s[i]) < 0x80)
            ++i;
        const std::size_t start = i;
        while (i < s.size() &&
               (std::isalnum(static_cast<unsigned char>(s[i])) || static_cast<unsigned char>(s[i]) >= 0x80))
            ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

bool anyWord(const std::vector<std::string_view>& ws, std::initializer_list<std::string_view> keys) {
    for (auto w : ws)
        for (auto k : keys)
            if (w == k) return true;
    return false;
}

bool isParticle(std::string_view token) {
    static constexpr std::array<std::string_view, 30> kParticles{
        "van", "von", "de", "der", "den", "du",  "des",    "della",  "delle", "degli",
        "di",  "da",  "do", "dos", "das", "le",  "la",     "ter",    "ten",   "te",
        "zu",  "el",  "al", "ben", "bin", "ibn", "vander", "vanden", "vande", "'t"};
    const std::string f = foldForMatch(token);
    for (auto p : kParticles)
        if (f == p) return true;
    // d'Ursel, l'Hermite: an elided particle glued to the name.
    return f.size() > 2 && (f[0] == 'd' || f[0] == 'l') && (f[1] == '\'');
}
}  // namespace

void splitFullName(std::string_view full, std::string& first, std::string& last) {
    std::vector<std::string_view> tokens;
    std::size_t i = 0;
    while (i < full.size()) {
        while (i < full.size() && full[i] == ' ') ++i;
        const std::size_t start = i;
        while (i < full.size() && full[i] != ' ') ++i;
        if (i > start) tokens.push_back(full.substr(start, i - start));
    }
    first.clear();
    last.clear();
    if (tokens.empty()) return;
    if (tokens.size() == 1) {
        first = std::string(tokens[0]);
        return;
    }
    std::size_t lastStart = tokens.size() - 1;
    for (std::size_t t = 1; t + 1 < tokens.size(); ++t)
        if (isParticle(tokens[t])) {
            lastStart = t;
            break;
        }
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        std::string& dst = t < lastStart ? first : last;
        if (!dst.empty()) dst += ' ';
        dst += tokens[t];
    }
}

std::string categoryFromProduct(std::string_view product) {
    const std::string folded = foldForMatch(product);
    const auto ws = words(folded);
    if (anyWord(ws, {"speaker", "speakers", "orateur", "oratrice", "orateurs", "intervenant", "intervenante",
                     "intervenants", "spreker", "sprekers", "keynote", "referent", "referentin", "panelist",
                     "panellist", "moderator", "moderateur", "moderatrice", "guest"}))
        return "speaker";
    if (anyWord(ws, {"staff", "crew", "volunteer", "volunteers", "benevole", "benevoles", "vrijwilliger",
                     "vrijwilligers", "helfer", "organizer", "organiser", "organisateur", "organisatrice",
                     "organisator", "orga"}))
        return "staff";
    if (anyWord(ws,
                {"press", "presse", "pers", "journalist", "journaliste", "journalisten", "media", "medias"}))
        return "press";
    return "participant";
}

std::optional<Language> languageFromText(std::string_view s) {
    if (auto l = languageFromCode(s)) return l;
    const std::string f = foldForMatch(s);
    const auto ws = words(f);
    if (anyWord(ws, {"francais", "french", "frans", "franzosisch", "francese", "frances"}))
        return Language::Fr;
    if (anyWord(ws,
                {"nederlands", "dutch", "neerlandais", "niederlandisch", "vlaams", "flemish", "olandese"}))
        return Language::Nl;
    if (anyWord(ws, {"english", "anglais", "engels", "englisch", "inglese", "ingles"})) return Language::En;
    // Any other locale code ("de", "es-ES"): an international guest; English is our lingua franca.
    if ((f.size() == 2 || ((f.size() == 5 || f.size() == 6) && (f[2] == '-' || f[2] == '_'))) &&
        std::isalpha(static_cast<unsigned char>(f[0])) && std::isalpha(static_cast<unsigned char>(f[1])))
        return Language::En;
    return std::nullopt;
}

int findLanguageColumn(const Header& h) {
    if (int c = h.find(
            {"order locale", "bestellsprache", "language", "langue", "taal", "lingua", "sprache", "locale"});
        c >= 0)
        return c;
    for (int i = 0; i < h.size(); ++i) {
        const std::string folded = foldForMatch(h.norm(i));  // words() views into it
        const auto ws = words(folded);
        if (anyWord(ws, {"language", "langue", "taal", "lingua", "sprache", "voertaal"})) return i;
    }
    return -1;
}

int findWorkingGroupColumn(const Header& h) {
    for (int i = 0; i < h.size(); ++i) {
        const std::string f = foldForMatch(h.norm(i));
        for (std::string_view key : {"working group", "working_group", "groupe de travail", "werkgroep",
                                     "arbeitsgruppe", "workshop", "atelier", "breakout"})
            if (f.find(key) != std::string::npos) return i;
    }
    return -1;
}

ImportRow& BatchBuilder::start(int line) {
    if (m_pending)
        m_batch.rows.back() = ImportRow{};  // the last row was never committed
    else
        m_batch.rows.emplace_back();
    m_pending = true;
    ImportRow& row = m_batch.rows.back();
    row.line = line;
    return row;
}

void BatchBuilder::reject(int line, std::string reason) {
    if (m_pending) {
        m_batch.rows.pop_back();
        m_pending = false;
    }
    m_batch.rejected.push_back(RejectedRow{line, std::move(reason)});
}

void BatchBuilder::commit() {
    if (!m_pending) return;
    const ImportRow& row = m_batch.rows.back();
    auto [it, inserted] = m_seen.emplace(row.attendee.externalId, row.line);
    if (!inserted) {
        reject(row.line, "duplicate of line " + std::to_string(it->second) + " (same " +
                             row.attendee.externalSource + " id '" + displaySafe(row.attendee.externalId) +
                             "')");
        return;
    }
    m_pending = false;
    if (m_target.sink && m_batch.rows.size() >= m_target.chunk) m_target.flush();
}

void RowTarget::flush() {
    if (!sink || batch.rows.empty()) return;
    std::vector<ImportRow> rows;
    rows.reserve(chunk + 1);
    rows.swap(batch.rows);
    (*sink)(std::move(rows), batch.source);
}

}  // namespace kiosk::core::import
