#include <kiosk/ui/strings.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kiosk::ui {
namespace {

namespace fs = std::filesystem;

void flatten(const nlohmann::json& j, const std::string& prefix,
             std::unordered_map<std::string, std::string>& out) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object())
            flatten(*it, key, out);
        else if (it->is_string())
            out[key] = it->get<std::string>();
    }
}

core::Status loadFile(const fs::path& path, std::unordered_map<std::string, std::string>& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return core::Error{"ui.assets", "cannot read " + path.string() + ": check --assets / the install"};
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return core::Error{"ui.assets", path.string() + " is not a JSON object of strings: fix its syntax"};
    flatten(j, "", out);
    return {};
}

constexpr std::array<core::Language, 3> kLanguages{core::Language::Fr, core::Language::Nl,
                                                   core::Language::En};

}  // namespace

core::Result<Strings> Strings::load(const std::string& assetsDir) {
    Strings s;
    const fs::path langDir = fs::path(assetsDir) / "lang";
    for (std::size_t i = 0; i < kLanguages.size(); ++i) {
        const std::string code(core::languageCode(kLanguages[i]));
        auto st = loadFile(langDir / (code + ".json"), s.m_tables[i]);
        if (!st) return st.error();
        // Screens' own files: lang/<screen>/<code>.json, merged in a stable (sorted) order.
        std::vector<fs::path> extra;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(langDir, ec)) {
            if (!entry.is_directory()) continue;
            const fs::path candidate = entry.path() / (code + ".json");
            if (fs::exists(candidate)) extra.push_back(candidate);
        }
        std::sort(extra.begin(), extra.end());
        for (const auto& p : extra) {
            auto st2 = loadFile(p, s.m_tables[i]);
            if (!st2) return st2.error();
        }
    }
    return s;
}

const std::string& Strings::get(core::Language lang, std::string_view key) const {
    const std::string k(key);
    const auto& table = m_tables[static_cast<std::size_t>(lang)];
    if (auto it = table.find(k); it != table.end()) return it->second;
    const auto& en = m_tables[static_cast<std::size_t>(core::Language::En)];
    if (auto it = en.find(k); it != en.end()) return it->second;
    // Missing everywhere: remember the key itself so the reference stays valid.
    return m_missing.emplace(k, k).first->second;
}

bool Strings::has(core::Language lang, std::string_view key) const {
    return m_tables[static_cast<std::size_t>(lang)].count(std::string(key)) > 0;
}

std::string Strings::stateWord(core::Language lang, std::string_view state) const {
    const std::string key = "status.state." + std::string(state);
    if (has(lang, key) || has(core::Language::En, key)) return get(lang, key);
    return std::string(state);
}

std::vector<std::string> Strings::missingKeys(core::Language lang, core::Language reference) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : m_tables[static_cast<std::size_t>(reference)])
        if (!has(lang, k)) out.push_back(k);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string_view> Strings::allTexts() const {
    std::vector<std::string_view> out;
    for (const auto& t : m_tables)
        for (const auto& [k, v] : t) out.push_back(v);
    return out;
}

std::string substitute(std::string text,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> args) {
    for (const auto& [name, value] : args) {
        const std::string token = "{" + std::string(name) + "}";
        for (std::size_t pos = text.find(token); pos != std::string::npos;
             pos = text.find(token, pos + value.size()))
            text.replace(pos, token.size(), value);
    }
    return text;
}

std::string Strings::format(core::Language lang, std::string_view key,
                            std::initializer_list<std::pair<std::string_view, std::string_view>> args) const {
    return substitute(get(lang, key), args);
}

}  // namespace kiosk::ui
