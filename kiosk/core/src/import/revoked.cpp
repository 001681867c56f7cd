// pretix's revoked-secrets list (`kiosk import --revoked FILE`): the REST API's JSON
// (GET /api/v1/organizers/ORG/events/EVENT/revokedsecrets/ → {"results": [{"secret": …}, …]}, a
// bare array of those objects also works) or plain text with one secret per line.
#include <kiosk/core.hpp>

#include <nlohmann/json.hpp>

namespace kiosk::core {

Result<RevokedList> parseRevokedSecrets(std::string_view text) {
    RevokedList list;
    auto& out = list.secrets;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return list;
    if (text[first] == '{' || text[first] == '[') {
        const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) return Error{"revoked.json", "the file starts like JSON but is not valid JSON"};
        const nlohmann::json* results = &j;
        if (j.is_object()) {
            const auto it = j.find("results");
            if (it == j.end() || !it->is_array())
                return Error{
                    "revoked.no_results",
                    "no \"results\" list in this JSON: save pretix's revoked secrets from its REST API "
                    "(GET /api/v1/organizers/ORG/events/EVENT/revokedsecrets/)"};
            results = &*it;
        }
        if (!results->is_array()) return Error{"revoked.no_results", "expected a list of revoked secrets"};
        for (const auto& r : *results) {
            if (r.is_string()) {
                out.push_back(r.get<std::string>());
            } else if (r.is_object() && r.contains("secret") && r["secret"].is_string()) {
                out.push_back(r["secret"].get<std::string>());
            } else {
                return Error{"revoked.bad_entry", "an entry of the list has no \"secret\" text"};
            }
        }
        // pretix pages its API: a page with a "next" link is not the whole list.
        list.morePages = j.is_object() && j.contains("next") && j["next"].is_string();
        return list;
    }
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t nl = text.find('\n', pos);
        std::string_view line =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (!line.empty() && line.front() != '#') out.emplace_back(line);
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return list;
}

}  // namespace kiosk::core
