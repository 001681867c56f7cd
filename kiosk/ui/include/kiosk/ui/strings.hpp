#pragma once
// UI text: per-language JSON files with dotted keys. `assets/lang/<lang>.json` holds the shell's
// and attendee screen's keys; every `assets/lang/<screen>/<lang>.json` (e.g. lang/desk/) is merged
// in, so each screen owns its own files. Nested objects are flattened: {"a": {"b": "x"}} is "a.b".
#include <kiosk/core/result.hpp>
#include <kiosk/core/types.hpp>

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kiosk::ui {

class Strings {
public:
    /// Loads fr, nl and en. Errors "ui.assets" with the file and the JSON error.
    static core::Result<Strings> load(const std::string& assetsDir);

    /// The text for `key` in `lang`; falls back to English, then to the key itself (so a missing
    /// translation is visible, never blank).
    const std::string& get(core::Language lang, std::string_view key) const;
    /// Replace "{name}" style placeholders.
    std::string format(core::Language lang, std::string_view key,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> args) const;
    bool has(core::Language lang, std::string_view key) const;
    /// A device state code ("running", "unreachable" …) in words: "status.state.<code>", or the
    /// code itself when no language has words for it.
    std::string stateWord(core::Language lang, std::string_view state) const;
    /// Keys present in one language but not another (for the completeness test).
    std::vector<std::string> missingKeys(core::Language lang, core::Language reference) const;
    /// Every text of every language (the font loader collects its code points).
    std::vector<std::string_view> allTexts() const;

private:
    using Table = std::unordered_map<std::string, std::string>;
    std::array<Table, 3> m_tables;
    mutable Table m_missing;  ///< keys asked for but absent everywhere (shown as the key)
};

/// Replace "{key}" placeholders in a text.
std::string substitute(std::string text,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> args);

}  // namespace kiosk::ui
