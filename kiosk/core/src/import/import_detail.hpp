#pragma once
// Internals shared by the importers (src/import/*.cpp). Not part of the facade.
#include <kiosk/core/csv.hpp>

#include <kiosk/core.hpp>

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kiosk::core::import {

/// Longest value we accept in an attendee field (kMaxImportValueBytes, public). Larger values are
/// not names; they reject the row instead of reaching badges and screens.
inline constexpr std::size_t kMaxValueBytes = kMaxImportValueBytes;

/// Header text as compared with the alias tables: white space trimmed (also NBSP) and collapsed,
/// ASCII lower-cased, a stray BOM removed. Non-ASCII letters are kept as they are.
std::string normalizeHeader(std::string_view h);

/// The header row, normalised, with look-ups by alias. Columns are found by name *and* position:
/// find() gives the first column carrying any alias, findAfter() the first one after a column.
class Header {
public:
    explicit Header(const std::vector<std::string>& raw);
    using Aliases = std::span<const std::string_view>;
    int find(Aliases aliases) const;
    int findAfter(int column, Aliases aliases) const;
    int count(Aliases aliases) const;
    int find(std::initializer_list<std::string_view> a) const { return find(Aliases(a.begin(), a.size())); }
    int findAfter(int column, std::initializer_list<std::string_view> a) const {
        return findAfter(column, Aliases(a.begin(), a.size()));
    }
    int count(std::initializer_list<std::string_view> a) const { return count(Aliases(a.begin(), a.size())); }
    const std::string& norm(int i) const { return m_norm[static_cast<std::size_t>(i)]; }
    const std::string& raw(int i) const { return m_raw[static_cast<std::size_t>(i)]; }
    int size() const { return static_cast<int>(m_norm.size()); }

private:
    std::vector<std::string> m_raw;
    std::vector<std::string> m_norm;
};

/// A cell of a record; "" when the column is absent or the row ends early (older exports).
inline std::string_view cell(const csv::CsvRecord& r, int column) {
    if (column < 0 || static_cast<std::size_t>(column) >= r.fields.size()) return {};
    return r.fields[static_cast<std::size_t>(column)];
}

/// Cleans one value for the database: trims, turns TAB/CR/LF into single spaces, collapses
/// runs of spaces. Other control characters (C0, DEL, C1) and over-long values are refused:
/// returns nullopt and sets `why`.
std::optional<std::string> cleanValue(std::string_view v, std::string& why);

/// ASCII-folded lower case of Latin letters (é→e, ß→ss, ø→o …), for keyword matching only.
std::string foldForMatch(std::string_view s);

/// Splits a one-column name ("Jean-Pierre Van den Bossche") into first and last name. The last
/// name starts at the first nobiliary/family particle after the first word (van, de, der, den,
/// du, des, della, di, da, le, la, ter, ten, von, zu, el, al, ben, ibn, bin, dos, das, mac…) or
/// else is the last word.
void splitFullName(std::string_view full, std::string& first, std::string& last);

/// "speaker" / "staff" / "press" / "participant" from a product or ticket-type name
/// (keywords in FR, NL, EN, DE; see docs/import.md).
std::string categoryFromProduct(std::string_view product);

/// fr/nl/en from a locale ("fr", "nl-BE", "en_GB") or a language name ("Français", "Nederlands",
/// "English", "Frans", "anglais" …). nullopt when not recognised.
std::optional<Language> languageFromText(std::string_view s);

/// Column holding a language answer or locale, among the usual question titles.
int findLanguageColumn(const Header& h);
/// Column holding a working-group / session answer, among the usual question titles.
int findWorkingGroupColumn(const Header& h);

/// Collects rows and rejections, and refuses a second row with an external id already seen.
/// Rows are built in place (start → fill → commit, or reject): a 100,000-row file then moves no
/// ImportRow at all.
/// Where a mapper's rows go: into the batch, or (streaming) to a sink every `chunk` rows.
struct RowTarget {
    ImportBatch& batch;
    const ImportRowSink* sink = nullptr;
    std::size_t chunk = 2048;
    /// Hands the committed rows to the sink (no-op without one).
    void flush();
};

class BatchBuilder {
public:
    explicit BatchBuilder(RowTarget& target) : m_target(target), m_batch(target.batch) {
        m_seen.reserve(target.batch.rows.capacity());
    }
    /// A new row at the end of the batch, for `line`.
    ImportRow& start(int line);
    /// Rejects `line`; drops the row being built, if any.
    void reject(int line, std::string reason);
    /// Keeps the row being built unless its external id repeats an earlier row's (then rejected).
    void commit();

private:
    RowTarget& m_target;
    ImportBatch& m_batch;
    bool m_pending = false;
    std::unordered_map<std::string, int> m_seen;  ///< externalId → line
};

/// Sets a cleaned attendee field from a cell; on refusal records `why` (once) with the column's
/// header name and returns false.
bool takeValue(const csv::CsvRecord& r, const Header& h, int column, std::string& out, std::string& why);

/// Format mappers: read every record after the header into `out`.
/// They return an Error only when required columns are missing.
Status parsePretix(csv::CsvReader& reader, const Header& h, RowTarget& out);
Status parseEventbrite(csv::CsvReader& reader, const Header& h, RowTarget& out);
Status parseGeneric(csv::CsvReader& reader, const Header& h, RowTarget& out);
Status parseIndicoCsv(csv::CsvReader& reader, const Header& h, RowTarget& out);
/// Indico's check-in API registration list (JSON). false: the JSON is not that list.
Result<bool> parseIndicoJson(std::string_view text, RowTarget& out);

/// A time as exports write it: ISO 8601 with Z or an offset, or wall-clock "YYYY-MM-DD HH:MM[:SS]"
/// / "DD/MM/YYYY HH:MM" in this machine's time zone (the kiosk runs where the event is).
std::optional<TimePoint> parseExportTime(std::string_view text);

/// Scores how well a header matches each format (0 = not at all).
int scorePretix(const Header& h);
int scoreEventbrite(const Header& h);
int scoreGeneric(const Header& h);
int scoreIndico(const Header& h);

/// True for records that hold nothing but empty cells (spreadsheets pad files with ",,,,").
bool isBlankRecord(const csv::CsvRecord& r);

}  // namespace kiosk::core::import
